"""The protocol as a contract (issue 13): what docs/protocol.md promises, checked against a
real server process with real Socket.IO clients, as an outside client would meet it."""

from __future__ import annotations

import re
from typing import Any

from .conftest import Room, act, goto, wait_until

SEAT_ID = re.compile(r"^p\d+$")


def _strings(value: Any) -> list[str]:
    """Every string in a view: its keys and its values, however deep."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _vote(phone, option: str, cid: str) -> dict[str, Any]:
    return act(phone, "pupil", "fiilis", {"type": "vote", "options": [option]}, cid=cid)


def _votes_seen_by_a_new_console(room: Room) -> dict[str, int]:
    """The counts a console opened now gets: built from the saved state, nothing in flight."""
    console = room.host()
    counts = console.wait_view("host_view", lambda v: "counts" in v.get("activity", {}))["activity"]["counts"]
    console.close()
    return counts


def test_a_client_id_is_applied_at_most_once_whatever_its_first_outcome(server, rooms, ledger):
    room = rooms(server)
    host = room.host()
    phone = room.phone()
    goto(host, "fiilis")
    assert _vote(phone, "ok", "c1")["ok"]
    first = _vote(phone, "ok", "c2")  # the same vote again: accepted, changes nothing
    assert first["ok"] and "duplicate" not in first
    assert _vote(phone, "pirtea", "c3")["ok"]
    # A page that never saw c2's acknowledgement sends it again after a reconnect.
    retry = _vote(phone, "ok", "c2")
    ledger.bad_input("contract: a retried client id whose first try changed nothing")
    assert retry.get("duplicate") is True, retry
    assert retry["rev"] >= first["rev"]
    assert _votes_seen_by_a_new_console(room) == {"pirtea": 1, "ok": 0, "vasyttaa": 0, "en-tieda": 0}

    # The same after kill -9: the id of a no-op is remembered in the journal too.
    assert _vote(phone, "pirtea", "c4")["ok"]  # a no-op again
    assert _vote(phone, "vasyttaa", "c5")["ok"]
    server.kill9()
    ledger.fault("contract: kill -9 after a no-op")
    server.start()
    phone.wait_connected()
    retry = _vote(phone, "pirtea", "c4")
    ledger.bad_input("contract: a retried no-op client id after a restart")
    assert retry.get("duplicate") is True, retry
    assert _votes_seen_by_a_new_console(room) == {"pirtea": 0, "ok": 0, "vasyttaa": 1, "en-tieda": 0}
    # Each client id is in the journal once, whatever it did.
    rows = dict(server.journal_rows("SELECT cid, count(*) FROM actions WHERE cid IS NOT NULL GROUP BY cid"))
    assert all(rows.get(cid) == 1 for cid in ("c1", "c2", "c3", "c4", "c5")), rows


def test_a_refused_action_may_be_retried_with_the_same_client_id(server, rooms, ledger):
    room = rooms(server)
    host = room.host()
    phone = room.phone()
    goto(host, "fiilis")
    assert act(host, "host", "fiilis", {"type": "close"})["ok"]
    refused = _vote(phone, "ok", "r1")
    ledger.bad_input("contract: an answer to a closed question")
    assert refused["ok"] is False and refused["error"] == "closed" and isinstance(refused["rev"], int)
    assert act(host, "host", "fiilis", {"type": "open"})["ok"]
    again = _vote(phone, "ok", "r1")
    assert again["ok"] and "duplicate" not in again  # nothing was applied the first time
    assert _votes_seen_by_a_new_console(room)["ok"] == 1


def test_the_projector_never_sees_seat_ids_of_station_leaders(server, rooms, ledger):
    room = rooms(server, "jamakkyytta")
    host = room.host()
    phones = room.phones(5)
    leader = phones[0]
    seat = leader.wait_view("own_view", lambda v: "seat" in v)["seat"]
    nick = leader.view("own_view")["nick"]
    assert host.send("host", {"type": "mentor", "seat": seat, "on": True})["ok"]
    assert host.send("host", {"type": "teams", "count": 2})["ok"]
    agenda = host.wait_view("host_view", lambda v: len(v["pupils"]) == 5)["agenda"]
    step = next(s for s in agenda if s["kind"] == "stations")["id"]
    goto(host, step)
    stations = host.wait_view("host_view", lambda v: "stations" in v.get("activity", {}))["activity"]["stations"]
    assert act(host, "host", step, {"type": "lead", "seat": seat, "station": stations[0]["id"]})["ok"]
    assert act(host, "host", step, {"type": "start"})["ok"]
    ledger.bad_input("contract: the projector's station map read for seat ids")
    screen = room.screen()
    view = screen.wait_view("screen_view", lambda v: (v.get("activity") or {}).get("phase") == "rotating")
    first = view["activity"]["map"][0]
    assert first["leads"] == [nick]  # the leader's (generated) nickname, as the projector shows it elsewhere
    seat_ids = [s for s in _strings(view) if SEAT_ID.match(s)]
    assert seat_ids == [], seat_ids


def test_every_view_is_stamped_and_every_refusal_carries_the_revision(server, rooms, ledger):
    room = rooms(server)
    host, screen = room.host(), room.screen()
    phone = room.phone()
    for client, event in ((host, "host_view"), (screen, "screen_view"), (phone, "pupil_view"), (phone, "own_view")):
        view = client.wait_view(event, lambda v: "rev" in v)
        assert isinstance(view.get("server_time"), float), (event, sorted(view))
    goto(host, "fiilis")
    own = phone.wait_view("own_view", lambda v: v.get("step") == "fiilis")
    assert isinstance(own.get("server_time"), float), sorted(own)  # the views a change sends, too
    rev = host.view("host_view")["rev"]
    refusals = {
        "forbidden (a pupil's facilitator command)": phone.raw("host", {"cid": "x1", "action": {"type": "end"}}),
        "forbidden (the projector sends)": screen.raw("pupil", {"cid": "x2", "action": {"type": "talk"}}),
        "bad_payload": phone.raw("pupil", {"cid": "x3", "action": {"type": "act"}}),
        "unknown_action": phone.raw("pupil", {"cid": "x4", "action": {"type": "jump"}}),
    }
    ledger.bad_input("contract: refusals read for their revision", len(refusals))
    for what, ack in refusals.items():
        assert ack["ok"] is False and ack["error"] == what.split(" ")[0], (what, ack)
        assert ack.get("rev") == rev, (what, ack)
    # A flood: the rate limit's refusals carry the revision too.
    nope = {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": ["nope"]}}
    acks = [phone.raw("pupil", {"cid": f"f{i}", "action": nope}) for i in range(45)]
    ledger.bad_input("contract: a flood read for the revision of its refusals", len(acks))
    limited = [a for a in acks if a.get("error") == "rate_limited"]
    assert limited and all(a.get("rev") == rev for a in limited), limited[:3]


def test_a_deleted_session_says_so_with_an_empty_payload(server, rooms, ledger):
    room = rooms(server)
    phone = room.phone()
    got: list[Any] = []
    phone.sio.on("session_deleted", lambda *args: got.append(args))
    resp = room.http.post(
        f"{server.url}/host/{room.code}/delete", headers={"Origin": server.url}, allow_redirects=False, timeout=10
    )
    assert resp.status_code == 302
    wait_until(lambda: got, 10, "session_deleted")
    assert got[0] == ({},)
