"""What only the PostgreSQL journal has to get right: its schema's migrations, a connection lost
on the way (before COMMIT, or after it with only the answer lost), groups from many threads,
and a deletion that VACUUMs the session's rows away."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest

from workshops.sessions import pgjournal
from workshops.sessions.journal import GROUP_SIZE, JournalError
from workshops.sessions.keys import Keyring
from workshops.sessions.manager import SessionManager
from workshops.sessions.pgjournal import PgJournal

pytestmark = pytest.mark.cluster

MARKER = "Kummituskissan salasana 7731"
VOTE = {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": ["ok"]}}


def rows(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as db:
        return db.execute(sql, params).fetchall()


def transactions(url: str) -> list[int]:
    """How many actions each transaction wrote (a row's xmin is the transaction that inserted it)."""
    return [n for (n,) in rows(url, "SELECT count(*) FROM actions GROUP BY xmin::text ORDER BY min(seq)")]


@pytest.fixture
def journal(database_url):
    j = PgJournal(database_url)
    j.create_session("s1", "ABCDE", {"id": "x"}, 1, False, 0.0)
    yield j
    j.close()


def kill(cluster, journal: PgJournal) -> None:
    """Cut the journal's connection from the server's side (a restarted server, a network cut)."""
    assert journal._db is not None
    pid = journal._db.info.backend_pid
    with cluster.admin() as admin:
        admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))


# -- the schema ---------------------------------------------------------------------------------
def test_opening_applies_the_migrations_once(database_url):
    PgJournal(database_url).close()
    PgJournal(database_url).close()
    assert rows(database_url, "SELECT version, name FROM schema_version ORDER BY 1") == [
        (1, "0001_journal.sql"),
        (2, "0002_owner_epoch.sql"),
        (3, "0003_statistics.sql"),
    ]
    tables = rows(database_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    assert tables == [("actions",), ("schema_version",), ("sessions",), ("statistics",)]
    assert rows(database_url, "SELECT 1 FROM pg_indexes WHERE indexname = 'actions_by_session'") == [(1,)]


def test_workers_starting_together_migrate_once(database_url):
    opened: list[PgJournal] = []
    failed: list[BaseException] = []
    start = threading.Barrier(4)

    def worker() -> None:
        start.wait()
        try:
            opened.append(PgJournal(database_url))
        except BaseException as exc:
            failed.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for j in opened:
        j.close()
    assert failed == [] and len(opened) == 4
    assert rows(database_url, "SELECT version FROM schema_version ORDER BY 1") == [(1,), (2,), (3,)]


def test_a_database_from_a_newer_kit_is_refused(database_url):
    PgJournal(database_url).close()
    with psycopg.connect(database_url, autocommit=True) as db:
        db.execute("INSERT INTO schema_version (version, name) VALUES (99, '0099_future.sql')")
    with pytest.raises(JournalError, match="newer than this kit"):
        PgJournal(database_url)


def test_the_migrations_ship_in_order_with_the_package():
    found = pgjournal.migrations()
    assert [v for v, _, _ in found] == list(range(1, len(found) + 1))
    assert "CREATE TABLE IF NOT EXISTS actions" in found[0][2]


def test_an_unreachable_database_is_a_journal_error_without_the_password():
    with pytest.raises(JournalError, match="cannot reach the database") as caught:
        PgJournal("postgresql://kit:sekret@127.0.0.1:1/x")
    assert "sekret" not in str(caught.value)


# -- acknowledged only after COMMIT ---------------------------------------------------------------
def test_a_connection_lost_between_stage_and_commit_saves_nothing(journal, cluster, database_url):
    batch = journal.stage("s1", 1.0, "p1", "a", {"type": "reroll"})
    journal.stage("s1", 2.0, "p2", "b", {"type": "reroll"})
    kill(cluster, journal)
    with pytest.raises(JournalError):
        journal.commit(batch)
    assert batch.failed and rows(database_url, "SELECT count(*) FROM actions") == [(0,)]
    # The next operation opens a new connection; the lost group stays lost.
    journal.commit(journal.stage("s1", 3.0, "p3", "c", {"type": "reroll"}))
    assert [r.cid for r in journal.actions("s1")] == ["c"]


def test_through_the_manager_a_lost_connection_is_not_saved_and_a_retry_is_saved_once(database_url, cluster, demo_pack):
    manager = SessionManager(PgJournal(database_url), Keyring(b"k" * 32), clock=lambda: 1_800_000_000.0)
    live = manager.create(demo_pack)
    assert manager.join(live).ok
    assert manager.submit(live, "host", {"type": "goto", "step": 1, "expect": -1}).ok
    saved = live.state
    kill(cluster, manager.journal)
    out = manager.submit(live, "p1", VOTE, cid="v1")
    assert out.error == "not_saved" and live.state is saved and live.head is saved
    assert manager.submit(live, "p1", VOTE, cid="v1").ok
    assert rows(database_url, "SELECT count(*) FROM actions WHERE cid = 'v1'") == [(1,)]
    manager.journal.close()


class CommitThenCut:
    """The journal's connection: its COMMIT reaches the server, then the connection is cut before
    the answer arrives (or, with `before`, the connection is cut before COMMIT is sent).

    A group's statements go to libpq (`pgconn.exec_`), so that is where COMMIT is caught."""

    def __init__(self, db: Any, cluster: Any, before: bool = False):
        self.db, self.cluster, self.before = db, cluster, before
        self.pgconn = _LibpqCommitThenCut(self)
        self.committed = 0  # COMMITs that reached the server

    def cut(self) -> None:
        with self.cluster.admin() as admin:
            admin.execute("SELECT pg_terminate_backend(%s, 5000)", (self.db.info.backend_pid,))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)


