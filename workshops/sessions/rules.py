"""A session's state and its pure rules: state + action -> new state, or Rejected.

Time comes in as the action's `at`, randomness from a Random seeded by the
session's seed and revision, so replaying the journal rebuilds the same state.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel

from ..activities import REGISTRY, Ctx, Rejected, Seat
from ..activities.base import team_index, timer_due
from ..identity_cache import IdentityCache
from ..packs.models import Pack
from . import nicknames
from .actions import (
    ActParsed,
    ApproveNick,
    End,
    Goto,
    Join,
    Kick,
    Lock,
    MakeTeams,
    Mentor,
    MoveTeam,
    OwnNicknames,
    Pace,
    Page,
    Remove,
    Rename,
    Reroll,
    SetLang,
    Talk,
    TalkSeen,
    Timer,
    role_of,
)


@dataclass(frozen=True)
class Pupil:
    id: str
    nick: str
    team: str | None = None
    lang: str = "fi"
    kicked: bool = False
    pending: str | None = None  # a typed nickname waiting for the facilitator's approval
    mentor: bool = False
    device: Literal["phone", "team"] = "phone"  # "team": a school device one team shares
    simulated: bool = False  # a rehearsal's simulated pupil (sessions/rehearsal.py): never in a report

    def seat(self) -> Seat:
        # Made once per pupil value: a session with 2,000 pupils asks for them on every move.
        made = self.__dict__.get("_seat")
        if made is None:
            made = Seat(self.id, self.nick, self.team, self.lang, self.mentor, self.device)
            object.__setattr__(self, "_seat", made)
        return made


@dataclass(frozen=True)
class StepTime:
    started_at: float
    ended_at: float | None = None


# The active pupils, their seats and the nicknames in use, per `pupils` mapping. States
# never change a mapping in place (a change makes a new one), so a mapping's identity stands
# for its content, and an answer, which leaves the pupils as they were, reuses the last
# state's index: O(1) per move, not O(N). A join extends the previous index (a C-speed copy).
@dataclass(frozen=True)
class _Index:
    active_dict: dict[str, Pupil]  # never changed once made; handed out read-only
    seats_dict: dict[str, Seat]
    nicks: frozenset[str]

    # One read-only view each, kept: caches keyed by the mapping (team lists) then hit.
    @cached_property
    def active(self) -> Mapping[str, Pupil]:
        return MappingProxyType(self.active_dict)

    @cached_property
    def seats(self) -> Mapping[str, Seat]:
        return MappingProxyType(self.seats_dict)


_INDEX: IdentityCache[_Index] = IdentityCache()


def _index(pupils: dict[str, Pupil]) -> _Index:
    def build() -> _Index:
        active = {pid: p for pid, p in pupils.items() if not p.kicked}
        seats = {pid: p.seat() for pid, p in active.items()}
        # Nicknames waiting for approval are taken too: a generated one must not collide later.
        nicks = frozenset(n for p in pupils.values() for n in (p.nick, p.pending) if n)
        return _Index(active, seats, nicks)

    return _INDEX.get((pupils,), build)


def _with_newcomer(old: dict[str, Pupil], new: dict[str, Pupil], pupil: Pupil) -> None:
    before = _index(old)
    active, seats = before.active_dict.copy(), before.seats_dict.copy()
    active[pupil.id] = pupil
    seats[pupil.id] = pupil.seat()
    _INDEX.put((new,), _Index(active, seats, before.nicks | {pupil.nick}))
    _INDEX.discard((old,))  # the session has moved on: do not keep a 2,000-pupil mapping for nothing


def _rng(state: SessionState) -> random.Random:
    """The same numbers `state.ctx(...).rng` would draw, without building a context."""
    return random.Random(f"{state.seed}:{state.rev}")


@dataclass(frozen=True)
class SessionState:
    pack: Pack
    seed: int
    created_at: float
    own_nicknames: bool
    max_pupils: int
    rev: int = 0
    pupils: dict[str, Pupil] = field(default_factory=dict)
    next_seat: int = 1
    teams: tuple[str, ...] = ()
    locked: bool = False
    step: int = -1  # -1: the lobby, before the first step
    times: dict[int, tuple[StepTime, ...]] = field(default_factory=dict)
    activities: dict[str, Any] = field(default_factory=dict)
    ended: bool = False
    last_at: float = 0.0
    talk: dict[str, float] = field(default_factory=dict)  # seat -> when it asked to talk to an adult
    # A self-paced session (issue #20): the agenda indices its participants go through, each at
    # their own pace, until `until`; `progress` is each seat's page (len(paced): finished).
    paced: tuple[int, ...] = ()
    until: float | None = None
    progress: dict[str, int] = field(default_factory=dict)

    @property
    def current(self):
        return self.pack.agenda[self.step] if 0 <= self.step < len(self.pack.agenda) else None

    @property
    def active(self) -> Mapping[str, Pupil]:
        return _index(self.pupils).active

    def ctx(self, now: float) -> Ctx:
        return Ctx(
            now=now,
            seats=_index(self.pupils).seats,
            team_ids=self.teams,
            language=self.pack.language,
            seed=f"{self.seed}:{self.rev}",
        )

    def deadline(self) -> float | None:
        if self.paced:
            return None if self.ended else self.until
        step = self.current
        if step is None or self.ended or step.id not in self.activities:
            return None
        return REGISTRY[step.kind].deadline(step, self.activities[step.id])

    def timer_due(self, now: float) -> dict[str, str] | None:
        """The `timer` action due at `now`, if any: the running step's, or a period's end."""
        deadline = self.deadline()
        if deadline is None or now < deadline:
            return None
        if self.paced:
            return {"type": "timer", "step": PERIOD}
        step = self.current
        return {"type": "timer", "step": step.id} if step is not None else None

    def page_of(self, seat: str) -> int:
        """A self-paced participant's page: 0 at the start, len(paced) once finished."""
        return self.progress.get(seat, 0)

    def paced_step(self, seat: str) -> Any:
        """The step a self-paced participant is on, or None (finished, or not self-paced)."""
        page = self.page_of(seat)
        return self.pack.agenda[self.paced[page]] if page < len(self.paced) else None


