"""Every classroom to one worker, by its session code, through a real HAProxy.

Debian's HAProxy runs the shipped `deploy/haproxy.cfg`, rendered only for this test's ports
and paths, in front of real `workshops serve` workers (each with its own data folder, the same
secret and password, `--behind-proxy 1`). Every client comes from 127.0.0.1, so nothing here
can be routed by address: a session that works through the proxy was routed by its code, since
a worker that does not hold a session answers 404 or refuses the connection.

Until the shared journal lands, a worker's takeover of a dead worker's sessions is played by
hand: a worker started on a copy of the dead one's data folder holds its sessions, as a worker
reading the shared journal will.
"""

from __future__ import annotations

import csv
import io
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import socketio

from tests.trust.conftest import Client, ServerProcess, close_clients, free_port, wait_until

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "haproxy.cfg"
PASSWORD = "cluster-test-password"
WORKERS = ("w1", "w2", "w3")
TEMPLATE_PORTS = {"w1": 5101, "w2": 5102, "w3": 5103}


def haproxy_binary() -> str:
    found = shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if os.access(p, os.X_OK)), None
    )
    if found is None:
        pytest.fail(
            "HAProxy is not installed: the cluster tests run Debian's haproxy in front of the workers "
            "(apt-get install -y haproxy)",
            pytrace=False,
        )
    return found


class Proxy:
    """HAProxy with the shipped configuration, on this test's ports; its admin socket to read it."""

    def __init__(self, workers: dict[str, int]):
        self.binary = haproxy_binary()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # A short folder: a Unix socket's path has at most 107 bytes.
        self.folder = Path(tempfile.mkdtemp(prefix="kit-haproxy-"))
        self.admin_path = self.folder / "admin.sock"
        self.config = self.folder / "haproxy.cfg"
        self.config.write_text(self.render(workers), encoding="utf-8")
        self.procs: list[subprocess.Popen] = []
        checked = subprocess.run(
            [self.binary, "-c", "-f", str(self.config)], capture_output=True, text=True, timeout=30
        )
        output = checked.stdout + checked.stderr
        assert checked.returncode == 0 and "WARNING" not in output and "ALERT" not in output, output

    def render(self, workers: dict[str, int]) -> str:
        text = CONFIG.read_text(encoding="utf-8")
        replacements = [
            ("bind :80 ", f"bind 127.0.0.1:{self.port} "),
            ("/run/haproxy/admin.sock", str(self.admin_path)),
            # The local peer (the table's hand-over on a reload): a port of this HAProxy's own.
            ("127.0.0.1:5100 ", f"127.0.0.1:{free_port()} "),
            # HAProxy runs as whoever runs the tests: no chroot, no change of user.
            ("    chroot /var/lib/haproxy\n", ""),
            ("    user haproxy\n", ""),
            ("    group haproxy\n", ""),
        ]
        replacements += [(f"127.0.0.1:{TEMPLATE_PORTS[name]} ", f"127.0.0.1:{port} ") for name, port in workers.items()]
        for old, new in replacements:
            assert old in text, f"deploy/haproxy.cfg no longer has {old!r}: update tests/cluster with it"
            text = text.replace(old, new)
        return text

    def start(self) -> None:
        with open(self.folder / "haproxy.log", "wb") as log:
            self.procs.append(
                subprocess.Popen([self.binary, "-db", "-f", str(self.config)], stdout=log, stderr=subprocess.STDOUT)
            )
        wait_until(self._answers, 10, "HAProxy to answer on its admin socket")

    def _answers(self) -> bool:
        if self.procs[-1].poll() is not None:
            raise AssertionError(f"HAProxy exited:\n{self.log}")
        try:
            return "be_sessions" in self.admin("show stat")
        except OSError:
            return False

    @property
    def log(self) -> str:
        return (self.folder / "haproxy.log").read_text(errors="replace")

    def admin(self, command: str) -> str:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(str(self.admin_path))
            s.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def table(self) -> dict[str, str]:
        """The stick table: session code -> the name of the server it is routed to."""
        return dict(re.findall(r" key=(\S+) .*?server_key=(\S+)", self.admin("show table be_sessions")))

    def stats(self) -> dict[str, dict[str, str]]:
        """`show stat` of the session backend's servers, by name (status, hrsp_2xx, hrsp_4xx...)."""
        rows = csv.DictReader(io.StringIO(self.admin("show stat").lstrip("# ")))
        return {r["svname"]: r for r in rows if r["pxname"] == "be_sessions" and r["svname"] in WORKERS}

    def answered(self) -> dict[str, Counter[str]]:
        """Responses each worker gave to requests of sessions, by class: {"w1": {"2xx": 5, "4xx": 0}}."""
        return {
            name: Counter({"2xx": int(row["hrsp_2xx"] or 0), "4xx": int(row["hrsp_4xx"] or 0)})
            for name, row in self.stats().items()
        }

    def wait_status(self, server: str, status: str, timeout: float = 15) -> None:
        wait_until(lambda: self.stats()[server]["status"] == status, timeout, f"HAProxy to see {server} {status}")

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
        shutil.rmtree(self.folder, ignore_errors=True)


