"""A session handed over on request (workshops/sessions/handover.py), and HAProxy's table across a
reload and a restart.

First in one process: two or three SessionManagers, each with its own PgJournal on the same
database, play workers (as test_ownership.py does). A worker that is asked for a session it holds
lets it go with every acknowledged answer, its open group included, and the asking worker takes
it over; the rules against ping-pong hold.

Then through Debian's HAProxy with the shipped configuration, in master-worker mode as Debian's
systemd unit runs it (`-W`, a reload is SIGUSR2 to the master), in front of three real workers on
one PostgreSQL (test_routing.py's Farm). Classes (a console and phones, real Socket.IO clients)
vote while HAProxy is reloaded (the table is handed to the new process and nothing moves), then
restarted (the table is empty, each class goes where its code hashes, and a class held elsewhere
is handed over there), and while a live worker is marked down by mistake. Each time every phone is
back in its seat within 5 s, every acknowledged vote is in the journal once, and each re-sent one
is a duplicate.
"""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
import requests

from tests.cluster import proxied as cluster
from tests.cluster.proxied import ProxiedServer, Watch
from tests.cluster.test_ownership import Gate, class_in_a_poll, journaled, vote
from tests.cluster.test_routing import WORKERS, Proxy
from tests.trust.bursts import Burst, check_journal
from tests.trust.conftest import LEDGER, Room, goto, wait_until
from workshops.sessions import handover
from workshops.sessions import manager as manager_module
from workshops.sessions.keys import Keyring
from workshops.sessions.manager import Live, SessionManager
from workshops.sessions.pgjournal import PgJournal

pytestmark = pytest.mark.cluster

T0 = 1_800_000_000.0
PHONES = 4  # per class


class Clock:
    """A monotonic clock a test moves by hand (the rules against ping-pong count seconds)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Worker:
    """A SessionManager as a worker runs it: its timer loop keeps its leases and hears requests."""

    def __init__(self, url: str, **journal: Any):
        self.manager = SessionManager(PgJournal(url, **journal), Keyring(b"k" * 32), clock=lambda: T0)
        self.clock = Clock()
        self.manager.handovers = handover.Handovers(clock=self.clock)
        self.moved: list[Live] = []
        self.manager.moved_away = self.moved.append
        self._stop = threading.Event()
        self._loop = threading.Thread(target=self._tick, daemon=True)
        self._loop.start()

    def _tick(self) -> None:
        while not self._stop.wait(0.1):
            with contextlib.suppress(Exception):  # a closed journal: the worker is gone
                self.manager.keep_leases()

    def ask(self, code: str) -> tuple[Live | None, bool]:
        """A request the proxy routed here: the session if it came, and whether it is on its way."""
        live = self.manager.get(code, ask=True)
        return live, self.manager.moving(code)

    def stop(self) -> None:
        self._stop.set()
        self._loop.join(5)
        self.manager.journal.close()


@pytest.fixture
def workers(database_url, monkeypatch) -> Iterator[Callable[..., Worker]]:
    # Ask the database again at once after a refusal: these tests ask many times in a row.
    monkeypatch.setattr(manager_module, "_REFUSED_FOR", 0.0)
    made: list[Worker] = []

    def make(**journal: Any) -> Worker:
        made.append(Worker(database_url, **journal))
        return made[-1]

    yield make
    for worker in made:
        worker.stop()


class Listener:
    """A connection that hears the hand-over requests, as every worker's lease connection does."""

    def __init__(self, url: str):
        self.db = psycopg.connect(url, autocommit=True)
        self.db.execute(f"LISTEN {handover.CHANNEL}")

    def heard(self, wait: float = 0.5) -> list[str]:
        return [n.payload for n in self.db.notifies(timeout=wait)]