class _LibpqCommitThenCut:
    def __init__(self, fake: CommitThenCut):
        self.fake, self.real = fake, fake.db.pgconn

    def exec_(self, sql: bytes) -> Any:
        if sql != b"COMMIT":
            return self.real.exec_(sql)
        if not self.fake.before:
            assert self.real.exec_(b"COMMIT").status == psycopg.pq.ExecStatus.COMMAND_OK
            self.fake.committed += 1
        self.fake.cut()
        return self.real.exec_(b"SELECT 1")  # the client finds its connection gone

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def test_a_commit_whose_answer_was_lost_is_found_committed(journal, cluster, database_url):
    journal._connection()
    journal._db = fake = CommitThenCut(journal._db, cluster)
    batch = journal.stage("s1", 1.0, "p1", "a", {"type": "reroll"})
    journal.commit(batch)  # pg_xact_status on a new connection: committed
    assert fake.committed == 1 and batch.done and not batch.failed
    assert rows(database_url, "SELECT cid FROM actions") == [("a",)]


def test_a_commit_that_never_reached_the_server_is_lost(journal, cluster, database_url):
    journal._connection()
    journal._db = CommitThenCut(journal._db, cluster, before=True)
    batch = journal.stage("s1", 1.0, "p1", "a", {"type": "reroll"})
    with pytest.raises(JournalError):
        journal.commit(batch)
    assert rows(database_url, "SELECT count(*) FROM actions") == [(0,)]


def test_error_messages_never_quote_a_row(journal, database_url):
    # PostgreSQL's DETAIL of a NOT NULL violation quotes the whole row: a pupil's words in the log.
    batch = journal.stage("s1", 1.0, None, "a", {"type": "rename", "nick": MARKER})  # type: ignore[arg-type]
    with pytest.raises(JournalError) as caught:
        journal.commit(batch)
    assert "not-null" in str(caught.value) and MARKER not in str(caught.value)
    journal.commit(journal.stage("s1", 2.0, "p1", "b", {"type": "reroll"}))  # the next group is fine
    assert rows(database_url, "SELECT cid FROM actions") == [("b",)]


def test_text_the_database_cannot_take_fails_its_own_action_not_its_group(journal, database_url):
    # NUL would end the C string libpq sends; a lone surrogate is no UTF-8: both come from a phone's JSON.
    batch = journal.stage("s1", 1.0, "p1", "a", {"type": "reroll"})
    with pytest.raises(JournalError):
        journal.stage("s1", 2.0, "p2", "b\x00", {"type": "reroll"})
    with pytest.raises(JournalError):
        journal.stage("s1", 3.0, "p3", "c", {"type": "rename", "nick": "\ud800"})
    journal.commit(batch)
    assert not batch.failed
    assert rows(database_url, "SELECT cid FROM actions") == [("a",)]


# -- grouping -----------------------------------------------------------------------------------
def test_a_full_group_is_sealed_and_each_group_is_one_transaction(journal, database_url):
    batches = [journal.stage("s1", float(i), "p1", f"c{i}", {"type": "reroll"}) for i in range(2 * GROUP_SIZE + 22)]
    assert len({id(b) for b in batches}) == 3
    journal.commit(batches[-1])  # its waiter writes everything staged before it, in order
    assert all(b.done and not b.failed for b in batches)
    assert transactions(database_url) == [GROUP_SIZE, GROUP_SIZE, 22]
    assert [r.cid for r in journal.actions("s1")] == [f"c{i}" for i in range(2 * GROUP_SIZE + 22)]