class Farm:
    """Three worker slots (w1-w3) behind one HAProxy; a slot may stay empty (its server is down)."""

    def __init__(self, root: Path):
        self.root = root
        secret = secrets.token_bytes(32)  # one secret for all: keys, tokens and the login cookie work on any worker
        self.workers: dict[str, ServerProcess] = {}
        for name in WORKERS:
            (root / name).mkdir()
            worker = ServerProcess(root / name)
            worker.data_dir.mkdir()
            fd = os.open(worker.data_dir / "secret.key", os.O_WRONLY | os.O_CREAT, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(secret)
            self.workers[name] = worker
        self.proxy = Proxy({name: w.port for name, w in self.workers.items()})
        self.url = self.proxy.url
        for worker in self.workers.values():
            worker.args = ("--password", PASSWORD, "--behind-proxy", "1", "--public-url", self.url)

    def start(self, *names: str) -> None:
        for name in names:
            self.workers[name].start(wait=False)
        for name in names:
            self.workers[name].wait_ready()

    def holder(self, code: str) -> str:
        """The one worker that has the session, asked directly (not through the proxy)."""
        found = [
            name
            for name, w in self.workers.items()
            if w.proc is not None and w.proc.poll() is None and requests.get(f"{w.url}/j/{code}", timeout=5).ok
        ]
        assert len(found) == 1, f"{code} is held by {found}"
        return found[0]

    def facilitator(self) -> requests.Session:
        http = requests.Session()
        resp = http.post(f"{self.url}/login", data={"password": PASSWORD}, allow_redirects=False, timeout=10)
        assert resp.status_code == 302, resp.text
        return http

    def new_session(self, http: requests.Session) -> str:
        """Start a session as the home page's form does; the redirect goes to its console."""
        resp = http.post(
            f"{self.url}/sessions", data={"pack": "esittely"}, headers={"Origin": self.url}, allow_redirects=False
        )
        assert resp.status_code == 302, resp.text
        code = re.fullmatch(r"/host/(\w+)", resp.headers["Location"])
        assert code is not None, resp.headers["Location"]
        return code.group(1)

    def socket(self, code: str, auth: dict[str, str], transport: str) -> Client:
        """A Socket.IO client as static/js/lib.js makes one: the code in the address and in `auth`."""
        client = Client(f"{self.url}/?code={code}", {"code": code, **auth})
        client.connect((transport,))
        assert client.sio.transport() == transport
        return client

    def seat(self, code: str) -> requests.Response:
        return requests.post(f"{self.url}/j/{code}/seat", json={"lang": "fi"}, headers={"Origin": self.url}, timeout=10)

    def stop(self) -> None:
        close_clients()
        for worker in self.workers.values():
            worker.stop()
        self.proxy.stop()


@pytest.fixture
def farm(tmp_path) -> Iterator[Farm]:
    made = Farm(tmp_path)
    try:
        yield made
    finally:
        made.stop()


def _get(url: str, **kw) -> requests.Response:
    # No cookies: a wrong worker's 404 must not give this "browser" a guess budget of its own.
    return requests.get(url, timeout=10, allow_redirects=False, **kw)


def test_every_request_of_a_class_reaches_the_worker_that_holds_it(farm: Farm):
    farm.start(*WORKERS)
    farm.proxy.start()
    for name in WORKERS:
        farm.proxy.wait_status(name, "UP")
    http = farm.facilitator()
    codes = [farm.new_session(http) for _ in range(6)]

    # The proxy learnt each new code from the answer that made it, before the redirect was
    # followed; the worker it names is the one that has the session. Six sessions spread evenly.
    holders = {code: farm.holder(code) for code in codes}
    assert farm.proxy.table() == holders
    per_worker = Counter(holders.values())
    assert set(per_worker) == set(WORKERS) and max(per_worker.values()) / min(per_worker.values()) <= 2, per_worker

    for code in codes:
        console = http.get(f"{farm.url}/host/{code}", timeout=10)
        assert console.status_code == 200 and code in console.text
        assert "X-Workshops-Code" not in console.headers  # for the proxy's table only
        key = http.cookies[f"host_{code}"]
        host = farm.socket(code, {"role": "host", "key": key}, "websocket")
        host.wait_view("host_view", lambda v: v["pupils"] == [])
        # Pupils join through the proxy and connect over both transports; every long-polling
        # request of the Engine.IO session has to reach the same worker as its handshake.
        tokens = []
        for _ in range(2):
            seat = farm.seat(code)
            assert seat.status_code == 200, seat.text
            tokens.append(seat.json()["token"])
        polling = farm.socket(code, {"role": "pupil", "token": tokens[0]}, "polling")
        websocket = farm.socket(code, {"role": "pupil", "token": tokens[1]}, "websocket")
        for phone in (polling, websocket):
            phone.wait_view("own_view", lambda v: True)
        host.wait_view("host_view", lambda v: [p["online"] for p in v["pupils"]] == [True, True])
        assert polling.send("pupil", {"type": "talk"})["ok"]
        # The rest of a session's requests: a typed code, its QR code, its report.
        typed = _get(f"{farm.url}/join", params={"code": f"{code[:2].lower()} -{code[2:].lower()}"})
        assert typed.status_code == 302 and typed.headers["Location"].endswith(f"/j/{code}")
        assert _get(f"{farm.url}/qr/{code}.svg").status_code == 200
        assert http.get(f"{farm.url}/report/{code}", timeout=10).status_code == 200
    # Every one of those requests was answered by a worker that has the session.
    assert all(row["4xx"] == 0 for row in farm.proxy.answered().values()), farm.proxy.answered()


def test_a_class_whose_worker_is_down_is_redispatched_and_moves_only_when_taken_over(farm: Farm):
    proxy = farm.proxy
    farm.start("w1", "w2")  # w3 is a spare: its server is down
    proxy.start()
    proxy.wait_status("w1", "UP")
    proxy.wait_status("w2", "UP")
    proxy.wait_status("w3", "DOWN")
    http = farm.facilitator()
    codes = [farm.new_session(http) for _ in range(4)]
    holders = {code: farm.holder(code) for code in codes}
    assert proxy.table() == holders and Counter(holders.values()) == {"w1": 2, "w2": 2}
    on_w1 = [c for c in codes if holders[c] == "w1"]
    on_w2 = [c for c in codes if holders[c] == "w2"]

    # w1 stops: HAProxy marks it down, and its classes' requests go to a worker that is up
    # (which does not have them: a 404 of the kit's own, not the proxy's 503). Their entries stay.
    farm.workers["w1"].stop()
    proxy.wait_status("w1", "DOWN")
    before = proxy.answered()
    for code in on_w1:
        page = _get(f"{farm.url}/j/{code}")
        assert page.status_code == 404 and "<html" in page.text
    assert proxy.answered()["w2"]["4xx"] - before["w2"]["4xx"] == len(on_w1)
    # Its console's socket reaches w2 too, which refuses it as it refuses any unknown code.
    gone = on_w1[0]
    console = Client(f"{farm.url}/?code={gone}", {"code": gone, "role": "host", "key": http.cookies[f"host_{gone}"]})
    with pytest.raises(socketio.exceptions.ConnectionError):
        console.connect(("websocket",))
    assert console.refusal["error"] == "not_found"
    assert proxy.table() == holders
    for code in on_w2:
        assert _get(f"{farm.url}/j/{code}").status_code == 200

    # A takeover, played by hand: w3 starts on a copy of w1's journal, and w2 is set to
    # maintenance so that w3 is the one worker up. w1's classes are answered for by w3 now,
    # and the table follows; w2's classes are not (w3 answers 404) and keep their entries.
    shutil.copytree(farm.workers["w1"].data_dir, farm.root / "w3" / "takeover")
    farm.workers["w3"].data_dir = farm.root / "w3" / "takeover"
    proxy.admin("set server be_sessions/w2 state maint")
    farm.start("w3")
    proxy.wait_status("w3", "UP")
    for code in on_w1:
        assert _get(f"{farm.url}/j/{code}").status_code == 200
    for code in on_w2:
        assert _get(f"{farm.url}/j/{code}").status_code == 404
    moved = {**holders, **dict.fromkeys(on_w1, "w3")}
    assert proxy.table() == moved

    # w1 and w2 come back. w1's classes stay with w3, which took them over (no flip back),
    # though w1 has them too; w2's classes, which nobody took over, are back on w2.
    farm.start("w1")
    proxy.admin("set server be_sessions/w2 state ready")
    proxy.wait_status("w1", "UP")
    proxy.wait_status("w2", "UP")
    before = proxy.answered()
    for code in codes:
        assert _get(f"{farm.url}/j/{code}").status_code == 200
    joined = farm.seat(on_w1[0])
    assert joined.status_code == 200, joined.text
    after = proxy.answered()
    assert after["w1"] == before["w1"]
    assert after["w3"]["2xx"] - before["w3"]["2xx"] == len(on_w1) + 1
    assert after["w2"]["2xx"] - before["w2"]["2xx"] == len(on_w2)
    assert proxy.table() == moved
