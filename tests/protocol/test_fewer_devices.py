"""Fewer devices than pupils over Socket.IO: team devices, the facilitator's entries, mixed with phones."""

from __future__ import annotations

import pytest

from tests.conftest import ORIGIN, ROOT, Classroom, act, last
from workshops.sessions import views

CONTENT = ROOT / "content"


def seat(room: Classroom, **body) -> dict:
    resp = room.app.test_client().post(f"/j/{room.code}/seat", json={"lang": "fi", **body}, headers=ORIGIN)
    return resp.get_json() | {"status": resp.status_code}


def device(room: Classroom, team: str | None = None):
    """A school tablet joining as its team's device (with its team's QR code when `team` is given)."""
    taken = seat(room, device="team", team=team)
    assert taken["ok"], taken
    sock = room.connect("pupil", token=taken["token"])
    sock.token = taken["token"]
    return sock


def step_cmd(host, step_id: str, action: dict) -> dict:
    return act(host, "host", {"type": "act", "step": step_id, "action": action})


def goto_kind(room: Classroom, host, kind: str, nth: int = 0, **match):
    """Move to the pack's `nth` step of `kind` (whose fields equal `match`); return the step."""
    agenda = room.live.state.pack.agenda
    found = [
        (i, s) for i, s in enumerate(agenda) if s.kind == kind and all(getattr(s, k) == v for k, v in match.items())
    ]
    index, step = found[nth]
    assert act(host, "host", {"type": "goto", "step": index, "expect": room.live.state.step})["ok"]
    return step


@pytest.fixture
def room(make_app):
    return Classroom(make_app(CONTENT_DIR=CONTENT), "digitutkijat")


def test_team_devices_join_their_teams_and_show_on_the_console(room):
    host = room.host()
    assert act(host, "host", {"type": "teams", "count": 3})["ok"]
    tablets = [device(room, "t2"), device(room), device(room)]
    view = last(host, "host_view")
    by_seat = {p["id"]: p for p in view["pupils"]}
    owns = [last(t, "own_view") for t in tablets]
    teams = [by_seat[own["seat"]]["team"] for own in owns]
    # The QR code's team first; the others go to the teams that have no device yet.
    assert teams[0] == "t2" and sorted(teams) == ["t1", "t2", "t3"]
    assert all(p["device"] == "team" for p in view["pupils"])
    assert [t["devices"] for t in view["teams"]] == [1, 1, 1]
    assert owns[0]["device"] == "team" and owns[0]["team"] == "t2"
    # A phone still joins as a phone, into the smallest team.
    phone = room.pupil()
    assert last(phone, "own_view")["device"] == "phone"


def test_teams_made_after_the_devices_joined_get_one_device_each(room):
    host = room.host()
    tablets = [device(room) for _ in range(3)]
    phones = [room.pupil() for _ in range(6)]
    assert act(host, "host", {"type": "teams", "count": 3})["ok"]
    view = last(host, "host_view")
    assert [t["devices"] for t in view["teams"]] == [1, 1, 1]
    assert [t["size"] for t in view["teams"]] == [3, 3, 3]
    assert tablets and phones


def test_a_team_device_let_back_in_goes_to_the_team_without_a_device(room):
    host = room.host()
    assert act(host, "host", {"type": "teams", "count": 2})["ok"]
    phones = [room.pupil() for _ in range(6)]  # three in each team
    first, second = device(room, "t1"), device(room, "t2")
    seat_id = last(first, "own_view")["seat"]
    assert act(host, "host", {"type": "kick", "seat": seat_id})["ok"]
    in_t2 = [p["id"] for p in last(host, "host_view")["pupils"] if p["team"] == "t2" and p["device"] == "phone"]
    for phone_seat in in_t2[:2]:  # two of team 2 leave: it is the smallest, with its device
        assert act(host, "host", {"type": "kick", "seat": phone_seat})["ok"]
    assert act(host, "host", {"type": "readmit", "seat": seat_id})["ok"]
    pupils = {p["id"]: p for p in last(host, "host_view")["pupils"]}
    # Not the smallest team (2, with a device) but the one with no device (3 phones).
    assert pupils[seat_id]["team"] == "t1" and pupils[seat_id]["device"] == "team"
    assert len(phones) == 6 and second


