"""Faults survived, nothing lost: kill -9 mid-action, torn and unwritable journals, a cut network,
sleeping and moving phones, two facilitator tabs at once. All against a real server process.

Those a district server meets too run on three workers behind HAProxy as well, unchanged
(tests/cluster/test_cluster_faults.py; the kill -9 bursts as takeovers in test_takeover.py)."""

from __future__ import annotations

import os
import resource
import threading
import time
from typing import Any

import pytest

from .bursts import Burst, check_journal
from .conftest import Client, act, goto, step_of, wait_until


# -- kill -9 in the middle of a burst of actions ----------------------------------------------------
def restart(server, ledger, what: str) -> None:
    ledger.fault(what)
    server.start()


def test_kill9_in_the_middle_of_a_vote(server, rooms, ledger):
    room = rooms(server)
    host = room.host()
    phones = room.phones(24)
    goto(host, "fiilis")
    options = ["pirtea", "ok", "vasyttaa", "en-tieda"]
    burst = Burst()
    for i, phone in enumerate(phones):
        vote = {"type": "vote", "options": [options[i % 4]]}
        burst.add(phone, "pupil", {"type": "act", "step": "fiilis", "action": vote})
    burst.fire_and_kill(server, kill_after=6)
    acked = burst.acknowledged()
    assert 6 <= len(acked) <= len(phones)
    restart(server, ledger, "kill -9 mid vote")

    check_journal(server, burst, ledger, "votes")
    for phone in phones:
        phone.wait_connected()
    host.wait_connected()
    # Every acknowledged vote survived the kill, before anyone retried.
    view = host.wait_view("host_view", lambda v: v["activity"].get("answered", -1) >= len(acked))
    seats = {phone.view("own_view")["seat"] for phone, *_ in acked}
    assert seats <= set(view["activity"]["answered_by"])
    burst.retry_all()
    view = host.wait_view("host_view", lambda v: v["activity"]["answered"] == len(phones))
    assert len(view["pupils"]) == len(phones)  # nobody duplicated by the reconnects
    assert sum(view["activity"]["counts"].values()) == len(phones)
    check_journal(server, burst, ledger, "votes", retried=True)


def _team_of(phone: Client) -> str | None:
    return phone.view("own_view").get("team")


def test_kill9_in_the_middle_of_a_station_rotation(server, rooms, ledger):
    room = rooms(server, "jamakkyytta")
    host = room.host()
    phones = room.phones(12)
    assert host.send("host", {"type": "teams", "count": 4})["ok"]
    agenda = host.wait_view("host_view", lambda v: len(v["pupils"]) == 12)["agenda"]
    stations = next(s for s in agenda if s["kind"] == "stations")["id"]
    goto(host, stations)
    assert act(host, "host", stations, {"type": "start"})["ok"]
    for phone in phones:
        phone.wait_view("own_view", lambda v: (v.get("activity") or {}).get("station") is not None)

    burst = Burst()
    for i, phone in enumerate(phones):
        rate = {"type": "rate", "which": "as_written", "value": 1 + i % 5}
        burst.add(phone, "pupil", {"type": "act", "step": stations, "action": rate})
    burst.add(host, "host", {"type": "act", "step": stations, "action": {"type": "rotate"}})
    burst.fire_and_kill(server, kill_after=5)
    rotated = any(item[1] == "host" for item in burst.acknowledged())
    restart(server, ledger, "kill -9 mid station rotation")

    check_journal(server, burst, ledger, "station answers and rotation")
    host.wait_connected()
    view = host.wait_view("host_view", lambda v: step_of(v) >= 0 and "round" in v.get("activity", {}))
    if rotated:
        assert view["activity"]["round"] == 2
    # Every acknowledged rating is in the state (it may have been given at the first station).
    rated = {phone.view("own_view")["seat"] for phone, event, *_ in burst.acknowledged() if event == "pupil"}
    assert rated <= set(view["activity"]["answered_by"])
    burst.retry_all()
    view = host.wait_view("host_view", lambda v: v["activity"]["round"] == 2)
    groups = {g["group"]: g["station"] for g in view["activity"]["groups"]} if "groups" in view["activity"] else None
    assert len(view["pupils"]) == 12
    if groups is not None:
        assert len(set(groups.values())) == len(groups)  # after the restart no two groups share a station
    check_journal(server, burst, ledger, "station answers and rotation", retried=True)


