"""A sample session at any step of a pack, made with the pure rules alone: what a pack's preview shows.

A content author previews a pack without starting a session (`web/preview.py`). The state is
built the way a live session's is, but by calling `rules.apply` directly: a fresh state from the
pack, a few made-up pupils joining (split into teams when the pack has team steps), the
facilitator's `goto` from step to step, and for the later moments of a step the kind's own sample
moves and commands (`sample_moves`, `sample_commands`, as the protocol tests play every kind).
Nothing here touches the manager or the journal: no code, no key, nothing saved or sent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Literal

from ..activities import REGISTRY, Rejected
from ..packs.models import Pack
from . import actions, rules, views

Moment = Literal["start", "answers", "results"]
#: the moments of a step a preview can show, in the order a session reaches them
MOMENTS: tuple[Moment, ...] = ("start", "answers", "results")
PUPILS = 4  # enough for two teams of two, few enough to read on the console
TEAMS = 2
# Commands that end the answering or the step: the "answers" moment stops before them.
_FINISHING = frozenset({"reveal", "close", "debrief", "show", "end", "skip"})
# Commands a preview never plays: they undo what the moment is meant to show.
_UNDOING = frozenset({"reset", "open", "end"})
_MAX_ROUNDS = 12  # a station rotation is the longest way to its results: one round per station


class SampleError(Exception):
    """The rules refused a step of the walk (a session could not reach this step either)."""


@dataclass(frozen=True)
class Sample:
    """A sample session's state and which made-up pupil's phone shows each of the pack's languages."""

    state: rules.SessionState
    phones: dict[str, str]  # language -> seat id
    now: float

    def host_view(self) -> dict[str, Any]:
        """The console's view, as the fanout sends it: every made-up pupil online."""
        view = views.host_view(self.state, online=set(self.state.active))
        view |= {"journal_failed": False, "qr_since": None}
        return self._stamped(view)

    def screen_view(self) -> dict[str, Any]:
        """The projector's view."""
        return self._stamped(views.screen_view(self.state))

    def phone_views(self, lang: str) -> list[tuple[str, dict[str, Any]]]:
        """The two views a phone in `lang` gets on connect: `pupil_view`, then its `own_view`."""
        seat = self.phones[lang]
        common = self._stamped(views.pupil_common(self.state))
        return [("pupil_view", common), ("own_view", self._stamped(views.pupil_own(self.state, seat)))]

    def _stamped(self, view: dict[str, Any]) -> dict[str, Any]:
        return {**view, "server_time": self.now}


def needs_teams(pack: Pack) -> bool:
    """Whether any step answers by team (a board game, stations, a team question)."""
    return any(REGISTRY[step.kind].affects_team(step) for step in pack.agenda)


def seed_of(pack: Pack) -> int:
    """The same seed for the same pack: nicknames and scrambled orders stay put between reloads."""
    return int.from_bytes(hashlib.sha256(pack.id.encode()).digest()[:6], "big")


def sample_session(pack: Pack, index: int, moment: Moment, now: float) -> Sample:
    """The session as it stands at step `index` at `moment`, its step begun at `now`.

    Earlier steps are visited for their planned minutes, so the console's timing plan reads "on
    time". Raises SampleError when the rules refuse a join, a team split or a `goto`.
    """
    if not 0 <= index < len(pack.agenda):
        raise SampleError(f"no step {index}")
    planned = [step.minutes * 60 for step in pack.agenda]
    began = now - sum(planned[:index])
    state = _class(pack, began, PUPILS)
    at = began
    for i in range(index + 1):
        state = _must(state, "host", {"type": "goto", "step": i, "expect": i - 1}, min(at, now))
        at += planned[i]
    phones: dict[str, str] = {}
    for pupil in state.pupils.values():
        phones.setdefault(pupil.lang, pupil.id)
    if moment != "start":
        state = _answers(state, now)
    if moment == "results":
        state = _results(state, now)
    return Sample(state, phones, now)


def whole_session(pack: Pack, now: float, pupils: int = PUPILS) -> rules.SessionState:
    """A whole workshop made up, ended at `now`: every step run for its planned minutes, to its results.

    What a report of a real session shows, for its tests and for looking at it without a class.
    """
    planned = [step.minutes * 60 for step in pack.agenda]
    at = now - sum(planned)
    state = _class(pack, at, pupils)
    for i, minutes in enumerate(planned):
        state = _must(state, "host", {"type": "goto", "step": i, "expect": i - 1}, at)
        state = _results(_answers(state, at + 1), at + 2)
        at += minutes
    return _must(state, "host", {"type": "end"}, now)