def test_threads_committing_at_once_share_transactions(journal, database_url):
    start = threading.Barrier(40)
    done: list[str] = []

    def handler(n: int) -> None:
        start.wait()
        for i in range(5):
            cid = f"t{n}-{i}"
            journal.commit(journal.stage("s1", float(i), f"p{n}", cid, {"type": "reroll"}))
            done.append(cid)

    threads = [threading.Thread(target=handler, args=(n,)) for n in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(done) == 200
    sizes = transactions(database_url)
    assert sum(sizes) == 200 and max(sizes) <= GROUP_SIZE
    assert len(sizes) < 100, sizes  # grouped: far fewer transactions than actions
    # Each handler's own actions replay in the order it made them.
    replay = [r.cid for r in journal.actions("s1")]
    for n in range(40):
        assert [c for c in replay if c and c.startswith(f"t{n}-")] == [f"t{n}-{i}" for i in range(5)]


# -- deletion -----------------------------------------------------------------------------------
def _vacuums(url: str) -> dict[str, int]:
    found = rows(url, "SELECT relname, vacuum_count FROM pg_stat_user_tables WHERE relname IN ('actions', 'sessions')")
    return {name: int(count) for name, count in found}


def _tuples_holding(url: str, text: str) -> int:
    """Row versions, live or dead, in the actions table's pages that hold `text` (pageinspect)."""
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        pages = db.execute("SELECT pg_relation_size('actions') / current_setting('block_size')::int").fetchone()
        found = 0
        for page in range(pages[0] if pages else 0):
            (n,) = db.execute(
                "SELECT count(*) FROM heap_page_items(get_raw_page('actions', %s)) "
                "WHERE t_data IS NOT NULL AND position(%s::bytea IN t_data) > 0",
                (page, text.encode()),
            ).fetchone() or (0,)
            found += n
        return found


def test_deleting_a_session_removes_its_rows_and_vacuums_their_old_versions(journal, database_url):
    journal.create_session("s2", "FGHJK", {"id": "x"}, 2, True, 0.0)
    for i in range(5):
        journal.commit(journal.stage("s1", float(i), "p1", f"a{i}", {"type": "rename", "nick": MARKER}))
    journal.commit(journal.stage("s2", 1.0, "p1", "b", {"type": "rename", "nick": "Toinen luokka"}))
    before = _vacuums(database_url)
    assert _tuples_holding(database_url, MARKER) == 5  # the test means something: the text is there
    journal.delete_session("s1")
    assert not journal.scrub_owed
    assert rows(database_url, "SELECT count(*) FROM actions WHERE session_id = 's1'") == [(0,)]
    assert rows(database_url, "SELECT id FROM sessions") == [("s2",)]
    after = _vacuums(database_url)
    assert after["actions"] > before.get("actions", 0) and after["sessions"] > before.get("sessions", 0)
    assert _tuples_holding(database_url, MARKER) == 0  # no version of the rows is left, dead or alive
    assert _tuples_holding(database_url, "Toinen luokka") == 1


def test_a_vacuum_kept_from_its_lock_is_owed_until_a_checkpoint_gets_through(
    journal, database_url, cluster, database, monkeypatch
):
    monkeypatch.setattr(pgjournal, "_VACUUM_LOCK_TIMEOUT", "100ms")
    journal.commit(journal.stage("s1", 1.0, "p1", "a", {"type": "rename", "nick": MARKER}))
    with cluster.admin(database) as other:
        other.execute("BEGIN")
        other.execute("LOCK TABLE actions IN SHARE UPDATE EXCLUSIVE MODE")  # as another VACUUM holds it
        journal.delete_session("s1")
        assert journal.scrub_owed  # the rows are gone, their old versions not yet
        assert rows(database_url, "SELECT count(*) FROM actions") == [(0,)]
        journal.checkpoint()  # the timer's next tick: still locked
        assert journal.scrub_owed
        # Answers are not held up meanwhile.
        journal.create_session("s2", "FGHJK", {"id": "x"}, 2, True, 0.0)
        journal.commit(journal.stage("s2", 2.0, "p1", "b", {"type": "reroll"}))
        other.execute("COMMIT")
    journal.checkpoint()
    assert not journal.scrub_owed
    assert _tuples_holding(database_url, MARKER) == 0


def test_ping_answers_and_a_lost_connection_is_opened_again(journal, cluster):
    assert journal.ping()
    kill(cluster, journal)
    assert journal.ping() is False  # this one finds it lost
    assert journal.ping() is True  # the next one opens a new one
