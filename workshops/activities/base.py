"""What every activity kind provides, and the types its rules speak in.

An activity kind is declared the boardgame.io way: a config model (its part of
the pack schema), a setup, pure moves that return a new state or a Rejected
value, a deadline the edge may turn into a `timer` action, and one view per
role. Nothing here may touch Flask, Socket.IO, the clock or the disk.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ..identity_cache import IdentityCache
from .text import Id, RichText, Strict, Text


class StepBase(Strict):
    """Fields every agenda step has, whatever its kind."""

    id: Id = Field(
        description="Vaiheen tunnus: jokaisella vaiheella oma. Pienet kirjaimet a–z, numerot, - ja _. Oppilaat "
        "eivät näe sitä",
        examples=["tervetuloa", "fiiliskysely"],
    )
    title: Text = Field(
        description="Vaiheen otsikko valkokankaalla ja ohjaajan aikataulussa",
        examples=["Tervetuloa!", "Miltä tänään tuntuu?"],
    )
    minutes: float = Field(
        default=0,
        ge=0,
        le=240,
        description="Arvioitu kesto minuutteina. Ohjaajan konsoli näyttää, oletteko aikataulussa. Vaiheiden "
        "minuuttien summa on sama kuin paketin `minutes`",
        examples=[5, 2.5],
    )
    notes: RichText | None = Field(
        default=None,
        description="Muistiinpanot ohjaajalle: näkyvät vain ohjaajan konsolissa ja tulostetussa käsikirjoituksessa, "
        "eivät valkokankaalla eivätkä puhelimissa",
        examples=["Kerro, että vastaukset ovat nimettömiä: kukaan ei näe, kuka vastasi mitä."],
    )
    optional: bool = Field(
        default=False,
        description="true: ohjaaja voi jättää vaiheen pois työpajaa aloittaessaan tai ohittaa sen, jos aika loppuu",
        examples=[True],
    )


#: a team's id in actions (t1…t8)
TeamRef = Annotated[str, Field(pattern=r"^t\d{1,2}$")]


class ActionModel(BaseModel):
    """A client's intent for an activity: validated strictly, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


#: who gave an answer the facilitator entered on the console (in place of a seat id)
HOST = "host"


class Enter(ActionModel):
    """The facilitator enters answers given without devices: hands counted, or the class's or a team's answer."""

    type: Literal["enter"]
    answer: dict[str, Any] | None = Field(
        default=None,
        description="the answer as a pupil's phone sends it (`{type: answer, …}`); may be left out with count 0",
    )
    count: int = Field(
        default=1,
        ge=0,
        le=999,
        description=(
            "hands raised for this answer (choice, truefalse, scale); 0 takes back what was entered: "
            "that answer's hands, the class's answer, or the team's (not in invent and stations)"
        ),
    )
    team: TeamRef | None = Field(default=None, description="team tasks: the team whose answer this is")


@dataclass(frozen=True)
class Rejected:
    """An invalid move, returned as a value: a stable code and an English message."""

    code: str
    message: str


def timer_due(closes_at: float | None, now: float) -> Rejected | None:
    """None when a running timer has run out; otherwise why the `timer` action does not apply."""
    if closes_at is None:
        return Rejected("no_timer", "No timer is running.")
    if now < closes_at:
        return Rejected("not_yet", "The timer has not run out yet.")
    return None


@dataclass(frozen=True)
class Seat:
    id: str
    nick: str
    team: str | None
    lang: str
    mentor: bool = False  # a peer-support pupil who leads rather than answers
    device: Literal["phone", "team"] = "phone"  # "team": a school tablet answering for its whole team


@dataclass(frozen=True)
class Ctx:
    """What the session lends an activity for one move or view: never the clock."""

    now: float
    seats: Mapping[str, Seat]  # active (not kicked) pupils only
    team_ids: tuple[str, ...]
    language: str
    seed: str  # the session's seed and revision: a replayed move draws the same numbers

    @cached_property
    def rng(self) -> random.Random:
        # Made on first use: most moves and views draw nothing.
        return random.Random(self.seed)

    def team_members(self, team: str) -> list[str]:
        return list(team_index(self.seats).get(team, ()))

    def mentors(self) -> list[str]:
        return list(team_index(self.seats).get(_MENTORS, ()))


# Team lists per seats mapping: a session's seats change only when pupils do, while every
# answer and every pupil's view asks for a team (O(N) each, O(N²) per reveal, uncached).
_TEAMS: IdentityCache[dict[str | None, tuple[str, ...]]] = IdentityCache()
_MENTORS = "*mentors*"  # not a team id (those are t1…t8)


def team_index(seats: Mapping[str, Seat]) -> dict[str | None, tuple[str, ...]]:
    def build() -> dict[str | None, tuple[str, ...]]:
        index: dict[str | None, list[str]] = {}
        for s in seats.values():
            # Mentors lead rather than play: they are nobody's team member.
            index.setdefault(_MENTORS if s.mentor else s.team, []).append(s.id)
        return {k: tuple(v) for k, v in index.items()}

    return _TEAMS.get((seats,), build)


