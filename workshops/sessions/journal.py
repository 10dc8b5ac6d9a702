"""The append-only journal of sessions and their accepted actions, in SQLite.

An action is committed here before anyone is told it happened; a restarted
server rebuilds every open session by replaying its actions.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    pack_id TEXT NOT NULL,
    pack TEXT NOT NULL,
    seed INTEGER NOT NULL,
    own_nicknames INTEGER NOT NULL,
    created_at REAL NOT NULL,
    ended_at REAL
);
CREATE TABLE IF NOT EXISTS actions (
    -- The journal's own order, independent of a session's revision: a replay that
    -- skips an unreadable record must not make the next append collide with it. A new row
    -- gets the largest seq + 1, so a session's rows stay in order; no AUTOINCREMENT, which
    -- would rewrite one more page (sqlite_sequence) on every append. (Journals made before
    -- keep it: CREATE TABLE IF NOT EXISTS leaves them as they are.)
    seq INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    at REAL NOT NULL,
    actor TEXT NOT NULL,
    cid TEXT,
    action TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS actions_by_session ON actions (session_id, seq);
"""


class JournalError(Exception):
    """The journal could not record an action: the action must not be acknowledged."""


@dataclass(frozen=True)
class SessionRow:
    id: str
    code: str
    pack_id: str
    pack: dict[str, Any]
    seed: int
    own_nicknames: bool
    created_at: float
    ended_at: float | None


@dataclass(frozen=True)
class ActionRow:
    seq: int
    at: float
    actor: str
    cid: str | None
    action: dict[str, Any] | None  # None: the record could not be read


# Actions per commit at most: a full group is committed by its next waiter or stager at once.
# Bigger groups save little more, and every waiting handler holds its request in memory meanwhile.
GROUP_SIZE = 64
# How long `close` waits for an action being recorded by another thread before giving up.
_CLOSE_WAIT = 5.0


class Batch:
    """The actions of one transaction: committed together, or lost together."""

    __slots__ = ("done", "error", "on_commit", "size")

    def __init__(self) -> None:
        self.size = 0  # actions staged
        self.done = False
        self.error: str | None = None  # set when the transaction was rolled back
        # run the moment it is committed: per session the last one staged (see `stage`)
        self.on_commit: dict[str, Callable[[], None]] = {}

    @property
    def failed(self) -> bool:
        return self.error is not None


def timed_commit(
    commit: Callable[[Batch, bool], None],
    batch: Batch,
    wait_for_others: bool,
    observer: Callable[[float, bool], None] | None,
) -> None:
    """`commit(batch, wait_for_others)`, then `observer(seconds it waited, whether it failed)`."""
    if observer is None:
        commit(batch, wait_for_others)
        return
    started = time.perf_counter()
    failed = False
    try:
        commit(batch, wait_for_others)
    except Exception:
        failed = True
        raise
    finally:
        observer(time.perf_counter() - started, failed)


def _let_others_run() -> None:
    # Under eventlet or gevent a green sleep: every handler already woken by this burst adds
    # its action to the open transaction before the first of them commits it. With threads,
    # a short yield of the interpreter lock; alone (tests), nearly nothing.
    time.sleep(0)


