"""The journal's contract, the same tests for both journals: SQLite (`journal.Journal`, a laptop's
file) and PostgreSQL (`pgjournal.PgJournal`, a district server).

Nobody is told an action happened before it is saved, also in a group; a lost group is an error
for everyone in it and the next one starts clean; a restart rebuilds exactly what was acknowledged.
Each backend says how to read what is committed from another connection, and how to make the
next commits fail (a full disk).
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from workshops.sessions import rules
from workshops.sessions.journal import Journal, JournalError
from workshops.sessions.keys import Keyring
from workshops.sessions.manager import SessionManager

pytestmark = pytest.mark.cluster

VOTE = {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": ["ok"]}}
CLOCK = 1_800_000_000.0


class FlakySqlite:
    """The SQLite journal's connection, with COMMITs that fail on request (a full disk)."""

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


class FlakyPg:
    """The PostgreSQL journal's connection, with COMMITs that fail on request: the server rolls
    the transaction back and says its disk is full. (A group's statements go to libpq,
    `pgconn.exec_`: that is where its COMMIT is caught.)"""

    def __init__(self, db: Any):
        self.db = db
        self.fail_commits = 0
        self.pgconn = _FlakyLibpq(self, db.pgconn)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)


class _FlakyLibpq:
    def __init__(self, flaky: FlakyPg, real: Any):
        self.flaky, self.real = flaky, real

    def exec_(self, sql: bytes) -> Any:
        if sql == b"COMMIT" and self.flaky.fail_commits:
            import psycopg

            self.flaky.fail_commits -= 1
            self.real.exec_(b"ROLLBACK")
            raise psycopg.errors.DiskFull("could not extend file: No space left on device")
        return self.real.exec_(sql)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


class SqliteBackend:
    name = "sqlite"

    def __init__(self, folder: Path):
        self.path = folder / "journal.sqlite3"

    def open(self) -> Any:
        return Journal(self.path)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        other = sqlite3.connect(self.path)  # another connection sees only what is committed
        try:
            return other.execute(sql).fetchall()
        finally:
            other.close()

    def flaky(self, journal: Any) -> Any:
        journal._db = FlakySqlite(journal._db)
        return journal._db


class PgBackend:
    name = "postgres"

    def __init__(self, url: str):
        self.url = url

    def open(self) -> Any:
        from workshops.sessions.pgjournal import PgJournal

        return PgJournal(self.url)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as other:
            return other.execute(sql).fetchall()

    def flaky(self, journal: Any) -> Any:
        journal._connection()  # the connection the next group will use
        journal._db = FlakyPg(journal._db)
        return journal._db


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path):
    if request.param == "sqlite":
        return SqliteBackend(tmp_path)
    return PgBackend(request.getfixturevalue("database_url"))


def saved_rows(backend) -> list[tuple[str, str | None]]:
    return [tuple(r) for r in backend.rows("SELECT actor, cid FROM actions ORDER BY seq")]


@pytest.fixture
def journal(backend):
    j = backend.open()
    j.create_session("s1", "ABCDE", {"id": "x"}, 1, False, 0.0)
    yield j
    j.close()


# -- the journal alone ------------------------------------------------------------------------
def test_staged_actions_are_saved_together_by_the_first_commit(journal, backend):
    first = journal.stage("s1", 1.0, "p1", "a", {"type": "reroll"})
    second = journal.stage("s1", 2.0, "p2", "b", {"type": "reroll"})
    assert first is second and not first.done
    assert saved_rows(backend) == []  # staged is not saved
    journal.commit(second)
    assert first.done and not first.failed
    assert saved_rows(backend) == [("p1", "a"), ("p2", "b")]
    journal.commit(first)  # already saved: returns at once
    assert journal.stage("s1", 3.0, "p3", "c", {"type": "reroll"}) is not first  # a new group


def test_a_lost_group_is_an_error_for_everyone_in_it_and_the_next_one_starts_clean(journal, backend):
    batch = journal.stage("s1", 1.0, "p1", "a", {"type": "reroll"})
    journal.stage("s1", 2.0, "p2", "b", {"type": "reroll"})
    backend.flaky(journal).fail_commits = 1
    with pytest.raises(JournalError):
        journal.commit(batch)
    with pytest.raises(JournalError):
        journal.commit(batch)  # the other waiter hears the same
    assert saved_rows(backend) == []
    # An action decided on the lost state is refused; an independent one is saved.
    with pytest.raises(JournalError):
        journal.stage("s1", 3.0, "p1", "c", {"type": "reroll"}, after=batch)
    journal.commit(journal.stage("s1", 4.0, "p9", "d", {"type": "reroll"}))
    assert saved_rows(backend) == [("p9", "d")]


