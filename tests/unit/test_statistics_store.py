"""The statistics' own SQLite file and their capture by the session manager (sessions/statstore.py)."""

from __future__ import annotations

import logging
import sqlite3
from datetime import date
from typing import Any

import pytest

from tests.unit.test_statistics import DAY, LABELS, NICK, SECRET, a_class
from tests.unit.test_tasks import PACK, ROOT, STEPS
from workshops.sessions import statistics
from workshops.sessions.journal import Journal
from workshops.sessions.keys import Keyring
from workshops.sessions.manager import SessionManager
from workshops.sessions.statstore import SqliteStatStore, StatError, recorder

T0 = 1_800_000_000.0


def record(n: int = 1, day: str = "2026-12-06", devices: int = 12) -> dict[str, Any]:
    return statistics.validate(
        {
            "v": 1,
            "id": f"{n:032x}",
            "pack": "esittely",
            "pack_version": "0123456789ab",
            "title": {"fi": "Esittely"},
            "adults": False,
            "date": day,
            "language": "fi",
            "mode": "live",
            "minutes": 45.5,
            "labels": {"place": "Koulu"},
            "participants": {"devices": devices, "team_devices": 0, "entered": 0},
            "steps": [],
        }
    )


@pytest.fixture
def store(tmp_path):
    s = SqliteStatStore(tmp_path / "statistics.sqlite3")
    yield s
    s.close()


# -- the store ---------------------------------------------------------------------------------------
def test_add_is_idempotent_on_the_id_and_put_replaces(store, tmp_path):
    assert store.add(record(1)) is True
    assert store.add(record(1, devices=99)) is False
    assert store.all() == [record(1)]
    store.put(record(1, devices=30))
    assert store.all() == [record(1, devices=30)]
    reopened = SqliteStatStore(tmp_path / "statistics.sqlite3")
    assert reopened.all() == [record(1, devices=30)]
    reopened.close()


def test_all_is_oldest_day_first(store):
    for n, day in ((1, "2026-12-06"), (2, "2025-01-31"), (3, "2026-03-01")):
        store.add(record(n, day))
    assert [r["date"] for r in store.all()] == ["2025-01-31", "2026-03-01", "2026-12-06"]


def test_merge_counts_added_and_known_and_refuses_a_bad_file_whole(store):
    store.add(record(1))
    assert store.merge([record(1), record(2), record(3)]) == (2, 1)
    assert store.merge([record(2), record(3)]) == (0, 2)
    bad = record(4) | {"nicknames": [NICK]}
    with pytest.raises(ValueError):
        store.merge([record(5), bad])
    assert [r["id"] for r in store.all()] == [record(n)["id"] for n in (1, 2, 3)]  # record 5 was not added either


def test_delete_before_a_day(store):
    for n, day in ((1, "2025-06-01"), (2, "2025-12-31"), (3, "2026-01-01")):
        store.add(record(n, day))
    assert store.delete_before("2026-01-01") == 2
    assert [r["date"] for r in store.all()] == ["2026-01-01"]
    with pytest.raises(ValueError):
        store.delete_before("1.1.2026")


def test_an_unreadable_row_is_left_out(store, tmp_path):
    store.add(record(1))
    raw = sqlite3.connect(tmp_path / "statistics.sqlite3")
    raw.execute("INSERT INTO records VALUES ('x', '2026-01-01', 'p', '{\"nick\": 1}')")
    raw.commit()
    raw.close()
    assert store.all() == [record(1)]