#: the `timer` action's step that ends a self-paced session's period
PERIOD = "period"
#: how many may join a self-paced session: open for weeks at a meeting place, not one class
PACED_MAX = 2000


def new_session(pack: Pack, seed: int, at: float, own_nicknames: bool | None = None) -> SessionState:
    return SessionState(
        pack=pack,
        seed=seed,
        created_at=at,
        own_nicknames=pack.session.own_nicknames if own_nicknames is None else own_nicknames,
        max_pupils=pack.session.max_pupils,
        last_at=at,
    )


def _balanced_split(ids: list[str], count: int, rng: random.Random) -> dict[str, str]:
    shuffled = list(ids)
    rng.shuffle(shuffled)
    return {pid: f"t{i % count + 1}" for i, pid in enumerate(shuffled)}


def _team_for_device(state: SessionState) -> str | None:
    """The team a team device joins unasked: the first with the fewest devices, then members."""
    if not state.teams:
        return None
    members = team_index(_index(state.pupils).seats)
    devices = {t: sum(1 for s in members.get(t, ()) if state.pupils[s].device == "team") for t in state.teams}
    return min(state.teams, key=lambda t: (devices[t], len(members.get(t, ())), t))


def _team_after(state: SessionState, pupil: Pupil, kicked: bool) -> str | None:
    """A pupil's team once removed (`kicked`) or let back in.

    Removed pupils are in no team, but a team device keeps its team: it sits on that team's
    table, and let back in it returns there (or, if that team is gone, to one without a device).
    Leaders lead, not play: they come back in no team; a phone comes back to the smallest team.
    """
    if pupil.device == "team" and not pupil.mentor:
        if kicked:
            return pupil.team
        return pupil.team if pupil.team in state.teams else _team_for_device(state)
    return None if kicked or pupil.mentor else _smallest_team(state)


def _spread_devices(devices: list[Pupil], teams: tuple[str, ...]) -> dict[str, str]:
    """Team devices over new teams: each keeps its team if it is still there and no earlier device
    has it (a tablet joined with its team's code stays that team's); the rest go, in the order they
    joined, to the teams with the fewest devices."""
    placed: dict[str, str] = {}
    held: dict[str, int] = dict.fromkeys(teams, 0)
    for p in devices:
        if p.team in held and not held[p.team]:
            placed[p.id] = p.team
            held[p.team] += 1
    for p in devices:
        if p.id not in placed:
            team = min(teams, key=lambda t: (held[t], t))
            placed[p.id] = team
            held[team] += 1
    return placed


def _smallest_team(state: SessionState) -> str | None:
    if not state.teams:
        return None
    members = team_index(_index(state.pupils).seats)  # mentors are in no team's list
    return min(state.teams, key=lambda t: (len(members.get(t, ())), t))


