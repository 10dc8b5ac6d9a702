"""The journal on PostgreSQL: the SQLite journal's interface and promises, for a district server.

The same as `journal.Journal` for its callers: an action is acknowledged only after the
transaction holding it has committed; the actions staged by the handlers of one burst share one
transaction (at most GROUP_SIZE); a lost group is an error for everyone in it; `saved` runs when
the group commits; `delete_session` erases the session's rows and then VACUUMs both tables.

What differs, because the database is a server at the end of a network connection:

- Staging is in memory. A group's rows reach the database in one transaction when one of its
  waiters commits it; while that transaction is on its way, the next group gathers in memory.
  (Sending each INSERT as it is staged would hold every handler behind a network round trip.)
  A group staged while an earlier one was being written may rest on its actions: if the earlier
  one is lost, so is every group staged after it (`after=` would refuse their retries anyway).
- One connection writes, in order: a session's groups must reach the table in the order they
  were decided, and the grouping already turns a burst into a few transactions, so a pool
  would only add connections that wait for the same order. A second connection runs VACUUM,
  which may wait for a table's lock, so that answers are not held up meanwhile.
- Every call into libpq runs through `run_blocking`. psycopg 3 waits for the server in C code,
  which eventlet's monkey patching cannot make cooperative, so `workshops serve` passes eventlet's
  `tpool.execute` (an OS thread per call in flight) and this module imports no eventlet. Without
  it (threads, tests), calls run in the calling thread.
- A connection lost while COMMIT was on its way leaves the outcome unknown: the transaction's id,
  asked about on a new connection (`pg_xact_status`), says whether it committed.
- A lost connection is opened again by the next operation, never by the one that found it lost:
  that one fails, as a full disk fails SQLite's.
- Error messages keep only PostgreSQL's primary message: its DETAIL may quote a row (a pupil's text).
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Callable, Iterator
from importlib import resources
from typing import Any, TypeVar
from urllib.parse import urlsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.pq import TransactionStatus

from . import journal as _journal
from .journal import GROUP_SIZE, ActionRow, Batch, JournalError, SessionRow

T = TypeVar("T")

# Settings a URL does not give: a dead server or network is noticed within seconds, not after
# the operating system's TCP time-outs (a quarter of an hour), while every answer waits.
_CONNECTION_DEFAULTS = {
    "connect_timeout": "5",
    "application_name": "workshops",
    "keepalives": "1",
    "keepalives_idle": "30",
    "keepalives_interval": "10",
    "keepalives_count": "3",
    "tcp_user_timeout": "30000",  # ms a write may stay unacknowledged by the server's machine
}
# How long VACUUM waits for a table's lock (another worker's VACUUM) before the scrub is owed.
_VACUUM_LOCK_TIMEOUT = "2s"
# How long `close` waits for an operation of another thread before giving up.
_CLOSE_WAIT = 5.0
# How often a transaction whose COMMIT lost its connection is asked about, 50 ms apart, while the
# server still has it in progress (the old backend has not read the COMMIT yet).
_RESOLVE_TRIES = 40
# Held while a migration runs, so that workers starting together apply each one once.
_MIGRATION_LOCK = 0x776F726B73686F70  # "workshop"
_MIGRATION_FILE = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")

_INSERT_ACTION = "INSERT INTO actions (session_id, at, actor, cid, action) VALUES (%s, %s, %s, %s, %s)"
_END_SESSION = "UPDATE sessions SET ended_at = %s WHERE id = %s"


def url_problem(url: str) -> str | None:
    """What is wrong with a `--database` address, or None if it names a PostgreSQL database."""
    if urlsplit(url).scheme not in ("postgresql", "postgres"):
        return f"not a PostgreSQL address: give postgresql://user@host/database, not {_scheme_only(url)}"
    try:
        conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        return f"not a valid PostgreSQL address: {_message(exc)}"
    return None


def _scheme_only(url: str) -> str:
    # Never echo the whole address: it may hold a password.
    scheme = urlsplit(url).scheme
    return f"{scheme}://..." if scheme else "a file name"


def migrations() -> list[tuple[int, str, str]]:
    """The schema's migrations shipped with the kit: (version, file name, SQL), in order."""
    folder = resources.files(__package__).joinpath("migrations").joinpath("postgres")
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_FILE.fullmatch(entry.name)
        if match:
            found.append((int(match[1]), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise JournalError(f"two migrations share a version: {', '.join(n for _, n, _ in found)}")
    return found


def _message(exc: BaseException) -> str:
    """The error's own words without PostgreSQL's DETAIL, which may quote a row's values."""
    diag = getattr(exc, "diag", None)
    primary = diag.message_primary if diag is not None else None
    text = primary or (str(exc).splitlines() or [type(exc).__name__])[0]
    return text or type(exc).__name__


def _call(fn: Callable[..., T], *args: Any) -> T:
    return fn(*args)


class _Lost(Exception):
    """A group's transaction did not commit (its message is the database's)."""


class _Group(Batch):
    """A batch and the rows it will write: one transaction, committed or lost together."""

    __slots__ = ("ends", "rows")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, float, str, str | None, str]] = []
        self.ends: list[tuple[float, str]] = []


