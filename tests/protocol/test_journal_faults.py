"""The journal: a failed write is never acknowledged; an unreadable record is skipped on replay."""

from __future__ import annotations

import sqlite3

from tests.conftest import Classroom, act, last
from workshops.sessions.journal import JournalError


def test_failed_write_is_an_error_and_warns_the_host(classroom: Classroom, monkeypatch):
    host = classroom.host()
    pupil = classroom.pupil()
    act(host, "host", {"type": "goto", "step": 1, "expect": -1})
    before = classroom.live.state

    def broken(*_args, **_kwargs):
        raise JournalError("disk I/O error")

    monkeypatch.setattr(classroom.manager.journal, "stage", broken)
    ack = act(pupil, "pupil", {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": ["ok"]}})
    assert ack["ok"] is False and ack["error"] == "not_saved"
    assert classroom.live.state is before
    assert last(host, "host_view")["journal_failed"] is True

    monkeypatch.undo()
    ack = act(pupil, "pupil", {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": ["ok"]}})
    assert ack["ok"] is True
    assert last(host, "host_view")["journal_failed"] is False


def test_a_read_only_journal_refuses_actions(make_app, tmp_path):
    app = make_app()
    room = Classroom(app)
    host = room.host()
    room.manager.journal.close()
    room.manager.journal._db = sqlite3.connect(
        f"file:{tmp_path / 'data' / 'journal.sqlite3'}?mode=ro", uri=True, check_same_thread=False, isolation_level=None
    )
    ack = act(host, "host", {"type": "goto", "step": 0, "expect": -1})
    assert ack["error"] == "not_saved" and room.live.state.step == -1


def test_torn_record_is_skipped_and_the_rest_replays(make_app, tmp_path, caplog):
    app = make_app()
    room = Classroom(app)
    host = room.host()
    pupils = [room.pupil() for _ in range(2)]
    act(host, "host", {"type": "goto", "step": 1, "expect": -1})
    act(pupils[0], "pupil", {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": ["ok"]}})
    act(pupils[1], "pupil", {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": ["pirtea"]}})
    db = sqlite3.connect(tmp_path / "data" / "journal.sqlite3")
    last_seq = db.execute("SELECT max(seq) FROM actions").fetchone()[0]
    db.execute("UPDATE actions SET action = substr(action, 1, 12) WHERE seq = ?", (last_seq,))
    db.commit()
    db.close()

    with caplog.at_level("WARNING"):
        restarted = make_app()
    assert any("skipped 1 unreadable journal record" in r.getMessage() for r in caplog.records)
    live = restarted.extensions["workshops"].manager.get(room.code)
    assert live.state.step == 1
    votes = live.state.activities["fiilis"].votes
    assert votes == {"p1": ("ok",)}  # the torn vote is gone, everything before it is intact
    # ...and the session goes on: new actions are journaled and survive the next restart.
    room.app = restarted
    pupil = room.connect("pupil", token=pupils[1].token)
    vote = {"type": "vote", "options": ["pirtea"]}
    assert act(pupil, "pupil", {"type": "act", "step": "fiilis", "action": vote})["ok"]
    assert act(room.connect("host", key=room.host_key), "host", {"type": "goto", "step": 2, "expect": 1})["ok"]
    again = make_app().extensions["workshops"].manager.get(room.code)
    assert again.state.step == 2 and again.state.activities["fiilis"].votes["p2"] == ("pirtea",)


def test_session_data_is_deleted_after_the_retention_time(make_app, clock, tmp_path):
    app = make_app(RETENTION_HOURS=24)
    room = Classroom(app)
    act(room.host(), "host", {"type": "goto", "step": 1, "expect": -1})
    clock.advance(23 * 3600)
    assert make_app(RETENTION_HOURS=24).extensions["workshops"].manager.get(room.code) is not None
    clock.advance(2 * 3600)
    assert make_app(RETENTION_HOURS=24).extensions["workshops"].manager.get(room.code) is None
    db = sqlite3.connect(tmp_path / "data" / "journal.sqlite3")
    assert db.execute("SELECT count(*) FROM actions").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
