"""Shared fixtures: an app on a temporary data dir, HTTP and Socket.IO clients, a fake clock."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from workshops.app import create_app
from workshops.extensions import socketio
from workshops.packs import load_pack

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = {"Origin": "http://localhost"}


# -- the trust suite's ledger (tests/trust/conftest.py) across pytest-xdist's workers ------------
def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # the controller (or a run without workers)
        os.environ["KIT_LEDGER_DIR"] = tempfile.mkdtemp(prefix="kit-ledger-")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """What the trust suite tried, added up over every process that ran part of it."""
    folder = os.environ.get("KIT_LEDGER_DIR")
    if hasattr(config, "workerinput") or not folder or not Path(folder).is_dir():
        return
    totals: dict[str, Counter[str]] = {"faults": Counter(), "bad": Counter(), "lost": Counter()}
    for file in Path(folder).glob("*.json"):
        for key, counts in json.loads(file.read_text(encoding="utf-8")).items():
            totals[key].update(counts)
    shutil.rmtree(folder, ignore_errors=True)
    if not any(totals.values()):
        return
    terminalreporter.write_sep("-", "trust suite")
    for title, key in (("faults", "faults"), ("bad inputs", "bad"), ("lost", "lost")):
        if totals[key]:
            # "connect: forged key" and "connect: wrong code" add up under "connect".
            groups: Counter[str] = Counter()
            for what, n in totals[key].items():
                groups[what.split(":")[0]] += n
            terminalreporter.write_line(f"{title}: {', '.join(f'{k} {v}' for k, v in sorted(groups.items()))}")
    terminalreporter.write_line(
        f"trust: {sum(totals['faults'].values())} faults injected, "
        f"{sum(totals['bad'].values())} bad inputs tried, "
        f"{sum(totals['lost'].values())} acknowledged actions lost"
    )


class FakeClock:
    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_app(tmp_path, clock):
    """Build an app on one data dir; calling it again is a server restart."""

    def make(**config):
        settings = {
            "DATA_DIR": tmp_path / "data",
            "TIMER_LOOP": False,
            "TESTING": True,
            "CLOCK": clock,
            "VIEW_COALESCE_SECONDS": 0,
        }
        settings.update(config)
        return create_app(settings)

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo_pack():
    return load_pack(ROOT / "content" / "esittely").pack


class Classroom:
    """A session opened through HTTP, with helpers to connect its people."""

    def __init__(self, app, pack_id: str = "esittely"):
        self.app = app
        self.http = app.test_client()
        resp = self.http.post("/sessions", data={"pack": pack_id}, headers=ORIGIN)
        assert resp.status_code == 302, resp.data
        self.code = re.search(r"/host/(\w+)", resp.headers["Location"]).group(1)
        self.manager = app.extensions["workshops"].manager
        self.live = self.manager.get(self.code)
        self.host_key = self.manager.keys.host_key(self.live.id)
        self.screen_key = self.manager.keys.screen_key(self.live.id)

    def connect(self, role: str, **auth):
        creds = {"code": self.code, "role": role, **auth}
        return socketio.test_client(self.app, auth=creds, flask_test_client=self.app.test_client())

    def host(self):
        return self.connect("host", key=self.host_key)

    def screen(self):
        return self.connect("screen", key=self.screen_key)

    def take_seat(self, lang: str = "fi") -> dict:
        resp = self.app.test_client().post(f"/j/{self.code}/seat", json={"lang": lang}, headers=ORIGIN)
        return resp.get_json() | {"status": resp.status_code}

    def pupil(self, token: str | None = None):
        if token is None:
            seat = self.take_seat()
            assert seat["ok"], seat
            token = seat["token"]
        sock = self.connect("pupil", token=token)
        sock.token = token
        return sock


def received(sock, event: str) -> list:
    """Every `event` message the client got since the last look at that event."""
    inbox = sock.__dict__.setdefault("_inbox", {})
    for m in sock.get_received():
        inbox.setdefault(m["name"], []).append(m["args"][0])
    return inbox.pop(event, [])


def last(sock, event: str):
    """The newest `event` message since the last look at that event, or None."""
    found = received(sock, event)
    return found[-1] if found else None


def act(sock, event: str, action: dict, cid: str | None = None) -> dict:
    payload = {"action": action}
    if cid is not None:
        payload["cid"] = cid
    return sock.emit(event, payload, callback=True)


@pytest.fixture
def classroom(app):
    return Classroom(app)


def shipped_or_fixture(*packs: tuple[str, Path]) -> list[tuple[str, Path]]:
    """The packs a flow test runs against: the given fixtures, and the shipped ones that exist."""
    return [(pack_id, folder) for pack_id, folder in packs if (folder / "pack.yaml").exists()]


@pytest.fixture
def pack_room(request, make_app, tmp_path):
    """A Classroom on an app whose content folder holds just the parametrized (pack id, folder)."""
    import shutil

    pack_id, folder = request.param
    content = tmp_path / "content"
    shutil.copytree(folder, content / pack_id)
    return Classroom(make_app(CONTENT_DIR=content), pack_id)
