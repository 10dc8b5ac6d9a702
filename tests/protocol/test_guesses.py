"""Code guesses in-process: an unknown code costs the same key check as a known one, guesses on
pages and sockets share one budget, and a valid key is never throttled."""

from __future__ import annotations

import pytest

from workshops.extensions import socketio
from workshops.sessions.keys import Keyring
from workshops.web.guard import Guesses, HostCheck, safe_next

from ..conftest import ORIGIN, Classroom


@pytest.mark.parametrize(
    "role, creds",
    [
        ("host", {"key": "x" * 22}),
        ("screen", {"key": "x" * 22}),
        ("pupil", {"token": "p1.xxxxxxxxxxxxxxxxxxxxxx"}),
    ],
)
def test_a_wrong_code_costs_the_same_key_check_as_a_right_one(classroom: Classroom, monkeypatch, role, creds):
    macs: list[tuple[str, ...]] = []
    real = Keyring._mac

    def counting(self, *parts: str, length: int = 22) -> str:
        macs.append(parts)
        return real(self, *parts, length=length)

    monkeypatch.setattr(Keyring, "_mac", counting)
    for code in ("ZZZZZ", classroom.code):
        macs.clear()
        sock = socketio.test_client(
            classroom.app, auth={"code": code, "role": role, **creds}, flask_test_client=classroom.app.test_client()
        )
        assert not sock.is_connected()
        assert len(macs) == 1, (code, macs)


def test_socket_guesses_and_page_guesses_share_one_budget(app):
    room = Classroom(app)
    http = app.test_client()
    for i in range(20):
        sock = socketio.test_client(
            app, auth={"code": f"QQ{i:03d}", "role": "host", "key": "k"}, flask_test_client=http
        )
        assert not sock.is_connected()
    assert http.get(f"/j/{room.code}").status_code == 429
    # The facilitator's own key is not a guess and is never throttled.
    assert room.host().is_connected()
    assert room.http.get(f"/host/{room.code}").status_code == 200


def test_one_browser_runs_out_before_its_address_does():
    clock = [0.0]
    guesses = Guesses(per_client_minute=20, per_address_minute=300, clock=lambda: clock[0])
    for _ in range(20):
        guesses.miss("203.0.113.5", "guesser")
    assert guesses.blocked("203.0.113.5", "guesser")
    assert not guesses.blocked("203.0.113.5", "classmate") and not guesses.blocked("203.0.113.5", None)
    for _ in range(280):
        guesses.miss("203.0.113.5", None)
    assert guesses.blocked("203.0.113.5", "classmate")
    clock[0] += 60
    assert not guesses.blocked("203.0.113.5", "classmate")


@pytest.mark.parametrize(
    "target, expected",
    [
        (None, "/"),
        ("", "/"),
        ("/", "/"),
        ("/privacy", "/privacy"),
        ("/j/ABCDE?x=1#y", "/j/ABCDE?x=1#y"),
        ("//evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("/\r\nSet-Cookie: x", "/"),
        (" //evil.example", "/"),
        ("https://evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/\u3000/evil.example", "/"),
        ("/%2F/evil.example", "/%2F/evil.example"),
    ],
)
def test_safe_next(target, expected):
    assert safe_next(target) == expected


@pytest.mark.parametrize(
    "host, ok",
    [
        ("localhost", True),
        ("localhost:5000", True),
        ("127.0.0.1:5000", True),
        ("127.0.0.2", True),
        ("[::1]:5000", True),
        ("kit.example.fi", True),
        ("KIT.example.fi.", True),
        ("evil.example", False),
        ("evil.example:5000", False),
        ("", False),
        ("kit.example.fi@evil.example", False),
        ("203.0.113.77", False),
    ],
)
def test_host_check(host, ok):
    check = HostCheck(lambda environ, start: [b"ok"], {"kit.example.fi"})
    assert check.allowed(host) is ok


def test_a_foreign_host_gets_400_in_process(app):
    http = app.test_client()
    assert http.get("/join").status_code == 200
    assert http.get("/join", headers={"Host": "evil.example"}).status_code == 400
    assert (
        http.post("/sessions", data={"pack": "esittely"}, headers={**ORIGIN, "Host": "evil.example"}).status_code == 400
    )
