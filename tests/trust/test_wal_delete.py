"""*Delete session data* while another program holds the journal open for reading: the deleted
text must still leave every file of the data folder, as soon as the reader lets go."""

from __future__ import annotations

import sqlite3
import time

import requests

from .conftest import act, goto, wait_until

MARKER_NICK = "Kummitus Zebulon"
MARKER_TEXT = "Tämä on salainen merkkijono QX-4471"
MARKERS = (MARKER_NICK.encode(), MARKER_TEXT.encode())


def _holding(server) -> list[str]:
    """The files of the data folder whose raw bytes still hold a marker."""
    found = []
    for f in sorted(server.data_dir.iterdir()):
        if f.is_file():
            data = f.read_bytes()
            if any(m in data for m in MARKERS):
                found.append(f.name)
    return found


def test_text_deleted_while_a_reader_holds_the_journal_leaves_every_file(server, rooms, ledger):
    room = rooms(server, "digitutkijat")
    host = room.host()
    phone = room.phone()
    assert host.send("host", {"type": "own_nicknames", "allowed": True})["ok"]
    assert phone.send("pupil", {"type": "rename", "nick": MARKER_NICK})["ok"]
    agenda = host.wait_view("host_view", lambda v: "agenda" in v)["agenda"]
    step = next(s["id"] for s in agenda if s["kind"] == "open")
    goto(host, step)
    assert act(phone, "pupil", step, {"type": "answer", "text": MARKER_TEXT})["ok"]
    assert _holding(server)  # the pupil's words are on disk: the test means something

    # A backup tool or a curious IT person reads the journal and keeps the transaction open.
    reader = sqlite3.connect(server.data_dir / "journal.sqlite3", isolation_level=None, timeout=5)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM actions").fetchone()[0] > 0  # the snapshot is taken here
    ledger.fault("wal: reader held during delete")
    started = time.monotonic()
    resp = room.http.post(
        f"{server.url}/host/{room.code}/delete", headers={"Origin": server.url}, allow_redirects=False, timeout=30
    )
    took = time.monotonic() - started
    assert resp.status_code == 302 and f"deleted={room.code}" in resp.headers["Location"]
    # The server does not sit waiting for the reader (that would stall every class under eventlet).
    assert took < 2.0, f"the deletion took {took:.1f} s"
    assert requests.get(f"{server.url}/healthz", timeout=2).ok
    time.sleep(1.5)  # a few timer ticks with the reader still holding on

    reader.execute("COMMIT")  # the reader lets go, but stays connected: its close must not be what cleans up
    try:
        wait_until(lambda: not _holding(server), 5, "the deleted text to leave the journal's files")
        assert server.journal_rows("SELECT count(*) FROM sessions WHERE code = ?", (room.code,)) == [(0,)]
        wal = server.data_dir / "journal.sqlite3-wal"
        assert not wal.exists() or wal.stat().st_size == 0
    finally:
        reader.close()
    assert "Traceback" not in server.log
