"""Rehearsal mode's plan (workshops/sessions/rehearsal.py): pure, seeded, no clock.

Its timing (a few fast, a long tail, some never answer, joins spread out), that every answer it
sends is legal for every kind of the registry, and that simulated seats are marked: in the
manager, across a restart, in the console's view and out of the report.
"""

from __future__ import annotations

import random
import statistics
from pathlib import Path

import pytest

from tests.conftest import ROOT
from workshops.activities import REGISTRY, Rejected
from workshops.packs import load_pack
from workshops.sessions import actions, rehearsal, rules
from workshops.sessions.journal import Journal, JournalError
from workshops.sessions.keys import Keyring
from workshops.sessions.manager import SessionManager
from workshops.sessions.rehearsal import Rehearsal

T0 = 1_800_000_000.0
DEMO = load_pack(ROOT / "content" / "esittely").pack
FOLDERS = [
    *sorted(p for p in (ROOT / "content").iterdir() if (p / "pack.yaml").is_file()),
    *sorted(p for p in (ROOT / "tests" / "packs" / "good").iterdir() if (p / "pack.yaml").is_file()),
]
PACKS = [r.pack for f in FOLDERS if (r := load_pack(f)).ok]


def run(state, actor, payload, at=T0):
    parsed = actions.parse(actor, payload, state.pack)
    assert not isinstance(parsed, Rejected), (actor, payload, parsed)
    result = rules.apply(state, actor, parsed, at)
    assert not isinstance(result, Rejected), (actor, payload, result)
    return result


def with_pupils(pack, plan: Rehearsal, n: int, at: float = T0):
    state = rules.new_session(pack, 11, at)
    for _ in range(n):
        state = run(state, "system", {"type": "join", "lang": "fi"}, at)
        plan.joined(rules.last_joined(state))
    return state


def play(plan: Rehearsal, state, start: float, seconds: float, tick: float = 1.0):
    """Let the plan answer for `seconds`, applying what it sends; return the state and (at, seat, payload)s."""
    sent = []
    at = start
    while at < start + seconds:
        at += tick
        for seat, payload in plan.due(at, state):
            parsed = actions.parse(seat, payload, state.pack)
            assert not isinstance(parsed, Rejected), (seat, payload, parsed)
            result = rules.apply(state, seat, parsed, at)
            assert not isinstance(result, Rejected), (state.current.kind, seat, payload, result)
            state = result
            sent.append((at, seat, payload))
    return state, sent


# -- timing ------------------------------------------------------------------------------------------------
def test_answer_times_have_a_median_a_few_fast_and_a_long_tail():
    plan = Rehearsal(25, random.Random(1), T0)
    delays = [plan.delay("choice", 3, "vote") for _ in range(4000)]
    median = statistics.median(delays)
    assert 7 <= median <= 14  # about MEDIAN_SECONDS["choice"]
    assert sum(d < median / 2.5 for d in delays) > 0.03 * len(delays)  # a few fast
    assert max(delays) > 3 * median  # a long tail
    assert min(delays) >= 1.5
    # The speed factor divides every wait; a harder kind takes longer.
    fast = Rehearsal(25, random.Random(1), T0, speed=50)
    assert statistics.median(fast.delay("choice", 3, "vote") for _ in range(2000)) < median / 30
    assert statistics.median(plan.delay("open", 3, "answer") for _ in range(2000)) > median * 1.5


def test_pupils_join_one_by_one_over_about_twenty_seconds():
    plan = Rehearsal(25, random.Random(2), T0)
    per_second = [plan.joins_due(T0 + s) for s in range(1, 31)]
    assert sum(per_second) == 25 and plan.joins_left == 0
    assert max(per_second) <= 5  # not all at once
    assert sum(per_second[:3]) < 10 and sum(per_second[20:]) == 0
    assert Rehearsal(90, random.Random(2), T0).pupils == rehearsal.MAX_PUPILS  # capped


def test_some_never_answer_the_rest_spread_out_and_a_seed_decides_the_same():
    def one(seed: int):
        plan = Rehearsal(40, random.Random(seed), T0)
        state = run(with_pupils(DEMO, plan, 40), "host", {"type": "goto", "step": 1, "expect": -1})
        return play(plan, state, T0, 240)[1]

    runs = [one(seed) for seed in range(12)]
    assert one(3) == runs[3]  # deterministic with a seeded rng
    silent = []
    for sent in runs:
        first = {}
        for at, seat, _payload in sent:
            first.setdefault(seat, at)
        silent.append(40 - len(first))
        times = sorted(first.values())
        assert times[-1] - times[0] > 10  # not all at once
        assert len({round(t) for t in times}) > 10
    share = sum(silent) / (40 * len(runs))
    assert 0.02 <= share <= 0.15, share  # NEVER: about 7 % never answer a question
    changed = sum(len(sent) - (40 - s) for sent, s in zip(runs, silent, strict=True))
    assert changed > 0  # some change their answer


# -- legal for every kind ------------------------------------------------------------------------------------
def _pack_with(kind: str):
    return next((p, i) for p in PACKS for i, s in enumerate(p.agenda) if s.kind == kind)