def test_a_team_device_is_refused_while_the_lobby_is_locked_or_for_a_team_that_does_not_exist(room):
    host = room.host()
    assert act(host, "host", {"type": "teams", "count": 2})["ok"]
    refused = seat(room, device="team", team="t7")
    assert (refused["ok"], refused["error"], refused["status"]) == (False, "no_such_team", 409)
    assert act(host, "host", {"type": "lock", "locked": True})["ok"]
    refused = seat(room, device="team", team="t1")
    assert (refused["ok"], refused["error"], refused["status"]) == (False, "locked", 409)
    assert room.live.state.pupils == {}


def test_a_team_device_that_reconnects_is_the_same_device_in_the_same_team(room):
    host = room.host()
    assert act(host, "host", {"type": "teams", "count": 2})["ok"]
    tablet = device(room, "t2")
    step = goto_kind(room, host, "truefalse")
    assert act(tablet, "pupil", {"type": "act", "step": step.id, "action": {"type": "answer", "value": True}})["ok"]
    tablet.disconnect()
    again = room.connect("pupil", token=tablet.token)
    own = last(again, "own_view")
    assert (own["device"], own["team"], own["activity"]["mine"]) == ("team", "t2", True)
    assert [p["device"] for p in last(host, "host_view")["pupils"]] == ["team"]


def test_hands_counted_by_the_facilitator_add_to_the_phones_answers(room):
    host, screen = room.host(), room.screen()
    phones = [room.pupil() for _ in range(3)]
    step = goto_kind(room, host, "truefalse")
    for phone, value in zip(phones, (True, True, False), strict=True):
        assert act(phone, "pupil", {"type": "act", "step": step.id, "action": {"type": "answer", "value": value}})["ok"]
    # 14 pupils without a device raise their hands: 9 for true, 5 for false; the 5 is corrected to 4.
    for value, count in ((True, 9), (False, 5), (False, 4)):
        ack = step_cmd(host, step.id, {"type": "enter", "answer": {"type": "answer", "value": value}, "count": count})
        assert ack["ok"], ack
    before = last(screen, "screen_view")["activity"]
    assert (before["answered"], before["total"], before["entered"]) == (16, 16, 13)
    assert "results" not in before  # still hidden until the reveal
    assert step_cmd(host, step.id, {"type": "reveal"})["ok"]
    revealed = last(screen, "screen_view")["activity"]
    assert revealed["results"] == {"true": 11, "false": 5}
    summary = next(s for s in views.report(room.live.state)["steps"] if s["id"] == step.id)["summary"]
    assert summary["entered"] == 13
    # A count of 0 takes the hands back out.
    step_cmd(host, step.id, {"type": "enter", "answer": {"type": "answer", "value": True}, "count": 0})
    assert last(screen, "screen_view")["activity"]["results"] == {"true": 2, "false": 5}


def test_a_poll_mixes_phones_and_hands(room):
    host, screen = room.host(), room.screen()
    phones = [room.pupil() for _ in range(2)]
    step = goto_kind(room, host, "choice", mode="poll")
    first, second = (o.id for o in step.options[:2])
    for phone in phones:
        assert act(phone, "pupil", {"type": "act", "step": step.id, "action": {"type": "vote", "options": [first]}})[
            "ok"
        ]
    ack = step_cmd(host, step.id, {"type": "enter", "answer": {"type": "vote", "options": [second]}, "count": 7})
    assert ack["ok"], ack
    assert step_cmd(host, step.id, {"type": "reveal"})["ok"]
    shown = last(screen, "screen_view")["activity"]
    assert shown["counts"][first] == 2 and shown["counts"][second] == 7
    assert (shown["answered"], shown["total"], shown["entered"]) == (9, 9, 7)
    assert last(host, "host_view")["activity"]["hands"] == {second: 7}