class Journal:
    """Appends are grouped: an action joins the open transaction (`stage`), and whoever waits
    for it first (`commit`) commits everything staged by then in one go. Nobody is told an
    action happened before its transaction is committed; a burst of 2,000 answers becomes a
    few dozen commits instead of 2,000 (each commit writes its pages to the write-ahead log).
    """

    def __init__(self, path: Path | str):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._open: Batch | None = None  # the transaction actions are being added to
        # Called after each `commit` with the seconds it waited and whether it failed (web/metrics.py).
        self.on_commit_waited: Callable[[float, bool], None] | None = None
        self._closed = False
        # A deletion's truncating checkpoint has not succeeded yet (a reader held the file):
        # the deleted text may still be in the write-ahead log. Retried by `checkpoint`.
        # Owed from the start too: a server stopped while one was owed (kill -9, or a reader
        # still holding on at shutdown) has it done when the journal opens again.
        self._scrub_owed = True
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL with synchronous=NORMAL survives a killed process (kill -9); FULL
        # would also survive power loss at the cost of an fsync per commit.
        self._db.execute("PRAGMA synchronous=NORMAL")
        # Checkpoints (which fsync) come from the server's timer every half minute, not in the
        # middle of a burst of answers, where each stalled every action for ~15 ms.
        self._db.execute("PRAGMA wal_autocheckpoint=20000")
        self._db.execute("PRAGMA foreign_keys=ON")
        # Deleted rows are overwritten, not just unlinked: "delete session data" must not
        # leave pupils' answers readable in the file's free pages.
        self._db.execute("PRAGMA secure_delete=ON")
        self._db.executescript(SCHEMA)
        self._busy_timeout = self._db.execute("PRAGMA busy_timeout").fetchone()[0]
        with self._lock:
            self._scrub()

    @property
    def scrub_owed(self) -> bool:
        """Whether deleted text may still be in the write-ahead log: `checkpoint` retries
        until the truncating checkpoint gets through (the server's timer calls it each tick)."""
        return self._scrub_owed

    def close(self) -> None:
        """Commit what is staged, copy the write-ahead log into the database and empty it
        (TRUNCATE), and close. Safe to call twice and from any thread; it never waits long
        for readers, nor more than a few seconds for an action being recorded."""
        if not self._lock.acquire(timeout=_CLOSE_WAIT):
            return  # another thread is stuck in the journal: SQLite recovers the log on the next open
        try:
            if self._closed:
                return
            self._closed = True
            self._finish_open()
            self._end_leftover()
            self._scrub()
            self._db.close()
        except sqlite3.Error:
            pass  # closing anyway; a committed action is in the log and survives
        finally:
            self._lock.release()

    def ping(self, timeout: float = 2.0) -> bool:
        """Whether the journal answers a trivial query within `timeout` seconds (`/readyz`)."""
        if not self._lock.acquire(timeout=timeout):
            return False
        try:
            return not self._closed and self._db.execute("SELECT 1").fetchone() == (1,)
        except sqlite3.Error:
            return False
        finally:
            self._lock.release()

    def create_session(
        self, sid: str, code: str, pack: dict[str, Any], seed: int, own_nicknames: bool, at: float
    ) -> None:
        with self._lock:
            self._finish_open()
            self._end_leftover()
            try:
                if self._db.in_transaction:  # its INSERT would be undone with someone else's group
                    raise JournalError("the journal is stuck in a failed transaction")
                self._db.execute(
                    "INSERT INTO sessions (id, code, pack_id, pack, seed, own_nicknames, created_at) "
                    "VALUES (?,?,?,?,?,?,?)",
                    (sid, code, pack["id"], json.dumps(pack, ensure_ascii=False), seed, int(own_nicknames), at),
                )
            except sqlite3.Error as exc:
                raise JournalError(str(exc)) from exc

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
        """Add one accepted action (and, if it ends the session, the end) to the open transaction.

        `after`: the batch of the session's previous action. If that batch was lost, this
        action was decided on a state that never got saved, and is refused (JournalError).
        `saved` is called the moment the transaction commits; of one session's actions in the
        same group only the last one's, so a join storm's group keeps one state per session
        alive, not one per join. Nothing is saved until `commit`.
        """
        text = json.dumps(action, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            if self._open is not None and self._open.size >= GROUP_SIZE:
                self._finish_open()  # a full group is committed now; its waiters find it done
            if after is not None and after.failed:
                raise JournalError(f"an earlier action was not saved: {after.error}")
            batch = self._open
            try:
                if batch is None:
                    self._db.execute("BEGIN IMMEDIATE")
                    batch = self._open = Batch()
                self._db.execute(
                    "INSERT INTO actions (session_id, at, actor, cid, action) VALUES (?,?,?,?,?)",
                    (sid, at, actor, cid, text),
                )
                if ends:
                    self._db.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (at, sid))
                batch.size += 1
                if saved is not None:
                    batch.on_commit[sid] = saved
            except sqlite3.Error as exc:
                # Whatever the transaction held is lost with it: its waiters are told so.
                self._lose_open(str(exc))
                raise JournalError(str(exc)) from exc
            return batch

    def commit(self, batch: Batch, wait_for_others: bool = True) -> None:
        """Return once `batch` is committed; raise JournalError if it was lost.

        `wait_for_others=False`: commit what is staged now, without letting others add theirs.
        """
        timed_commit(self._commit, batch, wait_for_others, self.on_commit_waited)

    def _commit(self, batch: Batch, wait_for_others: bool) -> None:
        if not batch.done:
            if wait_for_others and batch.size < GROUP_SIZE:
                _let_others_run()
            with self._lock:
                if batch is self._open:
                    self._finish_open()
        if batch.error is not None:
            raise JournalError(batch.error)

    def _finish_open(self) -> None:
        """Commit the open transaction (the caller holds the lock)."""
        batch = self._open
        if batch is None:
            return
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._lose_open(str(exc))
            return
        self._open = None
        batch.done = True
        callbacks, batch.on_commit = batch.on_commit, {}
        for saved in callbacks.values():
            saved()

    def _lose_open(self, error: str) -> None:
        # A failed statement or COMMIT (disk full) may leave the transaction open; the next
        # action must start clean, or every later one would fail too.
        batch, self._open = self._open, None
        self._end_leftover()
        if batch is not None:
            batch.error, batch.done, batch.on_commit = error, True, {}

    def _end_leftover(self) -> None:
        """Roll back a transaction no group owns (a failed COMMIT or ROLLBACK left it open)."""
        try:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # closed, or still failing: the next statement reports it

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database, without waiting for readers; while a
        deletion's scrub is owed, try the truncating checkpoint again instead."""
        with self._lock:
            if self._closed:
                return
            self._finish_open()
            if self._scrub_owed:
                self._scrub()
                return
            with contextlib.suppress(sqlite3.Error):  # the next one will do; appends are unaffected
                self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def _scrub(self) -> bool:
        """Copy every frame of the log into the database and truncate the log to nothing, so
        deleted text (overwritten in the database by secure_delete) survives in neither file.
        The caller holds the lock. Never waits for readers: under eventlet a wait inside SQLite
        stalls every connection of every class (the connection's busy timeout is 5 s). If a
        reader holds an older snapshot, SQLite answers busy and the scrub stays owed."""
        done = False
        try:
            self._db.execute("PRAGMA busy_timeout=0")
            try:
                busy, _log, _copied = self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                done = busy == 0
            finally:
                self._db.execute(f"PRAGMA busy_timeout={int(self._busy_timeout)}")
        except sqlite3.Error:
            pass  # locked, closed or failing: still owed, the next tick tries again
        self._scrub_owed = not done
        return done

    def delete_session(self, sid: str) -> None:
        """Erase a session and its actions, also from the write-ahead log."""
        with self._lock:
            self._finish_open()
            self._end_leftover()
            try:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute("DELETE FROM actions WHERE session_id = ?", (sid,))
                self._db.execute("DELETE FROM sessions WHERE id = ?", (sid,))
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                self._lose_open(str(exc))
                raise JournalError(str(exc)) from exc
            # Copy the (now zeroed) pages into the database and empty the log, so the deleted
            # text survives in neither file; if a reader holds the file, the timer retries.
            self._scrub()

    def sessions(self, open_only: bool = True) -> list[SessionRow]:
        sql = "SELECT id, code, pack_id, pack, seed, own_nicknames, created_at, ended_at FROM sessions"
        if open_only:
            sql += " WHERE ended_at IS NULL"
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY created_at").fetchall()
        return [SessionRow(r[0], r[1], r[2], json.loads(r[3]), r[4], bool(r[5]), r[6], r[7]) for r in rows]

    def actions(self, sid: str) -> Iterator[ActionRow]:
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, at, actor, cid, action FROM actions WHERE session_id = ? ORDER BY seq", (sid,)
            ).fetchall()
        for seq, at, actor, cid, text in rows:
            try:
                action = json.loads(text)
            except (TypeError, ValueError):
                action = None
            yield ActionRow(seq, at, actor, cid, action if isinstance(action, dict) else None)