def _enter_step(state: SessionState, index: int, at: float) -> SessionState:
    times = dict(state.times)
    activities = state.activities
    leaving = state.current
    if leaving is not None:
        runs = times.get(state.step, ())
        if runs and runs[-1].ended_at is None:
            times[state.step] = runs[:-1] + (replace(runs[-1], ended_at=at),)
        if leaving.id in activities:
            kind = REGISTRY[leaving.kind]
            activities = {**activities, leaving.id: kind.leave(leaving, activities[leaving.id], state.ctx(at))}
    if 0 <= index < len(state.pack.agenda):
        times[index] = times.get(index, ()) + (StepTime(at),)
        step = state.pack.agenda[index]
        kind = REGISTRY[step.kind]
        moved = replace(state, step=index, times=times)
        if step.id not in activities:
            activities = {**activities, step.id: kind.setup(step, moved.ctx(at))}
        else:
            activities = {**activities, step.id: kind.come_back(step, activities[step.id], moved.ctx(at))}
    return replace(state, step=index, times=times, activities=activities)


def _pupil(state: SessionState, action: BaseModel, pupil: Pupil, at: float) -> SessionState | Rejected:
    if isinstance(action, (Reroll, Rename)) and state.step >= 0:
        # Nicknames settle in the lobby; afterwards they would keep changing on the projector.
        return Rejected("lobby_only", "You can change your nickname only before the workshop starts.")
    if isinstance(action, Reroll):
        nick = nicknames.generate(_rng(state), _index(state.pupils).nicks, state.pack.language)
        return replace(state, pupils={**state.pupils, pupil.id: replace(pupil, nick=nick, pending=None)})
    if isinstance(action, Rename):
        if not state.own_nicknames:
            return Rejected("own_nicknames_off", "In this workshop you get a nickname; you can't type your own.")
        try:
            nick = nicknames.clean(action.nick)
        except nicknames.NicknameError as exc:
            return Rejected(exc.code, exc.message)
        # Compared as skeletons: "Lystikäs Hylje" typed with Cyrillic look-alike letters is taken by the Latin one.
        others = (n for p in state.pupils.values() if p.id != pupil.id for n in (p.nick, p.pending) if n)
        if nicknames.nick_taken(nick, others):
            return Rejected("nick_taken", "Someone already has that nickname.")
        # Free text reaches the projector only once the facilitator approves it.
        return replace(state, pupils={**state.pupils, pupil.id: replace(pupil, pending=nick)})
    if isinstance(action, SetLang):
        return replace(state, pupils={**state.pupils, pupil.id: replace(pupil, lang=action.lang)})
    if isinstance(action, Talk):
        if pupil.id in state.talk:
            return state
        return replace(state, talk={**state.talk, pupil.id: at})
    if isinstance(action, ActParsed):
        return _act(state, action, at, pupil)
    if isinstance(action, Page):
        return _turn(state, pupil, action.to)
    return Rejected("unknown_action", "That command is not allowed here.")


def _turn(state: SessionState, pupil: Pupil, to: int) -> SessionState | Rejected:
    """A self-paced participant's next or previous page (a double tap is stale, not two pages)."""
    if not state.paced:
        return Rejected("not_paced", "This workshop is led by the facilitator, not at your own pace.")
    page = state.page_of(pupil.id)
    if to == page:
        return state
    if abs(to - page) != 1 or to > len(state.paced):
        return Rejected("stale", "The page has moved on; the view has been refreshed.")
    return replace(state, progress={**state.progress, pupil.id: to})


def _act(state: SessionState, action: ActParsed, at: float, pupil: Pupil | None) -> SessionState | Rejected:
    if not state.paced:
        step = state.current
    else:  # a participant's own page; the facilitator's command names its step
        step = state.paced_step(pupil.id) if pupil is not None else _paced_by_id(state, action.step)
    if step is None or step.id != action.step:
        return Rejected("not_current", "That step is not running now.")
    kind = REGISTRY[step.kind]
    current = state.activities[step.id]
    ctx = state.ctx(at)
    if pupil is None:
        result = kind.host_move(step, current, action.action, ctx)
    else:
        result = kind.pupil_move(step, current, pupil.seat(), action.action, ctx)
    if isinstance(result, Rejected) or result is current:
        return result if isinstance(result, Rejected) else state
    return _evolve(state, activities={**state.activities, step.id: result})


# What a facilitator cannot do in a self-paced session: nobody drives its steps, it has no
# teams and no station leaders, and its results are aggregates once enough have answered.
_NOT_PACED = (Goto, MakeTeams, MoveTeam, Mentor, ActParsed)


