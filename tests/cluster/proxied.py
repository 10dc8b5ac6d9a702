"""Three workers on one PostgreSQL behind the shipped HAProxy, as the trust suite's tests see a
server, and what the takeover tests measure and compare.

`ProxiedServer` gives a farm (test_routing.py) the face of tests/trust's `ServerProcess`: one
address (the proxy's) for every page and socket, one journal (the shared database) to read from
outside, and `kill9`, which kills the worker that holds the class; "starting again" is the proxy
routing around the dead worker, after which the class's next request is taken over by another.
So the trust suite's rooms, networks, bursts and journal checks run on the cluster unchanged.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests

from tests.cluster.test_routing import ROOT, WORKERS, Farm
from tests.trust.conftest import Client, wait_until
from workshops.sessions import views
from workshops.sessions.keys import Keyring
from workshops.sessions.manager import SessionManager
from workshops.sessions.pgjournal import PgJournal
from workshops.sessions.rules import SessionState


class ProxiedServer:
    """A farm behind its proxy, with what the trust suite's tests ask of a server."""

    def __init__(self, farm: Farm, database_url: str):
        self.farm = farm
        self.proxy = farm.proxy
        self.url = farm.url
        self.port = farm.proxy.port  # a test's network (tests/trust's Network) leads to the proxy
        self.database_url = database_url
        self.killed: str | None = None
        self.killed_at = 0.0  # time.monotonic() of the last kill
        self.killed_on = 0.0  # and its time.time(), the sessions' clock

    def facilitator(self) -> requests.Session:
        """A browser signed in with the facilitator password (the workers run with one)."""
        return self.farm.facilitator()

    def code(self) -> str:
        """The test's class: the newest session (a farm may serve a whole module's tests)."""
        return self.journal_rows("SELECT code FROM sessions ORDER BY created_at DESC LIMIT 1")[0][0]

    def owner(self) -> str:
        """The worker that holds the test's class (the one the proxy routes it to)."""
        return self.proxy.table()[self.code()]

    def kill9(self) -> None:
        """The power cable of the worker that holds the class."""
        self.killed = self.owner()
        self.killed_at, self.killed_on = time.monotonic(), time.time()
        self.farm.workers[self.killed].kill9()

    def start(self) -> None:
        """The service is back once the proxy has marked the killed worker down: the class's next
        request goes to another worker, which takes it over."""
        assert self.killed is not None
        self.proxy.wait_status(self.killed, "DOWN")

    def ready(self) -> None:
        """Wait until every running worker's journal answers again (`/readyz`, asked directly)."""
        for name, worker in self.farm.workers.items():
            if worker.proc is not None and worker.proc.poll() is None:
                wait_until(partial(_ready, worker.url), 15, f"{name} to reach the database again")

    def journal_rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.database_url, autocommit=True) as db:
            return db.execute(sql, params).fetchall()

    def action_count(self) -> int:
        """The journaled actions of the test's class."""
        sql = "SELECT count(*) FROM actions JOIN sessions ON sessions.id = session_id WHERE code = %s"
        return self.journal_rows(sql, (self.code(),))[0][0]

    def worker_log(self, name: str) -> str:
        return self.farm.workers[name].log

    @property
    def log(self) -> str:
        """Every worker's output, one after another."""
        return "\n".join(f"-- {name}\n{w.log}" for name, w in self.farm.workers.items())


def _ready(url: str) -> bool:
    # A worker finds its connection lost on its next query, and connects again on the one after.
    return requests.get(f"{url}/readyz", timeout=5).status_code == 200


@contextlib.contextmanager
def farm_on(root: Path, database_url: str) -> Iterator[ProxiedServer]:
    """Three workers on the database behind HAProxy (none started yet), stopped at the end."""
    farm = Farm(root)
    for worker in farm.workers.values():
        worker.args = (*worker.args, "--database", database_url)
    try:
        yield ProxiedServer(farm, database_url)
    finally:
        farm.stop()


@pytest.fixture
def proxied(tmp_path, database_url) -> Iterator[ProxiedServer]:
    """Three workers on this test's database behind HAProxy (`start` them)."""
    with farm_on(tmp_path, database_url) as server:
        yield server


