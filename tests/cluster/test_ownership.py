"""Exactly one writer per session on a shared PostgreSQL journal: two SessionManagers, each with
its own PgJournal on the same database, play two workers (docs/architecture.md, "Ownership and
takeover").

A worker holds a session while it holds its lease (an advisory lock on its lease connection);
another worker takes the session over only when that lease is gone, adding one to the session's
epoch; every write of the old owner after that is refused by the epoch, so nothing it sends is
acknowledged or written, and every acknowledged action is in the journal exactly once and in
the new owner's state.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest

from workshops.sessions import manager as manager_module
from workshops.sessions.journal import JournalError
from workshops.sessions.keys import Keyring
from workshops.sessions.manager import Live, SessionManager
from workshops.sessions.pgjournal import _MIGRATION_LOCK, PgJournal, lease_key

pytestmark = pytest.mark.cluster

OPTIONS = ["pirtea", "ok", "vasyttaa", "en-tieda"]
T0 = 1_800_000_000.0


def vote(options: list[str]) -> dict[str, Any]:
    return {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": options}}


def rows(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as db:
        return db.execute(sql, params).fetchall()


@pytest.fixture(autouse=True)
def _ask_again_at_once(monkeypatch):
    # A refused code is not asked about again for a second (a reconnecting class asks once):
    # these tests ask again right after a lease is gone.
    monkeypatch.setattr(manager_module, "_REFUSED_FOR", 0.0)


@pytest.fixture
def workers(database_url) -> Iterator[Callable[..., SessionManager]]:
    made: list[SessionManager] = []

    def make(**journal: Any) -> SessionManager:
        m = SessionManager(PgJournal(database_url, **journal), Keyring(b"k" * 32), clock=lambda: T0)
        made.append(m)
        return m

    yield make
    for m in made:
        m.journal.close()


def cut_lease(cluster, worker: SessionManager) -> None:
    """Close a worker's lease connection from the server's side: its leases go, nothing else."""
    lease = worker.journal._lease  # type: ignore[attr-defined]
    assert lease is not None
    with cluster.admin() as admin:
        admin.execute("SELECT pg_terminate_backend(%s, 5000)", (lease.info.backend_pid,))


def class_in_a_poll(worker: SessionManager, pack, pupils: int = 6) -> Live:
    live = worker.create(pack)
    for _ in range(pupils):
        assert worker.join(live).ok
    assert worker.submit(live, "host", {"type": "goto", "step": 1, "expect": -1}).ok
    return live


def journaled(url: str, sid: str) -> dict[str, int]:
    """How often each client id is in the session's journal."""
    sql = "SELECT cid, count(*) FROM actions WHERE session_id = %s AND cid IS NOT NULL GROUP BY cid"
    return dict(rows(url, sql, (sid,)))


def test_the_lease_key_is_a_signed_64_bit_hash_of_the_session_id():
    keys = {lease_key(f"{i:032x}") for i in range(5000)}
    assert len(keys) == 5000 and all(-(2**63) <= k < 2**63 for k in keys) and _MIGRATION_LOCK not in keys
    assert lease_key("abc") == lease_key("abc") != lease_key("abd")


def test_a_worker_whose_lease_is_gone_is_taken_over_and_never_writes_again(workers, cluster, database_url, demo_pack):
    a, b = workers(), workers()
    live_a = class_in_a_poll(a, demo_pack)
    sid, code = live_a.id, live_a.code
    assert a.submit(live_a, "p1", vote(["ok"]), cid="a1").ok
    # Made on A, held by A from the start: B cannot take it, however often it is asked.
    assert b.get(code) is None and b.get(code) is None and not b.journal.holds(sid)
    assert b.all() == []

    cut_lease(cluster, a)  # A's lease connection dies (A itself goes on, unaware)
    live_b = b.get(code)
    assert live_b is not None and live_b is not live_a
    assert live_b.state == live_a.state and live_b.seen == live_a.seen  # the same replay as recover()
    assert rows(database_url, "SELECT epoch FROM sessions WHERE id = %s", (sid,)) == [(2,)]
    assert b.submit(live_b, "p2", vote(["pirtea"]), cid="b1").ok

    # A comes back with its stale state: its deletion, its answer and its timer are all refused,
    # and nothing of them is written.
    before = journaled(database_url, sid)
    with pytest.raises(JournalError):
        a.delete(live_a)
    assert rows(database_url, "SELECT count(*) FROM sessions WHERE id = %s", (sid,)) == [(1,)]
    assert a.all() == [] and a.get(code) is None  # let go; and B holds it
    out = a.submit(live_a, "p3", vote(["ok"]), cid="stale")
    assert not out.ok and out.error == "not_saved"
    assert journaled(database_url, sid) == before and "stale" not in before
    assert "p3" not in live_b.state.activities["fiilis"].votes

    # B goes on as the one writer; a new worker replays exactly B's state once B lets go.
    assert b.submit(live_b, "p3", vote(["ok"]), cid="b2").ok
    assert journaled(database_url, sid) == {"a1": 1, "b1": 1, "b2": 1}
    b.journal.close()
    c = workers()
    live_c = c.get(code)
    assert live_c is not None and live_c.state == live_b.state