def _paced_by_id(state: SessionState, step_id: str) -> Any:
    """The self-paced session's step of this id, or None (not one of its steps)."""
    return next((state.pack.agenda[i] for i in state.paced if state.pack.agenda[i].id == step_id), None)


def _paced_command(state: SessionState, action: BaseModel) -> bool:
    """Whether a step command is one its kind still takes in a self-paced session (`paced_commands`)."""
    if not isinstance(action, ActParsed):
        return False
    step = _paced_by_id(state, action.step)
    return step is not None and getattr(action.action, "type", None) in REGISTRY[step.kind].paced_commands


def _host(state: SessionState, action: BaseModel, at: float) -> SessionState | Rejected:
    if state.paced and isinstance(action, _NOT_PACED) and not _paced_command(state, action):
        return Rejected("paced", "Everyone goes at their own pace in this session: that is not possible here.")
    if isinstance(action, Goto):
        if action.expect != state.step:
            return Rejected("stale", "Someone else moved the workshop on; the view has been refreshed.")
        if not -1 <= action.step < len(state.pack.agenda):
            return Rejected("bad_step", "There is no such step.")
        if action.step == state.step:
            return state
        return _enter_step(state, action.step, at)
    if isinstance(action, Lock):
        return replace(state, locked=action.locked)
    if isinstance(action, Kick):
        pupil = state.pupils.get(action.seat)
        if pupil is None:
            return Rejected("no_such_pupil", "That pupil is not in this session.")
        kicked = action.type == "kick"
        if kicked is pupil.kicked:
            return state
        return replace(
            state,
            pupils={**state.pupils, pupil.id: replace(pupil, kicked=kicked, team=_team_after(state, pupil, kicked))},
        )
    if isinstance(action, Remove):
        unknown = [seat for seat in action.seats if seat not in state.pupils]
        if unknown:
            return Rejected("no_such_pupil", "That pupil is not in this session.")
        removing = {seat for seat in action.seats if not state.pupils[seat].kicked}
        if not removing:
            return state
        pupils = {
            pid: replace(p, kicked=True, team=_team_after(state, p, True)) if pid in removing else p
            for pid, p in state.pupils.items()
        }
        return replace(state, pupils=pupils)
    if isinstance(action, MakeTeams):
        if action.count == 0:
            pupils = {pid: replace(p, team=None) for pid, p in state.pupils.items()}
            return replace(state, teams=(), pupils=pupils)
        if action.count < 2:
            return Rejected("bad_team_count", "Form at least two teams.")
        # Mentors lead, not play. Team devices go one to a team first (see _spread_devices).
        devices = [p for p in state.active.values() if not p.mentor and p.device == "team"]
        players = [pid for pid, p in state.active.items() if not p.mentor and p.device != "team"]
        split = _balanced_split(players, action.count, _rng(state))
        split |= _spread_devices(devices, tuple(f"t{i + 1}" for i in range(action.count)))
        pupils = {pid: replace(p, team=split.get(pid)) for pid, p in state.pupils.items()}
        return replace(state, teams=tuple(f"t{i + 1}" for i in range(action.count)), pupils=pupils)
    if isinstance(action, MoveTeam):
        pupil = state.pupils.get(action.seat)
        if pupil is None or pupil.kicked:
            return Rejected("no_such_pupil", "That pupil is not in this session.")
        if action.team is not None and action.team not in state.teams:
            return Rejected("no_such_team", "There is no such team.")
        return replace(state, pupils={**state.pupils, pupil.id: replace(pupil, team=action.team)})
    if isinstance(action, ApproveNick):
        pupil = state.pupils.get(action.seat)
        if pupil is None or pupil.pending is None:
            return Rejected("no_pending_nick", "That pupil has no nickname waiting.")
        others = (p.nick for p in state.pupils.values() if p.id != pupil.id)
        if action.approve and nicknames.nick_taken(pupil.pending, others):
            # Someone got it meanwhile (a generated nickname may match a typed one).
            return Rejected("nick_taken", "Someone already has that nickname.")
        decided = replace(pupil, nick=pupil.pending if action.approve else pupil.nick, pending=None)
        return replace(state, pupils={**state.pupils, pupil.id: decided})
    if isinstance(action, Mentor):
        pupil = state.pupils.get(action.seat)
        if pupil is None or pupil.kicked:
            return Rejected("no_such_pupil", "That pupil is not in this session.")
        if pupil.mentor is action.on:
            return state
        team = None if action.on else _smallest_team(state)
        return replace(state, pupils={**state.pupils, pupil.id: replace(pupil, mentor=action.on, team=team)})
    if isinstance(action, TalkSeen):
        if action.seat not in state.talk:
            return state
        return replace(state, talk={k: v for k, v in state.talk.items() if k != action.seat})
    if isinstance(action, OwnNicknames):
        return replace(state, own_nicknames=action.allowed)
    if isinstance(action, End):
        ended = _enter_step(state, len(state.pack.agenda), at)
        return replace(ended, ended=True, locked=True)
    if isinstance(action, ActParsed):
        return _act(state, action, at, None)
    return Rejected("unknown_action", "That command is not allowed here.")


