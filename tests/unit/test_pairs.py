"""The `pairs` task kind (matching pairs): answers, hidden pairs, team answers, the author check."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workshops.activities import REGISTRY, Ctx, Rejected
from workshops.activities.tasks.order import shown_order
from workshops.activities.tasks.pairs import PairsAnswer, PairsStep, right_id
from workshops.packs import load_pack
from workshops.sessions import actions, views
from workshops.sessions import rules as session_rules

T0 = 1_800_000_000.0
PAIRS = REGISTRY["pairs"]
LEFT = ["mainos", "kuva", "huhu", "uutinen"]

PACK_YAML = """\
id: parit
title: Parit
audience: {min_age: 9, max_age: 11}
minutes: 4
agenda:
  - id: parit
    kind: pairs
    title: Parit
    minutes: 2
    question: Yhdistä parit
    explanation: Digitutkija kysyy, kuka tämän teki ja miksi.
    points: 5
    items:
      - {id: mainos, left: Mainos, right: 'Joku maksaa, että näet tämän.'}
      - {id: kuva, left: Muokattu kuva, right: Kuvaa on muutettu.}
      - {id: huhu, left: Huhu, right: Kukaan ei ole tarkistanut tätä.}
      - {id: uutinen, left: Uutinen, right: Toimittaja tarkistaa tiedot.}
  - id: tiimi
    kind: pairs
    title: Parit tiimeittäin
    minutes: 2
    answer_by: team
    points: 10
    question: Yhdistäkää parit
    items:
      - {id: mainos, left: Mainos, right: 'Joku maksaa, että näet tämän.'}
      - {id: kuva, left: Muokattu kuva, right: Kuvaa on muutettu.}
      - {id: huhu, left: Huhu, right: Kukaan ei ole tarkistanut tätä.}
