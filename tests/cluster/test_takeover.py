"""kill -9 of the worker that holds a class, in the middle of a vote, a station rotation and a
board-game round, through the real HAProxy.

Three real `workshops serve` workers share one PostgreSQL journal and one secret (each its own
data folder with a copy of the same `secret.key`, as docs/deploy.md says), behind Debian's HAProxy
with the shipped configuration (test_routing.py's Farm, as proxied.py's `ProxiedServer`). A class
runs on one of them: its console, its projector and its phones, all Socket.IO through the proxy
(tests/trust's `Room`). The worker is killed with SIGKILL while the class's actions are on their
way (tests/trust's `Burst`); its PostgreSQL connections close with it, and so does its lease. The
clients reconnect by themselves (python-socketio's reconnection, as the page's socket.io client
does), re-send every action that was not acknowledged with the same client id (as static/js
does), and land on the worker the code hashes to, which takes the class over from the journal.

Each scenario checks the same things: within 5 s of the kill every phone is back in its own seat
and the console and the projector have their views again; every acknowledged
action is in the journal exactly once before anyone re-sent anything, and each re-sent one is a
duplicate; a timer set before the kill (the rotation's, the round's deadline) fires on the new
owner, once; and every view the new owner sends is the one the journal's replay gives. The
actions are the kinds' own `sample_moves`/`sample_commands`, from the state replayed in this
process. The measured times are printed (`-s`).
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from tests.cluster import proxied as cluster
from tests.cluster.proxied import ProxiedServer, Recovery, Watch, expected_views, saved_state, start
from tests.cluster.test_routing import WORKERS
from tests.trust.bursts import Burst, check_journal
from tests.trust.conftest import LEDGER, Client, Network, Room, act, goto, wait_until
from workshops.activities import REGISTRY
from workshops.sessions.rules import SessionState

pytestmark = pytest.mark.cluster

proxied = cluster.proxied  # the fixture: three workers on this test's database behind HAProxy
OPTIONS = ["pirtea", "ok", "vasyttaa", "en-tieda"]
TIMER = 6  # seconds from the last command before the kill to the rotation's deadline
VOTE_SECONDS = 10  # the round's deadline in the board game (the pack says 60; the least it may say)


def seated(phones: list[Client]) -> list[str]:
    return [phone.wait_view("own_view", lambda v: bool(v.get("seat")))["seat"] for phone in phones]


def commands(state: SessionState) -> dict[str, dict[str, Any]]:
    """The current step's sample commands, the first of each type."""
    step = state.current
    assert step is not None
    found = REGISTRY[step.kind].sample_commands(step, state.activities[step.id], state.ctx(time.time()))
    return {c["type"]: c for c in reversed(found)}


def moves(state: SessionState, seat: str) -> list[dict[str, Any]]:
    """The current step's sample moves for one seat."""
    step = state.current
    assert step is not None
    activity = REGISTRY[step.kind]
    return activity.sample_moves(step, state.activities[step.id], state.pupils[seat].seat(), state.ctx(time.time()))


def take_over(
    server: ProxiedServer, burst: Burst, host: Client, screen: Client, phones: list[Client], after: int
) -> Recovery:
    """Fire the burst, kill the class's worker once `after` actions are acknowledged, and time the
    way back; then check the journal before anyone re-sends, and re-send everything."""
    watch = Watch(host, screen, phones)

    def kill() -> None:
        watch.mark()
        server.kill9()

    burst.fire(kill, after)
    recovery = watch.recovery(server)
    burst.settle()
    assert max(recovery.phones, recovery.console, recovery.projector) <= 5.0, recovery
    assert after <= len(burst.acknowledged()) <= len(burst.items)
    # Every acknowledged action survived, before anyone re-sent anything; none is there twice.
    check_journal(server, burst, LEDGER, "takeover")
    burst.retry_all()  # and each acknowledged one is a duplicate
    check_journal(server, burst, LEDGER, "takeover", retried=True)
    return recovery


def timer_fired_once(server: ProxiedServer, deadline: float) -> None:
    """The step's deadline, which came after the kill, turned into exactly one `timer` action, at
    or after it: the new owner fired it."""
    assert server.killed_on < deadline
    rows = server.journal_rows("SELECT at FROM actions WHERE actor = 'system' AND action::jsonb ->> 'type' = 'timer'")
    assert len(rows) == 1, rows
    assert rows[0][0] >= deadline


def same_views(server: ProxiedServer, code: str, host: Client, screen: Client, phones: list[Client]) -> None:
    """Every surface shows what the journal's replay gives, and the new owner skipped nothing."""
    expected = expected_views(saved_state(server.database_url, code))
    host.wait_view("host_view", lambda v: v.get("activity") == expected["host_view"])
    screen.wait_view("screen_view", lambda v: v.get("activity") == expected["screen_view"])
    for phone in phones:
        seat = phone.view("own_view")["seat"]
        phone.wait_view("own_view", lambda v, seat=seat: v.get("activity") == expected[seat])
    new_owner = server.owner()
    assert new_owner != server.killed
    assert "unreadable journal record" not in server.worker_log(new_owner)  # its replay skipped nothing


