"""Every classroom to one worker by its code through Debian's nginx, with the shipped deploy/nginx.conf.

nginx has no table of which worker holds a class: it hashes the code (consistent hashing) over the
workers, so a class is served where its code hashes, and a worker asked for a session another live
worker holds has it handed over (workshops/sessions/handover.py). Three real `workshops serve`
workers share one PostgreSQL journal and one secret, behind nginx rendered for this test's ports
and paths (and a shorter `fail_timeout`: a test cannot wait ten seconds); every client comes from
127.0.0.1, so nothing here can be routed by address. nginx must be installed (`apt-get install -y
nginx-light`, or `nginx`): the tests fail without it, never skip.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import requests

from tests.cluster.test_routing import PASSWORD, WORKERS, Farm
from tests.trust.bursts import Burst, check_journal
from tests.trust.conftest import LEDGER, Client, Room, free_port, goto, wait_until

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "nginx.conf"
TEMPLATE_PORTS = {"w1": 5101, "w2": 5102, "w3": 5103}
FAIL_TIMEOUT = 2  # seconds a worker that refused is passed over (the shipped file says 10)
PHONES = 4
OPTIONS = ["pirtea", "ok", "vasyttaa", "en-tieda"]


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if found is None:
        pytest.fail(
            "nginx is not installed: the cluster tests run Debian's nginx in front of the workers "
            "(apt-get install -y nginx-light, or nginx)",
            pytrace=False,
        )
    return found


class Nginx:
    """nginx with the shipped configuration, on this test's ports, in the foreground."""

    def __init__(self, workers: dict[str, int]):
        self.binary = nginx_binary()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = Path(tempfile.mkdtemp(prefix="kit-nginx-"))
        self.config = self.folder / "nginx.conf"
        self.config.write_text(self.render(workers), encoding="utf-8")
        self.proc: subprocess.Popen | None = None
        checked = subprocess.run(
            [self.binary, "-t", "-c", str(self.config), "-e", str(self.folder / "check.log")],
            capture_output=True,
            text=True,
            timeout=30,
        )
        output = checked.stdout + checked.stderr
        assert checked.returncode == 0 and "[warn]" not in output and "[emerg]" not in output, output

    def render(self, workers: dict[str, int]) -> str:
        text = CONFIG.read_text(encoding="utf-8")
        # nginx runs as whoever runs the tests; as root, its workers too (the folder is root's).
        user = "user root;" if os.geteuid() == 0 else ""
        replacements = [
            ("user www-data;", user),
            ("/run/nginx.pid", str(self.folder / "nginx.pid")),
            ("/var/log/nginx/error.log", str(self.folder / "error.log")),
            ("/var/lib/nginx/", f"{self.folder}/"),
            ("listen 80;", f"listen 127.0.0.1:{self.port};"),
            ("fail_timeout=10s", f"fail_timeout={FAIL_TIMEOUT}s"),
        ]
        replacements += [(f"127.0.0.1:{TEMPLATE_PORTS[name]} ", f"127.0.0.1:{port} ") for name, port in workers.items()]
        for old, new in replacements:
            assert old in text, f"deploy/nginx.conf no longer has {old!r}: update tests/cluster with it"
            text = text.replace(old, new)
        return text

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "-c", str(self.config), "-e", str(self.folder / "stderr.log"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        wait_until(self._answers, 10, "nginx to answer")

    def _answers(self) -> bool:
        assert self.proc is not None and self.proc.poll() is None, (self.folder / "stderr.log").read_text()
        try:
            return requests.get(f"{self.url}/healthz", timeout=2).ok
        except requests.RequestException:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # nginx's graceful stop; TERM is its fast one
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        shutil.rmtree(self.folder, ignore_errors=True)


class Site:
    """Three workers on one database behind nginx, with what tests/trust's Room asks of a server."""

    def __init__(self, root: Path, database_url: str):
        self.farm = Farm(root)  # its HAProxy is never started
        self.nginx = Nginx({name: w.port for name, w in self.farm.workers.items()})
        self.url = self.nginx.url
        self.database_url = database_url
        for worker in self.farm.workers.values():
            worker.args = (
                "--password",
                PASSWORD,
                "--behind-proxy",
                "1",
                "--public-url",
                self.url,
                "--database",
                database_url,
            )

    def start(self) -> None:
        self.farm.start(*WORKERS)
        self.nginx.start()

    def facilitator(self) -> requests.Session:
        http = requests.Session()
        resp = http.post(f"{self.url}/login", data={"password": PASSWORD}, allow_redirects=False, timeout=10)
        assert resp.status_code == 302, resp.text
        return http

    @property
    def log(self) -> str:
        return "\n".join(f"--- {name}\n{w.log}" for name, w in self.farm.workers.items())

    def journal_rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.database_url, autocommit=True) as db:
            return db.execute(sql, params).fetchall()

    def holder(self, code: str) -> str:
        """The one worker that holds the session, asked directly (not through nginx: never pulls)."""
        return self.farm.holder(code)

    def handed_over(self) -> Counter[str]:
        """How many sessions each worker has handed over on request so far (its log says so)."""
        return Counter(
            {name: w.log.count("handed over to the worker that asked") for name, w in self.farm.workers.items()}
        )

    def stop(self) -> None:
        self.farm.stop()
        self.nginx.stop()


@pytest.fixture
def site(tmp_path, database_url) -> Iterator[Site]:
    made = Site(tmp_path, database_url)
    try:
        yield made
    finally:
        made.stop()


