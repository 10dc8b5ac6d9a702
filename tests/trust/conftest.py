"""The trust suite's harness: a real server process under eventlet, real Socket.IO clients,
a network between them that a test can cut or freeze, and a ledger of what was tried.

Every test here starts `workshops serve` as its own process on 127.0.0.1 and stops it;
nothing runs in the test's process but the clients.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
    """Poll `predicate` until it returns something truthy; fail the test after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


# -- the ledger: what the suite did to the kit, printed at the end --------------------------
class Ledger:
    def __init__(self) -> None:
        self.faults: Counter[str] = Counter()
        self.bad: Counter[str] = Counter()
        self.lost: Counter[str] = Counter()
        self._lock = threading.Lock()

    def fault(self, what: str, n: int = 1) -> None:
        with self._lock:
            self.faults[what] += n

    def bad_input(self, what: str, n: int = 1) -> None:
        with self._lock:
            self.bad[what] += n

    def loss(self, what: str, n: int) -> None:
        with self._lock:
            if n:
                self.lost[what] += n

    def line(self) -> str:
        return (
            f"trust: {sum(self.faults.values())} faults injected, "
            f"{sum(self.bad.values())} bad inputs tried, "
            f"{sum(self.lost.values())} acknowledged actions lost"
        )


LEDGER = Ledger()


@pytest.fixture(scope="session")
def ledger() -> Ledger:
    return LEDGER


def pytest_sessionfinish(session):
    """Leave this process's ledger for the summary (tests/conftest.py): with two workers
    (pytest-xdist) each keeps its own, and only the controller prints."""
    folder = os.environ.get("KIT_LEDGER_DIR")
    if folder and (LEDGER.faults or LEDGER.bad or LEDGER.lost):
        name = getattr(session.config, "workerinput", {}).get("workerid", "main")
        data = {"faults": LEDGER.faults, "bad": LEDGER.bad, "lost": LEDGER.lost}
        Path(folder, f"{name}.json").write_text(json.dumps(data), encoding="utf-8")


# -- the server process ------------------------------------------------------------------------
class ServerProcess:
    """`workshops serve` on 127.0.0.1 under eventlet, with its output kept for reading."""

    def __init__(self, root: Path, content: Path | None = None, args: tuple[str, ...] = ()):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = root / "data"
        self.content = content or ROOT / "content"
        self.args = args
        self.lines: list[str] = []
        self.proc: subprocess.Popen | None = None
        self.returncode: int | None = None

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "workshops.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
            "--content",
            str(self.content),
            *self.args,
        ]

    def start(self, wait: bool = True, **popen: Any) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # A pipe, not a file: a test may limit the size of files the server writes.
        self.proc = subprocess.Popen(
            self.command(), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **popen
        )
        threading.Thread(target=self._read, args=(self.proc,), daemon=True).start()
        if wait:
            self.wait_ready()

    def _read(self, proc: subprocess.Popen) -> None:
        for raw in proc.stdout:
            self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the server exited ({self.proc.returncode}):\n{self.log}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise AssertionError(f"the server did not start:\n{self.log}")

    def wait_exit(self, timeout: float = 30) -> int:
        self.returncode = self.proc.wait(timeout)
        time.sleep(0.1)  # let the reader thread take the last lines
        return self.returncode

    def kill9(self) -> None:
        """The power cable: SIGKILL, no clean-up."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def facilitator(self) -> requests.Session:
        """The facilitator's browser: on the server's own machine it may start sessions as it is."""
        return requests.Session()

    # Reading the journal from outside, as a school's IT person could.
    def journal_rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        db = sqlite3.connect(f"file:{self.data_dir / 'journal.sqlite3'}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute(sql, params).fetchall()
        finally:
            db.close()

    def action_count(self) -> int:
        return self.journal_rows("SELECT count(*) FROM actions")[0][0]


@pytest.fixture
def server(tmp_path):
    srv = ServerProcess(tmp_path)
    srv.start()
    yield srv
    close_clients()
    srv.stop()


@pytest.fixture(params=["text", "json"])
def log_server(request, make_server):
    """A server logging in each format of `--log-format` (the log-cleanliness tests run on both)."""
    srv = make_server(args=("--log-format", request.param))
    srv.log_format = request.param
    return srv


def json_log_lines(lines: list[str]) -> list[dict[str, Any]]:
    """Each non-empty line of a `--log-format json` server's output as its JSON object: every
    line must be one (the start-up banner is a record there too)."""
    events = []
    for line in lines:
        if line.strip():
            event = json.loads(line)
            assert isinstance(event, dict) and {"time", "level", "logger", "message"} <= set(event), line
            events.append(event)
    return events


@pytest.fixture
def make_server(tmp_path):
    """Build servers with their own options; each is stopped at the end of the test."""
    made: list[ServerProcess] = []

    def make(
        content: Path | None = None, args: tuple[str, ...] = (), start: bool = True, name: str = "s"
    ) -> ServerProcess:
        root = tmp_path / f"{name}{len(made)}"
        root.mkdir()
        srv = ServerProcess(root, content, args)
        made.append(srv)
        if start:
            srv.start()
        return srv

    yield make
    close_clients()
    for srv in made:
        srv.stop()


# -- a network that can fail ------------------------------------------------------------------------
class Network:
    """A TCP relay between clients and the server: cut it, take it down, or freeze it.

    `cut()` is a Wi-Fi blip: the phones' connections die at once while the server hears
    nothing (its sockets are left open and silent, as when packets just stop arriving);
    `down()` also keeps new connections from getting through until `restore()`;
    `freeze()` stops every byte without closing anything, as a phone that went to sleep;
    `source` is the address the server sees the clients come from.
    """

    def __init__(self, target_port: int, source: str = "127.0.0.1"):
        self.target = ("127.0.0.1", target_port)
        self.source = source
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=512)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.up = threading.Event()
        self.up.set()
        self.flowing = threading.Event()
        self.flowing.set()
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.abandoned: list[socket.socket] = []  # server-side sockets left silent by a cut
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            if not self.up.is_set():
                _close(conn)
                continue
            try:
                upstream = socket.create_connection(self.target, source_address=(self.source, 0))
            except OSError:
                _close(conn)
                continue
            with self._lock:
                self.pairs.append((conn, upstream))
            for a, b in ((conn, upstream), (upstream, conn)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                self.flowing.wait()
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            if s not in self.abandoned:
                _close(s)

    def cut(self, tell_server: bool = False) -> None:
        """Kill every open connection on the phones' side at once."""
        with self._lock:
            pairs, self.pairs = self.pairs, []
            if not tell_server:
                self.abandoned.extend(up for _conn, up in pairs)
        for conn, upstream in pairs:
            _close(conn)
            if tell_server:
                _close(upstream)

    def down(self) -> None:
        self.up.clear()
        self.cut()

    def restore(self) -> None:
        self.up.set()

    def freeze(self) -> None:
        self.flowing.clear()

    def thaw(self) -> None:
        self.flowing.set()

    def close(self) -> None:
        self._closed = True
        self.listener.close()
        self.cut(tell_server=True)
        for s in self.abandoned:
            _close(s)
        self.thaw()