def test_one_answer_per_team_for_a_sort_with_no_devices_and_a_story_decided_together(room):
    host, screen = room.host(), room.screen()
    assert act(host, "host", {"type": "teams", "count": 2})["ok"]  # two teams, no device at all
    sort = goto_kind(room, host, "sort")
    answer = {"type": "answer", "placements": {item.id: item.category for item in sort.items}}
    ack = step_cmd(host, sort.id, {"type": "enter", "answer": answer})
    assert (ack["ok"], ack["error"]) == (False, "no_such_team")  # a team task names its team
    ack = step_cmd(host, sort.id, {"type": "enter", "answer": answer, "team": "t2"})
    assert ack["ok"], ack
    view = last(host, "host_view")["activity"]
    assert (view["entered"], view["answered"], view["total"]) == (1, 1, 1)
    (entered,) = view["entered_answers"]
    assert {k: entered[k] for k in ("key", "value", "count", "team")} == {
        "key": "t2",
        "value": answer["placements"],
        "count": 1,
        "team": "t2",
    }
    assert entered["own"]["mine"] == answer["placements"] and entered["own"]["entered"] is True
    assert step_cmd(host, sort.id, {"type": "reveal"})["ok"]
    assert last(screen, "screen_view")["scores"].get("t2", 0) == sort.points
    # A story: the class's one path, choice by choice, like a phone's.
    story = goto_kind(room, host, "scenario")
    node = story.nodes[0]
    for _ in range(3):
        choice = node.choices[0]
        ack = step_cmd(
            host, story.id, {"type": "enter", "answer": {"type": "answer", "node": node.id, "choice": choice.id}}
        )
        assert ack["ok"], ack
        if not choice.next:
            break
        node = story.node(choice.next)
    path = last(host, "host_view")["activity"]["entered_answers"][0]["value"]
    assert len(path) >= 2 and path[0][0] == story.nodes[0].id


def test_dictated_open_answers_are_approved_and_shown(room):
    host, screen = room.host(), room.screen()
    step = goto_kind(room, host, "open")
    for text in ("Kysyn aikuiselta", "En jaa salasanaa"):
        assert step_cmd(host, step.id, {"type": "enter", "answer": {"type": "answer", "text": text}})["ok"]
    assert last(screen, "screen_view")["activity"]["results"]["approved"] == ["Kysyn aikuiselta", "En jaa salasanaa"]
    # The facilitator can still hide one (a typo) the way any answer is moderated.
    assert step_cmd(host, step.id, {"type": "moderate", "voter": "e2", "status": "hidden"})["ok"]
    assert last(screen, "screen_view")["activity"]["results"]["approved"] == ["Kysyn aikuiselta"]


def test_a_pupil_cannot_send_the_facilitators_entries(room):
    host = room.host()
    phone = room.pupil()
    step = goto_kind(room, host, "truefalse")
    ack = act(
        phone,
        "pupil",
        {
            "type": "act",
            "step": step.id,
            "action": {"type": "enter", "answer": {"type": "answer", "value": True}, "count": 30},
        },
    )
    assert (ack["ok"], ack["error"]) == (False, "unknown_action")
    assert room.live.state.activities[step.id].answers == {}


@pytest.fixture
def game_room(make_app):
    # A game entered by hand sends a few commands a round: more than a phone's burst allows.
    return Classroom(make_app(CONTENT_DIR=CONTENT, EVENT_BURST=1000), "arjen-valinnat")


def test_the_board_game_plays_to_its_end_with_no_pupil_devices(game_room):
    room = game_room
    host, screen = room.host(), room.screen()
    assert act(host, "host", {"type": "teams", "count": 3})["ok"]
    step = goto_kind(room, host, "boardgame")
    assert step_cmd(host, step.id, {"type": "start"})["ok"]
    assert [t["team"] for t in last(screen, "screen_view")["activity"]["teams"]] == ["t1", "t2", "t3"]
    for _round in range(step.rounds):
        assert step_cmd(host, step.id, {"type": "deal"})["ok"]
        view = last(host, "host_view")["activity"]
        if view["phase"] == "ended":
            break
        for team in view["teams"]:
            if "card" not in team:
                continue
            choice = team["card"]["choices"][-1]["id"]
            ack = step_cmd(
                host, step.id, {"type": "enter", "team": team["team"], "answer": {"type": "vote", "choice": choice}}
            )
            assert ack["ok"], ack
        entered = [t["entered"] for t in last(host, "host_view")["activity"]["teams"] if "card" in t]
        assert entered and all(choice is not None for choice in entered)
        assert step_cmd(host, step.id, {"type": "reveal"})["ok"]
        shown = last(screen, "screen_view")["activity"]
        played = [t["last"] for t in shown["teams"] if t.get("last") and t["last"]["card"]]
        assert played and all(turn["choice"] and turn["entered"] for turn in played)
        if shown["phase"] == "ended":
            break
    if last(host, "host_view") is None or room.live.state.activities[step.id].phase != "ended":
        assert step_cmd(host, step.id, {"type": "end"})["ok"]
    assert room.live.state.activities[step.id].phase == "ended"
    tokens = room.live.state.activities[step.id].tokens
    assert all(token.journey for token in tokens.values())  # every team played without a device