def test_the_old_owners_append_end_and_deletion_are_each_refused_by_the_epoch(database_url, cluster):
    def old_owner_and_taker(sid: str) -> tuple[PgJournal, PgJournal]:
        old, new = PgJournal(database_url), PgJournal(database_url)
        old.create_session(sid, sid.upper()[:5], {"id": "x"}, 1, False, 0.0)
        old.commit(old.stage(sid, 1.0, "p1", "before", {"type": "reroll"}))
        with cluster.admin() as admin:  # the old owner's lease connection dies; it does not know
            admin.execute("SELECT pg_terminate_backend(%s, 5000)", (old._lease.info.backend_pid,))  # type: ignore[union-attr]
        assert old.holds(sid) and new.take(sid) and new.holds(sid)
        return old, new

    journals: list[PgJournal] = []
    try:
        for sid, attempt in (
            ("aaaaa", lambda j: j.commit(j.stage("aaaaa", 2.0, "p1", "stale", {"type": "reroll"}))),
            ("bbbbb", lambda j: j.commit(j.stage("bbbbb", 2.0, "host", "stale", {"type": "end"}, ends=True))),
            ("ccccc", lambda j: j.delete_session("ccccc")),
        ):
            old, new = old_owner_and_taker(sid)
            journals += [old, new]
            with pytest.raises(JournalError, match="another worker"):
                attempt(old)
            assert not old.holds(sid) and old.renew() == {sid}
            assert rows(database_url, "SELECT epoch, ended_at FROM sessions WHERE id = %s", (sid,)) == [(2, None)]
            assert [r.cid for r in new.actions(sid)] == ["before"]
            with pytest.raises(JournalError):  # and it stays refused, before reaching the database
                old.stage(sid, 3.0, "p1", "again", {"type": "reroll"})
            new.commit(new.stage(sid, 3.0, "p1", "after", {"type": "reroll"}))  # the new owner writes
    finally:
        for j in journals:
            j.close()


def test_a_lost_lease_connection_is_opened_again_and_the_lease_kept_if_nobody_took_it(workers, cluster, demo_pack):
    a, b = workers(), workers()
    live = class_in_a_poll(a, demo_pack)
    cut_lease(cluster, a)
    a.keep_leases(force=True)  # the timer loop's next renewal: a new connection, the lock taken again
    assert a.get(live.code) is live and b.get(live.code) is None
    assert a.submit(live, "p1", vote(["ok"]), cid="v1").ok


