"""The facilitator's entries (no pupil devices), as pure rules: hands counted, one class answer, teams'."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.test_tasks import PACK, ROOT, STEPS, T0, answer, at_step, run
from workshops.activities import REGISTRY, Rejected
from workshops.packs import load_pack
from workshops.sessions import rules as session_rules
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


# -- found in review; each failed before its fix --------------------------------------------------
def session(pack_dir: str, step_id: str, pupils: int = 0, teams: int = 0):
    """A session of another pack at one step (the helpers above use the tasks fixture pack)."""
    pack = load_pack(ROOT / pack_dir).pack
    state = session_rules.new_session(pack, 5, T0)
    for _ in range(pupils):
        state = run(state, "system", {"type": "join"})
    if teams:
        state = run(state, "host", {"type": "teams", "count": teams})
    return run(state, "host", {"type": "goto", "step": [s.id for s in pack.agenda].index(step_id), "expect": -1})


def test_clearing_a_teams_entry_leaves_the_answer_its_phones_gave():
    state = at_step("tarina", pupils=4, teams=2)
    step = PACK.agenda[STEPS.index("tarina")]
    member = next(pid for pid, p in state.pupils.items() if p.team == "t1")
    node = step.nodes[0]
    state = answer(state, member, "tarina", node=node.id, choice=node.choices[0].id)
    state = enter(state, "tarina", team="t1", count=0)  # the console's Clear, pressed on a view a moment old
    assert state.activities["tarina"].answers["t1"] == [[node.id, node.choices[0].id]]


def test_an_entry_for_a_team_that_is_gone_no_longer_counts():
    state = at_step("tarina", pupils=6, teams=3)
    node = PACK.agenda[STEPS.index("tarina")].nodes[0]
    state = enter(state, "tarina", team="t3", answer={"type": "answer", "node": node.id, "choice": node.choices[0].id})
    state = run(state, "host", {"type": "teams", "count": 2})
    summary = results(state, "tarina")
    assert (summary["entered"], summary["answered"]) == (0, 0)


def test_hands_for_several_picks_count_the_pupils_once():
    state = session("content/digitutkijat", "eilen")
    step = next(s for s in state.pack.agenda if s.id == "eilen")
    assert step.multiple
    for option in step.options[:2]:  # the same three pupils raise their hands for two options
        state = run(
            state,
            "host",
            {
                "type": "act",
                "step": "eilen",
                "action": {"type": "enter", "answer": {"type": "vote", "options": [option.id]}, "count": 3},
            },
        )
    shown = views.screen_view(state)["activity"]
    assert (shown["answered"], shown["total"], shown["entered"]) == (3, 3, 3)


def test_a_members_vote_ends_what_was_entered_for_the_team():
    state = session("content/esittely", "valitunti", pupils=4, teams=2)
    options = [o.id for o in next(s for s in state.pack.agenda if s.id == "valitunti").options]
    state = run(
        state,
        "host",
        {
            "type": "act",
            "step": "valitunti",
            "action": {"type": "enter", "team": "t1", "answer": {"type": "vote", "options": [options[0]]}},
        },
    )
    for member in [pid for pid, p in state.pupils.items() if p.team == "t1"]:
        state = run(
            state, member, {"type": "act", "step": "valitunti", "action": {"type": "vote", "options": [options[1]]}}
        )
    assert views.host_view(state)["activity"]["team_answers"]["t1"] == [options[1]]


def test_a_team_device_removed_and_let_back_in_returns_to_its_team():
    state = session_rules.new_session(load_pack(ROOT / "content" / "esittely").pack, 5, T0)
    for _ in range(6):
        state = run(state, "system", {"type": "join"})
    state = run(state, "host", {"type": "teams", "count": 3})
    for _ in range(2):  # two tablets scanned team 2's code
        state = run(state, "system", {"type": "join", "device": "team", "team": "t2"})
    second = session_rules.last_joined(state)
    state = run(state, "host", {"type": "kick", "seat": second})
    state = run(state, "host", {"type": "readmit", "seat": second})
    assert state.pupils[second].team == "t2"


def test_teams_made_again_keep_the_devices_that_joined_with_their_teams_code():
    state = session_rules.new_session(load_pack(ROOT / "content" / "esittely").pack, 5, T0)
    for _ in range(6):
        state = run(state, "system", {"type": "join"})
    state = run(state, "host", {"type": "teams", "count": 3})
    seats = {}
    for team in ("t3", "t1", "t2"):
        state = run(state, "system", {"type": "join", "device": "team", "team": team})
        seats[team] = session_rules.last_joined(state)
    state = run(state, "host", {"type": "teams", "count": 3})  # the phones reshuffled
    assert {team: state.pupils[seat].team for team, seat in seats.items()} == {"t1": "t1", "t2": "t2", "t3": "t3"}


def test_invent_and_stations_refuse_a_count_of_zero():
    state = at_step("keksi", pupils=0, teams=0)
    idea = {"type": "idea", "question": "Voiko kuvaa muokata?", "options": ["Kyllä", "Ei"], "right": 0}
    refused = enter(state, "keksi", answer=idea, count=0)
    assert isinstance(refused, Rejected) and refused.code == "bad_payload"


def test_the_console_sees_each_teams_answer_as_its_phones_do():
    """Found in review: a team story begun on a tablet restarted from the beginning on the console."""
    state = at_step("tarina", pupils=4, teams=2)
    step = PACK.agenda[STEPS.index("tarina")]
    member = next(pid for pid, p in state.pupils.items() if p.team == "t1")
    node = step.nodes[0]
    state = answer(state, member, "tarina", node=node.id, choice=node.choices[0].id)
    team_own = views.host_view(state)["activity"]["team_own"]
    assert team_own["t1"] == views.pupil_own(state, member)["activity"]
    assert team_own["t2"]["mine"] is None
    # The facilitator goes on from where the team is: the next node is taken, not refused.
    at = team_own["t1"]["at"]
    if at is not None:
        nxt = next(n for n in step.nodes if n.id == at)
        state = enter(state, "tarina", team="t1", answer={"type": "answer", "node": at, "choice": nxt.choices[0].id})
        assert not isinstance(state, Rejected)