class PgJournal:
    """The journal in a PostgreSQL database (see the module's notes); opening it applies the
    schema's migrations. `run_blocking(fn, *args)` runs each call into the database."""

    def __init__(self, url: str, run_blocking: Callable[..., Any] | None = None):
        problem = url_problem(url)
        if problem:
            raise JournalError(problem)
        self._params = {**_CONNECTION_DEFAULTS, **conninfo_to_dict(url)}
        self._run: Callable[..., Any] = run_blocking or _call
        self._lock = threading.Lock()  # the staged groups, the flags: held only in memory
        self._turn = threading.Condition(self._lock)  # the writing connection is one caller's at a time
        self._busy = False  # someone has the turn
        self._open: _Group | None = None  # the group actions are being added to
        self._sealed: list[_Group] = []  # full groups waiting to be written, in order
        self._closed = False
        self._scrub_owed = False
        self._db: psycopg.Connection[Any] | None = None  # writes and reads: only with the turn
        self._maintenance: psycopg.Connection[Any] | None = None  # VACUUM: only with _vacuuming
        self._vacuuming = threading.Lock()
        try:
            with self._exclusive():
                self._run(self._migrate)
        except JournalError:
            self._run(self._close_connections)
            raise

    @property
    def scrub_owed(self) -> bool:
        """Whether a deletion's VACUUM has not run yet (a lock or a lost connection stopped it):
        `checkpoint`, which the server's timer calls each tick meanwhile, tries it again."""
        return self._scrub_owed

    # -- the connection's turn -------------------------------------------------------------
    @contextlib.contextmanager
    def _exclusive(self, timeout: float | None = None) -> Iterator[None]:
        with self._lock:
            if not self._turn.wait_for(lambda: not self._busy, timeout):
                raise JournalError("the journal is busy")
            if self._closed:
                raise JournalError("the journal is closed")
            self._busy = True
        try:
            yield
        finally:
            self._release_turn()

    def _release_turn(self) -> None:
        with self._lock:
            self._busy = False
            self._turn.notify_all()

    def _connection(self) -> psycopg.Connection[Any]:
        """The writing connection, opened again if it was lost (the caller has the turn)."""
        if self._db is None or self._db.closed:
            self._db = self._connect()
        return self._db

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(make_conninfo("", **self._params), autocommit=True)
        except psycopg.Error as exc:
            raise JournalError(f"cannot reach the database: {_message(exc)}") from None

    def _drop(self) -> None:
        """Forget the writing connection; the next operation opens a new one."""
        db, self._db = self._db, None
        if db is not None:
            with contextlib.suppress(Exception):
                db.close()

    def _recover(self, db: psycopg.Connection[Any]) -> None:
        """After a failed statement: roll back what is left open, or drop a lost connection."""
        if db.closed or db.broken:
            self._drop()
            return
        try:
            if db.info.transaction_status != TransactionStatus.IDLE:
                db.execute("ROLLBACK")
        except psycopg.Error:
            self._drop()

    def _execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """One statement in its own transaction; its rows (run it through `self._run`)."""
        db = self._connection()
        try:
            cur = db.execute(sql, params)
            return cur.fetchall() if cur.description is not None else []
        except psycopg.Error as exc:
            self._recover(db)
            raise JournalError(_message(exc)) from None

    # -- schema ------------------------------------------------------------------------------
    def _migrate(self) -> None:
        """Apply the migrations the database lacks, in order, each in its own transaction."""
        db = self._connection()
        known = migrations()
        try:
            for version, name, sql in known:
                with db.transaction():
                    db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
                    applied = self._applied(db)
                    newest = max(applied, default=0)
                    if newest > known[-1][0]:
                        raise JournalError(
                            f"the database's schema is version {newest}, newer than this kit knows "
                            f"({known[-1][0]}): update the kit"
                        )
                    if version in applied:
                        continue
                    db.execute(sql)  # no parameters: the file's statements run as written
                    db.execute("INSERT INTO schema_version (version, name) VALUES (%s, %s)", (version, name))
        except psycopg.Error as exc:
            self._recover(db)
            raise JournalError(f"cannot set up the journal's tables: {_message(exc)}") from None

    @staticmethod
    def _applied(db: psycopg.Connection[Any]) -> set[int]:
        (table,) = db.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone() or (False,)
        if not table:
            return set()
        return {v for (v,) in db.execute("SELECT version FROM schema_version").fetchall()}

    # -- sessions and actions --------------------------------------------------------------
    def create_session(
        self, sid: str, code: str, pack: dict[str, Any], seed: int, own_nicknames: bool, at: float
    ) -> None:
        row = (sid, code, pack["id"], json.dumps(pack, ensure_ascii=False), seed, own_nicknames, at)
        with self._exclusive():
            self._run(
                self._execute,
                "INSERT INTO sessions (id, code, pack_id, pack, seed, own_nicknames, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                row,
            )

    def stage(
        self,
        sid: str,
        at: float,
        actor: str,
        cid: str | None,
        action: dict[str, Any],
        ends: bool = False,
        after: Batch | None = None,
        saved: Callable[[], None] | None = None,
    ) -> Batch:
        """Add one accepted action (and, if it ends the session, the end) to the open group.

        `after` and `saved` as in `journal.Journal.stage`. Nothing reaches the database until
        the group is committed; a full group is sealed, and its first waiter writes it.
        """
        text = json.dumps(action, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            if self._closed:
                raise JournalError("the journal is closed")
            if after is not None and after.failed:
                raise JournalError(f"an earlier action was not saved: {after.error}")
            group = self._open
            if group is None or group.size >= GROUP_SIZE:
                if group is not None:
                    self._sealed.append(group)
                group = self._open = _Group()
            group.rows.append((sid, at, actor, cid, text))
            if ends:
                group.ends.append((at, sid))
            group.size += 1
            if saved is not None:
                group.on_commit[sid] = saved
            return group

    def commit(self, batch: Batch, wait_for_others: bool = True) -> None:
        """Return once `batch` is committed; raise JournalError if it was lost.

        `wait_for_others=False`: write what is staged now, without letting others add theirs.
        """
        if not batch.done:
            if wait_for_others and batch.size < GROUP_SIZE:
                _journal._let_others_run()  # the SQLite journal's yield (tests replace it there)
            with self._lock:
                while not batch.done and self._busy:
                    self._turn.wait()  # a group is being written; ours may be in it
                mine = not batch.done
                self._busy = self._busy or mine
            if mine:  # ours to write, with everything staged before it
                try:
                    self._write_staged()
                finally:
                    self._release_turn()
        if batch.error is not None:
            raise JournalError(batch.error)
        if not batch.done:  # cannot happen: a batch is settled by whoever took it
            raise JournalError("the action's group was not written")

    def _write_staged(self) -> None:
        """Write every staged group, in order, and settle their waiters (the caller has the turn)."""
        with self._lock:
            groups = [*self._sealed, *([self._open] if self._open is not None else [])]
            self._sealed, self._open = [], None
        if not groups:
            return
        try:
            written, error = self._run(self._write, groups)
        except BaseException as exc:  # the thread pool failed, or a greenlet was killed: never acknowledged
            written, error = 0, _message(exc)
            with self._lock:
                for group in groups:
                    self._lose(group, error)
            raise
        with self._lock:
            for group in groups[:written]:
                group.done = True
                callbacks, group.on_commit = group.on_commit, {}
                for saved in callbacks.values():
                    saved()
            if error is None:
                return
            # The lost group, the groups after it, and those staged meanwhile: any of them may
            # rest on the lost actions (decided on a state that is now never saved).
            later = [*groups[written + 1 :], *self._sealed, *([self._open] if self._open is not None else [])]
            self._sealed, self._open = [], None
            self._lose(groups[written], error)
            for group in later:
                self._lose(group, f"an earlier action was not saved: {error}")

    @staticmethod
    def _lose(group: Batch, error: str) -> None:
        group.error, group.done, group.on_commit = error, True, {}

    def _write(self, groups: list[_Group]) -> tuple[int, str | None]:
        """Commit each group in its own transaction, in order, until one is lost: how many
        were committed, and why the next one was lost (blocking)."""
        for written, group in enumerate(groups):
            try:
                self._commit_group(group)
            except (_Lost, JournalError) as exc:
                return written, str(exc)
        return len(groups), None

    def _commit_group(self, group: _Group) -> None:
        db = self._connection()
        xid: str | None = None
        committing = False
        try:
            db.execute("BEGIN")
            row = db.execute("SELECT pg_current_xact_id()::text").fetchone()
            xid = row[0] if row else None
            with db.cursor() as cur:
                cur.executemany(_INSERT_ACTION, group.rows)
                if group.ends:
                    cur.executemany(_END_SESSION, group.ends)
            committing = True
            db.execute("COMMIT")
        except psycopg.Error as exc:
            lost_connection = db.closed or db.broken
            self._recover(db)
            if committing and lost_connection and xid is not None and self._committed(xid):
                return  # only the answer to COMMIT was lost
            raise _Lost(_message(exc)) from None

    def _committed(self, xid: str) -> bool:
        """Whether the transaction `xid`, whose connection was lost during COMMIT, committed."""
        try:
            for _ in range(_RESOLVE_TRIES):
                (status,) = self._execute("SELECT pg_xact_status(%s::xid8)", (xid,))[0]
                if status != "in progress":
                    return bool(status == "committed")
                self._execute("SELECT pg_sleep(0.05)")  # on the server: no sleep in this thread
        except JournalError:
            pass
        return False  # not known: told as lost (the rare case a retry may apply twice)

    def checkpoint(self) -> None:
        """Write what is staged, and run a deletion's owed VACUUM (the server's timer calls this)."""
        try:
            with self._exclusive():
                self._write_staged()
        except JournalError:
            return  # closed; or a lost group, whose waiters are told
        if self._scrub_owed:
            self._vacuum()

    def delete_session(self, sid: str) -> None:
        """Erase a session and its actions in one transaction, then VACUUM both tables, so no
        version of its rows stays in them (see docs/security.md for what VACUUM cannot reach)."""
        with self._exclusive():
            self._write_staged()  # nothing of the session may be written after its deletion
            self._run(self._delete, sid)
        self._vacuum()

    def _delete(self, sid: str) -> None:
        db = self._connection()
        try:
            with db.transaction():
                db.execute("DELETE FROM actions WHERE session_id = %s", (sid,))
                db.execute("DELETE FROM sessions WHERE id = %s", (sid,))
        except psycopg.Error as exc:
            self._recover(db)
            raise JournalError(_message(exc)) from None

    def _vacuum(self) -> bool:
        """VACUUM both tables on the maintenance connection; the scrub stays owed if it fails."""
        with self._vacuuming:
            if self._closed:
                return False
            done = bool(self._run(self._vacuum_blocking))
            self._scrub_owed = not done
            return done

    def _vacuum_blocking(self) -> bool:
        try:
            if self._maintenance is None or self._maintenance.closed:
                self._maintenance = self._connect()
                self._maintenance.execute(f"SET lock_timeout = '{_VACUUM_LOCK_TIMEOUT}'")
            # Outside any transaction (autocommit): VACUUM cannot run inside one.
            self._maintenance.execute("VACUUM actions, sessions")
            return True
        except (psycopg.Error, JournalError):
            if self._maintenance is not None and (self._maintenance.closed or self._maintenance.broken):
                self._maintenance = None
            return False

    def ping(self, timeout: float = 2.0) -> bool:
        """Whether the database answers a trivial query (`/readyz`): False if another operation
        holds the connection for `timeout` seconds, or the database cannot be reached."""
        try:
            with self._exclusive(timeout):
                return bool(self._run(self._execute, "SELECT 1") == [(1,)])
        except JournalError:
            return False

    def sessions(self, open_only: bool = True) -> list[SessionRow]:
        sql = "SELECT id, code, pack_id, pack, seed, own_nicknames, created_at, ended_at FROM sessions"
        if open_only:
            sql += " WHERE ended_at IS NULL"
        with self._exclusive():
            rows = self._run(self._execute, sql + " ORDER BY created_at, id")
        return [SessionRow(r[0], r[1], r[2], json.loads(r[3]), int(r[4]), bool(r[5]), r[6], r[7]) for r in rows]

    def actions(self, sid: str) -> Iterator[ActionRow]:
        with self._exclusive():
            rows = self._run(
                self._execute,
                "SELECT seq, at, actor, cid, action FROM actions WHERE session_id = %s ORDER BY seq",
                (sid,),
            )
        for seq, at, actor, cid, text in rows:
            try:
                action = json.loads(text)
            except (TypeError, ValueError):
                action = None
            yield ActionRow(seq, at, actor, cid, action if isinstance(action, dict) else None)

    def close(self) -> None:
        """Write what is staged and close both connections. Safe to call twice and from any
        thread; it waits a few seconds at most for an operation of another thread."""
        with self._lock:
            if self._closed or not self._turn.wait_for(lambda: not self._busy, _CLOSE_WAIT):
                return  # closed; or stuck: what was committed is safe, the rest was never acknowledged
            self._closed = True
            self._busy = True
        try:
            self._write_staged()
        finally:
            with self._vacuuming:
                self._run(self._close_connections)
            self._release_turn()

    def _close_connections(self) -> None:
        self._drop()
        maintenance, self._maintenance = self._maintenance, None
        if maintenance is not None:
            with contextlib.suppress(Exception):
                maintenance.close()
