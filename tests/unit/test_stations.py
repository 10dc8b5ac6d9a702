"""The stations' pure rules: the rotation plan, tasks, moderation, mentors, timers, a pack's own prompts."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from workshops.activities import REGISTRY, Ctx, Rejected, Seat
from workshops.activities.stations.config import StationsStep
from workshops.activities.stations.prompts import DEFAULTS
from workshops.activities.stations.rotation import clean_line, rotation
from workshops.activities.text import resolve
from workshops.packs import load_pack
from workshops.sessions import actions, views
from workshops.sessions import rules as session_rules

ROOT = Path(__file__).resolve().parents[2]
PACK = load_pack(ROOT / "tests" / "packs" / "good" / "minirastit").pack
T0 = 1_800_000_000.0


@given(groups=st.integers(1, 12), stations=st.integers(1, 8))
@settings(max_examples=200)
def test_every_group_visits_every_station_exactly_once(groups, stations):
    g_ids = [f"t{i + 1}" for i in range(groups)]
    s_ids = [f"s{i}" for i in range(stations)]
    plan = rotation(g_ids, s_ids)
    assert len(plan) == stations
    for g in g_ids:
        assert sorted(rnd[g] for rnd in plan) == sorted(s_ids)
    for rnd in plan:
        load = Counter(rnd.values())
        if groups <= stations:
            assert max(load.values()) == 1  # never two groups at one station
        else:
            assert max(load.values()) - min(load[s] for s in s_ids) <= 1  # shared fairly


def run(state, actor, payload, at=T0):
    parsed = actions.parse(actor, payload, state.pack)
    assert not isinstance(parsed, Rejected), parsed
    return session_rules.apply(state, actor, parsed, at)


def host(state, kind, at=T0, **extra):
    return run(state, "host", {"type": "act", "step": "rastit", "action": {"type": kind, **extra}}, at)


def pupil(state, seat, kind, at=T0, **extra):
    return run(state, seat, {"type": "act", "step": "rastit", "action": {"type": kind, **extra}}, at)


def session(pupils=7, groups=3, mentor="p7"):
    state = session_rules.new_session(PACK, 3, T0)
    for _ in range(pupils):
        state = run(state, "system", {"type": "join"})
    if mentor:
        state = run(state, "host", {"type": "mentor", "seat": mentor, "on": True})
    state = run(state, "host", {"type": "teams", "count": groups})
    return run(state, "host", {"type": "goto", "step": 0, "expect": -1})


def members(state, team):
    return [p.id for p in state.pupils.values() if p.team == team]


def game(state):
    return state.activities["rastit"]


def test_mentors_stay_out_of_the_groups():
    state = session()
    assert state.pupils["p7"].team is None
    assert sum(len(members(state, t)) for t in state.teams) == 6


def test_rotation_moves_every_group_and_ends_in_the_debrief():
    state = host(session(), "start")
    g = game(state)
    first = dict(g.plan[0])
    assert g.phase == "rotating" and g.closes_at == T0 + 300 and len(set(first.values())) == 3
    visited = {t: [first[t]] for t in first}
    for _ in range(2):
        state = host(state, "rotate")
        for t, s in game(state).plan[game(state).round].items():
            visited[t].append(s)
    assert all(sorted(v) == ["bileet", "haaste", "puisto"] for v in visited.values())
    state = host(state, "rotate")
    assert game(state).phase == "debrief"


def test_time_up_waits_for_the_facilitator_unless_auto():
    state = host(session(), "start")
    assert isinstance(run(state, "system", {"type": "timer", "step": "rastit"}, T0 + 100), Rejected)
    waited = run(state, "system", {"type": "timer", "step": "rastit"}, T0 + 301)
    assert game(waited).phase == "time_up" and game(waited).round == 0
    auto = run(host(state, "auto", on=True), "system", {"type": "timer", "step": "rastit"}, T0 + 301)
    assert game(auto).phase == "rotating" and game(auto).round == 1 and game(auto).closes_at == T0 + 601


def test_group_tasks_and_the_joint_line():
    state = host(session(), "start")
    team = next(t for t, s in game(state).plan[0].items() if s == "bileet")
    a, b = members(state, team)[:2]
    state = pupil(state, a, "rate", which="as_written", value=2)
    state = pupil(state, a, "rate", which="best_friend", value=4)
    state = pupil(state, a, "ways", ways=["ei", "syy"])
    state = pupil(state, b, "line", text="  Ei  kiitos,\u200b mä en ota. ")
    assert pupil(state, a, "ways", ways=["nope"]).code == "bad_option"
    assert pupil(state, a, "order", steps=["x"]).code == "not_a_task"
    work = game(state).work_of(team, "bileet")
    assert work.ratings[a] == {"as_written": 2, "best_friend": 4}
    assert work.line == "Ei kiitos, mä en ota." and work.line_status == "pending"
    own = views.pupil_own(state, b)["activity"]
    assert own["work"]["line"] == "Ei kiitos, mä en ota."
    assert own["work"]["ways"] == {state.pupils[a].nick: ["ei", "syy"]}  # the group sees its members' answers
    assert own["mine"]["ways"] == []


def test_order_task_takes_a_permutation_only():
    state = host(session(), "start")
    team = next(t for t, s in game(state).plan[0].items() if s == "puisto")
    seat = members(state, team)[0]
    assert pupil(state, seat, "order", steps=["tarkista", "kylki"]).code == "bad_order"
    done = pupil(state, seat, "order", steps=["tarkista", "kylki", "soita", "jaa"])
    assert game(done).work_of(team, "puisto").order[seat] == ("tarkista", "kylki", "soita", "jaa")
    shown = views.pupil_own(done, seat)["activity"]["station"]["order"]
    assert [o["id"] for o in shown] != ["tarkista", "kylki", "soita", "jaa"]  # phones never show the answer


def test_unapproved_lines_never_reach_the_projector():
    state = host(session(), "start")
    team = next(t for t, s in game(state).plan[0].items() if s == "bileet")
    state = pupil(state, members(state, team)[0], "line", text="Ei kiitos, Matti")
    for _ in range(3):
        state = host(state, "rotate")
    screen = views.screen_view(state)["activity"]
    assert screen["debrief"]["lines"] == [] and "Matti" not in str(screen)
    edited = host(state, "moderate", group=team, station="bileet", status="approved", text="Ei kiitos")
    assert views.screen_view(edited)["activity"]["debrief"]["lines"] == ["Ei kiitos"]
    hidden = host(edited, "moderate", group=team, station="bileet", status="hidden")
    assert views.screen_view(hidden)["activity"]["debrief"]["lines"] == []
    assert "Matti" in str(views.host_view(hidden)["activity"]["lines"])  # the facilitator still sees it


def test_a_changed_line_goes_back_to_moderation():
    state = host(session(), "start")
    team = next(t for t, s in game(state).plan[0].items() if s == "bileet")
    seat = members(state, team)[0]
    state = pupil(state, seat, "line", text="Ei kiitos")
    state = host(state, "moderate", group=team, station="bileet", status="approved")
    state = pupil(state, seat, "line", text="Ei kiitos, Matti")
    work = game(state).work_of(team, "bileet")
    assert work.line_status == "pending" and work.shown is None


def test_mentor_sees_only_their_station_and_can_mark_done_and_call():
    state = host(session(), "start")
    assert host(state, "lead", seat="p1", station="bileet").code == "not_mentor"
    state = host(state, "lead", seat="p7", station="bileet")
    here = game(state).groups_at("bileet")
    for t in [t for t in game(state).groups if t not in here]:
        state = pupil(state, members(state, t)[0], "rate", which="as_written", value=5)
    own = views.pupil_own(state, "p7")["activity"]
    assert own["role"] == "mentor" and [g["group"] for g in own["groups"]] == here
    assert "Miltä" in str(own["guide"]["questions"])
    assert all(g["work"]["ratings"] == {} for g in own["groups"])  # other stations' answers are not here
    state = pupil(state, "p7", "done")
    assert all(game(state).work_of(t, "bileet").done for t in here)
    state = pupil(state, "p7", "call")
    assert views.host_view(state)["activity"]["calls"][0]["seat"] == "p7"
    assert pupil(state, "p7", "rate", which="as_written", value=1).code == "mentor_leads"


def test_the_own_views_a_move_changes_are_all_sent():
    # Found by tests/trust/test_fuzz_events.py: only the group got a new own_view, so the
    # station leader's phone missed its groups' answers, and the groups missed "done".
    state = host(host(session(), "start"), "lead", seat="p7", station="bileet")
    group = game(state).groups_at("bileet")[0]
    seat = members(state, group)[0]
    state = pupil(state, seat, "rate", which="as_written", value=5)
    assert {*members(state, group), "p7"} <= views.affected_seats(state, seat, "act")
    state = pupil(state, "p7", "done")
    assert views.affected_seats(state, "p7", "act") is None  # every group at the leader's station
    state = run(state, "system", {"type": "join"})  # a newcomer joins a group: its leader sees the name
    newcomer = session_rules.last_joined(state)
    assert {newcomer, *members(state, state.pupils[newcomer].team), "p7"} <= views.affected_seats(
        state, "system", "join"
    )


def test_debrief_shows_each_station_in_turn():
    state = host(session(mentor=None, pupils=6, groups=2), "start")
    while game(state).phase != "debrief":
        for t in game(state).groups:
            for seat in members(state, t):
                state = pupil(state, seat, "rate", which="as_written", value=2)
                state = pupil(state, seat, "rate", which="best_friend", value=4)
        state = host(state, "rotate")
    for index, station in enumerate(PACK.agenda[0].stations):
        shown = views.screen_view(host(state, "show", index=index))["activity"]["debrief"]
        assert shown["station"]["id"] == station.id
        assert shown["ratings"] == {"as_written": [0, 6, 0, 0, 0], "best_friend": [0, 0, 0, 6, 0]}


def test_leaving_the_step_stops_the_station_clock():
    state = host(session(), "start")
    state = run(state, "host", {"type": "goto", "step": -1, "expect": 0}, T0 + 100)
    assert game(state).closes_at is None and game(state).paused_left == 200
    assert state.deadline() is None


def test_clean_line():
    assert clean_line("  a\u202e b  ") == "a b"
    assert clean_line("\u200b") is None
    assert len(clean_line("x" * 1000)) == 200


@given(data=st.data())
@settings(max_examples=50, deadline=None)
def test_random_station_sessions_replay_identically(data):
    moves = data.draw(
        st.lists(
            st.tuples(
                st.sampled_from(["rotate", "rate", "line", "ways", "auto", "timer"]),
                st.integers(1, 6),
                st.integers(0, 5),
            ),
            max_size=25,
        )
    )

    def play():
        state = host(session(), "start")
        at = T0
        for kind, seat_no, value in moves:
            at += 60
            seat = f"p{seat_no}"
            if kind == "rotate":
                result = host(state, "rotate", at)
            elif kind == "timer":
                parsed = actions.parse("system", {"type": "timer", "step": "rastit"}, state.pack)
                result = session_rules.apply(state, "system", parsed, at + 400)
            elif kind == "auto":
                result = host(state, "auto", at, on=bool(value % 2))
            elif kind == "rate":
                result = pupil(state, seat, "rate", at, which="as_written", value=value % 5 + 1)
            elif kind == "line":
                result = pupil(state, seat, "line", at, text=f"Ei kiitos {value}")
            else:
                result = pupil(state, seat, "ways", at, ways=["ei", "syy"][: value % 3])
            if not isinstance(result, Rejected):
                state = result
            assert 0 <= game(state).round < len(game(state).plan)
        return state

    assert play() == play()


# -- a pack's own prompts and options (issue #17) ----------------------------------------------
BULLYING = load_pack(ROOT / "tests" / "packs" / "good" / "kiusaamisrastit").pack


def bullying_session(pupils=6, groups=2):
    state = session_rules.new_session(BULLYING, 3, T0)
    for _ in range(pupils):
        state = run(state, "system", {"type": "join"})
    state = run(state, "host", {"type": "teams", "count": groups})
    return host(run(state, "host", {"type": "goto", "step": 0, "expect": -1}), "start")


def at(state, station):
    """A member of the group at `station` now."""
    team = next(t for t, s in game(state).plan[game(state).round].items() if s == station)
    return members(state, team)[0]


def step_of(data):
    base = {"id": "rastit", "kind": "stations", "title": "Rastit"}
    return StationsStep.model_validate(base | data)


def test_a_stations_prompts_replace_the_steps_one_by_one():
    step = BULLYING.agenda[0]
    chat, recess = step.stations
    mine = step.prompts_for(chat)
    assert resolve(mine.ways, "fi").startswith("Mitä voisit tehdä sen sijaan")  # the station's own
    assert resolve(mine.ways_result, "fi") == "Mitä ryhmät tekisivät"  # the step's
    assert resolve(mine.rate_low, "sv") == "lätt" and resolve(mine.rate_second, "sv").startswith("Och om")
    theirs = step.prompts_for(recess)
    assert resolve(theirs.ways, "fi") == "Mitä voisit tehdä? Valitse niin monta kuin haluat."  # the step's
    assert resolve(theirs.ways_result, "sv") == "Så här skulle grupperna ta med Emil"  # its own
    assert resolve(theirs.rate_high, "fi") == "tosi pahalta" and theirs.rate_second is None
    assert resolve(theirs.order, "sv") == "I vilken ordning skulle du göra det?"
    # Neither gives it: the view says null, the client and the print page use the kit's words.
    assert mine.line_hint is not None and mine.rate_title is None and mine.order is None
    assert theirs.view("fi")["rate_title"] is None and theirs.view("fi")["rate"]["sv"].startswith("Hur illa")
    assert theirs.text("line") == {"en": DEFAULTS["line"].en, "fi": "Ryhmänne oma lause", "sv": "Er grupps egen replik"}
    assert theirs.text("rate_second") is None  # no kit's words for a second rating: one is asked


def test_without_prompts_the_kits_neutral_words_apply():
    step = step_of({"ways": [{"id": "a", "text": "A"}], "stations": [{"id": "s", "title": "S", "scenario": "X"}]})
    prompts = step.prompts_for(step.stations[0])
    assert all(value is None for _name, value in prompts)
    assert resolve(prompts.text("ways"), "fi") == "Mitä ryhmänne tekisi? Valitse niin monta kuin haluat."
    assert resolve(prompts.text("ways_result"), "fi") == "Ryhmien valinnat"
    assert resolve(prompts.text("lines_result"), "sv") == "Gruppernas repliker"
    assert resolve(prompts.text("rate"), "fi") == "Kuinka vaikeaa tämä olisi?"
    for says in DEFAULTS.values():  # theme-free: nothing about refusing or offering
        assert not re.search(r"kieltäy|säga nej|refus|offer|tarjo", f"{says.en} {says.fi} {says.sv}", re.I)


def test_the_old_order_prompt_is_the_order_prompt():
    step = PACK.agenda[0]
    assert step.prompts_for(step.station("puisto")).order == "Missä järjestyksessä?"
    twice = {"tasks": ["rate"], "order_prompt": "A", "prompts": {"order": "B"}}
    with pytest.raises(ValidationError, match="order_prompt_twice"):
        step_of({"stations": [{"id": "s", "title": "S", "scenario": "X", **twice}]})


def test_every_station_with_the_ways_task_needs_options_of_its_own_or_the_steps():
    own = {"id": "a", "title": "A", "scenario": "X", "ways": [{"id": "w", "text": "W"}]}
    plain = {"id": "b", "title": "B", "scenario": "Y"}
    assert step_of({"stations": [own]}).ways_for(step_of({"stations": [own]}).stations[0])[0].id == "w"
    with pytest.raises(ValidationError, match="station 'b' has the `ways` task"):
        step_of({"stations": [own, plain]})
    with pytest.raises(ValidationError, match="id_reused"):
        step_of({"stations": [{**own, "ways": [{"id": "w", "text": "W"}, {"id": "w", "text": "V"}]}]})


def test_one_rating_or_two():
    state = bullying_session()
    chat, recess = at(state, "chatti"), at(state, "valitunti")
    state = pupil(state, chat, "rate", which="as_written", value=2)
    state = pupil(state, chat, "rate", which="best_friend", value=5)
    state = pupil(state, recess, "rate", which="as_written", value=4)
    refused = pupil(state, recess, "rate", which="best_friend", value=4)
    assert isinstance(refused, Rejected) and refused.code == "one_rating"
    # ...also when the facilitator enters it for a group without a device
    team = state.pupils[recess].team
    entered = host(state, "enter", team=team, answer={"type": "rate", "which": "best_friend", "value": 3})
    assert isinstance(entered, Rejected) and entered.code == "one_rating"
    own = views.pupil_own(state, recess)["activity"]
    assert own["station"]["prompts"]["rate_second"] is None and own["mine"]["ratings"] == {"as_written": 4}
    assert views.pupil_own(state, chat)["activity"]["station"]["prompts"]["rate_second"]["fi"].startswith("Entä jos")
    state = host(host(state, "rotate"), "rotate")
    assert game(state).phase == "debrief"
    shown = views.screen_view(state)["activity"]["debrief"]
    assert shown["station"]["id"] == "chatti" and shown["ratings"] == {
        "as_written": [0, 1, 0, 0, 0],
        "best_friend": [0, 0, 0, 0, 1],
    }
    shown = views.screen_view(host(state, "show", index=1))["activity"]["debrief"]
    assert shown["ratings"] == {"as_written": [0, 0, 0, 1, 0]}  # no second question here: no counts for one
    assert shown["station"]["prompts"]["ways_result"]["fi"] == "Näin ryhmät ottaisivat Eemilin mukaan"


def test_a_stations_own_options_replace_the_steps():
    state = bullying_session()
    chat, recess = at(state, "chatti"), at(state, "valitunti")
    refused = pupil(state, chat, "ways", ways=["ala-naura", "sano-reilusti"])  # the step's, not the station's
    assert isinstance(refused, Rejected) and refused.code == "bad_option"
    assert isinstance(pupil(state, recess, "ways", ways=["ala-naura"]), Rejected)  # the other station's
    state = pupil(state, chat, "ways", ways=["ala-naura", "aikuinen"])
    state = pupil(state, recess, "ways", ways=["sano-reilusti", "aikuinen"])
    own = views.pupil_own(state, chat)["activity"]["station"]
    assert [w["id"] for w in own["ways"]] == ["ala-naura", "sano-chattiin", "viesti-ainolle", "aikuinen"]
    state = host(host(state, "rotate"), "rotate")
    shown = views.screen_view(state)["activity"]["debrief"]
    assert shown["ways"] == {"ala-naura": 1, "sano-chattiin": 0, "viesti-ainolle": 0, "aikuinen": 1}
    assert [w["id"] for w in shown["station"]["ways"]] == list(shown["ways"])
    shown = views.screen_view(host(state, "show", index=1))["activity"]["debrief"]
    assert shown["ways"] == {"sano-reilusti": 1, "ota-mukaan": 0, "aikuinen": 1, "kaveri": 0}


def test_sample_moves_ask_what_the_station_asks():
    state = bullying_session()
    kind = REGISTRY["stations"]
    step = BULLYING.agenda[0]
    for seed in range(40):
        ctx = Ctx(now=T0, seats={}, team_ids=(), language="fi", seed=f"s{seed}")
        for station in step.stations:
            options = {w.id for w in step.ways_for(station)}
            for move in kind._group_moves(step, station, ctx):
                if move["type"] == "rate":
                    assert move["which"] == "as_written" or station.id == "chatti"
                if move["type"] == "ways":
                    assert set(move["ways"]) <= options
    # ...and every one of them is accepted where it is made.
    for seat in (at(state, "chatti"), at(state, "valitunti")):
        for move in kind.sample_moves(step, game(state), seat_of(state, seat), ctx):
            assert not isinstance(pupil(state, seat, move.pop("type"), **move), Rejected)


def seat_of(state, seat_id):
    """The rules' Seat of a pupil."""
    p = state.pupils[seat_id]
    return Seat(id=seat_id, nick=p.nick, team=p.team, lang="fi")
