"""Grouped commits: nobody is told an action happened before it is saved, even in a group."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from workshops.sessions import rules
from workshops.sessions.journal import Journal, JournalError
from workshops.sessions.keys import Keyring
from workshops.sessions.manager import SessionManager

VOTE = {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": ["ok"]}}


class FlakyDb:
    """The journal's connection, with COMMITs that fail on request (a full disk)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.fail_commits = 0

    def execute(self, sql: str, *args):
        if sql == "COMMIT" and self.fail_commits:
            self.fail_commits -= 1
            raise sqlite3.OperationalError("database or disk is full")
        return self.db.execute(sql, *args)

    @property
    def in_transaction(self) -> bool:
        return self.db.in_transaction

    def close(self) -> None:
        self.db.close()


def saved_rows(path: Path) -> list[tuple[str, str | None]]:
    other = sqlite3.connect(path)  # another connection sees only what is committed
    try:
        return other.execute("SELECT actor, cid FROM actions ORDER BY seq").fetchall()
    finally:
        other.close()


@pytest.fixture
def journal(tmp_path):
    j = Journal(tmp_path / "journal.sqlite3")
    j.create_session("s1", "ABCDE", {"id": "x"}, 1, False, 0.0)
    yield j
    j.close()


def test_staged_actions_are_saved_together_by_the_first_commit(journal, tmp_path):
    first = journal.stage("s1", 1.0, "p1", "a", {"type": "reroll"})
    second = journal.stage("s1", 2.0, "p2", "b", {"type": "reroll"})
    assert first is second and not first.done
    assert saved_rows(tmp_path / "journal.sqlite3") == []  # staged is not saved
    journal.commit(second)
    assert first.done and not first.failed
    assert saved_rows(tmp_path / "journal.sqlite3") == [("p1", "a"), ("p2", "b")]
    journal.commit(first)  # already saved: returns at once
    assert journal.stage("s1", 3.0, "p3", "c", {"type": "reroll"}) is not first  # a new group


def test_a_lost_group_is_an_error_for_everyone_in_it_and_the_next_one_starts_clean(journal, tmp_path):
    flaky = journal._db = FlakyDb(journal._db)
    batch = journal.stage("s1", 1.0, "p1", "a", {"type": "reroll"})
    journal.stage("s1", 2.0, "p2", "b", {"type": "reroll"})
    flaky.fail_commits = 1
    with pytest.raises(JournalError):
        journal.commit(batch)
    with pytest.raises(JournalError):
        journal.commit(batch)  # the other waiter hears the same
    assert saved_rows(tmp_path / "journal.sqlite3") == []
    # An action decided on the lost state is refused; an independent one is saved.
    with pytest.raises(JournalError):
        journal.stage("s1", 3.0, "p1", "c", {"type": "reroll"}, after=batch)
    journal.commit(journal.stage("s1", 4.0, "p9", "d", {"type": "reroll"}))
    assert saved_rows(tmp_path / "journal.sqlite3") == [("p9", "d")]


def test_on_commit_runs_the_last_per_session_and_not_for_a_lost_group(journal):
    journal.create_session("s2", "FGHJK", {"id": "x"}, 1, False, 0.0)
    calls: list[str] = []
    batch = journal.stage("s1", 1.0, "p1", "a", {"type": "reroll"}, saved=lambda: calls.append("a"))
    journal.stage("s2", 1.5, "p1", "x", {"type": "reroll"}, saved=lambda: calls.append("x"))
    journal.stage("s1", 2.0, "p2", "b", {"type": "reroll"}, saved=lambda: calls.append("b"))
    journal.commit(batch)
    assert calls == ["b", "x"] and batch.on_commit == {}  # nothing kept alive after
    journal._db = flaky = FlakyDb(journal._db)
    flaky.fail_commits = 1
    lost = journal.stage("s1", 3.0, "p3", "c", {"type": "reroll"}, saved=lambda: calls.append("c"))
    with pytest.raises(JournalError):
        journal.commit(lost)
    assert calls == ["b", "x"]


@pytest.fixture
def manager(tmp_path, demo_pack):
    m = SessionManager(Journal(tmp_path / "journal.sqlite3"), Keyring(b"k" * 32), clock=lambda: 1_800_000_000.0)
    yield m
    m.journal.close()


