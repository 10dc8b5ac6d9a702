"""The media-literacy task kinds' rules: answers, right/wrong, hidden answers, moderation, export."""

from __future__ import annotations

from pathlib import Path

import pytest

from workshops.activities import Rejected
from workshops.activities.tasks.invent import draft_pack
from workshops.activities.tasks.open import words
from workshops.activities.tasks.order import shown_order
from workshops.packs import load_pack
from workshops.sessions import actions, views
from workshops.sessions import rules as session_rules

ROOT = Path(__file__).resolve().parents[2]
PACK = load_pack(ROOT / "tests" / "packs" / "good" / "minitehtavat").pack
T0 = 1_800_000_000.0
STEPS = [s.id for s in PACK.agenda]


def run(state, actor, payload, at=T0):
    parsed = actions.parse(actor, payload, state.pack)
    if isinstance(parsed, Rejected):
        return parsed
    return session_rules.apply(state, actor, parsed, at)


def at_step(step_id, pupils=4, teams=2):
    state = session_rules.new_session(PACK, 5, T0)
    for _ in range(pupils):
        state = run(state, "system", {"type": "join"})
    state = run(state, "host", {"type": "teams", "count": teams})
    return run(state, "host", {"type": "goto", "step": STEPS.index(step_id), "expect": -1})


def answer(state, seat, step_id, **fields):
    return run(state, seat, {"type": "act", "step": step_id, "action": {"type": "answer", **fields}})


def host(state, step_id, kind, **fields):
    return run(state, "host", {"type": "act", "step": step_id, "action": {"type": kind, **fields}})


def no_secret_before_reveal(state, *keys):
    common = views.pupil_common(state)["activity"]
    screen = views.screen_view(state)["activity"]
    for key in keys:
        assert key not in common and key not in screen, key


def test_true_false_right_and_wrong_and_team_points():
    state = at_step("tv")
    no_secret_before_reveal(state, "answer", "explanation")
    state = answer(state, "p1", "tv", value=False)
    state = answer(state, "p2", "tv", value=True)
    assert views.pupil_own(state, "p1")["activity"].get("right") is None  # not before the reveal
    state = host(state, "tv", "reveal")
    assert views.pupil_own(state, "p1")["activity"]["right"] is True
    assert views.pupil_own(state, "p2")["activity"]["right"] is False
    assert views.screen_view(state)["activity"]["results"] == {"true": 1, "false": 1}
    team = state.pupils["p1"].team
    assert views.screen_view(state)["scores"] == {team: 10}


def test_scale_counts_and_average():
    state = at_step("asteikko")
    assert answer(state, "p1", "asteikko", value=9).code == "bad_option"
    for seat, value in [("p1", 1), ("p2", 5), ("p3", 5)]:
        state = answer(state, seat, "asteikko", value=value)
    state = host(state, "asteikko", "reveal")
    results = views.screen_view(state)["activity"]["results"]
    assert results == {"counts": [1, 0, 0, 0, 2], "average": 3.7}


def test_open_answers_reach_the_projector_only_when_approved():
    state = at_step("avoin")
    state = answer(state, "p1", "avoin", text="Pelit ja videot, Matti kivoin")
    assert answer(state, "p2", "avoin", text="\u200b ").code == "line_empty"
    assert "Matti" not in str(views.screen_view(state)) and "Matti" not in str(views.pupil_common(state))
    approved = host(state, "avoin", "moderate", voter="p1", status="approved", text="Pelit ja videot")
    screen = views.screen_view(approved)["activity"]
    assert screen["results"]["approved"] == ["Pelit ja videot"] and "Matti" not in str(screen)
    assert ["pelit", 1] in screen["results"]["words"]
    changed = answer(approved, "p1", "avoin", text="Jotain muuta")
    assert views.screen_view(changed)["activity"]["results"]["approved"] == []  # back to moderation
    assert [e["status"] for e in views.host_view(changed)["activity"]["entries"]] == ["pending"]


def test_sort_takes_tap_placements_and_judges_them():
    state = at_step("lajittele")
    no_secret_before_reveal(state, "solution")
    assert "category" not in str(views.pupil_common(state)["activity"]["items"])
    assert answer(state, "p1", "lajittele", placements={"nimi": "ok"}).code == "bad_sort"
    state = answer(state, "p1", "lajittele", placements={"nimi": "ok", "salasana": "ei", "osoite": "ei"})
    state = answer(state, "p2", "lajittele", placements={"nimi": "ok", "salasana": "ok", "osoite": "ei"})
    state = host(state, "lajittele", "reveal")
    assert views.pupil_own(state, "p1")["activity"]["right"] is True
    assert views.pupil_own(state, "p2")["activity"]["right"] is False
    assert views.screen_view(state)["activity"]["results"]["items"]["salasana"] == {"ok": 1, "ei": 1}