def test_each_commit_tells_its_observer_how_long_it_waited_and_whether_it_failed(journal, backend):
    told: list[tuple[float, bool]] = []
    journal.on_commit_waited = lambda seconds, failed: told.append((seconds, failed))
    first = journal.stage("s1", 1.0, "p1", "a", {"type": "reroll"})
    journal.commit(first)
    journal.commit(first)  # already saved: returns at once, and is told all the same
    backend.flaky(journal).fail_commits = 1
    with pytest.raises(JournalError):
        journal.commit(journal.stage("s1", 2.0, "p2", "b", {"type": "reroll"}))
    assert [failed for _, failed in told] == [False, False, True]
    assert all(0.0 <= seconds < 10.0 for seconds, _ in told)
    assert saved_rows(backend) == [("p1", "a")]


def test_on_commit_runs_the_last_per_session_and_not_for_a_lost_group(journal, backend):
    journal.create_session("s2", "FGHJK", {"id": "x"}, 1, False, 0.0)
    calls: list[str] = []
    batch = journal.stage("s1", 1.0, "p1", "a", {"type": "reroll"}, saved=lambda: calls.append("a"))
    journal.stage("s2", 1.5, "p1", "x", {"type": "reroll"}, saved=lambda: calls.append("x"))
    journal.stage("s1", 2.0, "p2", "b", {"type": "reroll"}, saved=lambda: calls.append("b"))
    journal.commit(batch)
    assert calls == ["b", "x"] and batch.on_commit == {}  # nothing kept alive after
    backend.flaky(journal).fail_commits = 1
    lost = journal.stage("s1", 3.0, "p3", "c", {"type": "reroll"}, saved=lambda: calls.append("c"))
    with pytest.raises(JournalError):
        journal.commit(lost)
    assert calls == ["b", "x"]


def test_sessions_keep_their_snapshot_seed_and_end(journal):
    pack = {"id": "x", "title": {"fi": "Äänestys", "sv": "Röstning"}, "agenda": [{"id": "a", "n": 1}]}
    journal.create_session("s2", "FGHJK", pack, 2**47 + 5, True, 1.5)
    assert [s.code for s in journal.sessions()] == ["ABCDE", "FGHJK"]  # in the order they started
    journal.commit(journal.stage("s1", 3.0, "host", "e", {"type": "end"}, ends=True))
    (open_one,) = journal.sessions()
    assert open_one.pack == pack and open_one.seed == 2**47 + 5 and open_one.own_nicknames is True
    assert open_one.created_at == 1.5 and open_one.ended_at is None
    ended = {s.code: s for s in journal.sessions(open_only=False)}["ABCDE"]
    assert ended.ended_at == 3.0 and ended.own_nicknames is False


def test_actions_replay_in_the_order_they_were_staged(journal):
    journal.create_session("s2", "FGHJK", {"id": "x"}, 1, False, 0.0)
    for i in range(10):
        batch = journal.stage("s1" if i % 3 else "s2", float(i), f"p{i}", f"c{i}", {"type": "reroll", "i": i})
        if i % 4 == 3:
            journal.commit(batch)
    journal.commit(journal.stage("s1", 99.0, "host", None, {"type": "note", "text": "Hyvä päivä ✓"}))
    rows = list(journal.actions("s1"))
    assert [r.cid for r in rows] == [f"c{i}" for i in range(10) if i % 3] + [None]
    assert [r.seq for r in rows] == sorted(r.seq for r in rows)
    assert rows[-1].action == {"type": "note", "text": "Hyvä päivä ✓"} and rows[0].at == 1.0
    assert [r.action["i"] for r in journal.actions("s2")] == [0, 3, 6, 9]


def test_an_unreadable_record_is_read_back_as_none(journal, backend):
    journal.commit(journal.stage("s1", 1.0, "p1", "a", {"type": "reroll"}))
    if backend.name == "sqlite":
        db = sqlite3.connect(backend.path)
        db.execute("INSERT INTO actions (session_id, at, actor, cid, action) VALUES ('s1', 2, 'p1', 'b', '{oops')")
        db.commit()
        db.close()
    else:
        import psycopg

        with psycopg.connect(backend.url, autocommit=True) as db:
            db.execute("INSERT INTO actions (session_id, at, actor, cid, action) VALUES ('s1', 2, 'p1', 'b', '[1]')")
    assert [r.action for r in journal.actions("s1")] == [{"type": "reroll"}, None]


