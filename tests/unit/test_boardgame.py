"""The board game's pure rules: dealing, voting, effects, the end, replay."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from workshops.activities import Rejected
from workshops.activities.boardgame import game as rules
from workshops.packs import load_pack
from workshops.sessions import actions, views
from workshops.sessions import rules as session_rules

ROOT = Path(__file__).resolve().parents[2]
PACK = load_pack(ROOT / "tests" / "packs" / "good" / "minipeli").pack
GAME = PACK.agenda[0]
T0 = 1_800_000_000.0


def run(state, actor, payload, at=T0):
    parsed = actions.parse(actor, payload, state.pack)
    assert not isinstance(parsed, Rejected), parsed
    return session_rules.apply(state, actor, parsed, at)


def host(state, kind, **extra):
    return run(state, "host", {"type": "act", "step": "peli", "action": {"type": kind, **extra}})


def vote(state, seat, choice):
    return run(state, seat, {"type": "act", "step": "peli", "action": {"type": "vote", "choice": choice}})


def session(pupils=6, teams=2, seed=5):
    state = session_rules.new_session(PACK, seed, T0)
    for _ in range(pupils):
        state = run(state, "system", {"type": "join"})
    state = run(state, "host", {"type": "teams", "count": teams})
    return run(state, "host", {"type": "goto", "step": 0, "expect": -1})


def game(state):
    return state.activities["peli"]


def team_of(state, seat):
    return state.pupils[seat].team


def test_start_needs_teams():
    state = session_rules.new_session(PACK, 1, T0)
    state = run(state, "system", {"type": "join"})
    state = run(state, "host", {"type": "goto", "step": 0, "expect": -1})
    assert host(state, "start").code == "no_teams"


def test_start_gives_each_team_a_character_with_its_starting_values():
    state = host(session(), "start")
    tokens = game(state).tokens
    assert set(tokens) == {"t1", "t2"}
    assert {t.character for t in tokens.values()} == {"aino", "eeli"}
    aino = next(t for t in tokens.values() if t.character == "aino")
    assert aino.meters == {"jaksaminen": 3} and aino.position == 0


def test_a_round_deals_a_card_from_the_tokens_part_of_the_day():
    state = host(host(session(), "start"), "deal")
    g = game(state)
    assert g.phase == "voting" and g.round == 1
    assert all(GAME.card(card).section == "ilta" for card in g.hands.values())
    assert g.closes_at == T0 + 60


def test_majority_decides_and_the_split_is_kept():
    state = host(host(session(), "start"), "deal")
    t1 = [s for s in state.pupils if team_of(state, s) == "t1"]
    state = vote(state, t1[0], "pelaa")
    state = vote(state, t1[1], "nukkumaan")
    state = vote(state, t1[2], "nukkumaan")
    state = vote(state, t1[0], "nukkumaan")  # a changed vote replaces the old one
    state = host(state, "reveal")
    turn = game(state).tokens["t1"].journey[-1]
    assert turn.choice == "nukkumaan" and turn.split == {"nukkumaan": 3}
    assert game(state).tokens["t1"].position == 2
    t2 = game(state).tokens["t2"].journey[-1]
    assert t2.choice is None and t2.own.moved == 0  # nobody voted: the team stays


def test_votes_cast_on_another_teams_card_do_not_count_after_a_move():
    # Found by tests/trust/test_fuzz_events.py: the facilitator moved pupils mid-vote, their
    # votes (for their old team's card) became their new team's majority, and the reveal
    # failed with an IndexError: no choice on the card had the winning count.
    state = host(host(session(), "start"), "deal")
    state = host(state, "skip", team="t2")  # t2 gets a card of its own
    other = GAME.card(game(state).hands["t2"])
    assert other.id != game(state).hands["t1"]
    t1 = [s for s in state.pupils if team_of(state, s) == "t1"]
    t2 = [s for s in state.pupils if team_of(state, s) == "t2"]
    state = vote(state, t1[0], "pelaa")
    for seat in t2:
        state = vote(state, seat, other.choices[0].id)
        state = run(state, "host", {"type": "move", "seat": seat, "team": "t1"})
    own = views.pupil_own(state, t2[0])["activity"]
    assert own["mine"] is None and own["split"] == {"pelaa": 1}
    board = next(t for t in views.host_view(state)["activity"]["teams"] if t["team"] == "t1")
    assert board["voted"] == 1 and board["split"] == {"pelaa": 1}
    state = host(state, "reveal")
    turn = game(state).tokens["t1"].journey[-1]
    assert turn.choice == "pelaa" and turn.split == {"pelaa": 1}


def test_a_newcomer_joining_a_team_updates_the_teams_own_views():
    # Found by tests/trust/test_fuzz_events.py: only the newcomer got an own_view, and its
    # teammates' phones kept the old team size.
    state = host(host(session(), "start"), "deal")
    state = run(state, "system", {"type": "join"})
    newcomer = session_rules.last_joined(state)
    team = [s for s in state.pupils if team_of(state, s) == team_of(state, newcomer)]
    assert views.pupil_own(state, team[0])["activity"]["team_size"] == len(team)
    assert set(team) <= views.affected_seats(state, "system", "join")


def test_tie_goes_to_the_choice_listed_first():
    state = host(host(session(pupils=4), "start"), "deal")
    t1 = [s for s in state.pupils if team_of(state, s) == "t1"]
    state = vote(state, t1[0], "nukkumaan")
    state = vote(state, t1[1], "pelaa")
    state = host(state, "reveal")
    assert game(state).tokens["t1"].journey[-1].choice == "pelaa"


def test_effects_clamp_to_board_and_meter_bounds():
    token = rules.Token("aino", 0, {"jaksaminen": 1}, frozenset())
    effects = PACK.agenda[0].cards[0].choices[0].effects  # move 0, jaksaminen -2
    moved, change, _ = rules.apply_effects(effects, token, GAME)
    assert moved.meters["jaksaminen"] == 0 and change.meters == {"jaksaminen": -1}
    back, change, _ = rules.apply_effects([rules.Move(move=-5)], token, GAME)
    assert back.position == 0 and change.moved == 0


def test_a_flag_set_now_brings_a_reacting_card_later():
    token = rules.Token("aino", 6, {"jaksaminen": 5}, frozenset({"ei-aamupalaa"}))
    card = rules._draw(GAME, token, random.Random(1), frozenset())
    assert card.id == "kymmenelta"
    plain = rules._draw(GAME, replace(token, flags=frozenset()), random.Random(1), frozenset())
    assert plain.id == "lounas"


def test_choices_can_move_other_teams():
    state = session(pupils=6, teams=3)
    state = host(state, "start")
    g = game(state)
    tokens = {t: replace(tok, position=3) for t, tok in g.tokens.items()}  # all in the morning
    hands = {"t1": "kiusaus", "t2": "aamupala", "t3": "aamupala"}
    state = replace(state, activities={"peli": replace(g, phase="voting", round=1, tokens=tokens, hands=hands)})
    t1 = [s for s in state.pupils if team_of(state, s) == "t1"]
    for s in t1:
        state = vote(state, s, "puutu")
    state = host(state, "reveal")
    g = game(state)
    assert g.tokens["t1"].position == 4
    assert g.tokens["t2"].position == 4 and g.tokens["t3"].position == 4  # helped by t1's choice
    assert g.tokens["t2"].journey[-1].from_others[0][0] == "t1"


def test_vote_refusals():
    state = host(host(session(), "start"), "deal")
    seat = next(iter(state.pupils))
    assert vote(state, seat, "nope").code == "bad_option"
    paused = host(state, "pause")
    assert vote(paused, seat, "pelaa").code == "paused"
    resumed = host(paused, "resume")
    assert game(resumed).closes_at == T0 + 60
    revealed = host(state, "reveal")
    assert vote(revealed, seat, "pelaa").code == "closed"
    assert host(revealed, "reveal").code == "nothing_to_reveal"
    assert host(state, "deal").code == "round_open"


def test_skip_gives_another_card_and_clears_that_teams_votes():
    state = host(host(session(), "start"), "deal")
    seat = next(s for s in state.pupils if team_of(state, s) == "t1")
    state = vote(state, seat, game(state).hands["t1"] and GAME.card(game(state).hands["t1"]).choices[0].id)
    old = game(state).hands["t1"]
    skipped = host(state, "skip", team="t1")
    if isinstance(skipped, Rejected):
        assert skipped.code == "no_cards_left"
        return
    assert game(skipped).hands["t1"] != old and seat not in game(skipped).votes


def test_the_game_ends_after_its_rounds_or_at_the_end_of_the_day():
    state = host(session(), "start")
    for _ in range(GAME.rounds):
        if game(state).phase == "ended":
            break
        state = host(state, "deal")
        if game(state).phase == "ended":
            break
        for seat in state.pupils:
            if team_of(state, seat) in game(state).hands:
                card = GAME.card(game(state).hands[team_of(state, seat)])
                state = vote(state, seat, card.choices[-1].id)
        state = host(state, "reveal")
    g = game(state)
    assert g.phase == "ended" and g.end_reason in ("finish", "rounds", "cards")
    screen = views.screen_view(state)["activity"]
    assert all("journey" in t for t in screen["teams"])


def test_timer_closes_the_vote():
    state = host(host(session(), "start"), "deal")
    early = run(state, "system", {"type": "timer", "step": "peli"}, at=T0 + 30)
    assert early.code == "not_yet"
    closed = run(state, "system", {"type": "timer", "step": "peli"}, at=T0 + 61)
    assert game(closed).phase == "closed"


def test_pupils_see_only_their_own_teams_card_and_no_facilitator_notes():
    state = host(host(session(), "start"), "deal")
    seat = next(iter(state.pupils))
    own = views.pupil_own(state, seat)["activity"]
    assert own["card"]["id"] == game(state).hands[team_of(state, seat)]
    assert "questions" not in own["card"] and "notes" not in own["card"]
    common = views.pupil_common(state)["activity"]
    assert "teams" not in common
    screen = views.screen_view(state)["activity"]
    assert all("questions" not in t.get("card", {}) for t in screen["teams"])
    assert "votes" not in screen


# -- properties --------------------------------------------------------------------------------
def _play(seed: int, choices: list[int], teams: int, pupils: int):
    state = host(session(pupils=pupils, teams=teams, seed=seed), "start")
    rnd = random.Random(seed)
    for pick in choices:
        g = game(state)
        if g.phase == "ended":
            break
        state = host(state, "deal")
        if game(state).phase == "ended":
            break
        for seat in state.pupils:
            team = team_of(state, seat)
            if team not in game(state).hands:  # this team has seen every card that fits
                assert isinstance(vote(state, seat, "pelaa"), Rejected)
                continue
            card = GAME.card(game(state).hands[team])
            if rnd.random() < 0.8:
                state = vote(state, seat, card.choices[(pick + rnd.randrange(3)) % len(card.choices)].id)
                state = vote(state, seat, card.choices[pick % len(card.choices)].id)  # a re-vote
        state = host(state, "reveal")
    return state


@given(
    seed=st.integers(0, 10_000),
    choices=st.lists(st.integers(0, 3), min_size=1, max_size=12),
    teams=st.integers(2, 4),
    pupils=st.integers(4, 9),
)
@settings(max_examples=60, deadline=None)
def test_tokens_stay_on_the_board_meters_in_bounds_votes_count_once(seed, choices, teams, pupils):
    state = _play(seed, choices, teams, pupils)
    g = game(state)
    for team, token in g.tokens.items():
        assert 0 <= token.position < GAME.spaces
        for meter in GAME.meters:
            assert meter.min <= token.meters[meter.id] <= meter.max
        members = [s for s in state.pupils if team_of(state, s) == team]
        for turn in token.journey:
            assert sum(turn.split.values()) <= len(members)  # each pupil's vote counted once


@given(seed=st.integers(0, 10_000), choices=st.lists(st.integers(0, 3), min_size=1, max_size=8))
@settings(max_examples=25, deadline=None)
def test_a_game_replays_to_the_same_state(seed, choices):
    assert _play(seed, choices, 3, 6) == _play(seed, choices, 3, 6)