class Gate:
    """`run_blocking` for a journal: calls of the functions named in `pause` wait until opened."""

    def __init__(self, pause: tuple[str, ...]):
        self.pause = pause
        self.armed = False
        self.reached = threading.Event()
        self.opened = threading.Event()

    def __call__(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self.armed and getattr(fn, "__name__", "") in self.pause:
            self.armed = False
            self.reached.set()
            self.opened.wait(30)
        return fn(*args)


def test_a_paused_worker_loses_its_lease_and_is_fenced_when_it_resumes(workers, cluster, database_url, demo_pack):
    # A stops in the middle of an answer (a paused process, a VM stopped): its timer loop no
    # longer renews its lease, so the server closes the idle lease connection after the lease
    # time, and B may take the class over. Nothing is killed by hand here.
    gate = Gate(pause=("_write",))
    a = workers(run_blocking=gate, lease_timeout=1.0)
    b = workers()
    live_a = class_in_a_poll(a, demo_pack)
    lease_pid = a.journal._lease.info.backend_pid  # type: ignore[attr-defined]
    gate.armed = True
    outcome: list[Any] = []
    answer = threading.Thread(target=lambda: outcome.append(a.submit(live_a, "p1", vote(["ok"]), cid="paused")))
    answer.start()
    assert gate.reached.wait(10)  # decided and staged on A; its group not written yet

    def lease_gone() -> bool:
        return rows(database_url, "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (lease_pid,)) == [(0,)]

    deadline = time.monotonic() + 10
    while not lease_gone():
        assert time.monotonic() < deadline, "the server did not close the idle lease connection"
        time.sleep(0.1)
    live_b = b.get(live_a.code)
    assert live_b is not None and "p1" not in live_b.state.activities["fiilis"].votes
    assert b.submit(live_b, "p2", vote(["pirtea"]), cid="b1").ok

    gate.opened.set()  # A resumes: its group reaches the database, and is refused there
    answer.join(10)
    assert outcome and not outcome[0].ok and outcome[0].error == "not_saved"
    assert "paused" not in journaled(database_url, live_a.id)
    assert a.get(live_a.code) is None and a.all() == []
    again = a.submit(live_a, "p1", vote(["ok"]), cid="again")  # its stale copy still refuses
    assert again.error == "not_saved" and "again" not in journaled(database_url, live_a.id)
    assert b.submit(live_b, "p1", vote(["ok"]), cid="b2").ok
    assert journaled(database_url, live_a.id) == {"b1": 1, "b2": 1}


class PauseBeforeCommit:
    """A journal's writing connection that stops before its next COMMIT until opened: the group
    is past its epoch check and holds the session's row. (A group's statements go to libpq,
    `pgconn.exec_`: that is where its COMMIT is caught.)"""

    def __init__(self, db: Any):
        self.db = db
        self.armed = False
        self.reached = threading.Event()
        self.opened = threading.Event()
        self.pgconn = _PausingLibpq(self, db.pgconn)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)


class _PausingLibpq:
    def __init__(self, pause: PauseBeforeCommit, real: Any):
        self.pause, self.real = pause, real

    def exec_(self, sql: bytes) -> Any:
        if sql == b"COMMIT" and self.pause.armed:
            self.pause.armed = False
            self.pause.reached.set()
            self.pause.opened.wait(30)
        return self.real.exec_(sql)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def test_a_takeover_waits_for_a_group_already_past_its_check_and_replays_it(workers, cluster, database_url, demo_pack):
    a, b = workers(), workers()
    live_a = class_in_a_poll(a, demo_pack)
    a.journal._connection()  # type: ignore[attr-defined]
    pause = a.journal._db = PauseBeforeCommit(a.journal._db)  # type: ignore[attr-defined]
    pause.armed = True
    outcome: list[Any] = []
    answer = threading.Thread(target=lambda: outcome.append(a.submit(live_a, "p1", vote(["ok"]), cid="racing")))
    answer.start()
    assert pause.reached.wait(10)
    cut_lease(cluster, a)
    taken: list[Live | None] = []
    takeover = threading.Thread(target=lambda: taken.append(b.get(live_a.code)))
    takeover.start()
    time.sleep(0.4)  # B has the lease and waits for the session's row
    assert not taken
    pause.opened.set()
    answer.join(10)
    takeover.join(10)
    assert outcome[0].ok  # A's answer was committed before the takeover: acknowledged...
    assert taken[0] is not None and taken[0].state.activities["fiilis"].votes["p1"] == ("ok",)  # ...and replayed
    assert a.submit(live_a, "p2", vote(["ok"]), cid="late").error == "not_saved"
    assert journaled(database_url, live_a.id) == {"racing": 1}


@pytest.mark.parametrize("seed", [7, 19])
def test_random_interleavings_of_two_workers_keep_every_acknowledged_vote_exactly_once(
    workers, cluster, database_url, demo_pack, seed
):
    rng = random.Random(seed)
    a, b = workers(), workers()
    live = class_in_a_poll(a, demo_pack, pupils=8)
    sid, code = live.id, live.code
    seats = sorted(live.state.pupils)
    by_name = {"A": a, "B": b}
    acked: list[str] = []
    refused: list[str] = []
    kept: dict[str, tuple[str, ...]] = {}  # seat -> its last acknowledged vote
    served = {"A": 0, "B": 0}
    takeovers = 0
    for i in range(300):
        roll = rng.random()
        if roll < 0.04:  # the owner's lease connection dies
            owner = [m for m in by_name.values() if m.journal.holds(sid)]  # type: ignore[attr-defined]
            if owner and owner[0].journal._lease is not None:  # type: ignore[attr-defined]
                cut_lease(cluster, owner[0])
            continue
        if roll < 0.07:  # a worker's timer loop renews its leases
            rng.choice([a, b]).keep_leases(force=True)
            continue
        name = rng.choice("AB")
        worker = by_name[name]
        # Either a request that names the code (a takeover if nobody holds it), or a stale
        # handler that still has the session from before.
        held = [x for x in worker.all() if x.code == code]
        had = held[0] if held else None
        current = worker.get(code) if rng.random() < 0.7 or had is None else had
        if current is None:
            continue  # answered "not found": the proxy sends the class to the holder
        if had is None:
            takeovers += 1
        seat = rng.choice(seats)
        chosen = [rng.choice(OPTIONS)]
        cid = f"{name}{i}"
        out = worker.submit(current, seat, vote(chosen), cid=cid)
        if out.ok:
            acked.append(cid)
            kept[seat] = tuple(chosen)
            served[name] += 1
        else:
            assert out.error == "not_saved", out
            refused.append(cid)

    assert takeovers >= 3 and refused and min(served.values()) > 20, (takeovers, refused, served)
    saved = journaled(database_url, sid)
    assert {c: n for c, n in saved.items() if c[0] in "AB"} == dict.fromkeys(acked, 1)  # once each; nothing else
    owner = [m for m in (a, b) if m.journal.holds(sid)]  # type: ignore[attr-defined]
    if not owner:  # the last lease cut was not noticed by anyone yet: whoever asks first takes it
        owner = [m for m in (a, b) if m.get(code) is not None][:1]
    final = owner[0].get(code)
    assert final is not None
    assert final.state.activities["fiilis"].votes == {s: v for s, v in kept.items()}
    # What the owner shows is what the journal replays to.
    (row,) = [r for r in owner[0].journal.sessions() if r.id == sid]
    replayed = owner[0]._replay(row)
    assert replayed is not None and replayed.state == final.state


def test_expired_sessions_nobody_holds_are_purged_by_any_worker_once(workers, database_url, demo_pack):
    gone_worker = workers()
    old = [gone_worker.create(demo_pack) for _ in range(3)]
    gone_worker.journal.close()  # its worker stopped: nobody holds these
    b, c = workers(), workers()
    mine = b.create(demo_pack)  # held by B: C must leave it alone
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def purge(worker: SessionManager) -> None:
        start.wait()
        try:
            worker.purge(-60)  # everything is past the retention time
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=purge, args=(w,)) for w in (b, c)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    left = {sid for (sid,) in rows(database_url, "SELECT id FROM sessions")}
    assert not left & {live.id for live in old}
    # B purged its own session too (it held it); C never could.
    assert mine.id not in left and mine.deleted


def test_a_lease_connection_the_server_closed_as_idle_is_opened_again_on_next_use(database_url, cluster):
    journal = PgJournal(database_url, lease_timeout=0.5)
    try:
        journal.create_session("s1", "ABCDE", {"id": "x"}, 1, False, 0.0)
        pid = journal._lease.info.backend_pid  # type: ignore[union-attr]
        time.sleep(1.5)  # nobody renews: the server closes the idle lease connection
        assert rows(database_url, "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,)) == [(0,)]
        assert journal.claim("FGHJK") is None  # no such session; the connection is opened again
        assert journal.holds("s1") and journal.renew(force=True) == set()  # nobody took s1 meanwhile
        journal.commit(journal.stage("s1", 1.0, "p1", "a", {"type": "reroll"}))
    finally:
        journal.close()