def test_kill9_in_the_middle_of_a_board_game_round(server, rooms, ledger):
    room = rooms(server, "arjen-valinnat")
    host = room.host()
    phones = room.phones(12)
    assert host.send("host", {"type": "teams", "count": 3})["ok"]
    agenda = host.wait_view("host_view", lambda v: len(v["pupils"]) == 12)["agenda"]
    game = next(s for s in agenda if s["kind"] == "boardgame")["id"]
    goto(host, game)
    assert act(host, "host", game, {"type": "start"})["ok"]
    assert act(host, "host", game, {"type": "deal"})["ok"]
    burst = Burst()
    for phone in phones:
        card = phone.wait_view("own_view", lambda v: (v.get("activity") or {}).get("card"))["activity"]["card"]
        vote = {"type": "vote", "choice": card["choices"][0]["id"]}
        burst.add(phone, "pupil", {"type": "act", "step": game, "action": vote})
    burst.fire_and_kill(server, kill_after=4)
    restart(server, ledger, "kill -9 mid board-game round")

    check_journal(server, burst, ledger, "board-game votes")
    host.wait_connected()
    view = host.wait_view("host_view", lambda v: "votes" in v.get("activity", {}))
    for phone, _event, action, _cid in burst.acknowledged():
        assert view["activity"]["votes"][phone.view("own_view")["seat"]] == action["action"]["choice"]
    burst.retry_all()
    view = host.wait_view("host_view", lambda v: len(v["activity"]["votes"]) == 12)
    assert act(host, "host", game, {"type": "reveal"})["ok"]
    check_journal(server, burst, ledger, "board-game votes", retried=True)


# -- torn and unwritable journals -------------------------------------------------------------------
def _vote(phone: Client, option: str = "ok", cid: str | None = None) -> dict[str, Any]:
    return act(phone, "pupil", "fiilis", {"type": "vote", "options": [option]}, cid=cid)


