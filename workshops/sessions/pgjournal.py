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

Ownership (docs/architecture.md, "Ownership and takeover"): several workers share the database,
and each session has exactly one writer. A worker holds a session while it holds the session's
lease, a session-level advisory lock (`lease_key`) on a third connection kept for leases: a dead
worker's connection closes and its locks go with it, and the server closes a lease connection
that stays idle for LEASE_TIMEOUT seconds (`idle_session_timeout`), so a hung or paused worker,
whose timer loop no longer `renew`s, loses its leases too. Taking a session (`create_session`,
`claim`, `take`) adds one to its `epoch` in the sessions table, and every group, end and
deletion first locks the session's row (FOR SHARE / FOR UPDATE) and checks the epoch its worker
took: a worker that was taken over can never write again, even if its lease connection is
still open. The row lock matters: a takeover's UPDATE of the epoch waits for a group already
past its check, and replays only after it, so nothing acknowledged is missing from the replay.
The lease connection also LISTENs for other workers' requests to hand a session over
(`claim_or_ask`, `handover_requests`: sessions/handover.py).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from importlib import resources
from typing import Any, TypeVar
from urllib.parse import urlsplit

import psycopg
from psycopg import pq
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.pq import TransactionStatus

from . import journal as _journal
from .handover import CHANNEL as _HANDOVER_CHANNEL
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

#: Seconds a lease connection may stay idle before the server closes it and its leases go: how
#: long a hung worker (its event loop stuck, the process paused) keeps its sessions from being
#: taken over. `renew` (the timer loop) sends a trivial query four times as often.
LEASE_TIMEOUT = 10.0
# How long a takeover waits for the session's row (a group of the old owner on its way).
_TAKEOVER_LOCK_TIMEOUT = "2s"
# The writing connection: a transaction left open (a worker paused in the middle of a group)
# is rolled back by the server after this long, so it cannot hold a session's row for ever.
_IDLE_IN_TRANSACTION = "10s"
_NOT_HELD = "this worker does not hold the session: another worker has taken it over"

# A group's statements go to libpq itself (`pq.PGconn.exec_prepared`, blocking, in the database
# thread): psycopg's cursors, their wait loops and `executemany`'s work per row cost a worker
# more CPU per group than everything else the group needed (docs/performance.md, the district
# server). Each is prepared once per connection, for each number of sessions or rows it takes.
_END_SESSION = b"UPDATE sessions SET ended_at = $1 WHERE id = $2 AND epoch = $3"
_RESULT_OK = (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK)
_NUL_TEXT = "PostgreSQL text fields cannot contain NUL (0x00) bytes"  # psycopg's words for the same
_SESSION_COLUMNS = "id, code, pack_id, pack, seed, own_nicknames, created_at, ended_at"


def lease_key(sid: str) -> int:
    """The advisory lock key of a session's lease: a 64-bit BLAKE2b hash of its id, signed.

    Two sessions may share a key (a chance of about n²/2^65 among n open sessions): then they
    share a lease (one worker can hold both; neither can be taken while the other is held),
    but never get two writers, because writes are fenced by the epoch, not by the lock. The
    key is never the migrations' lock. The database should be the kit's own: another program's
    advisory locks share the key space.
    """
    digest = hashlib.blake2b(sid.encode(), digest_size=8, person=b"workshops-lease").digest()
    key = int.from_bytes(digest, "big", signed=True)
    return key ^ 1 if key == _MIGRATION_LOCK else key


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


def _session_row(r: tuple[Any, ...]) -> SessionRow:
    return SessionRow(r[0], r[1], r[2], json.loads(r[3]), int(r[4]), bool(r[5]), r[6], r[7])


def _checked(result: pq.abc.PGresult) -> pq.abc.PGresult:
    """The result of a statement that succeeded; else its error, as psycopg raises it."""
    if result.status in _RESULT_OK:
        return result
    raise psycopg.errors.error_from_result(result, encoding="utf-8")


@functools.cache
def _lock_sessions(n: int) -> bytes:
    """Lock n sessions' rows until COMMIT: their epochs, and the transaction's id beside each."""
    ids = ", ".join(f"${i}" for i in range(1, n + 1))
    return (
        f"SELECT id, epoch, pg_current_xact_id()::text FROM sessions WHERE id IN ({ids}) ORDER BY id FOR SHARE"
    ).encode()