def _class_in_a_poll(manager, demo_pack, pupils: int = 3):
    live = manager.create(demo_pack)
    for _ in range(pupils):
        assert manager.join(live).ok
    assert manager.submit(live, "host", {"type": "goto", "step": 1, "expect": -1}).ok
    return live


def _poll_on_a_full_disk(manager, demo_pack):
    """A class in a poll whose next commit fails; returns it and its saved state."""
    live = _class_in_a_poll(manager, demo_pack)
    manager.journal._db = FlakyDb(manager.journal._db)
    manager.journal._db.fail_commits = 1
    return live, live.state


def test_a_lost_group_rewinds_the_session_to_what_was_saved(manager, demo_pack, tmp_path):
    live, saved = _poll_on_a_full_disk(manager, demo_pack)
    out = manager.submit(live, "p1", VOTE, cid="v1")
    assert not out.ok and out.error == "not_saved" and live.journal_failed
    assert live.state is saved and live.head is saved and ("p1", "v1") not in live.seen
    # Space is back: the same cid is a new action, saved once.
    out = manager.submit(live, "p1", VOTE, cid="v1")
    assert out.ok and not out.duplicate and not live.journal_failed
    assert manager.submit(live, "p1", VOTE, cid="v1").duplicate
    assert saved_rows(tmp_path / "journal.sqlite3")[-1] == ("p1", "v1")
    assert [r for r in saved_rows(tmp_path / "journal.sqlite3") if r == ("p1", "v1")] == [("p1", "v1")]


