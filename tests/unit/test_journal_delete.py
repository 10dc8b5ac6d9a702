"""Deleting a session scrubs its text from every file of the journal, even while someone reads it."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from workshops.sessions.journal import Journal, JournalError

MARKER = "Kummituskissan salasana 7731"


def raw_files(path: Path) -> dict[str, bytes]:
    """The database, its write-ahead log and its index, as bytes on disk."""
    out = {}
    for suffix in ("", "-wal", "-shm"):
        f = Path(f"{path}{suffix}")
        if f.exists():
            out[f.name] = f.read_bytes()
    return out


def holding(path: Path) -> list[str]:
    return [name for name, data in raw_files(path).items() if MARKER.encode() in data]


class Reader:
    """Another program reading the journal: a read transaction held open (a backup, a curious IT person)."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("BEGIN")
        self.db.execute("SELECT count(*) FROM actions").fetchone()  # the snapshot is taken here

    def release(self) -> None:
        self.db.execute("COMMIT")  # the connection stays open: its close must not be what cleans up

    def close(self) -> None:
        self.db.close()


@pytest.fixture
def path(tmp_path) -> Path:
    return tmp_path / "journal.sqlite3"


@pytest.fixture
def journal(path):
    j = Journal(path)
    j.create_session("s1", "ABCDE", {"id": "x"}, 1, True, 0.0)
    j.create_session("s2", "FGHJK", {"id": "x"}, 2, True, 0.0)
    j.commit(j.stage("s1", 1.0, "p1", "a", {"type": "rename", "nick": MARKER}))
    j.commit(j.stage("s2", 1.0, "p1", "b", {"type": "rename", "nick": "Toinen luokka"}))
    yield j
    j.close()


def test_deleted_rows_are_overwritten_not_just_unlinked(journal):
    assert journal._db.execute("PRAGMA secure_delete").fetchone() == (1,)


def test_without_a_reader_the_deletion_scrubs_every_file_at_once(journal, path):
    assert holding(path)  # the test means something: the text is on disk
    journal.delete_session("s1")
    assert not journal.scrub_owed
    assert holding(path) == []
    assert [s.code for s in journal.sessions()] == ["FGHJK"]


def test_a_reader_held_during_deletion_leaves_a_scrub_owed_that_a_later_checkpoint_finishes(journal, path):
    reader = Reader(path)
    started = time.monotonic()
    journal.delete_session("s1")
    # The deletion itself never waits for the reader: under eventlet a blocking wait in SQLite
    # stalls every phone of every class (the connection's busy timeout is 5 s).
    assert time.monotonic() - started < 1.0
    assert journal.scrub_owed
    journal.checkpoint()  # the timer's tick while the reader still holds its snapshot
    assert journal.scrub_owed
    reader.release()
    journal.checkpoint()  # the next tick
    assert not journal.scrub_owed
    assert holding(path) == []
    assert Path(f"{path}-wal").stat().st_size == 0
    reader.close()
    # The journal goes on as before.
    journal.commit(journal.stage("s2", 2.0, "p2", "c", {"type": "reroll"}))
    assert len(list(journal.actions("s2"))) == 2


def test_a_checkpoint_with_no_scrub_owed_never_waits_for_readers(journal, path):
    reader = Reader(path)
    started = time.monotonic()
    journal.checkpoint()
    assert time.monotonic() - started < 1.0 and not journal.scrub_owed
    reader.close()


def test_a_scrub_owed_when_the_server_stopped_is_done_when_the_journal_opens_again(journal, path):
    reader = Reader(path)
    journal.delete_session("s1")
    assert journal.scrub_owed and holding(path)
    journal._db.close()  # stopped without a clean close (kill -9): SQLite cannot clean up past the reader
    reader.release()
    again = Journal(path)
    try:
        assert not again.scrub_owed
        assert holding(path) == []
        assert [s.code for s in again.sessions()] == ["FGHJK"]
    finally:
        again.close()
        reader.close()


def test_close_checkpoints_and_is_safe_twice_and_from_another_thread(journal, path):
    journal.delete_session("s1")
    journal.stage("s2", 3.0, "p2", "d", {"type": "reroll"})  # staged, not yet committed: close commits it
    closer = threading.Thread(target=journal.close)
    closer.start()
    closer.join(5)
    assert not closer.is_alive()
    journal.close()
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    # A closed journal refuses to record (the caller is told), and its timer call is harmless.
    with pytest.raises(JournalError):
        journal.commit(journal.stage("s2", 4.0, "p2", "e", {"type": "reroll"}))
    journal.checkpoint()
    other = Journal(path)
    try:
        assert [r.cid for r in other.actions("s2")] == ["b", "d"]
    finally:
        other.close()


def test_close_with_a_reader_held_does_not_hang(journal, path):
    reader = Reader(path)
    journal.delete_session("s1")
    started = time.monotonic()
    journal.close()
    journal.close()
    assert time.monotonic() - started < 3.0
    reader.close()