def test_order_shows_a_scrambled_order_and_takes_permutations():
    state = at_step("jarjesta")
    shown = [i["id"] for i in views.pupil_common(state)["activity"]["items"]]
    assert sorted(shown) == ["a", "b", "c"] and shown != ["a", "b", "c"]
    assert shown == shown_order("jarjesta", ["a", "b", "c"])  # the same on every phone and replay
    assert answer(state, "p1", "jarjesta", items=["a", "b"]).code == "bad_order"
    state = answer(state, "p1", "jarjesta", items=["a", "b", "c"])
    state = host(state, "jarjesta", "reveal")
    assert views.pupil_own(state, "p1")["activity"]["right"] is True


@pytest.mark.parametrize(
    ("taps", "found"),
    [
        ([[10, 10]], ["laatikko"]),
        ([[10, 10], [75, 65]], ["laatikko", "pallo"]),
        ([[50, 50]], []),
        ([[26.5, 10]], ["laatikko"]),  # just outside the box, within the finger's slack
    ],
)
def test_hotspot_taps_are_judged_by_the_packs_regions(taps, found):
    state = at_step("kuva")
    no_secret_before_reveal(state, "spots")
    state = answer(state, "p1", "kuva", taps=[{"x": x, "y": y} for x, y in taps])
    state = host(state, "kuva", "reveal")
    own = views.pupil_own(state, "p1")["activity"]
    assert own["found"] == found and own["right"] is (len(found) == 2)


def test_hotspot_limits_taps():
    state = at_step("kuva")
    assert answer(state, "p1", "kuva", taps=[{"x": 1, "y": 1}] * 5).code == "too_many_taps"


def test_scenario_branches_and_the_team_shares_a_path():
    state = at_step("tarina")
    team = state.pupils["p1"].team
    mate = next(p for p in state.pupils if p != "p1" and state.pupils[p].team == team)
    assert answer(state, "p1", "tarina", node="jatko", choice="lopeta").code == "not_current"
    state = answer(state, "p1", "tarina", node="alku", choice="vastaa")
    own = views.pupil_own(state, mate)["activity"]
    assert own["at"] == "jatko" and own["path"][0]["consequence"] == {"fi": "Riita paheni."}
    state = answer(state, mate, "tarina", node="jatko", choice="lopeta")
    assert views.pupil_own(state, "p1")["activity"]["at"] is None  # the end
    state = host(state, "tarina", "reveal")
    nodes = views.screen_view(state)["activity"]["results"]["nodes"]
    assert nodes["alku"]["vastaa"] == 1 and nodes["jatko"]["lopeta"] == 1


def test_words_leave_out_small_words():
    assert words(["Se on kiva ja kiva peli", "och det är kul"]) == [["kiva", 2], ["peli", 1], ["kul", 1]]


def test_invented_exercises_become_a_pack_that_validates_and_runs(tmp_path):
    state = at_step("keksi")
    idea = {
        "type": "idea",
        "question": "Saako salasanan kertoa kaverille?",
        "options": ["Saa", "Ei saa"],
        "right": 1,
        "explanation": "Salasana on vain sinun ja huoltajasi.",
    }
    state = run(state, "p1", {"type": "act", "step": "keksi", "action": idea})
    bad = run(state, "p2", {"type": "act", "step": "keksi", "action": {**idea, "question": " "}})
    assert bad.code == "idea_incomplete"
    second = {**idea, "question": "Onko jokainen kuva totta?", "options": ["On", "Ei", "Joskus"], "right": 1}
    state = run(state, "p2", {"type": "act", "step": "keksi", "action": second})
    assert "Saako" not in str(views.screen_view(state))  # nothing on the projector before approval
    for idea_id in ("i1", "i2"):
        review = {"type": "review", "idea": idea_id, "status": "approved"}
        state = run(state, "host", {"type": "act", "step": "keksi", "action": review})
    ideas = [i for i in state.activities["keksi"].ideas.values() if i["status"] == "approved"]
    folder = tmp_path / "ideat-test"
    folder.mkdir()
    (folder / "pack.yaml").write_text(draft_pack("ideat-test", "Keksi tehtävä", ideas), encoding="utf-8")
    result = load_pack(folder)
    assert result.ok, [p.format() for p in result.problems]
    draft = result.pack
    assert [s.kind for s in draft.agenda] == ["choice", "choice"] and draft.agenda[0].answer == "v2"
    # ...and it runs: a session of it takes an answer and marks it right.
    session = session_rules.new_session(draft, 1, T0)
    session = run(session, "system", {"type": "join"})
    session = run(session, "host", {"type": "goto", "step": 0, "expect": -1})
    session = run(session, "p1", {"type": "act", "step": "idea-1", "action": {"type": "vote", "options": ["v2"]}})
    session = run(session, "host", {"type": "act", "step": "idea-1", "action": {"type": "reveal"}})
    assert views.pupil_own(session, "p1")["activity"]["right"] is True
