"""Where the statistics records are kept: a SQLite file of their own, or a PostgreSQL table.

The records hold no pupil data (`statistics.py`), so they live apart from the journal: deleting a
session never touches them, and they stay until the organisation deletes them (docs/data-map.md).
A laptop keeps them in `<data-dir>/statistics.sqlite3`; a district server (`--database`) in the
table `statistics` that migration `0003_statistics.sql` makes when the journal opens, reached
through the same `run_blocking` as the journal (see `pgjournal.py`).

`recorder(store)` is what the session manager calls with a session that ends or is about to be
deleted (`SessionManager.on_closing`): it writes the session's record, replacing an earlier one of
the same session, and never raises (a statistics failure must not stop a deletion).
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from . import statistics

if TYPE_CHECKING:
    from .manager import Live

log = logging.getLogger(__name__)
T = TypeVar("T")

FILE_NAME = "statistics.sqlite3"
_DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


class StatError(Exception):
    """The statistics could not be read or written (the message never holds a record's content)."""


class _Lost(StatError):
    """The connection to the database was lost (every statement here may be sent again)."""


class StatStore(Protocol):
    """The statistics records of one kit or district (stats-spec.md)."""

    def add(self, record: dict[str, Any]) -> bool:
        """Insert a record; False if its id is there already (nothing changes then)."""
        ...

    def put(self, record: dict[str, Any]) -> None:
        """Insert a record, or replace the one with its id (the same session, run on further)."""
        ...

    def merge(self, records: Iterable[dict[str, Any]]) -> tuple[int, int]:
        """Add records from another kit: (added, already there). All are validated first: one
        invalid record refuses them all (ValueError), and nothing is added."""
        ...

    def all(self) -> list[dict[str, Any]]:
        """Every record, oldest day first."""
        ...

    def delete_before(self, day: str) -> int:
        """Delete the records of sessions before `day` (YYYY-MM-DD): how many."""
        ...

    def close(self) -> None: ...


def _row(record: dict[str, Any]) -> tuple[str, str, str, str]:
    body = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return record["id"], record["date"], record["pack"], body


def _checked_day(day: str) -> str:
    try:
        return date.fromisoformat(day).isoformat()
    except (TypeError, ValueError):
        raise ValueError("a day is written YYYY-MM-DD") from None


def _read(bodies: Iterable[str]) -> list[dict[str, Any]]:
    records = []
    for body in bodies:
        try:
            records.append(statistics.validate(json.loads(body)))
        except ValueError:
            log.warning("a statistics record could not be read; left out")
    return records


_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    pack TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_by_date ON records (date);
"""


class SqliteStatStore:
    """The records in a SQLite file of their own (a laptop's `<data-dir>/statistics.sqlite3`)."""

    def __init__(self, path: Path | str):
        self.path = str(path)
        self._lock = threading.Lock()
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            # Deleted records are overwritten, not just unlinked (the organisation's deletion).
            self._db.execute("PRAGMA secure_delete=ON")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StatError(f"cannot open the statistics file: {exc}") from None

    def _write(self, sql: str, rows: list[tuple[Any, ...]]) -> list[int]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                changed = [self._db.execute(sql, row).rowcount for row in rows]
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                raise StatError(f"cannot write the statistics: {exc}") from None
        return changed

    def add(self, record: dict[str, Any]) -> bool:
        row = _row(statistics.validate(record))
        return self._write("INSERT OR IGNORE INTO records (id, date, pack, body) VALUES (?,?,?,?)", [row]) == [1]

    def put(self, record: dict[str, Any]) -> None:
        row = _row(statistics.validate(record))
        self._write("INSERT OR REPLACE INTO records (id, date, pack, body) VALUES (?,?,?,?)", [row])

    def merge(self, records: Iterable[dict[str, Any]]) -> tuple[int, int]:
        rows = [_row(statistics.validate(r)) for r in records]
        changed = self._write("INSERT OR IGNORE INTO records (id, date, pack, body) VALUES (?,?,?,?)", rows)
        added = sum(changed)
        return added, len(rows) - added

    def all(self) -> list[dict[str, Any]]:
        with self._lock:
            try:
                bodies = [b for (b,) in self._db.execute("SELECT body FROM records ORDER BY date, id")]
            except sqlite3.Error as exc:
                raise StatError(f"cannot read the statistics: {exc}") from None
        return _read(bodies)

    def delete_before(self, day: str) -> int:
        (gone,) = self._write("DELETE FROM records WHERE date < ?", [(_checked_day(day),)])
        return gone

    def close(self) -> None:
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._db.close()


def _call(fn: Callable[..., T], *args: Any) -> T:
    return fn(*args)


class PgStatStore:
    """The records in the table `statistics` of the journal's PostgreSQL database.

    The table is made by the journal's migration 0003 (open `PgJournal` first). One connection of
    its own, opened again after it is lost; every call into libpq runs through `run_blocking`.
    """

    def __init__(self, url: str, run_blocking: Callable[..., Any] | None = None):
        self._url = url
        self._run: Callable[..., Any] = run_blocking or _call
        self._lock = threading.Lock()
        self._db: Any = None
        (made,) = self._execute("SELECT to_regclass('statistics') IS NOT NULL")[0]
        if not made:
            raise StatError("the database has no statistics table: the journal's migrations have not been applied")

    def _connection(self) -> Any:
        import psycopg

        if self._db is None or self._db.closed:
            try:
                self._db = psycopg.connect(self._url, autocommit=True, connect_timeout=5, application_name="workshops")
            except psycopg.Error as exc:
                raise StatError(f"cannot reach the database: {_message(exc)}") from None
        return self._db

    def _blocking(self, statements: list[tuple[str, tuple[Any, ...]]]) -> list[list[tuple[Any, ...]]]:
        """Run statements in one transaction: each one's rows (in an OS thread under eventlet)."""
        import psycopg

        db = self._connection()
        try:
            results = []
            with db.transaction():
                for sql, params in statements:
                    cur = db.execute(sql, params)
                    results.append(cur.fetchall() if cur.description is not None else [])
            return results
        except psycopg.Error as exc:
            if db.closed or db.broken:
                with contextlib.suppress(Exception):
                    db.close()
                self._db = None
                raise _Lost(f"lost the database: {_message(exc)}") from None
            raise StatError(f"cannot use the statistics table: {_message(exc)}") from None

    def _execute_all(self, statements: list[tuple[str, tuple[Any, ...]]]) -> list[list[tuple[Any, ...]]]:
        with self._lock:
            try:
                return self._run(self._blocking, statements)
            except _Lost:
                # Once more on a new connection (a restarted server, a cut network): each statement
                # here gives the same outcome sent twice (ON CONFLICT, a replace, a delete by day).
                return self._run(self._blocking, statements)

    def _execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self._execute_all([(sql, params)])[0]

    _INSERT = (
        "INSERT INTO statistics (id, date, pack, body) VALUES (%s, %s, %s, %s) ON CONFLICT (id) DO NOTHING RETURNING id"
    )

    def add(self, record: dict[str, Any]) -> bool:
        return bool(self._execute(self._INSERT, _row(statistics.validate(record))))

    def put(self, record: dict[str, Any]) -> None:
        self._execute(
            "INSERT INTO statistics (id, date, pack, body) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (id) DO UPDATE SET date = EXCLUDED.date, pack = EXCLUDED.pack, body = EXCLUDED.body",
            _row(statistics.validate(record)),
        )

    def merge(self, records: Iterable[dict[str, Any]]) -> tuple[int, int]:
        rows = [_row(statistics.validate(r)) for r in records]
        if not rows:
            return 0, 0
        added = sum(len(found) for found in self._execute_all([(self._INSERT, row) for row in rows]))
        return added, len(rows) - added

    def all(self) -> list[dict[str, Any]]:
        return _read(b for (b,) in self._execute("SELECT body FROM statistics ORDER BY date, id"))

    def delete_before(self, day: str) -> int:
        return len(self._execute("DELETE FROM statistics WHERE date < %s RETURNING id", (_checked_day(day),)))

    def close(self) -> None:
        with self._lock:
            db, self._db = self._db, None
        if db is not None:
            with contextlib.suppress(Exception):
                self._run(db.close)


def _message(exc: BaseException) -> str:
    """PostgreSQL's primary message only: its DETAIL may quote a row."""
    diag = getattr(exc, "diag", None)
    primary = diag.message_primary if diag is not None else None
    return primary or (str(exc).splitlines() or [type(exc).__name__])[0]


def open_store(
    data_dir: Path, database_url: str | None = None, run_blocking: Callable[..., Any] | None = None
) -> StatStore:
    """The kit's statistics: the database's table with `database_url`, else the data folder's own file."""
    if database_url:
        return PgStatStore(database_url, run_blocking)
    return SqliteStatStore(Path(data_dir) / FILE_NAME)


def recorder(store: StatStore) -> Callable[[Live], bool]:
    """What the manager calls with a session that ends or is about to be deleted: its record, written.

    A rehearsal, and a session nobody took part in, leave none. Returns False if the record could
    not be written (the manager tries again before deleting). Never raises: the failure is logged
    with the session's code only (no pupil data, no record content).
    """

    def record(live: Live) -> bool:
        if live.rehearsal is not None:
            return True
        try:
            made = statistics.record_of(
                live.state,
                stats_id=live.stats_id or statistics.derived_id(live.id),
                labels=live.labels,
                # The local day the session started; the record keeps no time of day.
                today=date.fromtimestamp(live.state.created_at),
            )
            if made is not None:
                store.put(made)
        except Exception as exc:  # whatever it is, the deletion goes on
            log.error("session %s: its statistics could not be saved: %s", live.code, type(exc).__name__)
            return False
        return True

    return record
