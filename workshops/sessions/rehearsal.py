"""Rehearsal mode: simulated pupils for a facilitator who walks a workshop alone the evening before.

A `Rehearsal` is the plan of one rehearsal's simulated pupils: when each joins, and when and
what each answers, step by step. It is pure: the driver (`workshops/web/rehearsing.py`) asks
`joins_due(now)` and `due(now, state)` with the session's clock and saved state, and sends what
comes back through the manager exactly as a phone's `pupil` event would be sent. The random
source is injected, so a seeded plan decides the same way every time.

What a simulated pupil sends is always one of its step kind's own `sample_moves` (the kind's
legal pupil actions), checked against the pure rules first, so a rehearsal exercises every kind
end to end through the public protocol.

Also here: the journal's rehearsal mark (which session is a rehearsal; read back on recovery).
Each simulated seat is marked in its own join action (`simulated: true`), so it is never there
without its mark. A rehearsal's report shows no results: its answers are not a class's.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..activities import REGISTRY, Rejected
from . import actions, rules

#: simulated pupils a rehearsal has unless the facilitator chooses otherwise
DEFAULT_PUPILS = 25
#: the most a rehearsal may have: a rehearsal must not become a load generator on a shared server
MAX_PUPILS = 40
#: simulated pupils arrive one by one over about this many seconds
JOIN_SECONDS = 20.0
#: share of pupils who never answer a given question
NEVER = 0.07
#: share of answers changed once, a little later, where the step lets them be changed
CHANGE = 0.12
#: spread of the answer times (log-normal): most near the median, a few fast, a long tail
SIGMA = 0.55
#: typical seconds to answer, by kind (scaled a little by the step's planned minutes)
MEDIAN_SECONDS: Mapping[str, float] = {
    "truefalse": 8,
    "scale": 9,
    "choice": 10,
    "scenario": 12,
    "boardgame": 14,
    "hotspot": 18,
    "order": 20,
    "sort": 22,
    "pairs": 22,
    "open": 25,
    "invent": 45,
    "stations": 40,
}
DEFAULT_MEDIAN = 15.0
#: a station leader says "done" well into the round; a group's shared line takes some talk
TASK_FACTOR: Mapping[str, float] = {"done": 2.0, "line": 1.4}
#: pupil actions a simulated pupil never sends: calling the facilitator over would only nag
#: the one rehearsing, and a station leader's entries stand in for groups without devices
NOT_SIMULATED = frozenset({"call", "enter"})
#: a due answer that is not possible yet (a paused vote) is tried again this many times
RETRIES = 3
RETRY_SECONDS = 5.0

# -- the journal's marks ----------------------------------------------------------------------------
# Records without a `type`: no version of the action models takes them for an action, and replay
# reads them back (see SessionManager.recover). The first record of a rehearsal names it one.
_REHEARSAL = "rehearsal"


def rehearsal_record(pupils: int) -> dict[str, Any]:
    """The journal record that makes a session a rehearsal of `pupils` simulated pupils."""
    return {_REHEARSAL: {"pupils": pupils}}


def is_mark(record: Mapping[str, Any]) -> bool:
    """Whether a journal record is a rehearsal's mark rather than an action."""
    return "type" not in record and _REHEARSAL in record


def read_mark(record: Mapping[str, Any]) -> int | None:
    """The rehearsal's planned simulated pupils, from its mark."""
    planned = record.get(_REHEARSAL)
    if isinstance(planned, Mapping) and isinstance(planned.get("pupils"), int):
        return clamp_pupils(planned["pupils"])
    return None


def clamp_pupils(count: int) -> int:
    """A requested number of simulated pupils, kept within 0…MAX_PUPILS."""
    return max(0, min(MAX_PUPILS, count))


# -- the plan ----------------------------------------------------------------------------------------
def act_payload(step: str, move: dict[str, Any]) -> dict[str, Any]:
    """A step's own action wrapped as a phone sends it (`act`)."""
    return {"type": "act", "step": step, "action": move}


def legal_moves(state: rules.SessionState, seat: str, now: float) -> list[dict[str, Any]]:
    """The kind's sample moves that the rules would take from `seat` now and that change something."""
    step = state.current
    pupil = state.pupils.get(seat)
    if step is None or state.ended or pupil is None or pupil.kicked or step.id not in state.activities:
        return []
    kind = REGISTRY[step.kind]
    legal = []
    for move in kind.sample_moves(step, state.activities[step.id], pupil.seat(), state.ctx(now)):
        if move.get("type") in NOT_SIMULATED:
            continue
        parsed = actions.parse(seat, act_payload(step.id, move), state.pack)
        if isinstance(parsed, Rejected):
            continue
        result = rules.apply(state, seat, parsed, now)
        if not isinstance(result, Rejected) and result is not state:
            legal.append(move)
    return legal


