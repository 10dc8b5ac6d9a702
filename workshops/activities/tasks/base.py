"""What the media-literacy task kinds share: open/closed/revealed, timer, team or individual
answers, optional team points, views that hide right answers until the reveal.

A kind only says how to validate an answer, whether it is right, how answers add up,
and what of its config pupils may see before and after the reveal.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field

from ..base import ActionModel, Activity, Ctx, OpenCloseReveal, Rejected, Says, Seat, StepBase
from ..text import Image, Text, as_map


class TaskStep(StepBase):
    """Fields every task has."""

    image: Image | None = None
    image_alt: Text | None = None
    explanation: Text | None = Field(default=None, description="Shown on the projector and phones at the reveal")
    timer: int | None = Field(default=None, ge=5, le=900, description="Seconds to answer; none means no timer")
    answer_by: Literal["individual", "team"] = Field(
        default="individual", description="team: one answer per team, any member may give or change it"
    )
    points: int = Field(default=0, ge=0, le=100, description="Points a team gets for a right answer (0: no points)")


@dataclass(frozen=True)
class TaskState:
    phase: Literal["open", "closed", "revealed"]
    answers: dict[str, Any] = field(default_factory=dict)  # voter (seat, or team) -> answer
    by: dict[str, str] = field(default_factory=dict)  # voter -> the seat that answered last
    closes_at: float | None = None
    paused_left: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # kind-specific (e.g. moderation)


class TaskKind(OpenCloseReveal, Activity[TaskStep, TaskState]):
    """A task with one answer per voter. Subclasses set `answer` and override the hooks."""

    answer: ClassVar[type[ActionModel]]
    extra_host_actions: ClassVar[dict[str, type[ActionModel]]] = {}
    # docs/protocol.md's table of this kind's view fields (python3 -m workshops.protocol_doc)
    view_doc = """
The task kinds share these fields, and add their own in the tables after this one.