def direct(server: ProxiedServer, name: str, code: str) -> int:
    """The status a worker answers for the class's phone page, asked directly (not through the proxy)."""
    return requests.get(f"{server.farm.workers[name].url}/j/{code}", timeout=10, allow_redirects=False).status_code


def test_kill9_of_the_owner_mid_vote_the_class_is_taken_over_and_never_flips_back(proxied: ProxiedServer):
    server, proxy = proxied, proxied.proxy
    start(server)
    room = Room(server)
    host, screen = room.host(), room.screen()
    phones = room.phones(10)
    seats = seated(phones)
    # One more phone is asleep through it all: not a byte in or out until it wakes up.
    bedroom = Network(proxy.port)
    try:
        sleeper = room.phone(via=bedroom.url)
        sleeper_seat = seated([sleeper])[0]
        goto(host, "fiilis")
        screen.wait_view("screen_view", lambda v: (v.get("step") or {}).get("index") == 1)
        bedroom.freeze()

        # Every phone votes at the same moment; the owner is killed once four votes are acknowledged.
        burst = Burst()
        for i, phone in enumerate(phones):
            vote = {"type": "vote", "options": [OPTIONS[i % 4]]}
            burst.add(phone, "pupil", {"type": "act", "step": "fiilis", "action": vote})
        recovery = take_over(server, burst, host, screen, phones, after=4)
        print(recovery.line("vote", len(phones)))
        assert [phone.view("own_view")["seat"] for phone in phones] == seats  # each in its own seat

        # The class is on exactly one other worker now, and the proxy learnt it from the sockets'
        # handshakes alone (no page of the class has been asked for since the kill).
        new_owner = proxy.table()[room.code]
        assert new_owner != server.killed
        assert {name: direct(server, name, room.code) for name in WORKERS if name != server.killed} == {
            name: 200 if name == new_owner else 404 for name in WORKERS if name != server.killed
        }
        view = host.wait_view("host_view", lambda v: v["activity"]["answered"] == len(phones))
        assert sum(view["activity"]["counts"].values()) == len(phones)
        assert sorted(view["activity"]["answered_by"]) == sorted(seats)

        # The sleeping phone wakes up: its old connection is dead, and it finds its seat on the new owner.
        connects, views = sleeper.connects, sleeper.received["own_view"]
        bedroom.cut(tell_server=True)
        bedroom.thaw()
        wait_until(
            lambda: sleeper.connects > connects and sleeper.received["own_view"] > views, 15, "the sleeper to be back"
        )
        assert sleeper.view("own_view")["seat"] == sleeper_seat
        assert act(sleeper, "pupil", "fiilis", {"type": "vote", "options": ["ok"]})["ok"]
        host.wait_view("host_view", lambda v: v["activity"]["answered"] == len(phones) + 1)
    finally:
        bedroom.close()
    same_views(server, room.code, host, screen, [*phones, sleeper])

    # The killed worker comes back: the class stays where it was taken over (no flip back).
    server.farm.start(server.killed)
    proxy.wait_status(server.killed, "UP")
    before = proxy.answered()
    assert requests.get(f"{server.url}/j/{room.code}", timeout=10).status_code == 200
    late = room.phone()
    late.wait_view("own_view", lambda v: bool(v.get("seat")))
    after = proxy.answered()
    assert after[server.killed] == before[server.killed]
    assert after[new_owner]["2xx"] - before[new_owner]["2xx"] >= 2
    assert proxy.table()[room.code] == new_owner
    assert direct(server, server.killed, room.code) == 404  # it cannot take the class: the new owner holds it
    host.wait_view("host_view", lambda v: len(v["pupils"]) == len(phones) + 2)
    assert all(phone.connected for phone in phones)