def _blank(move: Mapping[str, Any]) -> bool:
    """An answer that says nothing (no taps, no ways): a pupil who means it does not send it."""
    return any(isinstance(v, (list, dict, str)) and not v for k, v in move.items() if k != "type")


def _unanswered(own: Mapping[str, Any]) -> bool:
    # Only kinds whose own view has `mine` tell; stations' `mine` is never empty.
    return "mine" in own and own["mine"] in (None, [], {})


#: kinds whose first sample move is the right answer (a choice only in a quiz; polls, scales and
#: stories have none, and favouring their first option would skew the results)
RIGHT_FIRST = frozenset({"truefalse", "sort", "order", "pairs", "hotspot"})


def _right_first(step: Any) -> bool:
    return step.kind in RIGHT_FIRST or (step.kind == "choice" and getattr(step, "mode", None) == "quiz")


def _ident(part: Any) -> Any:
    return part.get("id") if isinstance(part, Mapping) else part


@dataclass(order=True)
class _Intent:
    at: float
    order: int
    seat: str = field(compare=False)
    key: tuple[Any, ...] = field(compare=False)
    task: str = field(compare=False)
    change: bool = field(compare=False, default=False)
    tries: int = field(compare=False, default=0)


class Rehearsal:
    """When a rehearsal's simulated pupils join and what, and when, each of them answers.

    `start` and every `now` are the session's clock (seconds); `speed` divides every wait, so a
    test rehearses a whole workshop in moments. A pupil looks at its *situation* (the step, its
    visit and phase, the board game's round and card, the story's node, the group's station);
    when a new one offers something to answer, it plans one answer per task after a log-normal
    wait, or (NEVER) none; sometimes (CHANGE) it changes that answer later.
    """

    def __init__(
        self,
        pupils: int,
        rng: random.Random,
        start: float,
        speed: float = 1.0,
        simulated: Iterable[str] = (),
        joins: int | None = None,
    ):
        self.pupils = clamp_pupils(pupils)
        self.rng = rng
        self.speed = max(speed, 0.001)
        self.simulated: set[str] = set(simulated)
        left = self.pupils - len(self.simulated) if joins is None else joins
        # A few come at once, most within the first seconds, the last ones by JOIN_SECONDS.
        offsets = sorted(JOIN_SECONDS * rng.betavariate(1.3, 1.8) for _ in range(max(0, left)))
        self._joins = [start + max(0.3, s) / self.speed for s in offsets]
        self._queue: list[_Intent] = []
        self._order = 0
        self._seen: set[tuple[str, tuple[Any, ...]]] = set()  # (seat, situation) looked at
        # (seat, situation) -> task -> the move sent
        self._answered: dict[tuple[str, tuple[Any, ...]], dict[str, dict[str, Any]]] = {}
        self._team_done: set[tuple[str | None, tuple[Any, ...], str]] = set()
        self._last: rules.SessionState | None = None  # the state of the last look

    # -- joining -------------------------------------------------------------------------------
    def joins_due(self, now: float) -> int:
        """How many simulated pupils join now (each once)."""
        count = 0
        while self._joins and self._joins[0] <= now:
            self._joins.pop(0)
            count += 1
        return count

    @property
    def joins_left(self) -> int:
        return len(self._joins)

    def joined(self, seat: str) -> None:
        """A simulated pupil got its seat."""
        self.simulated.add(seat)

    # -- answering ----------------------------------------------------------------------------------
    def delay(self, kind: str, minutes: float, task: str) -> float:
        """Seconds (on the session's clock) before a pupil sends one answer."""
        median = MEDIAN_SECONDS.get(kind, DEFAULT_MEDIAN) * TASK_FACTOR.get(task, 1.0)
        if kind not in ("boardgame", "stations") and minutes:
            median *= min(1.3, max(0.8, minutes / 3))  # a longer question takes a little longer
        seconds = median * math.exp(self.rng.gauss(0.0, SIGMA))
        if self.rng.random() < 0.08:  # the quick ones, who answer before the question is read out
            seconds *= 0.3
        return min(max(1.5, seconds), 6 * median) / self.speed

    def settle(self, now: float, state: rules.SessionState) -> None:
        """After a restart: the simulated pupils who have answered the running step keep their answers."""
        for seat, key, own in self._looks(now, state):
            if not _unanswered(own):
                self._seen.add((seat, key))

    def due(self, now: float, state: rules.SessionState) -> list[tuple[str, dict[str, Any]]]:
        """What simulated pupils send now, as (seat, `act` payload), in the order to send them."""
        step = state.current
        if step is None or state.ended or step.id not in state.activities:
            self._queue.clear()
            return []
        kind = REGISTRY[step.kind]
        if not kind.pupil_actions:
            return []
        if state is self._last and not (self._queue and self._queue[0].at <= now):
            return []  # nothing new to see, nothing due
        self._last = state
        looks = {seat: (key, own) for seat, key, own in self._looks(now, state)}
        for seat, (key, own) in looks.items():
            self._notice(now, state, seat, key, own)
        out: list[tuple[str, dict[str, Any]]] = []
        working = state  # with the answers picked so far: each next one is legal after them
        while self._queue and self._queue[0].at <= now:
            intent = heapq.heappop(self._queue)
            looked = looks.get(intent.seat)
            if looked is None or looked[0] != intent.key:
                continue  # the situation has moved on: too late for this answer
            move = self._pick(now, working, intent, looked[1])
            if move is None:
                continue
            payload = act_payload(step.id, move)
            parsed = actions.parse(intent.seat, payload, working.pack)
            result = rules.apply(working, intent.seat, parsed, now) if not isinstance(parsed, Rejected) else parsed
            if not isinstance(result, Rejected):
                working = result
            out.append((intent.seat, payload))
        return out

    def _looks(self, now: float, state: rules.SessionState) -> Iterable[tuple[str, tuple[Any, ...], dict[str, Any]]]:
        """Each simulated pupil's situation and own view of the running step."""
        step = state.current
        if step is None or step.id not in state.activities:
            return
        kind = REGISTRY[step.kind]
        data = state.activities[step.id]
        ctx = state.ctx(now)
        visit = len(state.times.get(state.step, ()))
        for seat in sorted(self.simulated, key=lambda s: int(s[1:]) if s[1:].isdigit() else 0):
            pupil = state.pupils.get(seat)
            if pupil is None or pupil.kicked:
                continue
            own = kind.pupil_own(step, data, pupil.seat(), ctx)
            key = (
                step.id,
                visit,
                getattr(data, "phase", None),
                getattr(data, "round", None),
                _ident(own.get("card")),
                own.get("at"),
                _ident(own.get("station")),
                pupil.team,
                pupil.mentor,
            )
            yield seat, key, own

    def _notice(self, now: float, state: rules.SessionState, seat: str, key: tuple[Any, ...], own: dict) -> None:
        """Plan a pupil's answers to a situation seen for the first time (or cleared by the facilitator)."""
        if _unanswered(own) and (seat, key) in self._answered:
            # The facilitator cleared the answers: the question is asked again.
            self._seen.discard((seat, key))
            del self._answered[(seat, key)]
        if (seat, key) in self._seen:
            return
        self._seen.add((seat, key))
        tasks = sorted({m["type"] for m in legal_moves(state, seat, now)})
        if not tasks or self.rng.random() < NEVER:
            return
        step = state.current
        assert step is not None  # due() asks only while a step runs
        for task in tasks:
            self._plan(now + self.delay(step.kind, step.minutes, task), seat, key, task)

    def _plan(
        self, at: float, seat: str, key: tuple[Any, ...], task: str, change: bool = False, tries: int = 0
    ) -> None:
        self._order += 1
        heapq.heappush(self._queue, _Intent(at, self._order, seat, key, task, change, tries))

    def _shared(self, step: Any, task: str) -> bool:
        """Whether one answer stands for the whole team: a team task (not a vote), or a group's line."""
        return task == "line" or (getattr(step, "answer_by", None) == "team" and step.kind != "choice")

    def _pick(self, now: float, state: rules.SessionState, intent: _Intent, own: dict) -> dict[str, Any] | None:
        """The move a due intent sends, or None (a teammate answered already, or it is not possible now)."""
        step = state.current
        pupil = state.pupils[intent.seat]
        moves = [m for m in legal_moves(state, intent.seat, now) if m["type"] == intent.task and not _blank(m)]
        if not moves:
            if intent.tries < RETRIES:  # a paused vote: the pupil tries again a little later
                self._plan(
                    now + RETRY_SECONDS / self.speed,
                    intent.seat,
                    intent.key,
                    intent.task,
                    intent.change,
                    intent.tries + 1,
                )
            return None
        sent = self._answered.get((intent.seat, intent.key), {})
        team = (pupil.team, intent.key, intent.task)
        if not intent.change and self._shared(step, intent.task):
            # Someone answered for the team: a simulated teammate, or (a team task's `mine`) a phone.
            by_phone = intent.task != "line" and intent.task not in sent and not _unanswered(own)
            if (team in self._team_done or by_phone) and self.rng.random() < 0.85:
                return None  # most leave it at that
        before = sent.get(intent.task)
        if intent.change:
            moves = [m for m in moves if m != before]
            if not moves:
                return None
        # The kinds list a right answer first: a class gets more of them right than chance would.
        right = not intent.change and _right_first(step)
        weights = [2.0 if i == 0 and right else 1.0 for i in range(len(moves))]
        move = self.rng.choices(moves, weights=weights)[0]
        self._answered.setdefault((intent.seat, intent.key), {})[intent.task] = move
        self._team_done.add(team)
        if not intent.change and self.rng.random() < CHANGE:
            assert step is not None
            self._plan(
                now + 0.7 * self.delay(step.kind, step.minutes, intent.task), intent.seat, intent.key, intent.task, True
            )
        return move
