"""A client id (`cid`) is applied at most once per actor, whatever its first outcome.

A page retries an action with the same `cid` after a reconnect. If the first try changed
nothing (the same vote again), a retry after a newer vote must not apply it again: it
would overwrite the newer vote. Only a refusal (nothing applied) leaves the id free.
"""

from __future__ import annotations

import logging
import sqlite3

import pytest

from workshops.sessions.journal import Journal
from workshops.sessions.keys import Keyring
from workshops.sessions.manager import SessionManager

T0 = 1_800_000_000.0


def vote(option: str) -> dict:
    return {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": [option]}}


@pytest.fixture
def path(tmp_path):
    return tmp_path / "journal.sqlite3"


def _manager(path) -> SessionManager:
    return SessionManager(Journal(path), Keyring(b"k" * 32), clock=lambda: T0)


@pytest.fixture
def manager(path):
    m = _manager(path)
    yield m
    m.journal.close()


def _poll(manager, demo_pack):
    live = manager.create(demo_pack)
    assert manager.join(live).ok
    assert manager.submit(live, "host", {"type": "goto", "step": 1, "expect": -1}).ok
    return live


def _mine(live) -> tuple[str, ...]:
    return live.state.activities["fiilis"].votes.get("p1", ())


def test_a_retried_no_op_is_a_duplicate_and_does_not_overwrite_a_newer_vote(manager, demo_pack):
    live = _poll(manager, demo_pack)
    assert manager.submit(live, "p1", vote("ok"), cid="c1").ok
    noop = manager.submit(live, "p1", vote("ok"), cid="c2")  # the same vote again: changes nothing
    assert noop.ok and not noop.changed and not noop.duplicate
    assert noop.ack() == {"ok": True, "rev": live.state.rev}
    assert manager.submit(live, "p1", vote("pirtea"), cid="c3").ok
    rev = live.state.rev
    retry = manager.submit(live, "p1", vote("ok"), cid="c2")  # c2 again, after a reconnect
    assert retry.ack() == {"ok": True, "rev": rev, "duplicate": True}
    assert _mine(live) == ("pirtea",) and live.state.rev == rev


def test_a_no_op_client_id_survives_a_restart(manager, demo_pack, path, caplog):
    live = _poll(manager, demo_pack)
    assert manager.submit(live, "p1", vote("ok"), cid="c1").ok
    assert manager.submit(live, "p1", vote("ok"), cid="c2").ok
    assert manager.submit(live, "p1", vote("pirtea"), cid="c3").ok
    manager.journal.close()

    restarted = _manager(path)  # kill -9 and start again: only the journal is left
    try:
        with caplog.at_level(logging.WARNING):
            assert restarted.recover() == 1
        assert "skipped" not in caplog.text  # the no-op's record is understood, not skipped
        back = restarted.get(live.code)
        assert back.seen == live.seen
        assert back.state.rev == live.state.rev and back.state.activities == live.state.activities
        retry = restarted.submit(back, "p1", vote("ok"), cid="c2")
        assert retry.ok and retry.duplicate
        assert _mine(back) == ("pirtea",)
    finally:
        restarted.journal.close()


def test_a_no_op_without_a_client_id_writes_nothing(manager, demo_pack, path):
    live = _poll(manager, demo_pack)
    assert manager.submit(live, "p1", vote("ok")).ok
    before = sqlite3.connect(path).execute("SELECT count(*) FROM actions").fetchone()[0]
    assert manager.submit(live, "p1", vote("ok")).ok
    assert sqlite3.connect(path).execute("SELECT count(*) FROM actions").fetchone()[0] == before


def test_a_no_op_client_id_is_journaled_once_and_never_changes_the_revision(manager, demo_pack, path):
    live = _poll(manager, demo_pack)
    assert manager.submit(live, "p1", vote("ok"), cid="c1").ok
    rev = live.state.rev
    for _ in range(3):
        assert manager.submit(live, "p1", vote("ok"), cid="c2").ok
    assert live.state.rev == rev
    rows = sqlite3.connect(path).execute("SELECT cid FROM actions WHERE cid = 'c2'").fetchall()
    assert rows == [("c2",)]


def test_a_refused_action_was_not_applied_so_its_retry_may_apply(manager, demo_pack):
    live = _poll(manager, demo_pack)
    assert manager.submit(live, "host", {"type": "act", "step": "fiilis", "action": {"type": "close"}}).ok
    refused = manager.submit(live, "p1", vote("ok"), cid="c1")
    assert refused.ack() == {"ok": False, "error": "closed", "message": refused.message, "rev": live.state.rev}
    assert manager.submit(live, "host", {"type": "act", "step": "fiilis", "action": {"type": "open"}}).ok
    retry = manager.submit(live, "p1", vote("ok"), cid="c1")
    assert retry.ok and not retry.duplicate and retry.changed and _mine(live) == ("ok",)


def test_the_same_client_id_from_another_actor_is_another_action(manager, demo_pack):
    live = _poll(manager, demo_pack)
    assert manager.join(live).ok
    assert manager.submit(live, "p1", vote("ok"), cid="same").ok
    other = manager.submit(live, "p2", vote("ok"), cid="same")
    assert other.ok and not other.duplicate and live.state.activities["fiilis"].votes["p2"] == ("ok",)