def test_deleting_a_session_leaves_the_others(journal, backend):
    journal.create_session("s2", "FGHJK", {"id": "x"}, 2, True, 0.0)
    journal.commit(journal.stage("s1", 1.0, "p1", "a", {"type": "rename", "nick": "Kummituskissa"}))
    journal.stage("s2", 1.0, "p1", "b", {"type": "rename", "nick": "Toinen luokka"})  # staged: saved first
    journal.delete_session("s1")
    assert not journal.scrub_owed
    assert [s.code for s in journal.sessions()] == ["FGHJK"]
    assert list(journal.actions("s1")) == []
    assert backend.rows("SELECT session_id, cid FROM actions") == [("s2", "b")]


def test_close_commits_what_is_staged_and_is_safe_twice_and_from_another_thread(journal, backend):
    journal.commit(journal.stage("s1", 1.0, "p1", "a", {"type": "reroll"}))
    staged = journal.stage("s1", 3.0, "p2", "d", {"type": "reroll"})  # not yet committed: close commits it
    closer = threading.Thread(target=journal.close)
    closer.start()
    closer.join(5)
    assert not closer.is_alive()
    journal.close()
    assert staged.done and not staged.failed
    # A closed journal refuses to record (the caller is told), and its timer call is harmless.
    with pytest.raises(JournalError):
        journal.commit(journal.stage("s1", 4.0, "p2", "e", {"type": "reroll"}))
    journal.checkpoint()
    assert journal.ping() is False
    other = backend.open()
    try:
        assert [r.cid for r in other.actions("s1")] == ["a", "d"]
        assert other.ping() is True
    finally:
        other.close()


def test_a_closed_journal_refuses_with_a_journal_error(journal):
    journal.close()
    with pytest.raises(JournalError):
        journal.stage("s1", 1.0, "p1", "a", {"type": "reroll"})


# -- through the manager ----------------------------------------------------------------------
@pytest.fixture
def manager(backend):
    m = SessionManager(backend.open(), Keyring(b"k" * 32), clock=lambda: CLOCK)
    yield m
    m.journal.close()


def _class_in_a_poll(manager, pack, pupils: int = 3):
    live = manager.create(pack)
    for _ in range(pupils):
        assert manager.join(live).ok
    assert manager.submit(live, "host", {"type": "goto", "step": 1, "expect": -1}).ok
    return live


def _poll_on_a_full_disk(manager, backend, pack):
    """A class in a poll whose next commit fails; returns it and its saved state."""
    live = _class_in_a_poll(manager, pack)
    backend.flaky(manager.journal).fail_commits = 1
    return live, live.state


def test_a_lost_group_rewinds_the_session_to_what_was_saved(manager, backend, demo_pack):
    live, saved = _poll_on_a_full_disk(manager, backend, demo_pack)
    out = manager.submit(live, "p1", VOTE, cid="v1")
    assert not out.ok and out.error == "not_saved" and live.journal_failed
    assert live.state is saved and live.head is saved and ("p1", "v1") not in live.seen
    # Space is back: the same cid is a new action, saved once.
    out = manager.submit(live, "p1", VOTE, cid="v1")
    assert out.ok and not out.duplicate and not live.journal_failed
    assert manager.submit(live, "p1", VOTE, cid="v1").duplicate
    assert [r for r in saved_rows(backend) if r == ("p1", "v1")] == [("p1", "v1")]


def test_a_retry_while_its_group_is_being_saved_waits_for_it(manager, demo_pack):
    live = _class_in_a_poll(manager, demo_pack)
    # Stage p1's vote by hand, as if its handler were waiting for the group's commit.
    state = live.state
    batch = manager.journal.stage(live.id, 1.0, "p1", "v1", VOTE)
    result = replace(state, rev=state.rev + 1)
    live.head, live.batch = result, batch
    live.seen[("p1", "v1")] = result.rev
    batch.on_commit[live.id] = lambda: setattr(live, "state", result)
    out = manager.submit(live, "p1", VOTE, cid="v1")  # the retry commits the group and is a duplicate
    assert out.ok and out.duplicate and batch.done and live.state is result