@functools.cache
def _insert_actions(n: int) -> bytes:
    """Insert n actions in one statement, in the order given (their seq follows it)."""
    rows = ", ".join(f"(${5 * i + 1}, ${5 * i + 2}, ${5 * i + 3}, ${5 * i + 4}, ${5 * i + 5})" for i in range(n))
    return f"INSERT INTO actions (session_id, at, actor, cid, action) VALUES {rows}".encode()


def _text(value: str | None) -> bytes | None:
    """A text parameter as libpq takes it, in the writing connection's encoding (UTF-8).

    Checked when its action is staged, so that text the database cannot take fails that action
    alone, not its whole group: NUL (it would end a C string) and lone surrogates."""
    if value is None:
        return None
    if "\x00" in value:
        raise JournalError(_NUL_TEXT)
    try:
        return value.encode()
    except UnicodeEncodeError:
        raise JournalError("the text is not valid Unicode") from None


class _Lost(Exception):
    """A group's transaction did not commit (its message is the database's)."""


class _Fenced(Exception):
    """Sessions whose epoch is no longer the one this worker took: another worker owns them."""

    def __init__(self, sids: set[str]):
        super().__init__(_NOT_HELD)
        self.sids = sids


class _Group(Batch):
    """A batch and the rows it will write: one transaction, committed or lost together."""

    __slots__ = ("checks", "ends", "rows")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[bytes | None] = []  # the INSERT's parameters: five per action
        self.ends: list[tuple[float, str, int]] = []
        self.checks: set[tuple[str, int]] = set()  # (session, the epoch its rows were staged under)