# -- what a kind declares besides its rules ------------------------------------------------------
@dataclass(frozen=True)
class Says:
    """A UI text in the kit's three languages: the kind's author writes all three."""

    en: str
    fi: str
    sv: str

    def get(self, lang: str) -> str:
        return {"fi": self.fi, "sv": self.sv}.get(lang, self.en)


@dataclass(frozen=True)
class KindError:
    """A refusal code only this kind answers with (acks of `act`): what it means, what a user reads."""

    meaning: str  # for docs/protocol.md, in English
    says: Says  # the pupil's or facilitator's text (`err_<code>` in the page strings)


@dataclass(frozen=True)
class AuthorCheck:
    """How `workshops check` words one of the config model's own checks (a PydanticCustomError type).

    `says` is the message in fi/sv/en, with `{name}` for the error's context values and for
    what `args` returns from the failing step or item as read from the YAML. The message points
    at the key `at` of that step or item (its key's position, or its value's with
    `value=True`), or at the path the error's context gives as `at` (a tuple from the step),
    or else at the step itself.
    """

    says: Says
    at: str | None = None
    value: bool = False
    args: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None


@dataclass(frozen=True)
class Download:
    """A file the facilitator downloads from a step (`/export/<code>/<step>`)."""

    filename: str
    media_type: str
    body: str


C = TypeVar("C", bound=StepBase)
S = TypeVar("S")


class Activity(Generic[C, S]):
    """One kind of agenda step. Subclasses set `kind` and `config` and override what they use."""

    kind: ClassVar[str]
    config: ClassVar[type[StepBase]]
    #: action models a pupil may send, by their `type`
    pupil_actions: ClassVar[Mapping[str, type[ActionModel]]] = {}
    #: action models the facilitator may send, by their `type`
    host_actions: ClassVar[Mapping[str, type[ActionModel]]] = {}
    #: UI texts the kind's script asks for with t("key"), in fi/sv/en
    strings: ClassVar[Mapping[str, Says]] = {}
    #: refusal codes only this kind answers with (shared ones live in workshops/errors.py)
    errors: ClassVar[Mapping[str, KindError]] = {}
    #: how `workshops check` words the config model's own checks, by error type
    author_checks: ClassVar[Mapping[str, AuthorCheck]] = {}
    #: view fields that hold right answers: never in a pupil's or the projector's view before
    #: `revealed` (tests/trust/test_leaks.py checks every kind through its sample moves)
    secret: ClassVar[frozenset[str]] = frozenset()
    #: docs/protocol.md's Markdown for the fields of this kind's views (a table: field, the four
    #: views, meaning), checked against real play by tests/unit/test_protocol_doc.py
    view_doc: ClassVar[str] = ""
    #: a ready step of this kind for the editor's Ctrl+Space in the agenda (the pack schema's
    #: `defaultSnippets`): `label`, `description` and a complete Finnish step as `body`, which
    #: tests/unit/test_schema_fi.py loads into a pack so that it never rots
    snippet: ClassVar[Mapping[str, Any]] = {}
    #: whether a self-paced session (each participant at their own pace, no facilitator driving,
    #: no projector) may use steps of this kind: only kinds a person answers alone, with no
    #: facilitator's reveal and no team (a pack's `self_paced` list is checked against this)
    paced: ClassVar[bool] = False
    #: the facilitator's commands a self-paced session still takes on a step of this kind (every
    #: other step command is refused there: nobody drives it); an open answer's `moderate`
    paced_commands: ClassVar[frozenset[str]] = frozenset()

    def setup(self, step: C, ctx: Ctx) -> S:
        return None  # type: ignore[return-value]

    def paced_setup(self, step: C, ctx: Ctx) -> S:
        """Set the step up for a self-paced session: open for answers for the whole period."""
        return self.setup(step, ctx)

    def paced_console(self, step: C, state: S, ctx: Ctx) -> dict[str, Any]:
        """What a self-paced session's console shows of this step besides its totals, once enough
        have answered (what its `paced_commands` act on); most kinds show nothing more."""
        return {}

    def pupil_move(self, step: C, state: S, seat: Seat, action: Any, ctx: Ctx) -> S | Rejected:
        return Rejected("unknown_action", "This step takes no answers.")

    def host_move(self, step: C, state: S, action: Any, ctx: Ctx) -> S | Rejected:
        return Rejected("unknown_action", "This step has no such command.")

    def timer(self, step: C, state: S, ctx: Ctx) -> S | Rejected:
        return Rejected("no_timer", "Nothing is timed here.")

    def deadline(self, step: C, state: S) -> float | None:
        return None

    def leave(self, step: C, state: S, ctx: Ctx) -> S:
        """The facilitator moved to another step: stop the clock (default: nothing to stop)."""
        return state

    def come_back(self, step: C, state: S, ctx: Ctx) -> S:
        """The facilitator came back to this step: restart what `leave` stopped."""
        return state

    def affects_team(self, step: C) -> bool:
        """Whether a pupil's move changes what their teammates see."""
        return False

    # Views. Text values stay as language maps; clients pick their language.
    def host_view(self, step: C, state: S, ctx: Ctx) -> dict[str, Any]:
        return {}

    def screen_view(self, step: C, state: S, ctx: Ctx) -> dict[str, Any]:
        return {}

    def pupil_view(self, step: C, state: S, ctx: Ctx) -> dict[str, Any]:
        """The part every pupil sees alike."""
        return {}

    def pupil_own(self, step: C, state: S, seat: Seat, ctx: Ctx) -> dict[str, Any]:
        """The part only this pupil (and, for team steps, their team) sees."""
        return {}

    def summary(self, step: C, state: S, ctx: Ctx) -> dict[str, Any]:
        """Aggregates for the session report: never a row per pupil."""
        return {}

    def revealed(self, step: C, state: S) -> bool:
        """Whether the right answers may be shown now (the `secret` fields)."""
        return getattr(state, "phase", None) == "revealed"

    # Sample moves, like boardgame.io's ai.enumerate: actions as a client sends them, so tests
    # and bots can play any kind. Legal now (right answers first, then wrong ones; none when
    # the seat has nothing to do), drawn with ctx.rng where there are too many to list.
    def sample_moves(self, step: C, state: S, seat: Seat, ctx: Ctx) -> list[dict[str, Any]]:
        """Pupil actions this seat could send now."""
        return []

    def sample_commands(self, step: C, state: S, ctx: Ctx) -> list[dict[str, Any]]:
        """Facilitator commands that make sense now, the likeliest first."""
        return []

    def export(self, step: C, state: S, code: str, language: str) -> Download | None:
        """A file to download from this step, or None (most kinds have none)."""
        return None