def test_threads_answering_at_once_are_each_saved_once_and_replay_to_the_same_state(backend, demo_pack):
    # Thirty phones in two classes, every answer from its own thread; the journal groups them.
    # What was acknowledged is exactly what a restart rebuilds.
    manager = SessionManager(backend.open(), Keyring(b"k" * 32), clock=lambda: CLOCK)
    classes = [_class_in_a_poll(manager, demo_pack, pupils=15) for _ in range(2)]
    acked: list[tuple[str, str]] = []
    start = threading.Barrier(30)

    def phone(live, seat: str) -> None:
        start.wait()
        for i in range(5):
            options = ["ok"] if i % 2 else ["pirtea"]
            out = manager.submit(
                live, seat, {**VOTE, "action": {"type": "vote", "options": options}}, cid=f"{seat}-{i}"
            )
            if out.ok:
                acked.append((live.id, f"{seat}-{i}"))

    threads = [threading.Thread(target=phone, args=(live, seat)) for live in classes for seat in live.state.pupils]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(acked) == 150
    rows = backend.rows("SELECT session_id, cid FROM actions WHERE cid LIKE 'p%'")
    assert sorted(tuple(r) for r in rows) == sorted(acked)
    manager.journal.close()
    again = SessionManager(backend.open(), Keyring(b"k" * 32))
    assert again.recover() == 2
    for live in classes:
        rebuilt = again.get(live.code).state
        assert rebuilt.rev == live.state.rev and rebuilt.activities == live.state.activities
        assert live.head is live.state
    again.journal.close()


def test_a_full_disk_under_threads_loses_only_unacknowledged_actions(backend, demo_pack):
    manager = SessionManager(backend.open(), Keyring(b"k" * 32), clock=lambda: CLOCK)
    live = _class_in_a_poll(manager, demo_pack, pupils=20)
    flaky = backend.flaky(manager.journal)
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
    saved = {cid for (cid,) in backend.rows("SELECT cid FROM actions WHERE cid LIKE 'p%'")}
    assert acked == saved  # acknowledged if and only if saved
    assert len(saved) < 120  # the lost groups did lose something
    manager.journal.close()
    again = SessionManager(backend.open(), Keyring(b"k" * 32))
    again.recover()
    assert again.get(live.code).state.activities == live.state.activities  # memory matches the database
    again.journal.close()


def test_replay_leaves_nothing_unsaved(manager, demo_pack):
    live = _class_in_a_poll(manager, demo_pack)
    assert live.head is live.state and live.batch is not None and live.batch.done
    assert isinstance(live.state, rules.SessionState)


def test_answers_wait_for_their_group_and_joins_do_not(manager, monkeypatch, demo_pack):
    # A join's HTTP request would be held in memory while it waited (a storm's peak memory).
    live = _class_in_a_poll(manager, demo_pack)
    yields: list[int] = []
    monkeypatch.setattr("workshops.sessions.journal._let_others_run", lambda: yields.append(1))
    assert manager.join(live).ok and yields == []
    assert manager.submit(live, "p1", VOTE, cid="v1").ok and yields == [1]


def _while_waiting(monkeypatch, then):
    """Run `then()` in the moment the first action waits for its group, as another handler would."""
    outcomes: list[Any] = []

    def others() -> None:
        if not outcomes:
            outcomes.append(None)
            outcomes.append(then())

    monkeypatch.setattr("workshops.sessions.journal._let_others_run", others)
    return outcomes


def test_an_answer_that_changes_nothing_waits_for_the_unsaved_one_it_rests_on(manager, backend, monkeypatch, demo_pack):
    # A double tap: the second vote equals the first, which is still being saved and is lost.
    live, saved = _poll_on_a_full_disk(manager, backend, demo_pack)
    seen = _while_waiting(monkeypatch, lambda: manager.submit(live, "p1", VOTE, cid="v2"))
    first = manager.submit(live, "p1", VOTE, cid="v1")
    second = seen[1]
    assert first.error == "not_saved" and second.error == "not_saved"
    assert live.state is saved and live.head is saved and "p1" not in live.state.activities["fiilis"].votes


def test_views_never_show_an_action_before_it_is_saved(manager, monkeypatch, demo_pack):
    live = _class_in_a_poll(manager, demo_pack)
    saved = live.state
    seen = _while_waiting(monkeypatch, lambda: (live.state, live.head))
    out = manager.submit(live, "p1", VOTE, cid="v1")
    during_state, during_head = seen[1]
    assert during_state is saved and during_head.rev == saved.rev + 1  # decided, not yet shown
    assert out.ok and live.state.rev == saved.rev + 1 and live.head is live.state


def test_a_session_erased_while_its_answer_is_saved_answers_not_found(manager, backend, monkeypatch, demo_pack):
    live = _class_in_a_poll(manager, demo_pack)
    _while_waiting(monkeypatch, lambda: manager.delete(live))
    out = manager.submit(live, "p1", VOTE, cid="v1")
    assert not out.ok and out.error == "not_found"
    assert backend.rows(f"SELECT count(*) FROM actions WHERE session_id = '{live.id}'") == [(0,)]