"""


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("packs") / "parit"
    folder.mkdir()
    (folder / "pack.yaml").write_text(PACK_YAML, encoding="utf-8")
    result = load_pack(folder)
    assert result.ok, [p.format() for p in result.problems]
    return result.pack


def run(state, actor, payload, at=T0):
    parsed = actions.parse(actor, payload, state.pack)
    if isinstance(parsed, Rejected):
        return parsed
    return session_rules.apply(state, actor, parsed, at)


def at_step(pack, step_id, pupils=4, teams=2):
    state = session_rules.new_session(pack, 5, T0)
    for _ in range(pupils):
        state = run(state, "system", {"type": "join"})
    state = run(state, "host", {"type": "teams", "count": teams})
    index = [s.id for s in pack.agenda].index(step_id)
    return run(state, "host", {"type": "goto", "step": index, "expect": -1})


def answer(state, seat, step_id, pairs):
    return run(state, seat, {"type": "act", "step": step_id, "action": {"type": "answer", "pairs": pairs}})


def reveal(state, step_id):
    return run(state, "host", {"type": "act", "step": step_id, "action": {"type": "reveal"}})


def right_of(step_id, ids=LEFT):
    return {i: right_id(step_id, i) for i in ids}


def shown(state):
    activity = views.pupil_common(state)["activity"]
    return [i["id"] for i in activity["left_items"]], [i["id"] for i in activity["right_items"]]


def test_a_right_answer_is_right_and_a_wrong_one_is_not(pack):
    state = at_step(pack, "parit")
    right = right_of("parit")
    wrong = {**right, "mainos": right["kuva"], "kuva": right["mainos"]}  # two pairs swapped
    state = answer(state, "p1", "parit", right)
    state = answer(state, "p2", "parit", wrong)
    assert views.pupil_own(state, "p1")["activity"].get("right") is None  # not before the reveal
    state = reveal(state, "parit")
    assert views.pupil_own(state, "p1")["activity"]["right"] is True
    assert views.pupil_own(state, "p2")["activity"]["right"] is False
    assert views.pupil_own(state, "p2")["activity"]["mine"] == dict(sorted(wrong.items()))
    results = views.screen_view(state)["activity"]["results"]
    assert results == {"pairs": {"mainos": 1, "kuva": 1, "huhu": 2, "uutinen": 2}, "right": 1, "answers": 2}
    # Points go to the team of each pupil who got every pair right, never to a pupil.
    assert views.screen_view(state)["scores"] == {state.pupils["p1"].team: 5}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda r: {k: v for k, v in r.items() if k != "huhu"}, id="partial"),
        pytest.param(lambda r: {**r, "huhu": r["mainos"]}, id="a right item twice"),
        pytest.param(lambda r: {**r, "tuntematon": r["huhu"]}, id="an unknown left item"),
        pytest.param(lambda r: {**r, "huhu": "XXXXXXXX"}, id="an unknown right item"),
        pytest.param(lambda r: {**r, "huhu": "huhu"}, id="a left id as the right item"),
        pytest.param(lambda r: {}, id="nothing"),
    ],
)
def test_an_answer_must_join_every_left_item_to_a_different_right_item(pack, change):
    state = at_step(pack, "parit")
    refused = answer(state, "p1", "parit", change(right_of("parit")))
    assert isinstance(refused, Rejected) and refused.code == "bad_pairs"


def test_a_team_answers_once_and_every_member_sees_it(pack):
    state = at_step(pack, "tiimi")
    team = state.pupils["p1"].team
    mate = next(p for p in state.pupils if p != "p1" and state.pupils[p].team == team)
    right = right_of("tiimi", ["mainos", "kuva", "huhu"])
    state = answer(state, "p1", "tiimi", right)
    own = views.pupil_own(state, mate)["activity"]
    assert own["team"] is True and own["mine"] == dict(sorted(right.items()))
    assert own["answered_by"] == state.pupils["p1"].nick
    wrong = {"mainos": right["kuva"], "kuva": right["huhu"], "huhu": right["mainos"]}
    state = answer(state, mate, "tiimi", wrong)  # a teammate changes the team's answer
    state = reveal(state, "tiimi")
    assert views.pupil_own(state, "p1")["activity"]["right"] is False
    assert views.screen_view(state)["activity"]["results"]["answers"] == 1
    assert views.screen_view(state)["scores"] == {}


def test_the_views_hide_the_pairs_until_the_reveal(pack):
    state = at_step(pack, "parit")
    state = answer(state, "p1", "parit", right_of("parit"))
    for view in (views.pupil_common(state)["activity"], views.screen_view(state)["activity"]):
        for secret in PAIRS.secret:
            assert secret not in view, secret
    assert "solution" in PAIRS.secret
    # ...the facilitator sees them all along; everyone once revealed.
    assert views.host_view(state, set())["activity"]["solution"] == right_of("parit")
    state = reveal(state, "parit")
    assert views.pupil_common(state)["activity"]["solution"] == right_of("parit")
    assert views.screen_view(state)["activity"]["solution"] == right_of("parit")
    assert views.screen_view(state)["activity"]["explanation"] == {"fi": "Digitutkija kysyy, kuka tämän teki ja miksi."}


def test_the_right_items_ids_and_the_order_give_nothing_away(pack):
    state = at_step(pack, "parit")
    left, right = shown(state)
    assert sorted(left) == sorted(LEFT) and left != LEFT  # scrambled, not as written
    assert left == shown_order("parit", LEFT)  # the same on every phone and every replay
    authored = list(right_of("parit").values())
    assert sorted(right) == sorted(authored) and right != authored
    assert right != [right_id("parit", i) for i in left]  # the rows are not the pairs
    for rid in right:
        assert not any(i in rid or rid in i for i in LEFT), rid
        assert "parit" not in rid
    texts = {i["id"]: i["text"] for i in views.pupil_common(state)["activity"]["right_items"]}
    assert "mainos" not in str(texts)  # nothing in the right column names its partner


def make_step(step_id: str, ids: list[str]) -> PairsStep:
    return PairsStep.model_validate(
        {
            "id": step_id,
            "kind": "pairs",
            "title": "Parit",
            "question": "Yhdistä parit",
            "items": [{"id": i, "left": f"Vasen {i}", "right": f"Oikea {i}"} for i in ids],
        },
        context={"languages": ["fi"]},
    )


@pytest.mark.parametrize("ids", [["a", "b", "c"], ["a", "b", "c", "d", "e", "f"]])
def test_no_step_shows_the_pairs_row_by_row_or_a_column_as_written(ids):
    ctx = Ctx(now=T0, seats={}, team_ids=(), language="fi", seed="s")
    for n in range(300):  # enough step ids to meet the columns that would line up
        step = make_step(f"s{n}", ids)
        view = PAIRS.task(step, ctx)
        left = [i["id"] for i in view["left_items"]]
        right = [i["id"] for i in view["right_items"]]
        assert left != ids and right != [right_id(step.id, i) for i in ids], step.id
        assert right != [right_id(step.id, i) for i in left], step.id


@given(st.permutations(LEFT))
def test_any_matching_is_accepted_and_is_right_only_when_it_is_the_pairs(partners):
    step = make_step("parit", LEFT)
    matching = {left: right_id("parit", partner) for left, partner in zip(LEFT, partners, strict=True)}
    value = PAIRS.accept(step, PairsAnswer(type="answer", pairs=matching), None)
    assert not isinstance(value, Rejected)
    assert PAIRS.is_right(step, value) is (list(partners) == LEFT)


def test_sample_moves_are_answers_the_right_one_first(pack):
    step = pack.agenda[0]
    state = at_step(pack, "parit")
    ctx = Ctx(now=T0, seats={}, team_ids=(), language="fi", seed="s")
    moves = PAIRS.sample_moves(step, state.activities["parit"], None, ctx)
    assert len(moves) >= 3
    values = [PAIRS.accept(step, PairsAnswer.model_validate(m), None) for m in moves]
    assert not any(isinstance(v, Rejected) for v in values)
    assert PAIRS.is_right(step, values[0]) and not any(PAIRS.is_right(step, v) for v in values[1:3])


@pytest.mark.parametrize(
    ("second", "side"),
    [
        ("{id: toinen, left: {fi: '  mainos ', sv: Annat}, right: {fi: Muuta, sv: Annat}}", "left"),
        ("{id: toinen, left: {fi: Muuta, sv: Annat}, right: {fi: 'Joku maksaa tästä.', sv: Annat}}", "right"),
        ("{id: toinen, left: {fi: Mainos, sv: Annons}, right: {fi: Muuta, sv: Annat}}", "left"),
    ],
)
def test_two_pairs_with_the_same_text_are_pointed_at_the_second_pairs_text(tmp_path, second, side):
    folder = tmp_path / "samat"
    folder.mkdir()
    lines = [
        "id: samat",
        "title: {fi: Samat, sv: Samma}",
        "audience: {min_age: 9, max_age: 11}",
        "minutes: 2",
        "translations: [sv]",
        "agenda:",
        "  - id: parit",
        "    kind: pairs",
        "    title: {fi: Parit, sv: Par}",
        "    minutes: 2",
        "    question: {fi: Yhdistä, sv: Para ihop}",
        "    items:",
        "      - {id: mainos, left: {fi: Mainos, sv: Reklam}, right: {fi: 'Joku maksaa tästä.', sv: Betalt.}}",
        f"      - {second}",
        "      - {id: kolmas, left: {fi: Huhu, sv: Rykte}, right: {fi: Ei tarkistettu., sv: Inte kollat.}}",
    ]
    (folder / "pack.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = load_pack(folder)
    assert not result.ok
    [problem] = result.problems
    row = lines.index(f"      - {second}")
    at = f"{row + 1}:{lines[row].index(side + ':') + len(side) + 3}"  # the second pair's text on that side
    assert re.match(rf"^.+pack\.yaml:{at}: agenda\[parit\]\.items\[toinen\]\.{side}: ", problem.format()), (
        problem.format()
    )
    assert "'mainos' and 'toinen'" in problem.message and f"`{side}:`" in problem.message
    assert "a pupil could not tell" in problem.message