def start(server: ProxiedServer, content: Path | None = None) -> None:
    """Start the workers (on `content` instead of the shipped packs) and the proxy."""
    farm = server.farm
    for worker in farm.workers.values():
        worker.content = content or worker.content
    farm.start(*WORKERS)
    farm.proxy.start()
    for name in WORKERS:
        farm.proxy.wait_status(name, "UP")


def content_with(tmp_path: Path, pack: str, old: str, new: str) -> Path:
    """The shipped packs with one line of one pack changed (a shorter timer: a test cannot wait a minute)."""
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    path = folder / pack / "pack.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"content/{pack}/pack.yaml no longer has {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def journaled(url: str, cids: list[str]) -> Counter[str]:
    """How many times each of these client ids is in the journal."""
    with psycopg.connect(url, autocommit=True) as db:
        found = db.execute("SELECT cid FROM actions WHERE cid = ANY(%s)", (cids,)).fetchall()
    return Counter(cid for (cid,) in found)


def saved_state(url: str, code: str) -> SessionState:
    """The class's state replayed from the journal in this process, as a worker taking it over
    replays it (without taking its lease): what the new owner must be showing."""
    journal = PgJournal(url)
    try:
        row = next(r for r in journal.sessions(open_only=False) if r.code == code)
        live = SessionManager(journal, Keyring(b"k" * 32))._replay(row)
    finally:
        journal.close()
    assert live is not None
    return live.state


def wire(value: Any) -> Any:
    """A view as a client receives it (tuples become lists, keys strings)."""
    return json.loads(json.dumps(value))


def expected_views(state: SessionState) -> dict[str, Any]:
    """Each surface's `activity` as the state gives it: the console, the projector, each pupil."""
    seen = {"host_view": views.host_view(state)["activity"], "screen_view": views.screen_view(state)["activity"]}
    for seat in state.active:
        seen[seat] = views.pupil_own(state, seat)["activity"]
    return wire(seen)


@dataclass
class Recovery:
    """Seconds from the kill: HAProxy marks the worker down, every phone is back in its seat
    (reconnected, and sent its own view again), the console and the projector have views again."""

    down: float
    phones: float
    console: float
    projector: float

    def line(self, scenario: str, phones: int) -> str:
        return (
            f"\ntakeover ({scenario}): kill -9 -> HAProxy marks it down {self.down:.2f} s; all {phones} phones "
            f"back in their seats {self.phones:.2f} s (= {self.phones - self.down:+.2f} s after marked down); "
            f"console {self.console:.2f} s, projector {self.projector:.2f} s"
        )


class Watch:
    """What each client had received when the worker was killed; then, when each was back."""

    def __init__(self, host: Client, screen: Client, phones: list[Client]):
        self.surfaces = [(host, "host_view"), (screen, "screen_view"), *((p, "own_view") for p in phones)]
        self.before: list[tuple[int, int]] = []

    def mark(self) -> None:
        """Call at the kill: what every client has had so far."""
        self.before = [(c.connects, c.received[event]) for c, event in self.surfaces]

    def _back(self, i: int) -> bool:
        client, event = self.surfaces[i]
        connects, received = self.before[i]
        return client.connected and client.connects > connects and client.received[event] > received

    def recovery(self, server: ProxiedServer, timeout: float = 20) -> Recovery:
        """Poll until every client is back; the times after `server.killed_at`."""
        killed = server.killed_at
        assert server.killed is not None
        times: dict[int, float] = {}
        down = None
        while down is None or len(times) < len(self.surfaces):
            now = time.monotonic()
            if down is None and server.proxy.stats()[server.killed]["status"].startswith("DOWN"):
                down = now - killed
            for i in range(len(self.surfaces)):
                if i not in times and self._back(i):
                    times[i] = now - killed
            missing = [i for i in range(len(self.surfaces)) if i not in times]
            assert now - killed < timeout, f"not back after {timeout} s: {missing} (0: console, 1: projector)"
            time.sleep(0.02)
        return Recovery(down, max(times[i] for i in range(2, len(self.surfaces))), times[0], times[1])
