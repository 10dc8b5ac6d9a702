"""What every activity kind provides, and the types its rules speak in.

An activity kind is declared the boardgame.io way: a config model (its part of
the pack schema), a setup, pure moves that return a new state or a Rejected
value, a deadline the edge may turn into a `timer` action, and one view per
role. Nothing here may touch Flask, Socket.IO, the clock or the disk.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ..packs.text import Id, Strict, Text


class StepBase(Strict):
    """Fields every agenda step has, whatever its kind."""

    id: Id
    title: Text = Field(description="The step's title on the projector and in the facilitator's plan")
    minutes: float = Field(
        default=0, ge=0, le=240, description="Planned minutes for this step (for the facilitator's timing plan)"
    )
    notes: Text | None = Field(default=None, description="Facilitator notes: shown only on the host console")


class ActionModel(BaseModel):
    """A client's intent for an activity: validated strictly, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


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


@dataclass(frozen=True)
class Ctx:
    """What the session lends an activity for one move or view: never the clock."""

    now: float
    seats: Mapping[str, Seat]  # active (not kicked) pupils only
    team_ids: tuple[str, ...]
    language: str
    rng: random.Random

    def team_members(self, team: str) -> list[str]:
        return [s.id for s in self.seats.values() if s.team == team and not s.mentor]

    def mentors(self) -> list[str]:
        return [s.id for s in self.seats.values() if s.mentor]


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

    def setup(self, step: C, ctx: Ctx) -> S:
        return None  # type: ignore[return-value]

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