def test_a_torn_last_record_is_skipped_with_a_warning_and_the_rest_is_intact(server, rooms, ledger):
    import sqlite3

    room = rooms(server)
    host = room.host()
    phones = room.phones(5)
    goto(host, "fiilis")
    for phone in phones[:4]:
        assert _vote(phone)["ok"]
    last_vote = _vote(phones[4], "pirtea")
    assert last_vote["ok"]
    server.kill9()
    # The last record cut off mid-write: half of its JSON is missing.
    db = sqlite3.connect(server.data_dir / "journal.sqlite3")
    seq, text = db.execute("SELECT seq, action FROM actions ORDER BY seq DESC LIMIT 1").fetchone()
    db.execute("UPDATE actions SET action = ? WHERE seq = ?", (text[: len(text) // 2], seq))
    db.commit()
    db.close()
    restart(server, ledger, "torn journal record")

    assert "skipped 1 unreadable journal record" in server.log
    host.wait_connected()
    view = host.wait_view("host_view", lambda v: step_of(v) == 1)
    assert len(view["pupils"]) == 5 and view["activity"]["counts"]["ok"] == 4  # everything before it
    # The session goes on: the torn vote can be given again, the workshop moves on.
    phones[4].wait_connected()
    assert _vote(phones[4], "pirtea")["ok"]
    host.wait_view("host_view", lambda v: v["activity"]["counts"]["pirtea"] == 1)
    goto(host, 2)


def test_a_torn_log_frame_leaves_a_server_that_starts_with_everything_before_it(server, rooms, ledger):
    room = rooms(server)
    host = room.host()
    phones = room.phones(3)
    goto(host, "fiilis")
    for phone in phones:
        assert _vote(phone)["ok"]
    server.kill9()
    wal = server.data_dir / "journal.sqlite3-wal"
    size = wal.stat().st_size
    assert size > 4096
    with open(wal, "r+b") as f:  # the last frame half-written, as a power cut leaves it
        f.truncate(size - 2000)
    restart(server, ledger, "torn write-ahead-log frame")
    host.wait_connected()
    view = host.wait_view("host_view", lambda v: len(v["pupils"]) >= 3)
    # SQLite drops the incomplete commit at the end; what came before is whole.
    assert step_of(view) == 1 and view["activity"]["counts"]["ok"] >= 2
    phones[2].wait_connected()
    assert _vote(phones[2], "pirtea")["ok"]


class FullDisk:
    """The journal cannot be written: no file of the server's may grow by a byte."""

    what = "journal cannot be written (disk full)"

    def __init__(self, server: Any):
        self.pid = server.proc.pid

    def fail(self) -> None:
        resource.prlimit(self.pid, resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))

    def repair(self) -> None:
        resource.prlimit(self.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


@pytest.fixture
def unwritable(server) -> FullDisk:
    """How the journal stops taking writes and comes back (tests/cluster: the database out of reach)."""
    return FullDisk(server)


def test_a_full_disk_gives_an_error_never_a_false_success(server, rooms, ledger, unwritable):
    room = rooms(server)
    host = room.host()
    phones = room.phones(3)
    goto(host, "fiilis")
    assert _vote(phones[0])["ok"]
    before = server.action_count()
    unwritable.fail()
    ledger.fault(unwritable.what)
    refused = [_vote(phone, cid=f"full-{i}") for i, phone in enumerate(phones[1:])]
    assert [a["error"] for a in refused] == ["not_saved", "not_saved"]
    view = host.wait_view("host_view", lambda v: v.get("journal_failed"))
    assert view["activity"]["counts"]["ok"] == 1  # nothing unsaved reached the state
    # Space again: the same actions, retried, are saved once.
    unwritable.repair()
    for i, phone in enumerate(phones[1:]):
        ack = _vote(phone, cid=f"full-{i}")
        assert ack["ok"] and not ack.get("duplicate"), ack
    view = host.wait_view("host_view", lambda v: not v.get("journal_failed") and v["activity"]["counts"]["ok"] == 3)
    assert server.action_count() == before + 2
    server.kill9()
    restart(server, ledger, "restart after a full disk")
    host.wait_connected()
    assert host.wait_view("host_view", lambda v: "activity" in v)["activity"]["counts"]["ok"] == 3


def _without_root_override() -> None:
    """In the child: give up root's power to write where permissions say no (CAP_DAC_*)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_a_read_only_data_folder_stops_the_server_with_a_clear_message(make_server, ledger):
    srv = make_server(start=False)
    srv.data_dir.mkdir()
    srv.data_dir.chmod(0o555)
    ledger.fault("read-only data folder")
    # As root (CI) the folder's mode alone would not stop a write, as it stops a school laptop's user.
    srv.start(wait=False, preexec_fn=_without_root_override if os.geteuid() == 0 else None)
    assert srv.wait_exit() == 2
    assert "Cannot write to the data folder" in srv.log and "--data-dir" in srv.log
    assert "Traceback" not in srv.log


# -- a classroom's network --------------------------------------------------------------------------
def test_thirty_phones_lose_the_wifi_at_once_and_are_back_within_seconds(server, rooms, networks, ledger):
    room = rooms(server)
    wifi = networks(server.port)
    host = room.host()
    phones = room.phones(30, via=wifi.url)
    goto(host, "fiilis")
    for i, phone in enumerate(phones):
        assert _vote(phone, ["pirtea", "ok", "vasyttaa"][i % 3])["ok"]
    host.wait_view(
        "host_view", lambda v: v["activity"]["answered"] == 30 and sum(p["online"] for p in v["pupils"]) == 30
    )

    connects = [phone.connects for phone in phones]
    wifi.down()  # every phone's connection dies, and new ones fail for a moment
    ledger.fault("Wi-Fi blip, 30 phones")
    wait_until(lambda: not any(phone.connected for phone in phones), 10, "the phones to notice")
    time.sleep(2)
    wifi.restore()
    began = time.monotonic()
    wait_until(
        lambda: all(p.connects > c for p, c in zip(phones, connects, strict=True)), 5, "every phone to reconnect"
    )
    view = host.wait_view("host_view", lambda v: sum(p["online"] for p in v["pupils"]) == 30, timeout=5)
    back = time.monotonic() - began
    assert back < 5
    assert len(view["pupils"]) == 30 and view["activity"]["answered"] == 30
    assert view["activity"]["counts"] == {"pirtea": 10, "ok": 10, "vasyttaa": 10, "en-tieda": 0}
    for i, phone in enumerate(phones):
        own = phone.wait_view("own_view", lambda v: v.get("seat") is not None)
        assert own["activity"]["mine"] == [["pirtea", "ok", "vasyttaa"][i % 3]]
    # The phones answer again on their new connections, and the count stays right.
    for phone in phones[:10]:
        assert _vote(phone, "en-tieda")["ok"]
    view = host.wait_view("host_view", lambda v: v["activity"]["counts"]["en-tieda"] == 10)
    assert view["activity"]["answered"] == 30
    print(f"30 phones back in their seats {back:.2f} s after the network returned")


def test_a_phone_asleep_for_two_minutes_comes_back_to_its_seat(server, rooms, networks, ledger):
    room = rooms(server)
    sleeper_net = networks(server.port)
    host = room.host()
    others = room.phones(3)
    sleeper = room.phone(via=sleeper_net.url)
    goto(host, "fiilis")
    assert _vote(sleeper, "vasyttaa")["ok"]
    seat = sleeper.view("own_view")["seat"]
    sleeper_net.freeze()  # the screen goes dark: not a byte in or out, nothing closed
    fell_asleep = time.monotonic()
    ledger.fault("phone asleep for two minutes")
    asleep = float(os.environ.get("TRUST_SLEEP_SECONDS", 120))
    # The class goes on meanwhile; the server notices the silent phone and lets it go.
    for phone in others:
        assert _vote(phone)["ok"]
    host.wait_view("host_view", lambda v: not next(p for p in v["pupils"] if p["id"] == seat)["online"], timeout=asleep)
    goto(host, "hatanumero")
    time.sleep(max(0.0, fell_asleep + asleep - time.monotonic()))
    sleeper_net.cut(tell_server=True)  # waking up: the old connection is dead
    sleeper_net.thaw()
    own = sleeper.wait_view("own_view", lambda v: v.get("step") == "hatanumero", timeout=15)
    assert own["seat"] == seat
    assert sleeper.view("pupil_view")["step"]["id"] == "hatanumero"
    goto(host, "fiilis")
    assert sleeper.wait_view("own_view", lambda v: v.get("step") == "fiilis")["activity"]["mine"] == ["vasyttaa"]
    view = host.wait_view("host_view", lambda v: next(p for p in v["pupils"] if p["id"] == seat)["online"])
    assert len(view["pupils"]) == 4


def test_a_phone_that_reloads_or_switches_network_keeps_its_seat(server, rooms, networks, ledger):
    room = rooms(server)
    host = room.host()
    resp = room.seat()
    token = resp.json()["token"]
    phone = room.phone(token=token)
    goto(host, "fiilis")
    assert _vote(phone, "pirtea")["ok"]
    seat = phone.view("own_view")["seat"]

    # Reload: the page closes its socket and opens a new one with the token it kept.
    phone.close()
    ledger.fault("phone reloads the page")
    reloaded = room.phone(token=token)
    own = reloaded.wait_view("own_view", lambda v: v.get("seat") == seat)
    assert own["activity"]["mine"] == ["pirtea"]

    # From Wi-Fi to mobile data: the same token arrives from another address.
    mobile = networks(server.port, source="127.0.0.2")
    ledger.fault("phone switches network")
    moved = room.phone(token=token, via=mobile.url)
    reloaded.close()
    own = moved.wait_view("own_view", lambda v: v.get("seat") == seat)
    assert own["activity"]["mine"] == ["pirtea"]
    assert act(moved, "pupil", "fiilis", {"type": "vote", "options": ["ok"]})["ok"]
    view = host.wait_view("host_view", lambda v: v["activity"]["counts"]["ok"] == 1)
    assert len(view["pupils"]) == 1 and view["activity"]["counts"]["pirtea"] == 0


def _press_together(tabs: list[Client], action: dict[str, Any]) -> list[dict]:
    """Every tab sends the same facilitator action at the same moment; their acks, in tab order."""
    barrier = threading.Barrier(len(tabs))
    acks: list[dict] = [{} for _ in tabs]

    def press(i: int) -> None:
        barrier.wait()
        acks[i] = tabs[i].send("host", action)

    threads = [threading.Thread(target=press, args=(i,)) for i in range(len(tabs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return acks


def test_two_facilitator_tabs_pressing_next_at_once_advance_exactly_once(server, rooms, ledger):
    room = rooms(server)
    tabs = [room.host(), room.host()]
    for _round in range(4):
        start = step_of(tabs[0].wait_view("host_view", lambda v: "agenda" in v))
        for tab in tabs:
            tab.wait_view("host_view", lambda v, start=start: step_of(v) == start)
        acks = _press_together(tabs, {"type": "goto", "step": start + 1, "expect": start})
        ledger.bad_input("simultaneous next from two tabs")
        assert sorted(a["ok"] for a in acks) == [False, True], acks
        assert next(a for a in acks if not a["ok"])["error"] == "stale"
        for tab in tabs:
            tab.wait_view("host_view", lambda v, start=start: step_of(v) == start + 1)