class QuestionCommand(ActionModel):
    type: Literal["close", "open", "reveal", "reset"]


class ExtendCommand(ActionModel):
    type: Literal["extend"]
    seconds: int = Field(ge=5, le=600)


class OpenCloseReveal:
    """The life of a question: open (maybe timed), closed, revealed; the facilitator's
    close/open/reveal/reset/extend; the clock stops while the facilitator is elsewhere.

    For activities whose state has `phase`, `closes_at` and `paused_left` and whose
    step has `timer`.
    """

    question_commands: ClassVar[dict[str, type[ActionModel]]] = {
        "close": QuestionCommand,
        "open": QuestionCommand,
        "reveal": QuestionCommand,
        "reset": QuestionCommand,
        "extend": ExtendCommand,
    }

    def sample_commands(self, step: Any, state: Any, ctx: Ctx) -> list[dict[str, Any]]:
        """The question commands that make sense in the phase, the likeliest first."""
        extend = {"type": "extend", "seconds": ctx.rng.randint(5, 600)}
        by_phase: dict[str, list[dict[str, Any]]] = {
            "open": [{"type": "reveal"}, {"type": "close"}, extend],
            "closed": [{"type": "reveal"}, {"type": "open"}, extend],
            "revealed": [{"type": "open"}, {"type": "reset"}, {"type": "close"}, {"type": "reveal"}],
        }
        return by_phase[state.phase]

    def closes(self, step: Any, ctx: Ctx) -> float | None:
        return ctx.now + step.timer if step.timer else None

    def paced_setup(self, step: Any, ctx: Ctx) -> Any:
        """Open for the whole period: a step's `timer` is for a class answering together."""
        return replace(self.setup(step, ctx), phase="open", closes_at=None)  # type: ignore[attr-defined]

    def answering_open(self, state: Any, ctx: Ctx) -> bool:
        return state.phase == "open" and (state.closes_at is None or ctx.now < state.closes_at)

    def question_command(self, step: Any, state: Any, action: Any, ctx: Ctx) -> Any:
        """Apply close/open/reveal/reset/extend; None if `action` is none of them."""
        kind = action.type
        if kind == "close":
            return replace(state, phase="closed", closes_at=None)
        if kind == "open":
            return replace(state, phase="open", closes_at=self.closes(step, ctx))
        if kind == "reveal":
            return replace(state, phase="revealed", closes_at=None)
        if kind == "reset":
            return self.setup(step, ctx)  # type: ignore[attr-defined]
        if kind == "extend":
            if state.phase != "open":
                return Rejected("closed", "Open the question before adding time.")
            return replace(state, closes_at=max(state.closes_at or ctx.now, ctx.now) + action.seconds)
        return None

    def timer(self, step: Any, state: Any, ctx: Ctx) -> Any:
        refused = timer_due(state.closes_at if state.phase == "open" else None, ctx.now)
        return refused or replace(state, phase="closed", closes_at=None)

    def deadline(self, step: Any, state: Any) -> float | None:
        return state.closes_at if state.phase == "open" else None

    def leave(self, step: Any, state: Any, ctx: Ctx) -> Any:
        if state.phase == "open" and state.closes_at is not None:
            return replace(state, closes_at=None, paused_left=max(0.0, state.closes_at - ctx.now))
        return state

    def come_back(self, step: Any, state: Any, ctx: Ctx) -> Any:
        if state.paused_left is not None:
            return replace(state, closes_at=ctx.now + max(state.paused_left, 5.0), paused_left=None)
        return state