def _close(sock: socket.socket) -> None:
    # shutdown() first: it wakes a thread blocked in recv() on this socket, close() alone does not.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


@pytest.fixture
def networks():
    made: list[Network] = []

    def make(port: int, source: str = "127.0.0.1") -> Network:
        net = Network(port, source)
        made.append(net)
        return net

    yield make
    for net in made:
        net.close()


# -- clients ------------------------------------------------------------------------------------
VIEW_EVENTS = ("host_view", "screen_view", "pupil_view", "own_view")


_OPEN_CLIENTS: list[Client] = []
# python-socketio jitters reconnection delays with the global `random` module; a phone still
# reconnecting while a later hypothesis test draws would touch that global state under it
# (HypothesisDeprecationWarning). The clients get their own generator.
socketio.client.random = random.Random(7)


@pytest.fixture(autouse=True)
def _no_client_outlives_its_test():
    yield
    close_clients()


def close_clients() -> None:
    """Close every client made so far: one left reconnecting would outlive its server."""
    while _OPEN_CLIENTS:
        _OPEN_CLIENTS.pop().close()


class Client:
    """One Socket.IO connection as a page makes it: auth on connect, `{cid, action}` events, views in."""

    def __init__(self, url: str, auth: dict[str, Any], headers: dict[str, str] | None = None):
        _OPEN_CLIENTS.append(self)
        self.url = url
        self.auth = auth
        self.headers = dict(headers or {})
        # websocket-client sends its own Origin unless told which: set it there, not as a second header.
        origin = self.headers.pop("Origin", None)
        extra = {"origin": origin} if origin is not None else {}
        self.sio = socketio.Client(
            reconnection=True,
            reconnection_delay=0.3,
            reconnection_delay_max=1.5,
            randomization_factor=0.5,
            handle_sigint=False,
            websocket_extra_options=extra,
        )
        self.views: dict[str, dict[str, Any]] = {}
        self.received: Counter[str] = Counter()
        self.refusal: Any = None
        self.connects = 0
        self._cond = threading.Condition()
        for event in VIEW_EVENTS:
            self.sio.on(event, self._viewer(event))
        self.sio.on("connect", self._on_connect)
        self.sio.on("connect_error", self._on_refused)

    def _viewer(self, event: str) -> Callable[[dict], None]:
        def take(view: dict) -> None:
            with self._cond:
                self.views[event] = view
                self.received[event] += 1
                self._cond.notify_all()

        return take

    def _on_connect(self) -> None:
        with self._cond:
            self.connects += 1
            self._cond.notify_all()

    def _on_refused(self, data: Any = None, *_rest: Any) -> None:
        # The packet is {message, data}: `data` is what the page's `err.data` holds.
        if isinstance(data, dict) and isinstance(data.get("data"), dict):
            data = data["data"]
        self.refusal = data

    def connect(self, transports: tuple[str, ...] = ("websocket",)) -> Client:
        self.sio.connect(self.url, auth=self.auth, headers=self.headers, transports=list(transports), wait_timeout=10)
        return self

    @property
    def connected(self) -> bool:
        return self.sio.connected

    def send(self, event: str, action: Any, cid: str | None = None, timeout: float = 10) -> dict[str, Any]:
        return self.sio.call(event, {"cid": cid or uuid.uuid4().hex, "action": action}, timeout=timeout)

    def raw(self, event: str, data: Any, timeout: float = 10) -> Any:
        return self.sio.call(event, data, timeout=timeout)

    def view(self, event: str) -> dict[str, Any]:
        with self._cond:
            return self.views.get(event, {})

    def wait_view(self, event: str, predicate: Callable[[dict], bool], timeout: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                view = self.views.get(event)
                if view is not None and predicate(view):
                    return view
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {event} matching the condition within {timeout} s; last: {view}")
                self._cond.wait(left)

    def wait_connected(self, timeout: float = 15) -> None:
        wait_until(lambda: self.sio.connected, timeout, "the client to reconnect")

    def close(self) -> None:
        self.sio.reconnection = False
        with contextlib.suppress(Exception):
            self.sio.shutdown()  # disconnects, and stops a reconnection loop that is under way


class Room:
    """A session started the way the facilitator starts one, and the people in it."""

    def __init__(self, server: ServerProcess, pack: str = "esittely"):
        self.server = server
        self.url = server.url
        self.http = server.facilitator()
        resp = self.http.post(
            self.url + "/sessions", data={"pack": pack}, headers={"Origin": self.url}, allow_redirects=False, timeout=10
        )
        assert resp.status_code == 302, server.log[-3000:]
        self.code = re.search(r"/host/(\w+)", resp.headers["Location"]).group(1)
        self.host_key = self.http.cookies.get(f"host_{self.code}")
        page = self.http.get(f"{self.url}/host/{self.code}", timeout=10).text
        self.screen_key = re.search(r"/screen/\w+\?k=([\w-]+)", page).group(1)
        self.clients: list[Client] = []

    def seat(self, via: str | None = None, lang: str = "fi") -> requests.Response:
        base = via or self.url
        return requests.post(f"{base}/j/{self.code}/seat", json={"lang": lang}, headers={"Origin": base}, timeout=10)

    def _client(self, auth: dict[str, Any], via: str | None = None, connect: bool = True, **kw: Any) -> Client:
        # The code in the address too, as static/js/lib.js puts it: a proxy routes the class by it.
        client = Client(f"{via or self.url}/?code={self.code}", {"code": self.code, **auth}, **kw)
        self.clients.append(client)
        return client.connect() if connect else client

    def host(self, **kw: Any) -> Client:
        return self._client({"role": "host", "key": self.host_key}, **kw)

    def screen(self, **kw: Any) -> Client:
        return self._client({"role": "screen", "key": self.screen_key}, **kw)

    def phone(self, via: str | None = None, token: str | None = None, **kw: Any) -> Client:
        if token is None:
            resp = self.seat()
            assert resp.ok, resp.text
            token = resp.json()["token"]
        phone = self._client({"role": "pupil", "token": token}, via=via, **kw)
        return phone

    def phones(self, count: int, via: str | None = None) -> list[Client]:
        return [self.phone(via=via) for _ in range(count)]

    def close(self) -> None:
        for client in self.clients:
            client.close()


@pytest.fixture
def rooms():
    made: list[Room] = []

    def make(server: ServerProcess, pack: str = "esittely") -> Room:
        room = Room(server, pack)
        made.append(room)
        return room

    yield make
    for room in made:
        room.close()


def step_of(view: dict[str, Any]) -> int:
    """The step index a view shows (-1: the lobby)."""
    return (view.get("step") or {}).get("index", -1)


def goto(host: Client, target: str | int) -> int:
    """Move the workshop to a step (by id or index) from wherever the host view says it is."""
    view = host.wait_view("host_view", lambda v: "agenda" in v)
    index = target if isinstance(target, int) else [s["id"] for s in view["agenda"]].index(target)
    ack = host.send("host", {"type": "goto", "step": index, "expect": step_of(view)})
    assert ack["ok"], ack
    host.wait_view("host_view", lambda v: step_of(v) == index)
    return index


def act(client: Client, event: str, step: str, action: dict[str, Any], cid: str | None = None) -> dict[str, Any]:
    return client.send(event, {"type": "act", "step": step, "action": action}, cid=cid)