def in_thread(fn: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []
    thread = threading.Thread(target=lambda: out.append(fn()), daemon=True)
    thread.start()
    return thread, out


def test_an_owner_asked_for_a_session_lets_it_go_with_its_open_group_and_the_asker_takes_it(
    workers, database_url, demo_pack
):
    gate = Gate(pause=("_write",))
    a, b = workers(run_blocking=gate), workers()
    live_a = class_in_a_poll(a.manager, demo_pack)
    code, sid = live_a.code, live_a.id
    assert a.manager.submit(live_a, "p1", vote(["ok"]), cid="v1").ok
    # Held by A: B is refused without asking (a look at a worker's own port never pulls a class).
    assert b.manager.get(code) is None and b.manager.moving(code) and not a.moved

    # Two answers on their way on A: the first group is being written (held at the gate), the
    # second is staged behind it. Then a request for the class reaches B.
    gate.armed = True
    first, first_out = in_thread(lambda: a.manager.submit(live_a, "p2", vote(["pirtea"]), cid="v2"))
    assert gate.reached.wait(10)
    rev = live_a.head.rev
    second, second_out = in_thread(lambda: a.manager.submit(live_a, "p3", vote(["ok"]), cid="v3"))
    wait_until(lambda: live_a.head.rev == rev + 1, 10, "the second answer staged")
    asking, taken = in_thread(lambda: b.ask(code))
    # A hears the request within a tick, closes the class's connections first, and waits for
    # its groups; nothing is released before they are written.
    wait_until(lambda: a.moved == [live_a], 10, "A to close the class's connections")
    assert a.manager.journal.holds(sid) and not b.manager.journal.holds(sid)
    gate.opened.set()
    for thread in (first, second, asking):
        thread.join(10)
    assert first_out[0].ok and second_out[0].ok  # acknowledged on A, before A let go

    live_b, moving = taken[0]
    assert live_b is not None and not moving
    assert live_b.state == live_a.state and live_b.seen == live_a.seen
    # A closed the connections again once it let go: any connection made meanwhile.
    wait_until(lambda: a.moved == [live_a, live_a], 5, "A to close the connections again")
    assert not a.manager.journal.holds(sid) and a.manager.all() == [] and b.manager.journal.holds(sid)
    assert journaled(database_url, sid) == {"v1": 1, "v2": 1, "v3": 1}
    # The phones re-send what they did not hear acknowledged: duplicates on B, never applied twice.
    again = b.manager.submit(live_b, "p3", vote(["ok"]), cid="v3")
    assert again.ok and again.duplicate
    assert b.manager.submit(live_b, "p4", vote(["pirtea"]), cid="v4").ok
    assert journaled(database_url, sid) == {"v1": 1, "v2": 1, "v3": 1, "v4": 1}
    # A's own stragglers (a disconnect, a late request) do not pull it back, and are told "one moment".
    assert a.manager.get(code) is None and a.manager.moving(code)
    assert a.ask(code) == (None, True)
    assert b.manager.get(code) is live_b


def test_a_session_changes_hands_on_request_at_most_once_per_guard_time(workers, database_url, demo_pack, monkeypatch):
    monkeypatch.setattr(handover, "WAIT", 1.0)  # how long C waits for an owner that will not let go
    a, b, c = workers(), workers(), workers()
    code = class_in_a_poll(a.manager, demo_pack).code
    live_b, _ = b.ask(code)
    assert live_b is not None and b.manager.handovers.may_give(live_b.id) is False
    listener = Listener(database_url)

    # A handed it over on request: it does not ask for it back within GUARD seconds (nor take
    # it within QUIET), and B, which received it by hand-over, does not give it up as soon.
    assert a.ask(code) == (None, True)
    a.clock.now += handover.QUIET
    assert a.ask(code) == (None, True)
    assert listener.heard() == []  # A did not even ask
    assert c.ask(code) == (None, True)  # C asked (again and again while it waited); B keeps the class
    assert set(listener.heard()) == {live_b.id}
    assert b.manager.get(code) is live_b and not b.moved

    # GUARD seconds on, C's request is granted.
    b.clock.now += handover.GUARD
    live_c, _ = c.ask(code)
    assert live_c is not None and b.moved and b.manager.all() == []
    assert live_c.state == live_b.state and set(listener.heard()) == {live_b.id}

    # The new owner is gone (its worker stopped): A, which may not ask yet, takes it all the same.
    c.stop()
    assert a.manager.handovers.may_ask(code) is False
    live_a, moving = a.ask(code)
    assert live_a is not None and not moving and live_a.state == live_c.state
    assert listener.heard() == []
    listener.db.close()


# -- through HAProxy -----------------------------------------------------------------------------
proxied = cluster.proxied  # the fixture: three workers on this test's database behind HAProxy
OPTIONS = ["pirtea", "ok", "vasyttaa", "en-tieda"]


class Master:
    """HAProxy in master-worker mode, as Debian's systemd unit runs it (`-Ws`; here `-W -db`, in
    the foreground): a reload is SIGUSR2 to the master, a restart a new master."""

    def __init__(self, proxy: Proxy):
        self.proxy = proxy
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.proxy.folder / "haproxy.log", "ab") as log:
            self.proc = subprocess.Popen(
                [self.proxy.binary, "-W", "-db", "-f", str(self.proxy.config)], stdout=log, stderr=subprocess.STDOUT
            )
        self.proxy.procs.append(self.proc)
        wait_until(self._answers, 10, "HAProxy to answer on its admin socket")

    def _answers(self) -> bool:
        assert self.proc is not None and self.proc.poll() is None, f"HAProxy exited:\n{self.proxy.log}"
        try:
            return "be_sessions" in self.proxy.admin("show stat")
        except OSError:
            return False

    def pid(self) -> str:
        """The process id of the worker process that answers on the admin socket now."""
        return next(
            line.split(":")[1].strip() for line in self.proxy.admin("show info").splitlines() if line.startswith("Pid:")
        )

    def taught(self) -> bool:
        """Whether the running process has finished learning its table (`show peers`: the flags of
        both resyncs, from an older process and from remote peers), so that it teaches a new one."""
        found = re.search(r" flags=(0x[0-9a-f]+) ", self.proxy.admin("show peers"))
        return found is not None and int(found.group(1), 16) & 0x3 == 0x3

    def reload(self) -> None:
        """Reload, and wait until the new process has learnt its table from the old one."""
        assert self.proc is not None
        before = self.pid()
        self.proc.send_signal(signal.SIGUSR2)
        wait_until(lambda: self._answers() and self.pid() != before, 10, "the new HAProxy process to answer")
        wait_until(self.taught, 10, "the new HAProxy process to learn its table")

    def stop(self) -> None:
        assert self.proc is not None
        self.proc.terminate()
        self.proc.wait(10)