class Class:
    """A class in the vote through nginx: its console and its phones."""

    def __init__(self, room: Room):
        self.room = room
        self.code = room.code
        self.host = room.host()
        self.phones = room.phones(PHONES)
        self.seats = [p.wait_view("own_view", lambda v: bool(v.get("seat")))["seat"] for p in self.phones]
        goto(self.host, "fiilis")
        self.marks: list[tuple[int, int]] = []

    @property
    def clients(self) -> list[tuple[Client, str]]:
        return [(self.host, "host_view"), *((p, "own_view") for p in self.phones)]

    def votes(self, burst: Burst) -> None:
        for i, phone in enumerate(self.phones):
            action = {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": [OPTIONS[i % 4]]}}
            burst.add(phone, "pupil", action)

    def mark(self) -> None:
        self.marks = [(c.connects, c.received[event]) for c, event in self.clients]

    def back(self) -> bool:
        """Every client reconnected since `mark` and was sent its view again, each in its own seat."""
        pairs = zip(self.clients, self.marks, strict=True)
        if not all(c.connected and c.connects > n and c.received[e] > r for (c, e), (n, r) in pairs):
            return False
        return [p.view("own_view")["seat"] for p in self.phones] == self.seats

    def back_in(self, since: float, timeout: float = 20) -> float:
        wait_until(self.back, timeout, f"class {self.code} back in its seats")
        return time.monotonic() - since


def test_nginx_routes_each_class_by_its_code_over_the_workers_from_one_address(site: Site):
    site.start()
    # Sessions started on the home page go to the workers in turn; each moves at once, with its
    # console's first page, to the worker its code hashes to. Keep starting them until they are
    # held by at least two workers and at least one was handed over on its way.
    rooms: list[Room] = []
    while len(rooms) < 4 or len({site.holder(r.code) for r in rooms}) < 2 or not sum(site.handed_over().values()):
        assert len(rooms) < 20, "the codes do not spread over the workers"
        rooms.append(Room(site))  # type: ignore[arg-type]  # a Site serves as a ServerProcess
    holders = {r.code: site.holder(r.code) for r in rooms}
    print(f"\nnginx: {len(rooms)} sessions held by {dict(Counter(holders.values()))}, {site.handed_over()} handed over")

    handed = site.handed_over()
    classes = [Class(room) for room in rooms[:3]]
    burst = Burst()
    for c in classes:
        c.votes(burst)
    burst.fire(lambda: None, after=0)
    burst.settle()
    assert len(burst.acknowledged()) == len(burst.items)
    check_journal(site, burst, LEDGER, "nginx")
    for c in classes:
        view = c.host.wait_view("host_view", lambda v: v["activity"].get("answered") == PHONES)
        assert sum(view["activity"]["counts"].values()) == PHONES
        # The rest of a class's requests: its QR code, its report, a code typed in another form.
        assert requests.get(f"{site.url}/qr/{c.code}.svg", timeout=10).status_code == 200
        assert c.room.http.get(f"{site.url}/report/{c.code}", timeout=10).status_code == 200
        typed = requests.get(f"{site.url}/join", params={"code": f"{c.code[:2].lower()}-{c.code[2:]}"}, timeout=10)
        assert typed.status_code == 200 and typed.url == f"{site.url}/j/{c.code}", typed.url
        lower = requests.get(f"{site.url}/j/{c.code.lower()}", timeout=10)  # redirected, unless it hashed home
        assert lower.ok and lower.url in (f"{site.url}/j/{c.code}", f"{site.url}/j/{c.code.lower()}")
        response = requests.get(f"{site.url}/j/{c.code}", timeout=10)
        assert response.ok and "X-Workshops-Code" not in response.headers
    # Nothing moved while the classes ran: every request of a class reached the worker its code
    # hashes to, which holds it, whatever form its code was typed in.
    assert {r.code: site.holder(r.code) for r in rooms} == holders and site.handed_over() == handed
    assert requests.get(f"{site.url}/metrics", timeout=10).status_code == 404


def test_nginx_a_class_whose_worker_is_killed_is_back_within_5_s_and_moves_back_when_it_returns(site: Site):
    site.start()
    c = Class(Room(site))  # type: ignore[arg-type]
    owner = site.holder(c.code)
    burst = Burst()
    c.votes(burst)
    killed: list[float] = []

    def kill() -> None:
        c.mark()
        site.farm.workers[owner].kill9()
        killed.append(time.monotonic())

    # No health checks in nginx: the phones' connections close with the worker, they reconnect at
    # once, nginx finds the worker's port refusing and passes the request to the next worker of
    # the ring, which takes the class over from the journal.
    burst.fire(kill, after=1)
    seconds = c.back_in(killed[0])
    print(f"\nnginx: kill -9 -> the class back in its seats {seconds:.2f} s")
    assert seconds <= 5.0
    burst.settle()
    check_journal(site, burst, LEDGER, "nginx")
    burst.retry_all()
    check_journal(site, burst, LEDGER, "nginx", retried=True)
    new_owner = site.holder(c.code)
    assert new_owner != owner

    # The worker comes back. After `fail_timeout` nginx sends it the class's next request (a
    # newcomer's join), and it asks for the class: a hand-over back, every acknowledged vote in it.
    site.farm.start(owner)
    time.sleep(FAIL_TIMEOUT)
    handed = site.handed_over()
    c.mark()
    moved = time.monotonic()
    late = c.room.phone()
    late.wait_view("own_view", lambda v: bool(v.get("seat")))
    # Timed for the record only: the returning worker is cold (its first replay, its first views).
    seconds = c.back_in(moved)
    print(f"nginx: the worker back -> the class handed back to it, in its seats {seconds:.2f} s")
    assert site.holder(c.code) == owner and site.handed_over() - handed == Counter({new_owner: 1})
    view = c.host.wait_view("host_view", lambda v: len(v["pupils"]) == PHONES + 1)
    assert view["activity"]["answered"] == PHONES
    assert re.search(r"taken over handed over by its worker", site.farm.workers[owner].log)
