"""The statistics store on both backends (sessions/statstore.py), and the statistics of a session
no worker holds when the purge deletes it from a shared PostgreSQL journal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from tests.unit.test_statistics_store import record
from workshops.sessions.keys import Keyring
from workshops.sessions.manager import SessionManager
from workshops.sessions.pgjournal import PgJournal
from workshops.sessions.statstore import PgStatStore, SqliteStatStore, StatError, StatStore, recorder

pytestmark = pytest.mark.cluster

T0 = 1_800_000_000.0
LABELS = {"place": "Kupittaan koulu", "district": "Turku"}


def rows(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as db:
        return db.execute(sql, params).fetchall()


class Counted:
    """A `run_blocking` that counts its calls (the server passes eventlet's tpool.execute)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, fn, *args):
        self.calls += 1
        return fn(*args)


@pytest.fixture
def migrated(database_url) -> str:
    PgJournal(database_url).close()  # the journal's migrations make the table
    return database_url


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> Iterator[StatStore]:
    made: StatStore
    if request.param == "sqlite":
        made = SqliteStatStore(tmp_path / "statistics.sqlite3")
    else:
        made = PgStatStore(request.getfixturevalue("migrated"))
    yield made
    made.close()


# -- the same contract on both ------------------------------------------------------------------------
def test_add_is_idempotent_and_put_replaces(store):
    assert store.add(record(1)) is True
    assert store.add(record(1, devices=99)) is False
    store.put(record(2, "2025-01-01"))
    store.put(record(2, "2025-01-01", devices=40))
    assert store.all() == [record(2, "2025-01-01", devices=40), record(1)]


def test_merge_validates_everything_first(store):
    assert store.merge([]) == (0, 0)
    assert store.merge([record(1), record(2)]) == (2, 0)
    assert store.merge([record(2), record(3)]) == (1, 1)
    with pytest.raises(ValueError):
        store.merge([record(4), record(5) | {"seat": "p1"}])
    assert [r["id"][-1] for r in store.all()] == ["1", "2", "3"]


def test_delete_before(store):
    for n, day in ((1, "2025-06-01"), (2, "2026-06-01")):
        store.add(record(n, day))
    assert store.delete_before("2026-01-01") == 1
    assert [r["date"] for r in store.all()] == ["2026-06-01"]


# -- PostgreSQL only ------------------------------------------------------------------------------
def test_the_journals_migration_makes_the_table_and_every_call_goes_through_run_blocking(migrated):
    run = Counted()
    store = PgStatStore(migrated, run_blocking=run)
    store.add(record(1))
    store.all()
    assert run.calls == 3  # the check at open, the insert, the read
    assert rows(migrated, "SELECT id, date, pack FROM statistics") == [(record(1)["id"], "2026-12-06", "esittely")]
    store.close()


def test_a_database_without_the_migration_is_refused(database_url):
    with pytest.raises(StatError, match="no statistics table"):
        PgStatStore(database_url)


def test_a_lost_connection_is_opened_again(migrated, cluster):
    store = PgStatStore(migrated)
    store.add(record(1))
    with cluster.admin() as admin:
        admin.execute("SELECT pg_terminate_backend(%s, 5000)", (store._db.info.backend_pid,))
    assert store.add(record(2)) is True
    assert len(store.all()) == 2
    store.close()


def test_an_unreachable_database_is_a_stat_error_without_the_password():
    with pytest.raises(StatError) as caught:
        PgStatStore("postgresql://kit:sekret@127.0.0.1:1/x")
    assert "sekret" not in str(caught.value)


def test_a_session_nobody_holds_is_replayed_for_its_record_before_the_purge(migrated, demo_pack):
    stats = PgStatStore(migrated)
    gone = SessionManager(PgJournal(migrated), Keyring(b"k" * 32), clock=lambda: T0)
    live = gone.create(demo_pack, labels=LABELS)
    for _ in range(6):
        assert gone.join(live).ok
    assert gone.submit(live, "host", {"type": "goto", "step": 1, "expect": -1}).ok
    step = demo_pack.agenda[1]
    for seat in ("p1", "p2", "p3"):
        vote = {"type": "act", "step": step.id, "action": {"type": "vote", "options": [step.options[0].id]}}
        assert gone.submit(live, seat, vote).ok
    gone.journal.close()  # its worker stopped: nobody holds the session, nobody wrote its record
    assert stats.all() == []

    other = SessionManager(PgJournal(migrated), Keyring(b"k" * 32), clock=lambda: T0)
    other.on_closing = recorder(stats)
    other.purge(-60)
    assert rows(migrated, "SELECT id FROM sessions") == []
    (saved,) = stats.all()
    assert saved["id"] == live.stats_id and saved["labels"] == LABELS
    assert saved["participants"]["devices"] == 6
    counts = next(s["counts"] for s in saved["steps"] if s["id"] == step.id)
    assert counts[step.options[0].id] == 3
    other.journal.close()
    stats.close()
