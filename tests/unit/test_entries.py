"""The facilitator's entries (no pupil devices), as pure rules: hands counted, one class answer, teams'."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.test_tasks import PACK, STEPS, answer, at_step, run
from workshops.activities import REGISTRY, Rejected
from workshops.sessions import views


def enter(state, step_id, **fields):
    return run(state, "host", {"type": "act", "step": step_id, "action": {"type": "enter", **fields}})


def results(state, step_id):
    step = next(s for s in PACK.agenda if s.id == step_id)
    return views.report(state)["steps"][PACK.agenda.index(step)]["summary"]


@settings(max_examples=60, deadline=None)
@given(
    phones=st.lists(st.booleans(), max_size=4),
    hands=st.lists(st.tuples(st.booleans(), st.integers(0, 40)), max_size=6),
)
def test_hands_add_to_phones_and_the_last_count_for_an_answer_stands(phones, hands):
    state = at_step("tv", pupils=4, teams=0)
    for i, value in enumerate(phones):
        state = answer(state, f"p{i + 1}", "tv", value=value)
    for value, count in hands:
        state = enter(state, "tv", answer={"type": "answer", "value": value}, count=count)
        assert not isinstance(state, Rejected)
    last = {value: count for value, count in hands}  # a new count for the same answer replaces the old
    summary = results(state, "tv")
    assert summary["results"]["true"] == phones.count(True) + last.get(True, 0)
    assert summary["results"]["false"] == phones.count(False) + last.get(False, 0)
    assert summary["entered"] == sum(last.values())
    assert summary["answered"] == len(phones) + sum(last.values())
    assert summary["total"] == 4 + sum(last.values())
    # Clearing every count gives the phones' results back.
    for value in (True, False):
        state = enter(state, "tv", answer={"type": "answer", "value": value}, count=0)
    assert results(state, "tv")["results"] == {"true": phones.count(True), "false": phones.count(False)}


def test_a_scale_takes_hands_per_value_and_refuses_a_value_off_the_scale():
    state = at_step("asteikko", pupils=0, teams=0)
    step = PACK.agenda[STEPS.index("asteikko")]
    state = enter(state, "asteikko", answer={"type": "answer", "value": step.min}, count=3)
    state = enter(state, "asteikko", answer={"type": "answer", "value": step.max}, count=1)
    counts = results(state, "asteikko")["results"]["counts"]
    assert counts[0] == 3 and counts[-1] == 1 and sum(counts) == 4
    refused = enter(state, "asteikko", answer={"type": "answer", "value": step.max + 1}, count=2)
    assert isinstance(refused, Rejected) and refused.code == "bad_option"


def test_the_class_answer_is_one_answer_replaced_by_the_next():
    state = at_step("jarjesta", pupils=0, teams=0)
    step = PACK.agenda[STEPS.index("jarjesta")]
    ids = [i.id for i in step.items]
    state = enter(state, "jarjesta", answer={"type": "answer", "items": list(reversed(ids))})
    state = enter(state, "jarjesta", answer={"type": "answer", "items": ids})
    data = state.activities["jarjesta"]
    assert data.answers == {"e1": ids} and data.by == {"e1": "host"}
    assert results(state, "jarjesta")["answered"] == 1


def test_a_team_story_entered_for_a_team_without_members_counts_for_that_team():
    state = at_step("tarina", pupils=0, teams=2)
    step = PACK.agenda[STEPS.index("tarina")]
    node = step.nodes[0]
    refused = enter(state, "tarina", answer={"type": "answer", "node": node.id, "choice": node.choices[0].id})
    assert isinstance(refused, Rejected) and refused.code == "no_such_team"
    state = enter(state, "tarina", team="t2", answer={"type": "answer", "node": node.id, "choice": node.choices[0].id})
    own = REGISTRY["scenario"].host_view(step, state.activities["tarina"], state.ctx(state.last_at))
    assert own["answered"] == 1 and own["total"] == 1 and own["entered_answers"][0]["team"] == "t2"
    wrong_team = enter(state, "tarina", team="t7", answer={"type": "answer", "node": node.id, "choice": "x"})
    assert isinstance(wrong_team, Rejected) and wrong_team.code == "no_such_team"


def test_an_entry_that_does_not_fit_the_task_is_refused_and_changes_nothing():
    state = at_step("tv", pupils=1, teams=0)
    for bad in ({"type": "answer"}, {"type": "answer", "value": "yes"}, {"type": "vote", "value": True}):
        refused = enter(state, "tv", answer=bad, count=3)
        assert isinstance(refused, Rejected) and refused.code == "bad_payload"
    refused = enter(state, "tv", answer={"type": "answer", "value": True}, team="t1")
    assert isinstance(refused, Rejected) and refused.code == "not_team_task"
    assert state.activities["tv"].answers == {}


def test_an_idea_the_facilitator_types_is_approved():
    state = at_step("keksi", pupils=0, teams=0)
    idea = {"type": "idea", "question": "Voiko kuvaa muokata?", "options": ["Kyllä", "Ei"], "right": 0}
    state = enter(state, "keksi", answer=idea)
    (stored,) = state.activities["keksi"].ideas.values()
    assert stored["status"] == "approved" and stored["seat"] == "host"
    shown = REGISTRY["invent"].screen_view(
        PACK.agenda[STEPS.index("keksi")], state.activities["keksi"], state.ctx(state.last_at)
    )
    assert shown["approved"][0]["entered"] is True