| field | `host_view` | `screen_view` | `pupil_view` | `own_view` | meaning |
| --- | --- | --- | --- | --- | --- |
| `image` | ✓ | ✓ | ✓ |  | an image file name, or `null` |
| `image_alt` | ✓ | ✓ | ✓ |  | text |
| `answer_by` | ✓ | ✓ | ✓ |  | `"individual"` or `"team"` (one answer per team; any member may give or change it) |
| `points` | ✓ | ✓ | ✓ |  | points a team gets for a right answer (0: none), counted in `scores` once revealed |
| `phase` | ✓ | ✓ | ✓ |  | `"open"`, `"closed"` or `"revealed"` |
| `closes_at` | ✓ | ✓ | ✓ |  | time the answering closes, or `null` |
| `answered` | ✓ | ✓ |  |  | how many answers (pupils, or teams) |
| `total` | ✓ | ✓ |  |  | how many can answer (pupils who are not station leaders, or teams with members) |
| `results` | ✓ | ✓ | ✓ |  | how the answers add up, no names (by kind, below); projector and phones: only once revealed (`open`: the projector always) |
| `explanation` | ✓ | ✓ | ✓ |  | text; projector and phones: only once revealed |
| `answered_by` | ✓ |  |  | ✓ | host: the seats that gave the answers; own (team tasks): the nickname of the teammate who answered last |
| `mine` |  |  |  | ✓ | this pupil's (or team's) answer as stored, `null` if none; its form is in the kind's table |
| `team` |  |  |  | ✓ | whether the task is answered by teams |
| `right` |  |  |  | ✓ | once revealed, for an answer given to a task with a right answer: whether it is right |
"""  # noqa: E501
    strings = {
        "all_right_n": Says(
            en="{n} of {total} got everything right",
            fi="{n}/{total} sai kaiken oikein",
            sv="{n} av {total} hade allt rätt",
        ),
        "answered_for_team": Says(
            en="{nick} answered for your team.",
            fi="{nick} vastasi tiiminne puolesta.",
            sv="{nick} svarade för ert lag.",
        ),
        # the phone's reveal, in words beside the colours
        "your_answer": Says(en="Your answer", fi="Sinun vastauksesi", sv="Ditt svar"),
        "team_answer": Says(en="Your team's answer", fi="Tiiminne vastaus", sv="Ert lags svar"),
        "right_answer": Says(en="Right answer", fi="Oikea vastaus", sv="Rätt svar"),
    }

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "answer" in cls.__dict__:
            cls.pupil_actions = {"answer": cls.answer}
        cls.host_actions = {**OpenCloseReveal.question_commands, **cls.extra_host_actions}

    # -- hooks ---------------------------------------------------------------------------
    def accept(self, step: Any, action: Any, previous: Any) -> Any | Rejected:
        """Validate an answer against the task; return the value to store."""
        raise NotImplementedError

    def is_right(self, step: Any, value: Any) -> bool | None:
        """Whether an answer is right; None for tasks with no right answer."""
        return None

    def results(self, step: Any, answers: list[Any], state: TaskState) -> dict[str, Any]:
        """How the answers add up, for the projector after the reveal. No names."""
        return {}

    def task(self, step: Any, ctx: Ctx) -> dict[str, Any]:
        """What pupils may see before the reveal."""
        return {}

    def solution(self, step: Any, ctx: Ctx) -> dict[str, Any]:
        """The right answers, shown at the reveal."""
        return {}

    def host_move_extra(self, step: Any, state: TaskState, action: Any, ctx: Ctx) -> TaskState | Rejected:
        return Rejected("unknown_action", "This step has no such command.")

    # -- shared rules ----------------------------------------------------------------------
    def setup(self, step: TaskStep, ctx: Ctx) -> TaskState:
        return TaskState("open", closes_at=self.closes(step, ctx))

    def affects_team(self, step: TaskStep) -> bool:
        return step.answer_by == "team"

    def voter(self, step: TaskStep, seat: Seat) -> str | None:
        return seat.team if step.answer_by == "team" else seat.id

    def pupil_move(self, step: TaskStep, state: TaskState, seat: Seat, action: Any, ctx: Ctx):
        if not self.answering_open(state, ctx):
            return Rejected("closed", "Answering has closed for this task.")
        voter = self.voter(step, seat)
        if voter is None:
            return Rejected("no_team", "You are not in a team yet: wait for the facilitator.")
        value = self.accept(step, action, state.answers.get(voter))
        if isinstance(value, Rejected):
            return value
        if state.answers.get(voter) == value:
            return state
        return replace(state, answers={**state.answers, voter: value}, by={**state.by, voter: seat.id})

    def host_move(self, step: TaskStep, state: TaskState, action: Any, ctx: Ctx):
        result = self.question_command(step, state, action, ctx)
        return result if result is not None else self.host_move_extra(step, state, action, ctx)

    def team_points(self, step: TaskStep, state: TaskState, ctx: Ctx) -> dict[str, int]:
        """Points per team once revealed: teams only, never pupils."""
        if not step.points or state.phase != "revealed":
            return {}
        points: dict[str, int] = {}
        for voter, value in state.answers.items():
            team = voter if step.answer_by == "team" else (ctx.seats[voter].team if voter in ctx.seats else None)
            if team and self.is_right(step, value):
                points[team] = points.get(team, 0) + step.points
        return points

    # -- views ---------------------------------------------------------------------------
    def _active(self, step: TaskStep, state: TaskState, ctx: Ctx) -> dict[str, Any]:
        if step.answer_by == "team":
            return {v: a for v, a in state.answers.items() if ctx.team_members(v)}
        return {v: a for v, a in state.answers.items() if v in ctx.seats}

    def _common(self, step: TaskStep, state: TaskState, ctx: Ctx) -> dict[str, Any]:
        return {
            "image": step.image,
            "image_alt": as_map(step.image_alt, ctx.language),
            "answer_by": step.answer_by,
            "points": step.points,
            "phase": state.phase,
            "closes_at": state.closes_at,
        } | self.task(step, ctx)

    def _revealed(self, step: TaskStep, state: TaskState, ctx: Ctx) -> dict[str, Any]:
        answers = list(self._active(step, state, ctx).values())
        results = {"results": self.results(step, answers, state), "explanation": as_map(step.explanation, ctx.language)}
        return results | self.solution(step, ctx)

    def _progress(self, step: TaskStep, state: TaskState, ctx: Ctx) -> dict[str, Any]:
        total = (
            len([t for t in ctx.team_ids if ctx.team_members(t)])
            if step.answer_by == "team"
            else len([s for s in ctx.seats.values() if not s.mentor])
        )
        return {"answered": len(self._active(step, state, ctx)), "total": total}

    def screen_view(self, step: TaskStep, state: TaskState, ctx: Ctx) -> dict[str, Any]:
        view = self._common(step, state, ctx) | self._progress(step, state, ctx)
        if state.phase == "revealed":
            view |= self._revealed(step, state, ctx)
        return view

    def host_view(self, step: TaskStep, state: TaskState, ctx: Ctx) -> dict[str, Any]:
        view = self._common(step, state, ctx) | self._progress(step, state, ctx) | self._revealed(step, state, ctx)
        view["answered_by"] = sorted({state.by[v] for v in self._active(step, state, ctx) if v in state.by})
        return view

    def pupil_view(self, step: TaskStep, state: TaskState, ctx: Ctx) -> dict[str, Any]:
        view = self._common(step, state, ctx)
        if state.phase == "revealed":
            view |= self._revealed(step, state, ctx)
        return view

    def pupil_own(self, step: TaskStep, state: TaskState, seat: Seat, ctx: Ctx) -> dict[str, Any]:
        voter = self.voter(step, seat)
        value = state.answers.get(voter) if voter else None
        own: dict[str, Any] = {"mine": value, "team": step.answer_by == "team"}
        if step.answer_by == "team" and voter and voter in state.by and state.by[voter] in ctx.seats:
            own["answered_by"] = ctx.seats[state.by[voter]].nick
        if state.phase == "revealed" and value is not None:
            right = self.is_right(step, value)
            if right is not None:
                own["right"] = right
        return own

    def summary(self, step: TaskStep, state: TaskState, ctx: Ctx) -> dict[str, Any]:
        return self._revealed(step, state, ctx) | self._progress(step, state, ctx)

    # -- for tests and bots: what the views hide until the reveal, and sample moves ------------
    secret = frozenset({"solution", "explanation", "right", "results"})


# An id that refers to an item of the same step (a category, a node, a spot).
Ref = Annotated[str, Field(max_length=40)]


def items_view(items: list[Any], ctx: Ctx, *fields: str) -> list[dict[str, Any]]:
    """Items as a view shows them: each id with the given text fields in the viewer's language."""
    return [{"id": i.id, **{f: as_map(getattr(i, f), ctx.language) for f in fields}} for i in items]