def _system(state: SessionState, action: BaseModel, at: float) -> SessionState | Rejected:
    if isinstance(action, Join):
        if state.locked:
            return Rejected("locked", "The workshop is not taking new pupils right now. Ask the facilitator.")
        if len(state.active) >= state.max_pupils:
            return Rejected("full", "The workshop is full.")
        if action.device == "team" and action.team is not None and action.team not in state.teams:
            return Rejected("no_such_team", "There is no such team.")
        seat_id = f"p{state.next_seat}"
        nick = nicknames.generate(_rng(state), _index(state.pupils).nicks, state.pack.language)
        team = (action.team or _team_for_device(state)) if action.device == "team" else _smallest_team(state)
        pupil = Pupil(seat_id, nick, team, action.lang, device=action.device, simulated=action.simulated)
        pupils = {**state.pupils, seat_id: pupil}
        _with_newcomer(state.pupils, pupils, pupil)
        return replace(state, pupils=pupils, next_seat=state.next_seat + 1)
    if isinstance(action, Pace):
        return _pace(state, action.until, at)
    if isinstance(action, Timer) and state.paced:
        if action.step != PERIOD:
            return Rejected("not_current", "That step is not running now.")
        refused = timer_due(state.until, at)
        return refused or replace(state, ended=True, locked=True)
    if isinstance(action, Timer):
        step = state.current
        if step is None or step.id != action.step:
            return Rejected("not_current", "That step is not running now.")
        result = REGISTRY[step.kind].timer(step, state.activities[step.id], state.ctx(at))
        if isinstance(result, Rejected):
            return result
        return replace(state, activities={**state.activities, step.id: result})
    return Rejected("unknown_action", "That command is not allowed here.")


def _pace(state: SessionState, until: float, at: float) -> SessionState | Rejected:
    """Open a new session self-paced: every step its pack lists is set up, open for the period."""
    if not state.pack.self_paced:
        return Rejected("not_paced", "This workshop is led by the facilitator, not at your own pace.")
    if state.paced or state.step >= 0 or state.pupils:
        return Rejected("paced", "Everyone goes at their own pace in this session: that is not possible here.")
    if until <= at:
        return Rejected("bad_payload", "Invalid message: until: the period must end after it starts")
    index = {step.id: i for i, step in enumerate(state.pack.agenda)}
    paced = tuple(index[step_id] for step_id in state.pack.self_paced)
    ctx = state.ctx(at)
    activities = dict(state.activities)
    for i in paced:
        step = state.pack.agenda[i]
        activities[step.id] = REGISTRY[step.kind].paced_setup(step, ctx)
    # No projector shows a nickname, and nobody approves one: own nicknames stay off.
    return replace(state, paced=paced, until=until, activities=activities, own_nicknames=False, max_pupils=PACED_MAX)


def apply(state: SessionState, actor: str, action: BaseModel, at: float) -> SessionState | Rejected:
    """Apply one parsed action for `actor` ('host', 'system' or a seat id); bump the revision."""
    if state.ended and not isinstance(action, (SetLang, Talk, TalkSeen)):  # help stays reachable after the end
        return Rejected("ended", "This workshop has ended.")
    role = role_of(actor)
    if role == "pupil":
        pupil = state.pupils.get(actor)
        if pupil is None or pupil.kicked:
            return Rejected("not_in_session", "You are no longer in this workshop.")
        result = _pupil(state, action, pupil, at)
    elif role == "host":
        result = _host(state, action, at)
    else:
        result = _system(state, action, at)
    if isinstance(result, Rejected) or result is state:
        return result  # refused, or changed nothing (the same vote again): no new revision
    return _evolve(result, rev=state.rev + 1, last_at=max(at, state.last_at))


def _evolve(state: SessionState, **changes: Any) -> SessionState:
    """`dataclasses.replace` for the hot path (every answer): a field copy, not a new __init__."""
    new = object.__new__(SessionState)
    new.__dict__.update(state.__dict__)
    new.__dict__.update(changes)
    return new


def last_joined(state: SessionState) -> str:
    return f"p{state.next_seat - 1}"