def test_a_retry_while_its_group_is_being_saved_waits_for_it(manager, demo_pack):
    live = _class_in_a_poll(manager, demo_pack)
    # Stage p1's vote by hand, as if its handler were waiting for the group's commit.
    state = live.state
    batch = manager.journal.stage(
        live.id, 1.0, "p1", "v1", {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": ["ok"]}}
    )
    result = replace(state, rev=state.rev + 1)
    live.head, live.batch = result, batch
    live.seen[("p1", "v1")] = result.rev
    batch.on_commit[live.id] = lambda: setattr(live, "state", result)
    out = manager.submit(live, "p1", VOTE, cid="v1")  # the retry commits the group and is a duplicate
    assert out.ok and out.duplicate and batch.done and live.state is result


def test_threads_answering_at_once_are_each_saved_once_and_replay_to_the_same_state(tmp_path, demo_pack):
    # Thirty phones in two classes, every answer and rename from its own thread; the journal
    # groups them. What was acknowledged is exactly what a restart rebuilds.
    path = tmp_path / "journal.sqlite3"
    manager = SessionManager(Journal(path), Keyring(b"k" * 32), clock=lambda: 1_800_000_000.0)
    classes = [_class_in_a_poll(manager, demo_pack, pupils=15) for _ in range(2)]
    acked: list[tuple[str, str]] = []
    start = threading.Barrier(30)

    def phone(live, seat: str) -> None:
        start.wait()
        for i in range(5):
            options = ["ok"] if i % 2 else ["pirtea"]
            vote = {**VOTE, "action": {"type": "vote", "options": options}}
            out = manager.submit(live, seat, vote, cid=f"{seat}-{i}")
            if out.ok:
                acked.append((live.id, f"{seat}-{i}"))

    threads = [threading.Thread(target=phone, args=(live, seat)) for live in classes for seat in live.state.pupils]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(acked) == 150
    rows = sqlite3.connect(path).execute("SELECT session_id, cid FROM actions WHERE cid LIKE 'p%'").fetchall()
    assert sorted(rows) == sorted(acked)
    manager.journal.close()
    again = SessionManager(Journal(path), Keyring(b"k" * 32))
    assert again.recover() == 2
    for live in classes:
        rebuilt = again.get(live.code).state
        assert rebuilt.rev == live.state.rev and rebuilt.activities == live.state.activities
        assert live.head is live.state
    again.journal.close()


def test_a_full_disk_under_threads_loses_only_unacknowledged_actions(tmp_path, demo_pack):
    path = tmp_path / "journal.sqlite3"
    manager = SessionManager(Journal(path), Keyring(b"k" * 32), clock=lambda: 1_800_000_000.0)
    live = _class_in_a_poll(manager, demo_pack, pupils=20)
    flaky = manager.journal._db = FlakyDb(manager.journal._db)
    acked: set[str] = set()
    lock = threading.Lock()

    def phone(seat: str) -> None:
        for i in range(6):
            if seat == "p1" and i == 2:
                flaky.fail_commits = 2  # two groups lost, whoever is in them
            cid = f"{seat}-{i}"
            options = ["ok"] if i % 2 else ["pirtea"]
            out = manager.submit(live, seat, {**VOTE, "action": {"type": "vote", "options": options}}, cid=cid)
            if out.ok:  # (a vote equal to the one kept changes nothing, but its client id is saved all the same)
                with lock:
                    acked.add(cid)

    threads = [threading.Thread(target=phone, args=(seat,)) for seat in live.state.pupils]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    saved = {cid for (cid,) in sqlite3.connect(path).execute("SELECT cid FROM actions WHERE cid LIKE 'p%'")}
    assert acked == saved  # acknowledged if and only if saved
    assert len(saved) < 120  # the lost groups did lose something
    manager.journal.close()
    again = SessionManager(Journal(path), Keyring(b"k" * 32))
    again.recover()
    assert again.get(live.code).state.activities == live.state.activities  # memory matches the file
    again.journal.close()


def test_replay_leaves_nothing_unsaved(manager, demo_pack):
    live = _class_in_a_poll(manager, demo_pack)
    assert live.head is live.state and live.batch is not None and live.batch.done
    assert isinstance(live.state, rules.SessionState)


def test_answers_wait_for_their_group_and_joins_do_not(manager, demo_pack, monkeypatch):
    # A join's HTTP request would be held in memory while it waited (a storm's peak memory).
    live = _class_in_a_poll(manager, demo_pack)
    yields: list[int] = []
    monkeypatch.setattr("workshops.sessions.journal._let_others_run", lambda: yields.append(1))
    assert manager.join(live).ok and yields == []
    assert manager.submit(live, "p1", VOTE, cid="v1").ok and yields == [1]


def _while_waiting(monkeypatch, then):
    """Run `then()` in the moment the first action waits for its group, as another handler would."""
    outcomes = []

    def others() -> None:
        if not outcomes:
            outcomes.append(None)
            outcomes.append(then())

    monkeypatch.setattr("workshops.sessions.journal._let_others_run", others)
    return outcomes


def test_an_answer_that_changes_nothing_waits_for_the_unsaved_one_it_rests_on(manager, demo_pack, monkeypatch):
    # A double tap: the second vote equals the first, which is still being saved and is lost.
    live, saved = _poll_on_a_full_disk(manager, demo_pack)
    seen = _while_waiting(monkeypatch, lambda: manager.submit(live, "p1", VOTE, cid="v2"))
    first = manager.submit(live, "p1", VOTE, cid="v1")
    second = seen[1]
    assert first.error == "not_saved" and second.error == "not_saved"
    assert live.state is saved and live.head is saved and "p1" not in live.state.activities["fiilis"].votes


def test_views_never_show_an_action_before_it_is_saved(manager, demo_pack, monkeypatch):
    live = _class_in_a_poll(manager, demo_pack)
    saved = live.state
    seen = _while_waiting(monkeypatch, lambda: (live.state, live.head))
    out = manager.submit(live, "p1", VOTE, cid="v1")
    during_state, during_head = seen[1]
    assert during_state is saved and during_head.rev == saved.rev + 1  # decided, not yet shown
    assert out.ok and live.state.rev == saved.rev + 1 and live.head is live.state


def test_a_session_erased_while_its_answer_is_saved_answers_not_found(manager, demo_pack, monkeypatch):
    live = _class_in_a_poll(manager, demo_pack)
    _while_waiting(monkeypatch, lambda: manager.delete(live))
    out = manager.submit(live, "p1", VOTE, cid="v1")
    assert not out.ok and out.error == "not_found"


def test_a_closed_journal_refuses_with_a_journal_error(journal):
    journal.close()
    with pytest.raises(JournalError):
        journal.stage("s1", 1.0, "p1", "a", {"type": "reroll"})
