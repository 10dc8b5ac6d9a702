"""Every action a session takes, as strict models: the edge and the journal's replay both parse here."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from ..activities import REGISTRY, Rejected
from ..activities.base import ActionModel

SeatId = Annotated[str, Field(pattern=r"^p\d{1,6}$")]
TeamId = Annotated[str, Field(pattern=r"^t\d{1,2}$")]
Lang = Literal["fi", "sv", "en"]


class Join(ActionModel):
    type: Literal["join"]
    lang: Lang = "fi"
    device: Literal["phone", "team"] = Field(
        default="phone", description='"team": a school device one team shares, answering for the team'
    )
    team: TeamId | None = Field(default=None, description="a team device's team (its per-team QR code names it)")
    simulated: bool = Field(default=False, description="a rehearsal's simulated pupil (only the server's own joins)")


class Reroll(ActionModel):
    type: Literal["reroll"]


class Rename(ActionModel):
    type: Literal["rename"]
    nick: str = Field(max_length=1000)  # cut to 24 by the clean-up; longer is not typing


class SetLang(ActionModel):
    type: Literal["lang"]
    lang: Lang


class Act(ActionModel):
    type: Literal["act"]
    step: str = Field(max_length=40, description="the id of the running step (not its index)")
    action: dict[str, Any] = Field(description="the step's own action, `{type, …}`, by the step's kind (below)")


class Lock(ActionModel):
    type: Literal["lock"]
    locked: bool


class Kick(ActionModel):
    type: Literal["kick", "readmit"]
    seat: SeatId


class Remove(ActionModel):
    """Remove many pupils at once (a scripted join flood, or the class that left)."""

    type: Literal["remove"]
    seats: list[SeatId] = Field(min_length=1, max_length=2000)


class MakeTeams(ActionModel):
    type: Literal["teams"]
    count: int = Field(ge=0, le=8)


class MoveTeam(ActionModel):
    type: Literal["move"]
    seat: SeatId
    team: TeamId | None


class Goto(ActionModel):
    type: Literal["goto"]
    step: int = Field(ge=-1, le=999, description="the index of the step to go to (−1: the lobby)")
    expect: int = Field(ge=-1, le=999, description="the step the facilitator saw; refused as stale if it moved")


class OwnNicknames(ActionModel):
    type: Literal["own_nicknames"]
    allowed: bool


class ApproveNick(ActionModel):
    type: Literal["nick"]
    seat: SeatId
    approve: bool


class Mentor(ActionModel):
    type: Literal["mentor"]
    seat: SeatId
    on: bool


class TalkSeen(ActionModel):
    type: Literal["talk_seen"]
    seat: SeatId


class Talk(ActionModel):
    """A pupil would like to talk to an adult: only the facilitator sees it."""

    type: Literal["talk"]


class End(ActionModel):
    type: Literal["end"]


class Timer(ActionModel):
    type: Literal["timer"]
    step: str = Field(max_length=40, description="the running step's id; `\"period\"`: a self-paced session's end")


class Pace(ActionModel):
    """Open the session self-paced until `until` (the server's own action, when it is made)."""

    type: Literal["pace"]
    until: float = Field(gt=0, description="when the period ends (seconds since 1970)")


class Page(ActionModel):
    """A participant of a self-paced session turns to the next or the previous page."""

    type: Literal["page"]
    to: int = Field(ge=0, le=999, description="the page to show: the one after or before the page shown now")


PupilAction = Annotated[Reroll | Rename | SetLang | Talk | Act | Page, Field(discriminator="type")]
HostAction = Annotated[
    Lock | Kick | Remove | MakeTeams | MoveTeam | Goto | OwnNicknames | ApproveNick | Mentor | TalkSeen | End | Act,
    Field(discriminator="type"),
]
SystemAction = Annotated[Join | Timer | Pace, Field(discriminator="type")]

_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    "pupil": TypeAdapter(PupilAction),
    "host": TypeAdapter(HostAction),
    "system": TypeAdapter(SystemAction),
}


def role_of(actor: str) -> str:
    if actor == "host":
        return "host"
    if actor.startswith("p"):
        return "pupil"
    return "system"


def parse(actor: str, payload: Any, pack: Any) -> PupilAction | HostAction | SystemAction | ActParsed | Rejected:
    """Validate a payload for the actor's role; activity payloads against their step's kind."""
    role = role_of(actor)
    adapter = _ADAPTERS.get(role)
    if adapter is None or not isinstance(payload, dict):
        return Rejected("bad_payload", "The message is not understood.")
    try:
        action = adapter.validate_python(payload, strict=True)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        if first["type"] in ("union_tag_invalid", "union_tag_not_found"):
            return Rejected("unknown_action", "That command is not allowed here.")
        return Rejected("bad_payload", f"Invalid message: {'.'.join(map(str, first['loc']))}: {first['msg']}")
    if isinstance(action, Act):
        step = next((s for s in pack.agenda if s.id == action.step), None)
        if step is None:
            return Rejected("unknown_step", "That step is not in this workshop.")
        kind = REGISTRY[step.kind]
        models = kind.pupil_actions if role == "pupil" else kind.host_actions
        model = models.get(str(action.action.get("type")))
        if model is None:
            return Rejected("unknown_action", "That command is not allowed here.")
        try:
            inner: ActionModel = model.model_validate(action.action, strict=True)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            return Rejected("bad_payload", f"Invalid message: {'.'.join(map(str, first['loc']))}: {first['msg']}")
        return ActParsed(step=action.step, action=inner)
    return action


class ActParsed(BaseModel):
    """An activity action after its inner payload was validated against the step's kind."""

    model_config = {"frozen": True, "arbitrary_types_allowed": True}
    type: Literal["act"] = "act"
    step: str
    action: ActionModel

    def model_dump_journal(self) -> dict[str, Any]:
        return {"type": "act", "step": self.step, "action": self.action.model_dump()}


def to_journal(action: BaseModel) -> dict[str, Any]:
    if isinstance(action, ActParsed):
        return action.model_dump_journal()
    return action.model_dump()
