"""What the media-literacy task kinds share: open/closed/revealed, timer, team or individual
answers, optional team points, views that hide right answers until the reveal.

A kind only says how to validate an answer, whether it is right, how answers add up,
and what of its config pupils may see before and after the reveal.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, ValidationError

from ..base import HOST, ActionModel, Activity, Ctx, Enter, OpenCloseReveal, Rejected, Says, Seat, StepBase
from ..text import Image, RichText, Text, as_map


class TaskStep(StepBase):
    """Fields every task has."""

    image: Image | None = Field(
        default=None,
        description="Kuva tehtävän yhteydessä valkokankaalla ja puhelimissa: tiedoston nimi paketin kansiossa",
        examples=["mainos.png"],
    )
    image_alt: Text | None = Field(
        default=None,
        description="Mitä kuvassa näkyy, yhdellä lauseella ruudunlukijaa varten",
        examples=["Puhelimen ruutu, jossa tubettaja esittelee uutta juomaa."],
    )
    explanation: RichText | None = Field(
        default=None,
        description="Selitys, joka näytetään valkokankaalla ja puhelimissa, kun ohjaaja paljastaa vastaukset",
        examples=["Mainoksessa lukee aina ”mainos” tai ”kaupallinen yhteistyö”."],
    )
    timer: int | None = Field(
        default=None,
        ge=5,
        le=900,
        description="Vastausaika sekunteina (5–900). Kun aika loppuu, vastaaminen sulkeutuu. Ilman tätä aikaa ei "
        "rajoiteta",
        examples=[60],
    )
    answer_by: Literal["individual", "team"] = Field(
        default="individual",
        description="individual: jokainen vastaa itse. team: tiimi vastaa yhdessä, ja kuka tahansa jäsen voi antaa "
        "tai muuttaa vastauksen",
        examples=["team"],
    )
    points: int = Field(
        default=0,
        ge=0,
        le=100,
        description="Pisteet, jotka tiimi saa oikeasta vastauksesta (0 = ei pisteitä)",
        examples=[10],
    )


@dataclass(frozen=True)
class TaskState:
    phase: Literal["open", "closed", "revealed"]
    answers: dict[str, Any] = field(default_factory=dict)  # voter (seat, or team) -> answer
    by: dict[str, str] = field(default_factory=dict)  # voter -> the seat that answered last
    closes_at: float | None = None
    paused_left: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # kind-specific (e.g. moderation)
    # Answers the facilitator entered (voters e1, e2… or a team id, `by` "host"): how many
    # raised hands each stands for. Absent: one.
    weights: dict[str, int] = field(default_factory=dict)


class TaskKind(OpenCloseReveal, Activity[TaskStep, TaskState]):
    """A task with one answer per voter. Subclasses set `answer` and override the hooks."""

    answer: ClassVar[type[ActionModel]]
    #: how the facilitator enters answers given without devices: "counts" of raised hands per
    #: answer (true/false, scales), "one" answer the class agreed on (sorting, ordering…), or
    #: "many" separate answers (open answers, dictated)
    entry: ClassVar[Literal["counts", "one", "many"]] = "one"
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
| `total` | ✓ | ✓ |  |  | how many can answer (pupils who are not station leaders plus the hands entered, or teams with members or an entered answer) |
| `entered` | ✓ | ✓ |  |  | how many of `answered` the facilitator entered (raised hands, or the class's or teams' answers) |
| `entered_answers` | ✓ |  |  |  | what the facilitator entered, one item each |
| `entered_answers[].key` | ✓ |  |  |  | `e1`, `e2`… (the class's) or the team id; an open answer's key is what `moderate.voter` takes |
| `entered_answers[].value` | ✓ |  |  |  | the answer as stored (the form of `mine`) |
| `entered_answers[].count` | ✓ |  |  |  | the raised hands it stands for (1 unless counted) |
| `entered_answers[].team` | ✓ |  |  |  | the team whose answer it is, or `null` |
| `entered_answers[].own` | ✓ |  |  |  | the own view's `activity` a phone of this class or team would get (the console draws the phone's answer with it) |
| `team_own` | ✓ |  |  |  | team tasks: each team's own view's `activity`, as its phones see it (the console enters a team's answer from there) |
| `team_own{}` | ✓ |  |  |  | team id → that view |
| `entry` | ✓ |  |  |  | how this kind takes entries: `"counts"` (hands per answer), `"one"` (the class's one answer) or `"many"` (one entry per answer said aloud) |
| `results` | ✓ | ✓ | ✓ |  | how the answers add up, no names (by kind, below); projector and phones: only once revealed (`open`: the projector always) |
| `explanation` | ✓ | ✓ | ✓ |  | text; projector and phones: only once revealed |
| `answered_by` | ✓ |  |  | ✓ | host: the seats that gave the answers; own (team tasks): the nickname of the teammate who answered last |
| `mine` |  |  |  | ✓ | this pupil's (or team's) answer as stored, `null` if none; its form is in the kind's table |
| `team` |  |  |  | ✓ | whether the task is answered by teams |
| `right` |  |  |  | ✓ | once revealed, for an answer given to a task with a right answer: whether it is right |
| `entered` |  |  |  | ✓ | team tasks: the facilitator entered this team's answer |
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
        cls.host_actions = {**OpenCloseReveal.question_commands, "enter": Enter, **cls.extra_host_actions}

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
        if action.type == "enter":
            return self.enter(step, state, action, ctx)
        result = self.question_command(step, state, action, ctx)
        return result if result is not None else self.host_move_extra(step, state, action, ctx)

    def enter(self, step: TaskStep, state: TaskState, action: Enter, ctx: Ctx) -> TaskState | Rejected:
        """Store answers given by hands or said aloud, beside the phones' (any phase: a correction too)."""
        if step.answer_by == "team":
            if action.team is None or action.team not in ctx.team_ids:
                return Rejected("no_such_team", "Pick the team whose answer this is.")
            key: str | None = action.team
        elif action.team is not None:
            return Rejected(
                "not_team_task", "This task is answered by everyone, not by teams: enter the class's answers."
            )
        else:
            key = None
        if key is None and self.entry == "one":
            key = "e1"
        value = None
        if action.answer is not None:
            try:
                parsed = self.answer.model_validate(action.answer, strict=True)
            except ValidationError:
                return Rejected("bad_payload", "That answer does not fit this task.")
            # The class's (or team's) answer so far: a story goes on from where it was.
            value = self.accept(step, parsed, state.answers.get(key) if key else None)
            if isinstance(value, Rejected):
                return value
        if key is None and self.entry == "counts":
            key = next((v for v, a in state.answers.items() if state.by.get(v) == HOST and a == value), None)
        if action.count == 0:
            # Takes back only what was entered: a team's answer from its phones stays.
            if key is None or state.by.get(key) != HOST:
                return state
            return self._drop(state, key)
        if value is None:
            return Rejected("bad_payload", "Enter the answer.")
        if key is None:  # "many", or a new value to count: the next free e-number
            numbers = [int(v[1:]) for v in state.answers if v.startswith("e")]
            key = f"e{max(numbers, default=0) + 1}"
        weight = 1 if step.answer_by == "team" or self.entry != "counts" else action.count
        return self._entered(
            replace(
                state,
                answers={**state.answers, key: value},
                by={**state.by, key: HOST},
                weights={**state.weights, key: weight},
            ),
            key,
        )

    def _entered(self, state: TaskState, key: str) -> TaskState:
        """A kind's after-entry hook (open answers: an entered one is approved as typed)."""
        return state

    def _drop(self, state: TaskState, key: str) -> TaskState:
        return replace(
            state,
            answers={v: a for v, a in state.answers.items() if v != key},
            by={v: b for v, b in state.by.items() if v != key},
            weights={v: w for v, w in state.weights.items() if v != key},
        )

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
        """The answers that count: of pupils (teams) still here, and every entered one."""
        if step.answer_by == "team":
            return {
                v: a
                for v, a in state.answers.items()
                if v in ctx.team_ids and (ctx.team_members(v) or state.by.get(v) == HOST)
            }
        return {v: a for v, a in state.answers.items() if v in ctx.seats or state.by.get(v) == HOST}

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
        answers = [a for v, a in self._active(step, state, ctx).items() for _ in range(state.weights.get(v, 1))]
        results = {"results": self.results(step, answers, state), "explanation": as_map(step.explanation, ctx.language)}
        return results | self.solution(step, ctx)

    def _progress(self, step: TaskStep, state: TaskState, ctx: Ctx) -> dict[str, Any]:
        active = self._active(step, state, ctx)
        # Of the answers that count, those the facilitator entered (raised hands one by one).
        entered = sum(state.weights.get(v, 1) for v in active if state.by.get(v) == HOST)
        if step.answer_by == "team":
            total = len([t for t in ctx.team_ids if ctx.team_members(t) or t in active])
        else:
            # Hands the facilitator counted are pupils without a device: they count as pupils too.
            total = len([s for s in ctx.seats.values() if not s.mentor]) + entered
        answered = sum(state.weights.get(v, 1) for v in active)
        return {"answered": answered, "total": total, "entered": entered}

    def screen_view(self, step: TaskStep, state: TaskState, ctx: Ctx) -> dict[str, Any]:
        view = self._common(step, state, ctx) | self._progress(step, state, ctx)
        if state.phase == "revealed":
            view |= self._revealed(step, state, ctx)
        return view

    def host_view(self, step: TaskStep, state: TaskState, ctx: Ctx) -> dict[str, Any]:
        view = self._common(step, state, ctx) | self._progress(step, state, ctx) | self._revealed(step, state, ctx)
        view["answered_by"] = sorted(
            {state.by[v] for v in self._active(step, state, ctx) if state.by.get(v, HOST) != HOST}
        )
        view["entered_answers"] = [
            {
                "key": v,
                "value": a,
                "count": state.weights.get(v, 1),
                "team": team,
                # What a phone of the class (or team) would be shown: the console draws the same widget.
                "own": self.pupil_own(step, state, Seat(v, "", team, ctx.language), ctx),
            }
            for v, a in state.answers.items()
            if state.by.get(v) == HOST
            for team in [v if v in ctx.team_ids else None]
        ]
        view["entry"] = self.entry
        if step.answer_by == "team":
            # Each team's answer as its phones see it: the console enters from there (a story
            # a team began on a tablet goes on from where the team is).
            view["team_own"] = {
                t: self.pupil_own(step, state, Seat(f"{t}-console", "", t, ctx.language), ctx) for t in ctx.team_ids
            }
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
        elif step.answer_by == "team" and voter and state.by.get(voter) == HOST:
            own["entered"] = True
        if state.phase == "revealed" and value is not None:
            right = self.is_right(step, value)
            if right is not None:
                own["right"] = right
        return own

    def summary(self, step: TaskStep, state: TaskState, ctx: Ctx) -> dict[str, Any]:
        return self._revealed(step, state, ctx) | self._progress(step, state, ctx)

    # -- for tests and bots: what the views hide until the reveal, and sample moves ------------
    secret = frozenset({"solution", "explanation", "right", "results"})

    def sample_commands(self, step: Any, state: Any, ctx: Ctx) -> list[dict[str, Any]]:
        return super().sample_commands(step, state, ctx) + self.sample_entries(step, state, ctx)

    def sample_entries(self, step: Any, state: TaskState, ctx: Ctx) -> list[dict[str, Any]]:
        """Entries the facilitator could make now: a sample answer for hands, the class or a team."""
        team = ctx.team_ids[0] if step.answer_by == "team" and ctx.team_ids else None
        # A seat named like the class's entry: a story's next choice goes on from the class's path.
        stand_in = Seat("e1" if self.entry == "one" else "e0", "", team, ctx.language)
        extra = {"team": team} if team else {}
        entries = [
            {"type": "enter", "answer": move, "count": ctx.rng.randint(1, 30), **extra}
            for move in self.sample_moves(step, state, stand_in, ctx)
        ]
        return entries + [{"type": "enter", "count": 0, **extra}]


# An id that refers to an item of the same step (a category, a node, a spot).
Ref = Annotated[str, Field(max_length=40)]


def items_view(items: list[Any], ctx: Ctx, *fields: str) -> list[dict[str, Any]]:
    """Items as a view shows them: each id with the given text fields in the viewer's language."""
    return [{"id": i.id, **{f: as_map(getattr(i, f), ctx.language) for f in fields}} for i in items]