def test_a_board_game_team_device_and_phones_together(game_room):
    room = game_room
    host = room.host()
    assert act(host, "host", {"type": "teams", "count": 2})["ok"]
    tablet = device(room, "t1")
    step = goto_kind(room, host, "boardgame")
    assert step_cmd(host, step.id, {"type": "start"})["ok"]
    assert step_cmd(host, step.id, {"type": "deal"})["ok"]
    card = last(tablet, "own_view")["activity"]["card"]
    vote = {"type": "vote", "choice": card["choices"][0]["id"]}
    assert act(tablet, "pupil", {"type": "act", "step": step.id, "action": vote})["ok"]
    other = last(host, "host_view")["activity"]["teams"][1]["card"]["choices"][0]["id"]
    ack = step_cmd(host, step.id, {"type": "enter", "team": "t2", "answer": {"type": "vote", "choice": other}})
    assert ack["ok"], ack
    # The facilitator's entry for a team with no card is refused with a code.
    ack = step_cmd(host, step.id, {"type": "enter", "team": "t5", "answer": vote})
    assert (ack["ok"], ack["error"]) == (False, "no_card")
    assert step_cmd(host, step.id, {"type": "reveal"})["ok"]
    teams = {t["team"]: t["last"] for t in last(host, "host_view")["activity"]["teams"]}
    assert (teams["t1"]["choice"], teams["t1"]["entered"]) == (vote["choice"], False)
    assert (teams["t2"]["choice"], teams["t2"]["entered"]) == (other, True)


@pytest.fixture
def stations_room(make_app):
    return Classroom(make_app(CONTENT_DIR=CONTENT), "jamakkyytta")


def test_the_stations_run_with_leaders_phones_only(stations_room):
    room = stations_room
    host, screen = room.host(), room.screen()
    leaders = [room.pupil() for _ in range(2)]
    seats = [last(leader, "own_view")["seat"] for leader in leaders]
    for s in seats:
        assert act(host, "host", {"type": "mentor", "seat": s, "on": True})["ok"]
    assert act(host, "host", {"type": "teams", "count": 4})["ok"]
    step = goto_kind(room, host, "stations")
    for s, station in zip(seats, step.stations[:2], strict=True):
        assert step_cmd(host, step.id, {"type": "lead", "seat": s, "station": station.id})["ok"]
    assert step_cmd(host, step.id, {"type": "start"})["ok"]
    state = room.live.state.activities[step.id]
    assert state.groups == ["t1", "t2", "t3", "t4"]  # groups with no device play too
    led = {state.station_of(g): g for g in state.groups}
    mine, elsewhere = (
        led[step.stations[0].id],
        next(g for g in state.groups if state.station_of(g) != step.stations[0].id),
    )
    ways = [w.id for w in step.ways][:2]
    enter = {"type": "enter", "team": mine, "answer": {"type": "ways", "ways": ways}}
    ack = act(leaders[0], "pupil", {"type": "act", "step": step.id, "action": enter})
    assert ack["ok"], ack
    ack = act(leaders[0], "pupil", {"type": "act", "step": step.id, "action": enter | {"team": elsewhere}})
    assert (ack["ok"], ack["error"]) == (False, "not_your_group")
    # The facilitator enters for any group; a typed line is approved as it stands.
    line_station = next(s for s in step.stations if "line" in s.tasks)
    group = next(g for g in state.groups if state.station_of(g) == line_station.id)
    ack = step_cmd(host, step.id, {"type": "enter", "team": group, "answer": {"type": "line", "text": "Ei kiitos."}})
    assert ack["ok"], ack
    work = room.live.state.activities[step.id].work_of(group, line_station.id)
    assert (work.line_status, work.shown) == ("approved", "Ei kiitos.")
    # A pupil who is not a leader cannot enter a group's answer.
    pupil = room.pupil()
    ack = act(pupil, "pupil", {"type": "act", "step": step.id, "action": enter})
    assert (ack["ok"], ack["error"]) == (False, "not_mentor")
    assert step_cmd(host, step.id, {"type": "debrief"})["ok"]
    debrief = last(screen, "screen_view")["activity"]["debrief"]
    assert debrief is not None
