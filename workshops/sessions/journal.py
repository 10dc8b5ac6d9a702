"""The append-only journal of sessions and their accepted actions, in SQLite.

An action is committed here before anyone is told it happened; a restarted
server rebuilds every open session by replaying its actions.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
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


class Journal:
    def __init__(self, path: Path | str):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL with synchronous=NORMAL survives a killed process (kill -9); FULL
        # would also survive power loss at the cost of an fsync per action.
        self._db.execute("PRAGMA synchronous=NORMAL")
        # Checkpoints (which fsync) come from the server's timer every half minute, not in the
        # middle of a burst of answers, where each stalled every action for ~15 ms.
        self._db.execute("PRAGMA wal_autocheckpoint=20000")
        self._db.execute("PRAGMA foreign_keys=ON")
        # Deleted rows are overwritten, not just unlinked: "delete session data" must not
        # leave pupils' answers readable in the file's free pages.
        self._db.execute("PRAGMA secure_delete=ON")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        with self._lock:
            try:
                self._db.execute(sql, params)
            except sqlite3.Error as exc:
                raise JournalError(str(exc)) from exc

    def create_session(
        self, sid: str, code: str, pack: dict[str, Any], seed: int, own_nicknames: bool, at: float
    ) -> None:
        self._write(
            "INSERT INTO sessions (id, code, pack_id, pack, seed, own_nicknames, created_at) VALUES (?,?,?,?,?,?,?)",
            (sid, code, pack["id"], json.dumps(pack, ensure_ascii=False), seed, int(own_nicknames), at),
        )

    def append(
        self, sid: str, at: float, actor: str, cid: str | None, action: dict[str, Any], ends: bool = False
    ) -> None:
        """Record one accepted action (and, if it ends the session, the end) in one transaction."""
        text = json.dumps(action, ensure_ascii=False, separators=(",", ":"))
        insert = "INSERT INTO actions (session_id, at, actor, cid, action) VALUES (?,?,?,?,?)"
        with self._lock:
            if not ends:
                # One statement is its own transaction: committed (or not) whole, in one call.
                try:
                    self._db.execute(insert, (sid, at, actor, cid, text))
                except sqlite3.Error as exc:
                    self._rollback()
                    raise JournalError(str(exc)) from exc
                return
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    self._db.execute(
                        "INSERT INTO actions (session_id, at, actor, cid, action) VALUES (?,?,?,?,?)",
                        (sid, at, actor, cid, text),
                    )
                    if ends:
                        self._db.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (at, sid))
                    self._db.execute("COMMIT")
                except BaseException:
                    self._rollback()
                    raise
            except sqlite3.Error as exc:
                raise JournalError(str(exc)) from exc

    def _rollback(self) -> None:
        # A failed COMMIT (disk full) leaves the transaction open; the next append must
        # start clean, or every later action would fail too.
        if self._db.in_transaction:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database, without waiting for readers."""
        with self._lock:
            try:
                self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error:
                pass  # the next one will do; appends are unaffected

    def delete_session(self, sid: str) -> None:
        """Erase a session and its actions, also from the write-ahead log."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute("DELETE FROM actions WHERE session_id = ?", (sid,))
                self._db.execute("DELETE FROM sessions WHERE id = ?", (sid,))
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise JournalError(str(exc)) from exc
            try:
                # Copy the (now zeroed) pages into the database and empty the log, so
                # the deleted text survives in neither file.
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass

    def sessions(self, open_only: bool = True) -> list[SessionRow]:
        sql = "SELECT id, code, pack_id, pack, seed, own_nicknames, created_at, ended_at FROM sessions"
        if open_only:
            sql += " WHERE ended_at IS NULL"
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY created_at").fetchall()
        return [
            SessionRow(r[0], r[1], r[2], json.loads(r[3]), r[4], bool(r[5]), r[6], r[7]) for r in rows
        ]

    def session(self, code: str) -> SessionRow | None:
        return next((s for s in self.sessions(open_only=False) if s.code == code), None)

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
