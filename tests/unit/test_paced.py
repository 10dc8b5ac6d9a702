"""Self-paced sessions (issue #20): each participant goes through the pack's `self_paced` steps at
their own pace, nobody drives, and the facilitator sees totals once enough have answered."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshops.activities import REGISTRY, Rejected
from workshops.packs.models import Pack
from workshops.sessions import actions, rules, views

T0 = 1_800_000_000.0
WEEK = 7 * 86400

PACK = {
    "id": "puntari",
    "title": {"fi": "Puntari", "sv": "Barometern"},
    "audience": {"adults": True},
    "minutes": 5,
    "translations": ["sv"],
    "agenda": [
        {"id": "alku", "kind": "slide", "title": {"fi": "Tervetuloa", "sv": "Välkommen"}, "minutes": 1},
        {
            "id": "arki",
            "kind": "scale",
            "title": {"fi": "Arki", "sv": "Vardagen"},
            "minutes": 1,
            "question": {"fi": "Miltä arki tuntuu?", "sv": "Hur känns vardagen?"},
            "style": "faces",
        },
        {
            "id": "tiimi",
            "kind": "choice",
            "title": "Tiimikysely",
            "minutes": 1,
            "question": "Kumpi?",
            "answer_by": "team",
            "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}],
        },
        {
            "id": "voimat",
            "kind": "choice",
            "title": {"fi": "Voimat", "sv": "Krafter"},
            "minutes": 1,
            "question": {"fi": "Mikä antaa voimia?", "sv": "Vad ger kraft?"},
            "multiple": True,
            "options": [{"id": "ulkoilu", "text": "Ulkoilu"}, {"id": "ystavat", "text": "Ystävät"}],
        },
        {"id": "toive", "kind": "open", "title": "Toive", "minutes": 1, "question": "Mitä toivoisit?"},
    ],
    "self_paced": ["alku", "arki", "voimat", "toive"],
}


@pytest.fixture(scope="module")
def pack() -> Pack:
    return Pack.model_validate(PACK)


def play(state: rules.SessionState, actor: str, payload: dict[str, Any], at: float) -> Any:
    parsed = actions.parse(actor, payload, state.pack)
    return parsed if isinstance(parsed, Rejected) else rules.apply(state, actor, parsed, at)


def ok(state: rules.SessionState, actor: str, payload: dict[str, Any], at: float = T0 + 10) -> rules.SessionState:
    result = play(state, actor, payload, at)
    assert not isinstance(result, Rejected), result
    return result


def opened(pack: Pack, participants: int = 0) -> rules.SessionState:
    state = ok(rules.new_session(pack, 1, T0), "system", {"type": "pace", "until": T0 + WEEK}, T0)
    for _ in range(participants):
        state = ok(state, "system", {"type": "join", "lang": "fi"})
    return state


def test_opening_sets_up_every_listed_step_open_for_the_whole_period(pack):
    state = opened(pack)
    assert [pack.agenda[i].id for i in state.paced] == ["alku", "arki", "voimat", "toive"]
    assert state.until == T0 + WEEK and not state.own_nicknames and state.max_pupils == rules.PACED_MAX
    assert "tiimi" not in state.activities
    for step_id in ("arki", "voimat", "toive"):
        assert state.activities[step_id].phase == "open" and state.activities[step_id].closes_at is None
    assert views.pupil_common(state)["phase"] == "paced"
    assert state.deadline() == T0 + WEEK


@pytest.mark.parametrize(
    ("before", "payload", "code"),
    [
        ("nothing", {"type": "pace", "until": T0 - 1}, "bad_payload"),  # a period that ended before it began
        ("opened", {"type": "pace", "until": T0 + WEEK}, "paced"),  # opened twice
        ("joined", {"type": "pace", "until": T0 + WEEK}, "paced"),  # after somebody joined
    ],
)
def test_a_session_is_opened_self_paced_once_and_before_anyone_joins(pack, before, payload, code):
    state = rules.new_session(pack, 1, T0)
    if before == "opened":
        state = opened(pack)
    elif before == "joined":
        state = ok(state, "system", {"type": "join"})
    result = play(state, "system", payload, T0)
    assert isinstance(result, Rejected) and result.code == code


def test_a_pack_without_self_paced_steps_cannot_be_opened_so():
    plain = Pack.model_validate({k: v for k, v in PACK.items() if k != "self_paced"})
    result = play(rules.new_session(plain, 1, T0), "system", {"type": "pace", "until": T0 + WEEK}, T0)
    assert isinstance(result, Rejected) and result.code == "not_paced"


def test_each_participant_answers_the_step_on_their_own_page(pack):
    state = opened(pack, participants=2)
    # p1 on the first page (a slide) cannot answer the scale yet; p2 turns to it and can.
    refused = play(state, "p1", {"type": "act", "step": "arki", "action": {"type": "answer", "value": 3}}, T0 + 20)
    assert isinstance(refused, Rejected) and refused.code == "not_current"
    state = ok(state, "p2", {"type": "page", "to": 1})
    state = ok(state, "p2", {"type": "act", "step": "arki", "action": {"type": "answer", "value": 3}})
    assert state.activities["arki"].answers == {"p2": 3}
    assert state.page_of("p1") == 0 and state.page_of("p2") == 1


@pytest.mark.parametrize(
    ("to", "code"),
    [(2, "stale"), (5, "stale"), (0, None)],  # skipping a page, beyond the end, the same page again (a double tap)
)
def test_pages_turn_one_at_a_time(pack, to, code):
    state = opened(pack, participants=1)
    result = play(state, "p1", {"type": "page", "to": to}, T0 + 20)
    if code is None:
        assert result is state
    else:
        assert isinstance(result, Rejected) and result.code == code


def test_a_participant_goes_back_changes_an_answer_and_finishes(pack):
    state = opened(pack, participants=1)
    for page in (1, 2, 1):
        state = ok(state, "p1", {"type": "page", "to": page})
    state = ok(state, "p1", {"type": "act", "step": "arki", "action": {"type": "answer", "value": 2}})
    state = ok(state, "p1", {"type": "act", "step": "arki", "action": {"type": "answer", "value": 5}})
    for page in (2, 3, 4):
        state = ok(state, "p1", {"type": "page", "to": page})
    assert state.activities["arki"].answers == {"p1": 5}
    assert state.paced_step("p1") is None
    own = views.pupil_own(state, "p1")
    assert own["page"] == own["pages"] == 4 and "head" not in own and "activity" not in own
    assert views.host_view(state)["paced"]["finished"] == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "goto", "step": 0, "expect": -1},
        {"type": "teams", "count": 2},
        {"type": "act", "step": "arki", "action": {"type": "reveal"}},
        {"type": "mentor", "seat": "p1", "on": True},
    ],
)
def test_nobody_drives_a_self_paced_session(pack, payload):
    result = play(opened(pack, participants=1), "host", payload, T0 + 20)
    assert isinstance(result, Rejected) and result.code == "paced"


def test_the_facilitator_can_still_end_it_early_and_lock_it(pack):
    state = ok(opened(pack, participants=1), "host", {"type": "lock", "locked": True})
    assert isinstance(play(state, "system", {"type": "join"}, T0 + 30), Rejected)
    assert ok(state, "host", {"type": "end"}).ended


def test_the_period_ends_by_its_timer_and_not_before(pack):
    state = opened(pack, participants=1)
    assert state.timer_due(T0 + WEEK - 1) is None
    early = play(state, "system", {"type": "timer", "step": rules.PERIOD}, T0 + WEEK - 1)
    assert isinstance(early, Rejected)
    due = state.timer_due(T0 + WEEK)
    assert due == {"type": "timer", "step": rules.PERIOD}
    ended = ok(state, "system", due, T0 + WEEK)
    assert ended.ended and ended.deadline() is None
    late = play(ended, "p1", {"type": "page", "to": 1}, T0 + WEEK + 1)
    assert isinstance(late, Rejected) and late.code == "ended"


def test_a_page_shows_its_step_and_the_participants_own_answer_only(pack):
    state = opened(pack, participants=2)
    state = ok(state, "p1", {"type": "page", "to": 1})
    state = ok(state, "p1", {"type": "act", "step": "arki", "action": {"type": "answer", "value": 4}})
    state = ok(state, "p2", {"type": "page", "to": 1})
    own = views.pupil_own(state, "p2")
    assert own["head"]["id"] == "arki" and own["head"]["kind"] == "scale"
    assert own["view"]["phase"] == "open" and own["activity"]["mine"] is None
    assert views.pupil_own(state, "p1")["activity"]["mine"] == 4
    # Nobody's page changes when another participant answers or turns a page.
    assert views.affected_seats(state, "p1", "act") == {"p1"}
    assert views.affected_seats(state, "p1", "page") == {"p1"}


def test_results_show_only_once_five_have_answered(pack):
    state = opened(pack, participants=5)
    for n, seat in enumerate(["p1", "p2", "p3", "p4", "p5"]):
        state = ok(state, seat, {"type": "page", "to": 1})
        state = ok(state, seat, {"type": "act", "step": "arki", "action": {"type": "answer", "value": 1 + n % 3}})
        arki = next(s for s in views.host_view(state)["paced"]["steps"] if s["id"] == "arki")
        report = next(s for s in views.report(state)["steps"] if s["id"] == "arki")
        assert arki["answered"] == n + 1
        if n + 1 < views.PACED_QUORUM:
            assert arki["summary"] is None
            assert report["summary"] == {"answered": n + 1, "below_quorum": True}
        else:
            assert arki["summary"]["answered"] == 5 and report["summary"]["answered"] == 5
    assert views.host_view(state)["paced"]["on_page"] == [0, 5, 0, 0]


def _wish(state: rules.SessionState, seat: str, text: str) -> rules.SessionState:
    for page in (1, 2, 3):
        state = ok(state, seat, {"type": "page", "to": page})
    return ok(state, seat, {"type": "act", "step": "toive", "action": {"type": "answer", "text": text}})


def _console(state: rules.SessionState) -> dict[str, Any]:
    return next(s for s in views.host_view(state)["paced"]["steps"] if s["id"] == "toive")["console"]


def test_the_facilitators_view_of_a_self_paced_session_names_nobodys_answer(pack):
    state = opened(pack, participants=6)
    for n, seat in enumerate(list(state.pupils)[:4]):
        state = _wish(state, seat, f"Iltaryhmä {n}")
    paced = json.dumps(views.host_view(state)["paced"])
    assert "Iltaryhmä" not in paced  # four answers: not one text yet
    assert _console(state) == {}
    for n, seat in enumerate(list(state.pupils)[4:], start=4):
        state = _wish(state, seat, f"Iltaryhmä {n}")
    paced = json.dumps(views.host_view(state)["paced"])
    # Six answers: their texts for the facilitator to approve for the report, and still no seat,
    # in an order that is not the order people came in.
    entries = _console(state)["entries"]
    assert sorted(e["text"] for e in entries) == [f"Iltaryhmä {n}" for n in range(6)]
    assert not any(f'"{seat}"' in paced for seat in state.pupils)
    assert all(re.fullmatch(r"k[0-9a-f]{12}", e["voter"]) for e in entries)
    assert [e["voter"] for e in entries] == sorted(e["voter"] for e in entries)
    assert "activity" not in views.host_view(state)


def test_the_facilitator_approves_a_wish_for_the_report_and_drives_nothing_else(pack):
    state = opened(pack, participants=5)
    for n, seat in enumerate(list(state.pupils)):
        state = _wish(state, seat, f"Toive {n}")
    entries = {e["text"]: e["voter"] for e in _console(state)["entries"]}
    moderate = {"type": "moderate", "voter": entries["Toive 3"], "status": "approved", "text": "Toive 3!"}
    state = ok(state, "host", {"type": "act", "step": "toive", "action": moderate})
    hide = {"type": "moderate", "voter": entries["Toive 1"], "status": "hidden"}
    state = ok(state, "host", {"type": "act", "step": "toive", "action": hide})
    shown = next(s for s in views.report(state)["steps"] if s["id"] == "toive")["summary"]
    assert shown["results"]["approved"] == ["Toive 3!"]
    statuses = {e["text"]: e["status"] for e in _console(state)["entries"]}
    assert statuses == {f"Toive {n}": "pending" for n in (0, 2, 4)} | {"Toive 1": "hidden", "Toive 3": "approved"}
    # The aliases stay put as the session changes (the journal holds the alias a command named).
    assert {e["text"]: e["voter"] for e in _console(state)["entries"]} == entries
    # Still nothing that drives the session, and no alias made up.
    for payload, code in (
        ({"type": "act", "step": "toive", "action": {"type": "reveal"}}, "paced"),
        ({"type": "act", "step": "arki", "action": {"type": "close"}}, "paced"),
        ({"type": "act", "step": "toive", "action": {**hide, "voter": "k000000000000"}}, "no_line"),
    ):
        refused = play(state, "host", payload, T0 + 40)
        assert isinstance(refused, Rejected) and refused.code == code, (payload, refused)


# -- any order of joins, answers and page turns ---------------------------------------------

moves = st.lists(
    st.tuples(st.sampled_from(["join", "page+", "page-", "answer"]), st.integers(1, 6), st.integers(1, 5)),
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(moves)
def test_pages_stay_in_range_and_a_replay_reaches_the_same_state(script):
    pack = Pack.model_validate(PACK)
    state = opened(pack)
    log: list[tuple[str, dict[str, Any], float]] = [("system", {"type": "pace", "until": T0 + WEEK}, T0)]
    at = T0
    for what, who, value in script:
        at += 1
        seat = f"p{who}"
        if what == "join":
            actor, payload = "system", {"type": "join"}
        elif what.startswith("page"):
            actor, payload = seat, {"type": "page", "to": state.page_of(seat) + (1 if what == "page+" else -1)}
        else:
            step = state.paced_step(seat)
            if step is None or not REGISTRY[step.kind].pupil_actions:
                continue
            answer = {"scale": {"type": "answer", "value": value}, "choice": {"type": "vote", "options": ["ulkoilu"]}}
            actor, payload = seat, {"type": "act", "step": step.id, "action": answer.get(step.kind, {"type": "x"})}
        result = play(state, actor, payload, at)
        if isinstance(result, Rejected) or result is state:
            continue
        state = result
        log.append((actor, payload, at))
        assert all(0 <= page <= len(state.paced) for page in state.progress.values())
    replayed = rules.new_session(pack, 1, T0)
    for actor, payload, when in log:
        replayed = ok(replayed, actor, payload, when)
    assert replayed.progress == state.progress and replayed.activities == state.activities


def test_an_optional_step_left_out_leaves_the_self_paced_list_too():
    from workshops.packs.setup import Setup, prepare

    data = {**PACK, "agenda": [dict(s) for s in PACK["agenda"]]}
    data["agenda"][4]["optional"] = True  # the open question, for a meeting place that reads no answers
    prepared = prepare(Pack.model_validate(data), Setup(leave_out=frozenset({"toive"})))
    assert isinstance(prepared, Pack), prepared
    assert prepared.self_paced == ["alku", "arki", "voimat"]