@contextlib.contextmanager
def hashing(server: ProxiedServer) -> Iterator[Callable[[str], str]]:
    """The worker a code hashes to with an empty table: asked of a second HAProxy with the same
    configuration and no entries, with a request that names the code but no session (`/healthz`)."""
    probe = Proxy({name: w.port for name, w in server.farm.workers.items()})

    def target(code: str) -> str:
        before = probe.answered()
        assert requests.get(f"{probe.url}/healthz", params={"code": code}, timeout=10).ok
        after = probe.answered()
        (name,) = [name for name in WORKERS if after[name]["2xx"] > before[name]["2xx"]]
        return name

    try:
        probe.start()
        for name in WORKERS:
            probe.wait_status(name, "UP")
        yield target
        assert probe.table() == {}
    finally:
        probe.stop()


class Class:
    """A class in the vote: its console, its projector and its phones, through the proxy."""

    def __init__(self, room: Room):
        self.room = room
        self.code = room.code
        self.host = room.host()
        self.screen = room.screen()
        self.phones = room.phones(PHONES)
        self.seats = [p.wait_view("own_view", lambda v: bool(v.get("seat")))["seat"] for p in self.phones]
        goto(self.host, "fiilis")
        self.screen.wait_view("screen_view", lambda v: (v.get("step") or {}).get("index") == 1)
        self.watch = Watch(self.host, self.screen, self.phones)

    def votes(self, burst: Burst) -> None:
        for i, phone in enumerate(self.phones):
            burst.add(
                phone,
                "pupil",
                {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": [OPTIONS[i % 4]]}},
            )

    def back(self) -> bool:
        """Every client reconnected since `watch.mark()` and sent its view again."""
        return all(self.watch._back(i) for i in range(len(self.watch.surfaces)))

    def in_their_seats(self) -> bool:
        return [p.view("own_view")["seat"] for p in self.phones] == self.seats


def statuses(proxy: Proxy) -> dict[str, Counter[str]]:
    """Answers each worker gave to requests of sessions, by class, since this HAProxy process started."""
    return {
        name: Counter({k: int(row[f"hrsp_{k}"] or 0) for k in ("2xx", "4xx", "5xx")})
        for name, row in proxy.stats().items()
    }


def back_in(classes: list[Class], since: float, timeout: float = 20) -> float:
    """Seconds from `since` until every client of every class is back."""
    while not all(c.back() for c in classes):
        assert time.monotonic() - since < timeout, (
            f"not back after {timeout} s: {[c.code for c in classes if not c.back()]}"
        )
        time.sleep(0.02)
    return time.monotonic() - since


def one_moment(url: str, code: str) -> None:
    """A worker that does not hold the class, asked as the proxy asks it, answers "one moment" to
    its page, its join and its Socket.IO handshake; asked directly, "not found", as before."""
    routed = {"X-Forwarded-For": "192.0.2.1"}  # what the proxy adds: the request was routed here
    page = requests.get(f"{url}/j/{code}", headers=routed, timeout=10)
    assert page.status_code == 503 and "<html" in page.text, page.status_code
    assert page.headers["Retry-After"] == "1" and page.headers["Refresh"] == "1"
    assert page.headers["Cache-Control"] == "no-store" and "X-Workshops-Code" not in page.headers
    seat = requests.post(f"{url}/j/{code}/seat", json={"lang": "fi"}, headers={**routed, "Origin": url}, timeout=10)
    assert seat.status_code == 503 and seat.json()["error"] == "not_saved" and seat.headers["Retry-After"] == "1"
    handshake = requests.get(
        f"{url}/socket.io/", params={"code": code, "EIO": "4", "transport": "polling"}, headers=routed, timeout=10
    )
    assert handshake.status_code == 503 and handshake.headers["Retry-After"] == "1"
    assert requests.get(f"{url}/j/{code}", timeout=10).status_code == 404


def test_a_reload_keeps_the_table_and_after_a_restart_each_class_is_handed_to_where_its_code_hashes(
    proxied: ProxiedServer,
):
    server, farm, proxy = proxied, proxied.farm, proxied.farm.proxy
    farm.start(*WORKERS)
    master = Master(proxy)
    master.start()
    for name in WORKERS:
        proxy.wait_status(name, "UP")

    # Sessions started on the home page go to the workers in turn. Keep classes until two are held
    # by another worker than their code hashes to (they must move after a restart) and one by
    # that very worker (it stays).
    rooms: list[Room] = []
    targets: dict[str, str] = {}
    with hashing(server) as target:
        while sum(proxy.table()[r.code] != targets[r.code] for r in rooms) < 2 or all(
            proxy.table()[r.code] != targets[r.code] for r in rooms
        ):
            assert len(targets) < 30, "the codes do not spread over the workers"
            room = Room(server)  # type: ignore[arg-type]  # a ProxiedServer serves as a ServerProcess
            targets[room.code] = target(room.code)
            moving = [r for r in rooms if proxy.table()[r.code] != targets[r.code]]
            staying = [r for r in rooms if proxy.table()[r.code] == targets[r.code]]
            mine = proxy.table()[room.code] != targets[room.code]
            if (mine and len(moving) < 2) or (not mine and not staying):
                rooms.append(room)
    holders = {r.code: farm.holder(r.code) for r in rooms}
    assert {c: proxy.table()[c] for c in holders} == holders
    classes = [Class(room) for room in rooms]

    # A reload (once the first process has finished learning, 5 s after its start: see
    # deploy/haproxy.cfg) hands the table to the new process: nothing moves, and a newcomer reaches
    # each class's worker at once.
    wait_until(master.taught, 15, "HAProxy to finish its first resync")
    table = proxy.table()
    master.reload()
    assert proxy.table() == table
    for room in rooms:
        late = room.phone()
        late.wait_view("own_view", lambda v: bool(v.get("seat")))
    answered = statuses(proxy)
    assert all(n["4xx"] == n["5xx"] == 0 for n in answered.values()), answered
    assert {name for name, n in answered.items() if n["2xx"]} == set(holders.values()), answered
    assert {r.code: farm.holder(r.code) for r in rooms} == holders

    # A restart in the middle of a vote: the new HAProxy's table is empty, so each class goes where
    # its code hashes, and the worker there asks the class's worker for it.
    burst = Burst()
    for c in classes:
        c.votes(burst)
    restarted: list[float] = []

    def restart() -> None:
        for c in classes:
            c.watch.mark()
        master.stop()
        master.start()
        restarted.append(time.monotonic())

    burst.fire(restart, after=3)
    seconds = back_in(classes, restarted[0])
    print(f"\nhand-over: HAProxy restarted -> all {len(classes)} classes back in their seats {seconds:.2f} s")
    assert seconds <= 5.0
    assert all(c.in_their_seats() for c in classes)
    burst.settle()
    check_journal(server, burst, LEDGER, "handover")  # before anyone re-sent anything
    burst.retry_all()
    check_journal(server, burst, LEDGER, "handover", retried=True)
    for c in classes:
        answered = c.host.wait_view("host_view", lambda v: v["activity"].get("answered") == PHONES)
        assert sum(answered["activity"]["counts"].values()) == PHONES
    # Every class is held by exactly the worker its code hashes to, and the table has learnt it.
    assert {r.code: farm.holder(r.code) for r in rooms} == {r.code: targets[r.code] for r in rooms}
    assert {c: proxy.table()[c] for c in holders} == {c: targets[c] for c in holders}
    assert sum(holders[c] != targets[c] for c in holders) == 2


def test_a_live_worker_marked_down_by_mistake_hands_its_class_over_and_it_stays_there(proxied: ProxiedServer):
    server, farm, proxy = proxied, proxied.farm, proxied.farm.proxy
    farm.start(*WORKERS)
    proxy.start()
    for name in WORKERS:
        proxy.wait_status(name, "UP")
    c = Class(Room(server))  # type: ignore[arg-type]
    owner = farm.holder(c.code)
    burst = Burst()
    c.votes(burst)
    marked: list[float] = []

    def mistake() -> None:
        # What a health check that timed out under load does: HAProxy marks the worker down and
        # closes its connections; the worker itself runs on, and still holds its lease.
        c.watch.mark()
        proxy.admin(f"set server be_sessions/{owner} health down")
        marked.append(time.monotonic())

    burst.fire(mistake, after=1)
    seconds = back_in([c], marked[0])
    print(f"\nhand-over: a live worker marked down -> its class back in its seats {seconds:.2f} s")
    assert seconds <= 5.0 and c.in_their_seats()
    new_owner = farm.holder(c.code)
    assert new_owner != owner and proxy.table()[c.code] == new_owner
    assert "handed over to the worker that asked for it" in farm.workers[owner].log
    # A request routed to the old worker now (a second HAProxy whose table still names it, say)
    # is told "one moment", and does not pull the class back so soon.
    one_moment(farm.workers[owner].url, c.code)
    burst.settle()
    check_journal(server, burst, LEDGER, "handover")
    burst.retry_all()
    check_journal(server, burst, LEDGER, "handover", retried=True)

    # The old worker is up again by its next health checks: the class stays where it went.
    proxy.wait_status(owner, "UP")
    before = proxy.answered()
    late = c.room.phone()
    late.wait_view("own_view", lambda v: bool(v.get("seat")))
    after = proxy.answered()
    assert after[owner] == before[owner] and after[new_owner]["2xx"] > before[new_owner]["2xx"]
    assert farm.holder(c.code) == new_owner and proxy.table()[c.code] == new_owner
    c.host.wait_view("host_view", lambda v: len(v["pupils"]) == PHONES + 1 and v["activity"]["answered"] == PHONES)