class PgJournal:
    """The journal in a PostgreSQL database (see the module's notes); opening it applies the
    schema's migrations. `run_blocking(fn, *args)` runs each call into the database."""

    def __init__(self, url: str, run_blocking: Callable[..., Any] | None = None, lease_timeout: float = LEASE_TIMEOUT):
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
        self._prepared: dict[bytes, bytes] = {}  # a group's statements prepared on _db: SQL -> name
        # Called after each `commit` with the seconds it waited and whether it failed (web/metrics.py).
        self.on_commit_waited: Callable[[float, bool], None] | None = None
        self._maintenance: psycopg.Connection[Any] | None = None  # VACUUM: only with _vacuuming
        self._vacuuming = threading.Lock()
        # Leases: the connection that holds them (only with _leasing), the sessions held and
        # the epoch each was taken with (_held, under _lock), the advisory locks held on the
        # current lease connection (_locked, only with _leasing), and sessions found taken
        # over since `renew` last said so (_lost, under _lock).
        self._lease_timeout = lease_timeout
        self._lease: psycopg.Connection[Any] | None = None
        self._leasing = threading.Lock()
        self._held: dict[str, int] = {}
        self._locked: dict[str, int] = {}
        self._lost: set[str] = set()
        self._renewed = time.monotonic()
        # Ids of sessions other workers asked for (sessions/handover.py), heard on the lease
        # connection: added in the database thread, taken by `handover_requests` (only with _leasing).
        self._asked: set[str] = set()
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
            db = self._connect()
            try:
                db.execute(f"SET idle_in_transaction_session_timeout = '{_IDLE_IN_TRANSACTION}'")
                db.execute("SET client_encoding = 'UTF8'")  # what a group's text is staged in
            except psycopg.Error as exc:
                with contextlib.suppress(Exception):
                    db.close()
                raise JournalError(f"cannot reach the database: {_message(exc)}") from None
            self._db, self._prepared = db, {}
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

    # -- leases: which worker owns a session (see the module's notes) -----------------------
    def holds(self, sid: str) -> bool:
        """Whether this worker holds the session: it made or took it, and nobody has taken it since."""
        return sid in self._held

    def claim(self, code: str) -> SessionRow | None:
        """Take over the session with this code: its row if this worker holds it now (its lease
        taken, its epoch one more, to be replayed), None if there is no such session or another
        worker holds its lease (or a group of that worker holds its row for over 2 s)."""
        found = self._leased(self._claim_blocking, code, hold=lambda f: (f[0].id, f[1]) if f else None)
        return found[0] if found is not None else None

    def claim_or_ask(self, code: str, ask: bool = True) -> SessionRow | bool:
        """Take over the session with this code, as `claim`: its row if this worker holds it now.
        If another worker holds it: True, and with `ask` that worker is asked to hand it over
        (a NOTIFY on the hand-over channel, which every worker LISTENs to on its lease connection:
        sessions/handover.py). False if there is no such session."""

        def hold(found: tuple[SessionRow, int] | bool) -> tuple[str, int] | None:
            return (found[0].id, found[1]) if isinstance(found, tuple) else None

        found = self._leased(self._claim_or_ask_blocking, code, ask, hold=hold)
        return found[0] if isinstance(found, tuple) else found

    def handover_requests(self) -> set[str]:
        """The sessions this worker holds that another worker has asked for since the last call:
        the notifications heard on the lease connection, read without a query (a closed lease
        connection is left to `renew`, which opens it again and LISTENs again). Read even while
        nothing is held: a listener that never reads holds up the server's notification queue."""
        with self._leasing:
            if self._lease is not None and not self._closed:
                self._run(self._hear, self._lease)
            asked, self._asked = self._asked, set()
        with self._lock:
            return {sid for sid in asked if sid in self._held}

    def take(self, sid: str) -> bool:
        """Take over a session by its id (as `claim`): whether this worker holds it now."""

        def hold(epoch: int | None) -> tuple[str, int] | None:
            return (sid, epoch) if epoch is not None else None

        return self._leased(self._take_blocking, sid, hold=hold) is not None

    def release(self, sid: str) -> None:
        """Let another worker take the session (it was deleted here, or its replay failed)."""
        with self._lock:
            self._held.pop(sid, None)
        with self._leasing:
            key = self._locked.pop(sid, None)
            if key is not None and self._lease is not None and not self._closed:
                self._run(self._unlock, self._lease, key)

    def renew(self, force: bool = False) -> set[str]:
        """Keep this worker's leases; return the sessions found taken over since the last call.

        The server's timer loop calls it on every tick; every LEASE_TIMEOUT / 4 seconds it sends
        a trivial query on the lease connection, so that the server does not close it as idle.
        A lease connection found lost is opened again and every held session's lock taken again,
        checking its epoch: a session another worker took meanwhile is lost, and so is one whose
        lock another worker holds now. While the database cannot be reached, nothing is lost here
        (writes fail meanwhile, and nothing acknowledged is lost)."""
        now = time.monotonic()
        due = force or now - self._renewed >= self._lease_timeout / 4
        if due and not self._closed and self._held:
            self._renewed = now
            with contextlib.suppress(JournalError):
                self._leased(self._heartbeat)
        with self._lock:
            lost, self._lost = self._lost, set()
        return lost

    def expired(self, cutoff: float) -> list[tuple[str, str]]:
        """(id, code) of the sessions whose last action (or start) is older than `cutoff`,
        held by any worker or none: the purge takes those nobody holds and deletes them."""
        return self._leased(self._expired_blocking, cutoff)

    def _leased(self, fn: Callable[..., T], *args: Any, hold: Callable[[T], tuple[str, int] | None] | None = None) -> T:
        """`fn(lease connection, *args)` in the database thread, with the lease connection; if that
        connection turns out lost, once more on a new one (its locks taken again first).
        `hold(result)` names the session now held and its epoch, if any: recorded before another
        operation can open a new lease connection (which takes the held sessions' locks again)."""
        with self._leasing:
            if self._closed:
                raise JournalError("the journal is closed")
            with self._lock:
                held = dict(self._held)
            result, lost = self._run(self._on_lease, held, fn, *args)
            with self._lock:
                self._let_go(lost)
                taken = hold(result) if hold is not None else None
                if taken is not None:
                    self._held[taken[0]] = taken[1]
        return result

    def _on_lease(self, held: dict[str, int], fn: Callable[..., T], *args: Any) -> tuple[T, set[str]]:
        lease, lost = self._lease_connection(held)
        try:
            return fn(lease, *args), lost
        except psycopg.Error as exc:
            if not (lease.closed or lease.broken):
                raise JournalError(_message(exc)) from None
        # Closed by the server (idle too long, restarted) or cut: its locks went with it.
        self._drop_lease()
        lease, more = self._lease_connection(held)
        try:
            return fn(lease, *args), lost | more
        except psycopg.Error as exc:
            if lease.closed or lease.broken:
                self._drop_lease()
            raise JournalError(_message(exc)) from None

    def _lease_connection(self, held: dict[str, int]) -> tuple[psycopg.Connection[Any], set[str]]:
        """The lease connection, and the held sessions lost if it had to be opened again."""
        lease = self._lease
        if lease is not None and not lease.closed and not lease.broken:
            return lease, set()
        self._drop_lease()
        lease = self._connect()
        self._lease = lease
        try:
            if lease.info.server_version >= 140000:  # idle_session_timeout is PostgreSQL 14's
                lease.execute(f"SET idle_session_timeout = {int(self._lease_timeout * 1000)}")
            # Hand-over requests (sessions/handover.py): heard while any query runs on this
            # connection, and read between queries by `handover_requests`.
            lease.add_notify_handler(self._heard)
            lease.execute(f"LISTEN {_HANDOVER_CHANNEL}")
            return lease, self._relock(lease, held)
        except psycopg.Error as exc:
            self._drop_lease()
            raise JournalError(f"cannot reach the database: {_message(exc)}") from None

    def _relock(self, lease: psycopg.Connection[Any], held: dict[str, int]) -> set[str]:
        """Take the locks of the held sessions again on a new lease connection; those another
        worker holds, or took (a new epoch) or deleted meanwhile, are lost."""
        lost = set()
        for sid, epoch in held.items():
            key = lease_key(sid)
            if not self._try_lock(lease, key):
                lost.add(sid)
                continue
            row = lease.execute("SELECT epoch FROM sessions WHERE id = %s", (sid,)).fetchone()
            if row is None or row[0] != epoch:
                self._unlock(lease, key)
                lost.add(sid)
                continue
            self._locked[sid] = key
        return lost

    def _drop_lease(self) -> None:
        lease, self._lease = self._lease, None
        self._locked.clear()
        if lease is not None:
            with contextlib.suppress(Exception):
                lease.close()

    @staticmethod
    def _try_lock(lease: psycopg.Connection[Any], key: int) -> bool:
        row = lease.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
        return bool(row and row[0])

    @staticmethod
    def _unlock(lease: psycopg.Connection[Any], key: int) -> None:
        with contextlib.suppress(psycopg.Error):
            lease.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def _take_blocking(self, lease: psycopg.Connection[Any], sid: str) -> int | None:
        """Lock the session's lease and add one to its epoch: the new epoch, or None."""
        key = lease_key(sid)
        locked_now = sid not in self._locked
        if locked_now and not self._try_lock(lease, key):
            return None  # another worker's lease (or a session that shares its key)
        try:
            with lease.transaction():
                lease.execute(f"SET LOCAL lock_timeout = '{_TAKEOVER_LOCK_TIMEOUT}'")
                row = lease.execute(
                    "UPDATE sessions SET epoch = epoch + 1 WHERE id = %s RETURNING epoch", (sid,)
                ).fetchone()
        except psycopg.errors.LockNotAvailable:
            row = None  # the old owner's group holds the row: not now
        except psycopg.Error:
            if locked_now and not (lease.closed or lease.broken):
                self._unlock(lease, key)
            raise
        if row is None:  # deleted meanwhile, or not now
            if locked_now:
                self._unlock(lease, key)
            return None
        self._locked[sid] = key
        return int(row[0])

    def _claim_blocking(self, lease: psycopg.Connection[Any], code: str) -> tuple[SessionRow, int] | None:
        found = lease.execute(f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE code = %s", (code,)).fetchone()
        if found is None:
            return None
        row = _session_row(found)
        epoch = self._take_blocking(lease, row.id)
        return (row, epoch) if epoch is not None else None

    def _claim_or_ask_blocking(
        self, lease: psycopg.Connection[Any], code: str, ask: bool
    ) -> tuple[SessionRow, int] | bool:
        found = lease.execute(f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE code = %s", (code,)).fetchone()
        if found is None:
            return False
        row = _session_row(found)
        epoch = self._take_blocking(lease, row.id)
        if epoch is not None:
            return row, epoch
        # Held by another worker (or its row is busy for a moment, or it was deleted just now:
        # then nobody hears this, and the next try finds out).
        if ask:
            lease.execute("SELECT pg_notify(%s, %s)", (_HANDOVER_CHANNEL, row.id))
        return True

    def _heard(self, notify: psycopg.Notify) -> None:
        # In the database thread, during a query of the lease connection (with _leasing).
        if notify.channel == _HANDOVER_CHANNEL:
            self._asked.add(notify.payload)

    def _hear(self, lease: psycopg.Connection[Any]) -> None:
        """Read the notifications that arrived since the last query, without sending one: libpq's
        socket is non-blocking, so this never waits for the server."""
        pgconn = lease.pgconn
        try:
            pgconn.consume_input()
        except psycopg.Error:
            return  # closed or cut: `renew` finds out, and opens a new lease connection
        while (notify := pgconn.notifies()) is not None:
            if notify.relname.decode() == _HANDOVER_CHANNEL:
                self._asked.add(notify.extra.decode())

    @staticmethod
    def _heartbeat(lease: psycopg.Connection[Any]) -> None:
        lease.execute("SELECT 1")

    @staticmethod
    def _expired_blocking(lease: psycopg.Connection[Any], cutoff: float) -> list[tuple[str, str]]:
        rows = lease.execute(
            "SELECT s.id, s.code FROM sessions s WHERE greatest(s.created_at, s.ended_at, "
            "(SELECT max(a.at) FROM actions a WHERE a.session_id = s.id)) < %s ORDER BY s.created_at",
            (cutoff,),
        ).fetchall()
        return [(sid, code) for sid, code in rows]

    # -- sessions and actions --------------------------------------------------------------
    def create_session(
        self, sid: str, code: str, pack: dict[str, Any], seed: int, own_nicknames: bool, at: float
    ) -> None:
        """Save a new session and take its lease at once (epoch 1): this worker holds it."""
        row = (sid, code, pack["id"], json.dumps(pack, ensure_ascii=False), seed, own_nicknames, at)
        self._leased(self._create_blocking, sid, row, hold=lambda _none: (sid, 1))

    def _create_blocking(self, lease: psycopg.Connection[Any], sid: str, row: tuple[Any, ...]) -> None:
        key = lease_key(sid)
        if not self._try_lock(lease, key):
            raise JournalError("another worker holds a lease with this session's key: try again")
        try:
            lease.execute(
                "INSERT INTO sessions (id, code, pack_id, pack, seed, own_nicknames, created_at, epoch) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, 1)",
                row,
            )
        except psycopg.Error:
            self._unlock(lease, key)
            raise
        self._locked[sid] = key

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
        row = (_text(sid), repr(float(at)).encode(), _text(actor), _text(cid), _text(text))
        with self._lock:
            if self._closed:
                raise JournalError("the journal is closed")
            if after is not None and after.failed:
                raise JournalError(f"an earlier action was not saved: {after.error}")
            epoch = self._held.get(sid)
            if epoch is None:
                raise JournalError(_NOT_HELD)
            group = self._open
            if group is None or group.size >= GROUP_SIZE:
                if group is not None:
                    self._sealed.append(group)
                group = self._open = _Group()
            group.rows += row
            group.checks.add((sid, epoch))
            if ends:
                group.ends.append((at, sid, epoch))
            group.size += 1
            if saved is not None:
                group.on_commit[sid] = saved
            return group

    def commit(self, batch: Batch, wait_for_others: bool = True) -> None:
        """Return once `batch` is committed; raise JournalError if it was lost.

        `wait_for_others=False`: write what is staged now, without letting others add theirs.
        """
        _journal.timed_commit(self._commit, batch, wait_for_others, self.on_commit_waited)

    def _commit(self, batch: Batch, wait_for_others: bool) -> None:
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
            written, error, fenced = self._run(self._write, groups)
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
            self._let_go(fenced)
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

    def _let_go(self, sids: set[str]) -> None:
        """Forget sessions another worker has taken over (the caller holds _lock): no more
        staging for them, and `renew` reports them. Their advisory locks went with the lease
        connection they were on, or `release` lets them go."""
        for sid in sids:
            self._held.pop(sid, None)
        self._lost |= sids

    def _write(self, groups: list[_Group]) -> tuple[int, str | None, set[str]]:
        """Commit each group in its own transaction, in order, until one is lost: how many
        were committed, why the next one was lost, and the sessions found taken over (blocking)."""
        for written, group in enumerate(groups):
            try:
                self._commit_group(group)
            except _Fenced as exc:
                return written, str(exc), exc.sids
            except (_Lost, JournalError) as exc:
                return written, str(exc), set()
        return len(groups), None, set()

    def _commit_group(self, group: _Group) -> None:
        """One group in one transaction: BEGIN, lock and check its sessions, one INSERT of all its
        actions (and an UPDATE per end), COMMIT. Four round trips, each one call into libpq (and
        one more the first time a statement is prepared on the connection)."""
        db = self._connection()
        conn = db.pgconn
        xid: str | None = None
        committing = False
        try:
            self._statement(conn, b"BEGIN")
            # Each session's row, locked until COMMIT, must still have the epoch its rows were
            # staged under: a takeover's UPDATE waits for this transaction, or this one sees it.
            sids = sorted({sid for sid, _ in group.checks})
            locked = self._statement(conn, _lock_sessions(len(sids)), [sid.encode() for sid in sids])
            found: dict[str, int] = {}
            for i in range(locked.ntuples):
                sid_value, epoch_value, xid_value = (locked.get_value(i, c) or b"" for c in range(3))
                found[sid_value.decode()] = int(epoch_value)
                xid = xid_value.decode()
            fenced = {sid for sid, epoch in group.checks if found.get(sid) != epoch}
            if fenced:
                self._statement(conn, b"ROLLBACK")
                raise _Fenced(fenced)
            self._statement(conn, _insert_actions(group.size), group.rows)
            for at, sid, epoch in group.ends:
                self._statement(conn, _END_SESSION, [repr(float(at)).encode(), sid.encode(), b"%d" % epoch])
            committing = True
            self._statement(conn, b"COMMIT")
        except psycopg.Error as exc:
            lost_connection = db.closed or db.broken
            self._recover(db)
            if committing and lost_connection and xid is not None and self._committed(xid):
                return  # only the answer to COMMIT was lost
            raise _Lost(_message(exc)) from None

    def _statement(self, conn: pq.abc.PGconn, sql: bytes, params: list[bytes | None] | None = None) -> pq.abc.PGresult:
        """Run one statement of a group on the writing connection and wait for it (blocking:
        libpq's own wait, without the interpreter lock); its result, or its error raised. A
        statement with parameters is prepared on the connection the first time."""
        if params is None:
            result = conn.exec_(sql)
        else:
            name = self._prepared.get(sql)
            if name is None:
                name = b"workshops_%d" % len(self._prepared)
                _checked(conn.prepare(name, sql))
                self._prepared[sql] = name
            # None is NULL, as in exec_params; psycopg's type stub of exec_prepared leaves it out.
            result = conn.exec_prepared(name, params)  # type: ignore[arg-type]
        return _checked(result)

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
        with self._lock:
            epoch = self._held.get(sid)
        if epoch is None:
            raise JournalError(_NOT_HELD)
        with self._exclusive():
            self._write_staged()  # nothing of the session may be written after its deletion
            try:
                self._run(self._delete, sid, epoch)
            except _Fenced as exc:
                with self._lock:
                    self._let_go(exc.sids)
                raise JournalError(str(exc)) from None
        self.release(sid)
        self._vacuum()

    def _delete(self, sid: str, epoch: int) -> None:
        db = self._connection()
        try:
            with db.transaction():
                row = db.execute("SELECT epoch FROM sessions WHERE id = %s FOR UPDATE", (sid,)).fetchone()
                if row is None:
                    return  # deleted already (another worker's purge): nothing of it is left
                if row[0] != epoch:
                    raise _Fenced({sid})
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
        sql = f"SELECT {_SESSION_COLUMNS} FROM sessions"
        if open_only:
            sql += " WHERE ended_at IS NULL"
        with self._exclusive():
            rows = self._run(self._execute, sql + " ORDER BY created_at, id")
        return [_session_row(r) for r in rows]

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
                leasing = self._leasing.acquire(timeout=_CLOSE_WAIT)
                try:
                    self._run(self._close_connections)
                finally:
                    if leasing:
                        self._leasing.release()
            self._release_turn()

    def _close_connections(self) -> None:
        self._drop()
        if self._lease is not None and not self._lease.closed:
            # Its leases would go with it, but only once the server has noticed the connection
            # closed: let them go now, so another worker can take the sessions at once.
            with contextlib.suppress(psycopg.Error):
                self._lease.execute("SELECT pg_advisory_unlock_all()")
        self._drop_lease()
        maintenance, self._maintenance = self._maintenance, None
        if maintenance is not None:
            with contextlib.suppress(Exception):
                maintenance.close()