def test_a_folder_that_cannot_hold_the_file_is_a_stat_error(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(StatError):
        SqliteStatStore(tmp_path / "file" / "statistics.sqlite3")


# -- capture by the manager ------------------------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def kit(tmp_path, store):
    clock = Clock()
    journal = Journal(tmp_path / "journal.sqlite3")
    manager = SessionManager(journal, Keyring(b"k" * 32), clock=clock)
    manager.on_closing = recorder(store)
    yield manager, journal, clock
    journal.close()


def play(manager: SessionManager, clock: Clock, live, *, end: bool) -> None:
    """Two phones, one renamed, answers and an open text; ended or not."""
    for _ in range(2):
        assert manager.join(live).ok
    assert manager.submit(live, "host", {"type": "own_nicknames", "allowed": True}).ok
    assert manager.submit(live, "p1", {"type": "rename", "nick": NICK}).ok
    assert manager.submit(live, "host", {"type": "nick", "seat": "p1", "approve": True}).ok
    clock.now += 60
    assert manager.submit(live, "host", {"type": "goto", "step": STEPS.index("tv"), "expect": -1}).ok
    assert manager.submit(live, "p1", {"type": "act", "step": "tv", "action": {"type": "answer", "value": True}}).ok
    clock.now += 60
    goto = {"type": "goto", "step": STEPS.index("avoin"), "expect": STEPS.index("tv")}
    assert manager.submit(live, "host", goto).ok
    assert manager.submit(live, "p2", {"type": "act", "step": "avoin", "action": {"type": "answer", "text": SECRET}}).ok
    clock.now += 60
    if end:
        assert manager.submit(live, "host", {"type": "end"}).ok


def test_ending_writes_the_record_and_deleting_keeps_it(kit, store):
    manager, _journal, clock = kit
    live = manager.create(PACK, labels=LABELS)
    play(manager, clock, live, end=False)
    assert store.all() == []
    assert manager.submit(live, "host", {"type": "end"}).ok
    (saved,) = store.all()
    assert saved["id"] == live.stats_id and saved["labels"] == LABELS
    assert saved["date"] == date.fromtimestamp(T0).isoformat()
    assert saved["participants"]["devices"] == 2
    manager.delete(live)
    assert store.all() == [saved]


def test_deleting_a_session_that_did_not_end_writes_its_record_first(kit, store):
    manager, _journal, clock = kit
    live = manager.create(PACK)
    play(manager, clock, live, end=False)
    manager.delete(live)
    (saved,) = store.all()
    assert saved["participants"]["devices"] == 2 and saved["labels"] == {}
    steps = {s["id"]: s for s in saved["steps"]}
    assert steps["tv"]["counts"] == {"true": 1, "false": 0}


def test_a_rehearsal_and_an_empty_session_leave_no_record(kit, store):
    manager, _journal, _clock = kit
    rehearsal = manager.create(PACK, rehearsal_pupils=3)
    assert rehearsal.stats_id is None
    for _ in range(3):
        assert manager.join(rehearsal, simulated=True).ok
    assert manager.join(rehearsal).ok  # a real phone may join a rehearsal: still no statistics
    assert manager.submit(rehearsal, "host", {"type": "end"}).ok
    manager.delete(rehearsal)
    empty = manager.create(PACK, labels=LABELS)
    assert manager.submit(empty, "host", {"type": "end"}).ok
    manager.delete(empty)
    assert store.all() == []


def test_the_id_and_labels_survive_a_restart(kit, store, tmp_path):
    manager, journal, clock = kit
    live = manager.create(PACK, labels={"place": "  Koulu  ", "grade": "x" * 100})
    assert live.labels == {"place": "Koulu", "grade": "x" * 80}
    play(manager, clock, live, end=False)
    journal.close()
    journal = Journal(tmp_path / "journal.sqlite3")
    again = SessionManager(journal, Keyring(b"k" * 32), clock=clock)
    again.on_closing = recorder(store)
    assert again.recover() == 1
    replayed = again.get(live.code)
    assert replayed is not None
    assert (replayed.stats_id, replayed.labels) == (live.stats_id, live.labels)
    assert again.submit(replayed, "host", {"type": "end"}).ok
    (saved,) = store.all()
    assert saved["id"] == live.stats_id
    journal.close()


def test_the_purge_writes_the_record_before_deleting(kit, store):
    manager, _journal, clock = kit
    live = manager.create(PACK, labels=LABELS)
    play(manager, clock, live, end=False)
    clock.now += 7 * 24 * 3600
    assert manager.purge(3600) == [live]
    (saved,) = store.all()
    assert saved["id"] == live.stats_id


class Broken:
    """A store whose every write fails."""

    def put(self, record: dict[str, Any]) -> None:
        raise StatError("disk full")


def test_a_statistics_failure_is_logged_without_pupil_data_and_deletes_anyway(kit, caplog):
    manager, journal, clock = kit
    manager.on_closing = recorder(Broken())  # type: ignore[arg-type]
    live = manager.create(PACK, labels=LABELS)
    play(manager, clock, live, end=False)
    with caplog.at_level(logging.INFO):
        manager.delete(live)
    assert manager.get(live.code) is None and journal.sessions(open_only=False) == []
    logged = caplog.text
    assert "statistics could not be saved" in logged and live.code in logged
    for secret in (NICK, SECRET, *LABELS.values()):
        assert secret not in logged


def test_a_failing_callback_never_stops_the_end_or_the_deletion(kit):
    manager, journal, clock = kit

    def boom(live) -> None:
        raise RuntimeError(NICK)

    manager.on_closing = boom
    live = manager.create(PACK)
    play(manager, clock, live, end=True)
    manager.delete(live)
    assert journal.sessions(open_only=False) == []


def test_the_file_holds_no_nickname_text_or_code(kit, store, tmp_path):
    manager, _journal, clock = kit
    live = manager.create(PACK, labels=LABELS)
    play(manager, clock, live, end=True)
    manager.delete(live)
    data = (tmp_path / "statistics.sqlite3").read_bytes()
    assert live.stats_id is not None and live.stats_id.encode() in data
    for secret in (NICK, SECRET, live.code, live.id):
        assert secret.encode() not in data, secret


def test_a_record_of_the_class_is_what_the_store_keeps(store):
    made = statistics.record_of(a_class(), stats_id="a" * 32, labels=LABELS, today=DAY)
    assert made is not None
    store.put(made)
    assert store.all() == [made]


class FailsOnce:
    """A store whose first write fails (a full disk, a lost database): the next one works."""

    def __init__(self, store: SqliteStatStore) -> None:
        self.store, self.failed = store, False

    def put(self, record: dict[str, Any]) -> None:
        if not self.failed:
            self.failed = True
            raise StatError("disk full")
        self.store.put(record)


def test_a_record_not_written_at_the_end_is_written_before_the_deletion(kit, store):
    manager, _journal, clock = kit
    flaky = FailsOnce(store)
    manager.on_closing = recorder(flaky)  # type: ignore[arg-type]
    live = manager.create(PACK, labels=LABELS)
    play(manager, clock, live, end=True)
    assert flaky.failed and store.all() == []
    manager.delete(live)
    (saved,) = store.all()
    assert saved["id"] == live.stats_id


def test_the_stats_command_counts_and_deletes_before_a_day(tmp_path, capsys):
    from workshops.cli import main

    kept = SqliteStatStore(tmp_path / "statistics.sqlite3")
    for n, day in ((1, "2025-06-01"), (2, "2025-12-31"), (3, "2026-01-01")):
        kept.add(record(n, day))
    kept.close()
    assert main(["stats", "--data-dir", str(tmp_path)]) == 0
    assert "3 statistics record(s), 2025-06-01 to 2026-01-01" in capsys.readouterr().out
    assert main(["stats", "--data-dir", str(tmp_path), "--delete-before", "2026-01-01"]) == 0
    out = capsys.readouterr().out
    assert "deleted 2 statistics record(s)" in out and "1 statistics record(s)" in out
    with pytest.raises(SystemExit):
        main(["stats", "--data-dir", str(tmp_path), "--delete-before", "1.1.2026"])


def test_a_self_paced_session_is_recorded_as_such(kit, store):
    from workshops.packs import load_pack

    manager, _journal, _clock = kit
    pack = load_pack(ROOT / "content" / "hyvinvointipuntari").pack
    assert pack is not None and pack.self_paced
    live = manager.create(pack)
    assert manager.open_paced(live, T0 + 86_400).ok
    assert manager.join(live).ok
    manager.delete(live)
    (saved,) = store.all()
    assert saved["mode"] == "self_paced" and saved["participants"]["devices"] == 1