def _prepare(kind: str, state, step):
    """The facilitator's part before pupils can answer: start the game and deal, start the rotation."""
    act = {"type": "act", "step": step.id}
    if kind == "boardgame":
        state = run(state, "host", act | {"action": {"type": "start"}})
        state = run(state, "host", act | {"action": {"type": "deal"}})
    if kind == "stations":
        state = run(state, "host", act | {"action": {"type": "lead", "seat": "p1", "station": step.stations[0].id}})
        state = run(state, "host", act | {"action": {"type": "start"}})
    return state


@pytest.mark.parametrize("kind", [k for k in REGISTRY if REGISTRY[k].pupil_actions])
def test_every_answer_is_legal_for_every_kind(kind):
    pack, index = _pack_with(kind)
    step = pack.agenda[index]
    plan = Rehearsal(12, random.Random(kind), T0)
    state = with_pupils(pack, plan, 12)
    state = run(state, "host", {"type": "mentor", "seat": "p1", "on": True})
    state = run(state, "host", {"type": "teams", "count": 3})
    state = run(state, "host", {"type": "goto", "step": index, "expect": -1})
    state = _prepare(kind, state, step)
    state, sent = play(plan, state, T0, 400)  # `play` asserts that the rules take every one
    assert sent, f"{kind}: no simulated answer"
    assert {p["action"]["type"] for _at, _seat, p in sent} <= set(REGISTRY[kind].pupil_actions)
    if kind == "stations":
        assert any(seat == "p1" and p["action"]["type"] == "done" for _at, seat, p in sent)  # the leader
    if kind == "boardgame":  # the next round: a new card is a new question
        state = run(state, "host", {"type": "act", "step": step.id, "action": {"type": "reveal"}}, T0 + 400)
        state = run(state, "host", {"type": "act", "step": step.id, "action": {"type": "deal"}}, T0 + 400)
        assert play(plan, state, T0 + 400, 200)[1]


def test_a_question_cleared_by_the_facilitator_is_answered_again():
    plan = Rehearsal(10, random.Random(5), T0)
    state = run(with_pupils(DEMO, plan, 10), "host", {"type": "goto", "step": 1, "expect": -1})
    state, first = play(plan, state, T0, 200)
    step = state.current.id
    state = run(state, "host", {"type": "act", "step": step, "action": {"type": "reset"}}, T0 + 200)
    _state, again = play(plan, state, T0 + 200, 200)
    assert first and again


# -- marked simulated ------------------------------------------------------------------------------------------
class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self) -> float:
        return self.now


def test_simulated_seats_are_marked_and_survive_a_restart(tmp_path):
    clock = Clock()
    journal = Journal(tmp_path / "j.sqlite3")
    keys = Keyring(b"k" * 32)
    manager = SessionManager(journal, keys, clock)
    live = manager.create(DEMO, rehearsal_pupils=99)
    assert live.rehearsal == rehearsal.MAX_PUPILS  # capped
    sims = [manager.join(live, "fi", simulated=True).seat for _ in range(3)]
    real = manager.join(live, "fi").seat
    assert live.simulated == set(sims) and real not in live.simulated
    plain = manager.create(DEMO)
    assert plain.rehearsal is None and not plain.simulated
    journal.close()

    again = SessionManager(Journal(tmp_path / "j.sqlite3"), keys, clock)
    assert again.recover() == 2
    back = again.get(live.code)
    assert back.rehearsal == rehearsal.MAX_PUPILS and back.simulated == set(sims)
    assert again.get(plain.code).rehearsal is None
    assert len(back.state.pupils) == 4 and back.state.rev == live.state.rev  # the marks are not actions


def test_a_simulated_seat_is_marked_in_its_own_join(tmp_path):
    """The mark is part of the join action: no seat is ever journaled without it (nor the reverse)."""
    clock = Clock()
    journal = Journal(tmp_path / "j.sqlite3")
    manager = SessionManager(journal, Keyring(b"k" * 32), clock)
    live = manager.create(DEMO, rehearsal_pupils=5)
    sim = manager.join(live, "fi", simulated=True).seat
    real = manager.join(live, "sv").seat
    joins = [r.action for r in journal.actions(live.id) if r.action and r.action.get("type") == "join"]
    assert [(j["lang"], bool(j.get("simulated"))) for j in joins] == [("fi", True), ("sv", False)]
    assert live.state.pupils[sim].simulated and not live.state.pupils[real].simulated


def test_a_deleted_rehearsal_takes_no_mark_and_spoils_no_other_session(tmp_path):
    clock = Clock()
    manager = SessionManager(Journal(tmp_path / "j.sqlite3"), Keyring(b"k" * 32), clock)
    other = manager.create(DEMO)
    live = manager.create(DEMO, rehearsal_pupils=5)
    manager.delete(live)
    with pytest.raises(JournalError):
        manager._mark(live, rehearsal.rehearsal_record(5))
    assert manager.join(other, "fi").ok  # the open group was not lost with a foreign-key failure


def test_marks_are_not_actions():
    mark = rehearsal.rehearsal_record(25)
    assert rehearsal.is_mark(mark) and rehearsal.read_mark(mark) == 25
    assert isinstance(actions.parse("system", mark, DEMO), Rejected)
    assert not rehearsal.is_mark({"type": "join", "lang": "fi", "simulated": True})


def test_the_plan_imports_no_clock_or_web():
    text = Path(rehearsal.__file__).read_text(encoding="utf-8")
    for banned in ("import time", "flask", "eventlet", "socketio", "datetime"):
        assert banned not in text, banned