def _class(pack: Pack, began: float, pupils: int) -> rules.SessionState:
    """A new session with `pupils` made-up pupils joined a minute before `began`, in the pack's
    languages by turns, and in teams if the pack has team steps."""
    state = rules.new_session(pack, seed_of(pack), began - 60)
    langs = pack.languages
    for i in range(pupils):
        state = _must(state, "system", {"type": "join", "lang": langs[i % len(langs)]}, began - 60)
    if needs_teams(pack):
        state = _must(state, "host", {"type": "teams", "count": TEAMS}, began - 30)
    return state


def moments(pack: Pack, index: int, now: float) -> list[Moment]:
    """The moments of a step that show something new: a slide has its start only."""
    shown: list[Moment] = []
    last = None
    for moment in MOMENTS:
        rev = sample_session(pack, index, moment, now).state.rev
        if rev != last:
            shown.append(moment)
        last = rev
    return shown


def finished(state: rules.SessionState) -> bool:
    """Whether the running step shows its results: revealed, a round's outcome, the debrief."""
    step = state.current
    if step is None:
        return True
    data = state.activities[step.id]
    return REGISTRY[step.kind].revealed(step, data) or getattr(data, "phase", None) in ("revealed", "debrief")


def _must(state: rules.SessionState, actor: str, payload: dict[str, Any], at: float) -> rules.SessionState:
    result = _apply(state, actor, payload, at)
    if isinstance(result, Rejected):
        raise SampleError(f"{payload['type']}: {result.code}: {result.message}")
    return result


def _apply(state: rules.SessionState, actor: str, payload: dict[str, Any], at: float) -> rules.SessionState | Rejected:
    parsed = actions.parse(actor, payload, state.pack)
    if isinstance(parsed, Rejected):
        return parsed
    return rules.apply(state, actor, parsed, at)


def _act(step_id: str, action: dict[str, Any]) -> dict[str, Any]:
    return {"type": "act", "step": step_id, "action": action}


def _pupils_answer(state: rules.SessionState, now: float) -> tuple[rules.SessionState, bool]:
    """Each made-up pupil sends one of its sample moves (a different one each, for a spread of answers)."""
    step = state.current
    assert step is not None  # the walk always ends on a step
    kind = REGISTRY[step.kind]
    moved = False
    for i, seat in enumerate(list(state.active)):
        pupil = state.active[seat]
        options = kind.sample_moves(step, state.activities[step.id], pupil.seat(), state.ctx(now))
        if not options:
            continue
        result = _apply(state, seat, _act(step.id, options[i % len(options)]), now)
        if not isinstance(result, Rejected):
            moved = moved or result is not state
            state = result
    return state, moved


def _command(state: rules.SessionState, now: float, avoid: frozenset[str]) -> rules.SessionState | None:
    """The facilitator's likeliest command that changes something, none of `avoid`; None if there is none."""
    step = state.current
    assert step is not None
    kind = REGISTRY[step.kind]
    for command in kind.sample_commands(step, state.activities[step.id], state.ctx(now)):
        if command["type"] in avoid:
            continue
        result = _apply(state, "host", _act(step.id, command), now)
        if not isinstance(result, Rejected) and result is not state:
            return result
    return None


def _answers(state: rules.SessionState, now: float) -> rules.SessionState:
    """The step with answers in: the facilitator starts what needs starting, then pupils answer."""
    for _ in range(_MAX_ROUNDS):
        state, moved = _pupils_answer(state, now)
        if moved:
            return state
        started = _command(state, now, _FINISHING | _UNDOING)
        if started is None:
            return state
        state = started
    return state


def _results(state: rules.SessionState, now: float) -> rules.SessionState:
    """On from the answers to the results, as the facilitator's likeliest commands lead there."""
    for _ in range(_MAX_ROUNDS):
        if finished(state):
            return state
        moved = _command(state, now, _UNDOING)
        if moved is None:
            return state
        state, _ = _pupils_answer(moved, now)
    return state