def test_kill9_of_the_owner_right_after_a_station_rotation_while_groups_submit(proxied: ProxiedServer):
    server = proxied
    start(server)
    room = Room(server, "jamakkyytta")
    host, screen = room.host(), room.screen()
    phones = room.phones(14)
    seats = seated(phones)
    leaders, members = seats[:2], seats[2:]
    for seat in leaders:  # peer-support pupils: station leaders, in no group
        assert host.send("host", {"type": "mentor", "seat": seat, "on": True})["ok"]
    assert host.send("host", {"type": "teams", "count": 4})["ok"]
    goto(host, "rastit")
    state = saved_state(server.database_url, room.code)
    stations = [s.id for s in state.current.stations]
    for seat, station in zip(leaders, stations, strict=False):
        assert act(host, "host", "rastit", {"type": "lead", "seat": seat, "station": station})["ok"]
    assert act(host, "host", "rastit", commands(state)["start"])["ok"]

    # The rotation: the groups move on, and the rotation's timer is set to run out soon (paused,
    # then extended: the pack's own 8 minutes is too long to wait for).
    rotating = commands(saved_state(server.database_url, room.code))
    for command in (rotating["rotate"], rotating["pause"], {"type": "extend", "seconds": TIMER}):
        assert act(host, "host", "rastit", command)["ok"]
    state = saved_state(server.database_url, room.code)
    activity = state.activities["rastit"]
    assert activity.round == 1 and activity.closes_at is not None

    # At once every group member sends one of its station's tasks (each task once per group),
    # each leader one of a leader's moves, the facilitator an entry for a group without a device.
    burst = Burst()
    in_group: dict[str, int] = {}
    for phone, seat in zip(phones, seats, strict=True):
        options = moves(state, seat)
        if seat in leaders:
            move = next(m for m in options if m["type"] == ("call" if seat == leaders[0] else "enter"))
        else:
            team = state.pupils[seat].team
            in_group[team] = in_group.get(team, -1) + 1
            move = options[in_group[team] % len(options)]
        burst.add(phone, "pupil", {"type": "act", "step": "rastit", "action": move})
    burst.add(host, "host", {"type": "act", "step": "rastit", "action": commands(state)["enter"]})
    recovery = take_over(server, burst, host, screen, phones, after=5)
    print(recovery.line("station rotation", len(phones)))
    assert seated(phones) == seats

    # Each station leader is back as the leader of its station, with its groups there.
    for phone, station in zip(phones[: len(leaders)], stations, strict=False):
        own = phone.wait_view("own_view", lambda v: v["activity"].get("station") is not None)["activity"]
        assert own["role"] == "mentor" and own["station"]["id"] == station and own["groups"]
    # Every member's task answer is in the new owner's state (a line is the group's, not a seat's).
    view = host.wait_view("host_view", lambda v: v.get("activity", {}).get("round") == 2)
    sent = {seats[phones.index(c)]: a["action"]["type"] for c, _e, a, _cid in burst.items if c in phones}
    assert {seat for seat in members if sent[seat] != "line"} <= set(view["activity"]["answered_by"])

    # The rotation's timer, set before the kill, runs out on the new owner: time is up, once.
    host.wait_view("host_view", lambda v: v["activity"]["phase"] == "time_up", timeout=TIMER + 10)
    timer_fired_once(server, activity.closes_at)
    same_views(server, room.code, host, screen, phones)


def test_kill9_of_the_owner_in_the_middle_of_a_board_game_round(proxied: ProxiedServer, tmp_path):
    server = proxied
    start(server, cluster.content_with(tmp_path, "arjen-valinnat", "vote_seconds: 60", f"vote_seconds: {VOTE_SECONDS}"))
    room = Room(server, "arjen-valinnat")
    host, screen = room.host(), room.screen()
    phones = room.phones(12)
    seats = seated(phones)
    assert host.send("host", {"type": "teams", "count": 3})["ok"]
    agenda = host.wait_view("host_view", lambda v: len(v["pupils"]) == 12)["agenda"]
    game = next(s for s in agenda if s["kind"] == "boardgame")["id"]
    goto(host, game)
    for command in ("start", "deal"):
        assert act(host, "host", game, commands(saved_state(server.database_url, room.code))[command])["ok"]
    state = saved_state(server.database_url, room.code)
    deadline = state.activities[game].closes_at
    assert deadline is not None

    # The round: every phone votes on its team's card, the facilitator enters a choice said aloud.
    burst = Burst()
    for i, (phone, seat) in enumerate(zip(phones, seats, strict=True)):
        options = moves(state, seat)
        burst.add(phone, "pupil", {"type": "act", "step": game, "action": options[i % len(options)]})
    entry = commands(state)["enter"]
    burst.add(host, "host", {"type": "act", "step": game, "action": entry})
    recovery = take_over(server, burst, host, screen, phones, after=4)
    print(recovery.line("board-game round", len(phones)))
    assert seated(phones) == seats

    # Every team's choices are in the new owner's state, each phone's own and the entered one.
    view = host.wait_view("host_view", lambda v: len(v["activity"]["votes"]) == len(phones))
    for (_c, _e, action, _cid), seat in zip(burst.items, seats, strict=False):
        assert view["activity"]["votes"][seat] == action["action"]["choice"]
    teams = {t["team"]: t for t in view["activity"]["teams"]}
    assert teams[entry["team"]]["entered"] == entry["answer"]["choice"]

    # The round's deadline, set before the kill, closes the vote on the new owner, once; the turn
    # is played there.
    host.wait_view("host_view", lambda v: v["activity"]["phase"] == "closed", timeout=VOTE_SECONDS + 10)
    timer_fired_once(server, deadline)
    closed = saved_state(server.database_url, room.code)
    assert act(host, "host", game, commands(closed)["reveal"])["ok"]
    host.wait_view("host_view", lambda v: v["activity"]["phase"] == "revealed")
    same_views(server, room.code, host, screen, phones)
