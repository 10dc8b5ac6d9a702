"""The pure session rules: state + action -> state, or a Rejected value."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshops.activities import Rejected
from workshops.packs import load_pack
from workshops.sessions import actions, rules, views

T0 = 1_800_000_000.0
PACK = load_pack(Path(__file__).resolve().parents[2] / "content" / "esittely").pack


def run(state, actor, payload, at=T0):
    parsed = actions.parse(actor, payload, state.pack)
    if isinstance(parsed, Rejected):
        return parsed
    return rules.apply(state, actor, parsed, at)


def joined(pack, n, seed=7):
    state = rules.new_session(pack, seed, T0)
    for _ in range(n):
        state = run(state, "system", {"type": "join", "lang": "fi"})
    return state


def test_join_gives_unique_generated_nicknames(demo_pack):
    state = joined(demo_pack, 30)
    nicks = [p.nick for p in state.pupils.values()]
    assert len(set(nicks)) == 30
    assert list(state.pupils) == [f"p{i}" for i in range(1, 31)]


def test_a_join_storm_keeps_one_pupils_index_per_session(demo_pack):
    # Each join makes a new pupils mapping; the old one's index must not stay cached with it.
    rules._INDEX._items.clear()
    state = replace(rules.new_session(demo_pack, 7, T0), max_pupils=300)
    for _ in range(300):
        state = run(state, "system", {"type": "join", "lang": "fi"})
    kept = [objects[0] for objects, _ in rules._INDEX._items.values()]
    assert kept == [state.pupils]
    assert len(state.active) == 300 and len(state.ctx(T0).seats) == 300


def test_same_seed_same_session(demo_pack):
    assert joined(demo_pack, 10, seed=3) == joined(demo_pack, 10, seed=3)
    assert joined(demo_pack, 10, seed=3) != joined(demo_pack, 10, seed=4)


def test_locked_and_full_lobby_refuse_joins(demo_pack):
    state = run(joined(demo_pack, 1), "host", {"type": "lock", "locked": True})
    assert run(state, "system", {"type": "join"}).code == "locked"
    full = joined(demo_pack, demo_pack.session.max_pupils)
    assert run(full, "system", {"type": "join"}).code == "full"


def test_rejected_actions_do_not_bump_the_revision(demo_pack):
    state = joined(demo_pack, 2)
    result = run(state, "host", {"type": "goto", "step": 3, "expect": 1})
    assert isinstance(result, Rejected) and result.code == "stale"
    assert state.rev == 2


@pytest.mark.parametrize(
    ("actor", "payload", "code"),
    [
        ("p1", {"type": "goto", "step": 0, "expect": -1}, "unknown_action"),
        ("p1", {"type": "kick", "seat": "p2"}, "unknown_action"),
        ("host", {"type": "join"}, "unknown_action"),
        ("host", {"type": "kick", "seat": "p99"}, "no_such_pupil"),
        ("host", {"type": "teams", "count": 1}, "bad_team_count"),
        ("host", {"type": "move", "seat": "p1", "team": "t5"}, "no_such_team"),
        ("host", {"type": "goto", "step": 99, "expect": -1}, "bad_step"),
        ("p1", {"type": "rename", "nick": "Aino"}, "own_nicknames_off"),
        ("p9", {"type": "reroll"}, "not_in_session"),
        ("host", {"type": "lock", "locked": "yes"}, "bad_payload"),
        ("host", {"type": "lock", "locked": True, "extra": 1}, "bad_payload"),
    ],
)
def test_refusals(demo_pack, actor, payload, code):
    result = run(joined(demo_pack, 2), actor, payload)
    assert isinstance(result, Rejected) and result.code == code


def test_kicked_pupil_is_out_and_readmitted(demo_pack):
    state = run(joined(demo_pack, 3), "host", {"type": "kick", "seat": "p2"})
    assert list(state.active) == ["p1", "p3"]
    assert run(state, "p2", {"type": "reroll"}).code == "not_in_session"
    back = run(state, "host", {"type": "readmit", "seat": "p2"})
    assert "p2" in back.active


@given(n=st.integers(0, 60), teams=st.integers(2, 8), seed=st.integers(0, 2**32))
@settings(max_examples=60, deadline=None)
def test_team_split_is_balanced(n, teams, seed):
    state = run(joined(PACK, n, seed), "host", {"type": "teams", "count": teams})
    sizes = [t["size"] for t in views._teams(state)]
    assert sum(sizes) == n
    assert max(sizes) - min(sizes) <= 1


def test_timing_records_each_visit(demo_pack):
    state = joined(demo_pack, 1)
    state = run(state, "host", {"type": "goto", "step": 0, "expect": -1}, at=T0 + 10)
    state = run(state, "host", {"type": "goto", "step": 1, "expect": 0}, at=T0 + 70)
    state = run(state, "host", {"type": "goto", "step": 0, "expect": 1}, at=T0 + 100)
    assert [(t.started_at, t.ended_at) for t in state.times[0]] == [(T0 + 10, T0 + 70), (T0 + 100, None)]
    assert [(t.started_at, t.ended_at) for t in state.times[1]] == [(T0 + 70, T0 + 100)]
    agenda = views.host_view(state)["agenda"]
    assert agenda[0]["runs"] == [[T0 + 10, T0 + 70], [T0 + 100, None]]


def test_going_back_keeps_answers(demo_pack):
    state = run(joined(demo_pack, 1), "host", {"type": "goto", "step": 1, "expect": -1})
    state = run(state, "p1", {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": ["ok"]}})
    state = run(state, "host", {"type": "goto", "step": 2, "expect": 1})
    state = run(state, "host", {"type": "goto", "step": 1, "expect": 2})
    assert views.pupil_own(state, "p1")["activity"]["mine"] == ["ok"]


def test_end_locks_and_refuses_further_actions(demo_pack):
    state = run(joined(demo_pack, 1), "host", {"type": "end"})
    assert state.ended and state.locked
    assert run(state, "host", {"type": "goto", "step": 0, "expect": len(demo_pack.agenda)}).code == "ended"
    assert views.pupil_common(state)["phase"] == "ended"


# -- property: any sequence of actions keeps the invariants --------------------------------------
def _payloads(pack):
    step_ids = [s.id for s in pack.agenda] + ["nope"]
    option_ids = ["ok", "pirtea", "n112", "n911", "pallo", "zz"]
    seat = st.sampled_from([f"p{i}" for i in range(1, 8)])
    pupil = st.one_of(
        st.fixed_dictionaries({"type": st.just("reroll")}),
        st.fixed_dictionaries({"type": st.just("rename"), "nick": st.text(max_size=40)}),
        st.fixed_dictionaries(
            {
                "type": st.just("act"),
                "step": st.sampled_from(step_ids),
                "action": st.fixed_dictionaries(
                    {
                        "type": st.sampled_from(["vote", "reveal"]),
                        "options": st.lists(st.sampled_from(option_ids), max_size=3),
                    }
                ),
            }
        ),
    )
    host = st.one_of(
        st.fixed_dictionaries({"type": st.just("goto"), "step": st.integers(-1, 6), "expect": st.integers(-1, 6)}),
        st.fixed_dictionaries({"type": st.just("teams"), "count": st.integers(0, 8)}),
        st.fixed_dictionaries({"type": st.sampled_from(["kick", "readmit"]), "seat": seat}),
        st.fixed_dictionaries(
            {"type": st.just("move"), "seat": seat, "team": st.sampled_from([None, "t1", "t2", "t3"])}
        ),
        st.fixed_dictionaries({"type": st.just("lock"), "locked": st.booleans()}),
        st.fixed_dictionaries({"type": st.just("own_nicknames"), "allowed": st.booleans()}),
        st.fixed_dictionaries(
            {
                "type": st.just("act"),
                "step": st.sampled_from(step_ids),
                "action": st.fixed_dictionaries(
                    {"type": st.sampled_from(["open", "close", "reveal", "reset", "vote"])}
                ),
            }
        ),
    )
    system = st.fixed_dictionaries({"type": st.sampled_from(["join", "timer"]), "step": st.sampled_from(step_ids)})
    return st.lists(
        st.one_of(
            st.tuples(st.sampled_from([f"p{i}" for i in range(1, 8)]), pupil),
            st.tuples(st.just("host"), host),
            st.tuples(st.just("system"), system.map(lambda d: {"type": d["type"]} if d["type"] == "join" else d)),
        ),
        max_size=40,
    )


@given(data=st.data())
@settings(max_examples=150, deadline=None)
def test_random_action_sequences_keep_invariants(data):
    demo_pack = PACK
    state = rules.new_session(demo_pack, 1, T0)
    at = T0
    for actor, payload in data.draw(_payloads(demo_pack)):
        at += 7
        before = state
        result = run(state, actor, payload, at)
        if isinstance(result, Rejected):
            assert result.code and result.message
            continue
        state = result
        # a change bumps the revision by one; an action that changes nothing leaves the state as it was
        assert state.rev == before.rev + 1 or state is before
        assert -1 <= state.step <= len(demo_pack.agenda)
        assert all(p.team is None or p.team in state.teams for p in state.pupils.values())
        # every active pupil's answer is counted once, and only known options are counted
        step = state.current
        if step is not None and step.kind == "choice":
            choice = state.activities[step.id]
            counts = views.host_view(state)["activity"]["counts"]
            if step.answer_by == "individual" and not step.multiple:
                assert sum(counts.values()) == len([s for s in choice.votes if s in state.active])
        # views never fail, and a pupil's common view holds no right answer before reveal
        views.screen_view(state)
        common = views.pupil_common(state)
        if step is not None and step.kind == "choice" and state.activities[step.id].phase != "revealed":
            assert "correct" not in common["activity"]
        for pid in state.pupils:
            views.pupil_own(state, pid)


def test_leaving_a_timed_question_stops_its_clock_and_coming_back_restarts_it():
    state = run(joined(PACK, 1), "host", {"type": "goto", "step": 2, "expect": -1}, at=T0)  # the 30 s quiz
    assert state.activities["hatanumero"].closes_at == T0 + 30
    state = run(state, "host", {"type": "goto", "step": 3, "expect": 2}, at=T0 + 10)
    assert state.activities["hatanumero"].closes_at is None
    assert state.activities["hatanumero"].paused_left == 20
    state = run(state, "host", {"type": "goto", "step": 2, "expect": 3}, at=T0 + 100)
    assert state.activities["hatanumero"].closes_at == T0 + 120
    assert state.deadline() == T0 + 120


def test_a_vote_after_the_deadline_is_refused_even_before_the_timer_fires():
    state = run(joined(PACK, 1), "host", {"type": "goto", "step": 2, "expect": -1}, at=T0)
    late = run(
        state,
        "p1",
        {"type": "act", "step": "hatanumero", "action": {"type": "vote", "options": ["n112"]}},
        at=T0 + 30.5,
    )
    assert isinstance(late, Rejected) and late.code == "closed"


def test_team_answer_to_a_multiple_choice_needs_a_majority_per_option():
    from workshops.activities.choice import Choice, ChoiceState

    step = PACK.agenda[1].model_copy(update={"multiple": True, "answer_by": "team"})
    state = run(joined(PACK, 6), "host", {"type": "teams", "count": 2})  # 3 pupils a team
    a, b, c = [p.id for p in state.pupils.values() if p.team == "t1"]
    votes = {a: ("ok", "pirtea"), b: ("ok",), c: ("vasyttaa",)}
    choice = ChoiceState("open", votes, {a: 0, b: 1, c: 2}, 3, None)
    assert Choice().team_answers(step, choice, state.ctx(T0)) == {"t1": ("ok",)}  # 2 of 3 picked it
    split = ChoiceState("open", {a: ("ok",), b: ("pirtea",), c: ("vasyttaa",)}, {a: 0, b: 1, c: 2}, 3, None)
    assert Choice().team_answers(step, split, state.ctx(T0)) == {}  # no majority: no team answer yet
