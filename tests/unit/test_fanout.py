"""Who gets which view, as plain Python: the fanout with a recording `emit`, no Flask, no Socket.IO."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from workshops.packs import load_pack
from workshops.sessions.fanout import Client, Fanout, room
from workshops.sessions.journal import Journal
from workshops.sessions.keys import Keyring
from workshops.sessions.manager import Live, SessionManager

ROOT = Path(__file__).resolve().parents[2]


class Wire:
    """What the fanout sent and closed, and the background tasks it started (run on demand)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []  # (event, room or connection)
        self.closed: list[str] = []
        self.tasks: list[Callable[[], None]] = []

    def fanout(self, window: float = 0.0) -> Fanout:
        return Fanout(
            emit=lambda event, _data, to: self.sent.append((event, to)),
            disconnect=self.closed.append,
            start_task=self.tasks.append,
            sleep=lambda _s: None,
            coalesce_seconds=window,
            clock=lambda: 1_800_000_000.0,
        )

    def take(self) -> list[tuple[str, str]]:
        sent, self.sent = self.sent, []
        return sent


@pytest.fixture
def session(tmp_path) -> tuple[SessionManager, Live]:
    manager = SessionManager(Journal(tmp_path / "j.sqlite3"), Keyring(b"k" * 32))
    live = manager.create(load_pack(ROOT / "content" / "esittely").pack)
    for _ in range(3):
        assert manager.join(live).ok
    return manager, live


def _vote(manager: SessionManager, live: Live, seat: str, option: str):
    return manager.submit(
        live, seat, {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": [option]}}
    )


def test_a_vote_goes_to_its_voter_the_console_and_the_projector_only(session):
    manager, live = session
    wire = Wire()
    fanout = wire.fanout()
    step = [s.id for s in live.state.pack.agenda].index("fiilis")
    fanout.broadcast(live, manager.submit(live, "host", {"type": "goto", "step": step, "expect": -1}), urgent=True)
    wire.take()
    fanout.broadcast(live, _vote(manager, live, "p1", "ok"))
    sent = wire.take()
    assert ("own_view", room(live.code, "p1")) in sent
    assert not any(to in (room(live.code, "p2"), room(live.code, "p3")) for _e, to in sent)
    assert ("host_view", room(live.code, "host")) in sent and ("screen_view", room(live.code, "screen")) in sent


def test_console_views_are_coalesced_within_the_window(session):
    manager, live = session
    wire = Wire()
    fanout = wire.fanout(window=0.1)
    step = [s.id for s in live.state.pack.agenda].index("fiilis")
    fanout.broadcast(live, manager.submit(live, "host", {"type": "goto", "step": step, "expect": -1}), urgent=True)
    wire.take()
    for seat in ("p1", "p2", "p3"):
        fanout.broadcast(live, _vote(manager, live, seat, "ok"))
    assert not any(event == "host_view" for event, _to in wire.take())  # not yet: one flush is due
    assert len(wire.tasks) == 1
    wire.tasks.pop()()
    assert wire.take() == [("host_view", room(live.code, "host")), ("screen_view", room(live.code, "screen"))]


def test_an_unchanged_outcome_sends_nothing_and_a_shared_view_is_sent_once(session):
    manager, live = session
    wire = Wire()
    fanout = wire.fanout()
    step = [s.id for s in live.state.pack.agenda].index("fiilis")
    fanout.broadcast(live, manager.submit(live, "host", {"type": "goto", "step": step, "expect": -1}), urgent=True)
    assert wire.take().count(("pupil_view", room(live.code, "pupils"))) == 1
    fanout.broadcast(live, _vote(manager, live, "p1", "ok"))
    again = _vote(manager, live, "p1", "ok")
    assert again.ok and not again.changed
    wire.take()
    fanout.broadcast(live, again)
    assert wire.take() == []


def test_closing_a_session_tells_every_room_and_closes_its_connections_only(session):
    _manager, live = session
    wire = Wire()
    fanout = wire.fanout()
    fanout.clients.update(
        {"a": Client(live.code, "host"), "b": Client(live.code, "pupil", "p1"), "c": Client("OTHER", "pupil", "p1")}
    )
    fanout.close_session(live)
    assert sorted(to for event, to in wire.take() if event == "session_deleted") == sorted(
        room(live.code, r) for r in ("host", "screen", "pupils")
    )
    assert sorted(wire.closed) == ["a", "b"] and list(fanout.clients) == ["c"]


def test_every_view_is_stamped_with_the_server_clock(session):
    _manager, live = session
    views: list[dict] = []
    fanout = Fanout(
        emit=lambda _e, data, _to: views.append(data),
        disconnect=lambda _s: None,
        start_task=lambda f: f(),
        sleep=lambda _s: None,
        coalesce_seconds=0,
        clock=lambda: 42.0,
    )
    for role, seat in (("host", None), ("screen", None), ("pupil", "p1")):
        fanout.send_full(live, Client(live.code, role, seat), "sid")
    assert len(views) == 4 and all(v["server_time"] == 42.0 for v in views)
