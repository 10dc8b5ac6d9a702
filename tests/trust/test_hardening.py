"""The outside review's holes in the running kit (issue 13, items 2-8, 10 and 12), each attacked
against a real `workshops serve` process: bodies, guesses, proxies, connections, hosts,
redirects, the log, cookies and caching, malformed packets, and a clean stop.
"""

from __future__ import annotations

import contextlib
import json
import re
import resource
import secrets
import socket
import subprocess
import threading
import time

import pytest
import requests
import websocket

from .conftest import ROOT, Client, Room, ServerProcess, json_log_lines, wait_until

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
HOSTED = ("--password", "sala-sana", "--behind-proxy", "1")


def wrong_code(room: Room | None = None) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(5))
        if room is None or code != room.code:
            return code


def log_lines_since(server, mark: int) -> list[str]:
    return [line for line in server.lines[mark:] if line.strip()]


def logged_in(server, via: dict[str, str] | None = None) -> requests.Session:
    """A facilitator's browser signed in with the password (hosted mode)."""
    http = requests.Session()
    headers = {"Origin": server.url, **(via or {})}
    resp = http.post(
        server.url + "/login", data={"password": "sala-sana"}, headers=headers, allow_redirects=False, timeout=5
    )
    assert resp.status_code == 302, resp.text
    return http


def hosted_room(server, via: dict[str, str]) -> tuple[requests.Session, str]:
    http = logged_in(server, via)
    resp = http.post(
        server.url + "/sessions",
        data={"pack": "esittely"},
        headers={"Origin": server.url, **via},
        allow_redirects=False,
        timeout=5,
    )
    assert resp.status_code == 302, resp.text
    return http, re.search(r"/host/(\w+)", resp.headers["Location"]).group(1)


# -- 2. request bodies ---------------------------------------------------------------------------------
def test_a_huge_body_gets_413_and_the_server_does_not_grow(server, rooms, ledger):
    room = rooms(server)
    before = _rss_kb(server)
    bodies = []

    def send(n: int) -> None:
        # 50 MB each, four at once: the server must not read them into memory.
        junk = b"[" + b"1," * (25 * 1024 * 1024) + b"1]"
        try:
            resp = requests.post(
                f"{server.url}/j/{room.code}/seat",
                data=junk,
                headers={"Origin": server.url, "Content-Type": "application/json"},
                timeout=30,
            )
            bodies.append((resp.status_code, resp.json()))
        except requests.ConnectionError:
            bodies.append((413, None))  # the server answered 413 and closed before the upload ended

    threads = [threading.Thread(target=send, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    ledger.bad_input("bodies: 50 MB join body", 4)
    assert [status for status, _ in bodies] == [413] * 4
    for _status, body in bodies:
        assert body is None or body["error"] == "too_large"
    assert _rss_kb(server) - before < 20_000, "the server read the bodies into memory"
    # A form post that is too large gets the kit's own page, in the pupil's language.
    resp = requests.post(
        server.url + "/login", data={"password": "x" * 200_000}, headers={"Origin": server.url}, timeout=10
    )
    ledger.bad_input("bodies: 200 kB form")
    assert resp.status_code == 413 and "<html" in resp.text and 'lang="fi"' in resp.text
    assert room.seat().ok  # and the class still joins


def test_malformed_json_is_a_400_with_a_stable_code_and_one_log_line_at_most(server, rooms, ledger):
    room = rooms(server)
    mark = len(server.lines)
    for body in (b"[" * 20_000, b"{" * 20_000, b'{"lang": "fi"', b"\xff\xfe not json", b"1" * 5000):
        resp = requests.post(
            f"{server.url}/j/{room.code}/seat",
            data=body,
            headers={"Origin": server.url, "Content-Type": "application/json"},
            timeout=10,
        )
        ledger.bad_input("bodies: malformed JSON")
        assert resp.status_code == 400, (body[:20], resp.status_code, resp.text[:200])
        assert resp.json()["error"] == "bad_payload"
    time.sleep(0.3)
    new = log_lines_since(server, mark)
    assert len(new) <= 5 and not any("Traceback" in line or "RecursionError" in line for line in new), new
    # An empty body is still a plain join (the page sends one for old browsers).
    assert requests.post(f"{server.url}/j/{room.code}/seat", headers={"Origin": server.url}, timeout=5).ok


def _rss_kb(server) -> int:
    with open(f"/proc/{server.proc.pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


# -- 3. the wrong-code limiter ---------------------------------------------------------------------------
def test_one_pupil_guessing_does_not_lock_out_a_school_behind_one_address(make_server, ledger):
    server = make_server(args=HOSTED)
    school = {"X-Forwarded-For": "203.0.113.5"}
    facilitator, code = hosted_room(server, school)
    # One pupil's browser (it keeps its cookies) types 40 wrong codes.
    guesser = requests.Session()
    statuses = [guesser.get(f"{server.url}/j/{wrong_code()}", headers=school, timeout=5).status_code for _ in range(40)]
    ledger.bad_input("guesses: one pupil behind the school's address", 40)
    assert statuses[0] == 404 and statuses[-1] == 429
    # That browser now gets nothing, not even the right code: no oracle.
    assert guesser.get(f"{server.url}/j/{code}", headers=school, timeout=5).status_code == 429
    # A class of 30 behind the same address joins within the minute.
    joined = 0
    for _ in range(30):
        phone = requests.Session()
        assert phone.get(f"{server.url}/j/{code}", headers=school, timeout=5).status_code == 200
        resp = phone.post(
            f"{server.url}/j/{code}/seat", json={"lang": "fi"}, headers={"Origin": server.url, **school}, timeout=5
        )
        joined += resp.status_code == 200
    assert joined == 30
    # The facilitator's console, projector and report open whatever the pupils did.
    host = facilitator.get(f"{server.url}/host/{code}", headers=school, timeout=5)
    assert host.status_code == 200
    screen_link = re.search(r"/screen/\w+\?k=[\w-]+", host.text).group(0)
    assert facilitator.get(server.url + screen_link, headers=school, timeout=5).status_code == 200
    assert facilitator.get(f"{server.url}/report/{code}", headers=school, timeout=5).status_code == 200


def test_the_facilitator_is_never_throttled_by_misses_from_their_own_address(server, rooms, ledger):
    room = rooms(server)
    http = requests.Session()
    for _ in range(60):  # cookie-less wrong codes from the laptop's own address
        requests.get(f"{server.url}/j/{wrong_code(room)}", timeout=5)
    ledger.bad_input("guesses: from the facilitator's address", 60)
    assert requests.get(f"{server.url}/j/{wrong_code(room)}", timeout=5).status_code == 429
    # The console reload, the projector and the report carry their keys: they open.
    assert room.http.get(f"{server.url}/host/{room.code}", timeout=5).status_code == 200
    screen = http.get(f"{server.url}/screen/{room.code}?k={room.screen_key}", timeout=5)
    assert screen.status_code == 200
    assert room.http.get(f"{server.url}/report/{room.code}", timeout=5).status_code == 200
    host = room.host()
    assert host.connected


def test_socket_connects_with_wrong_codes_count_as_guesses(server, rooms, networks, ledger):
    room = rooms(server)
    attacker = networks(server.port, source="127.0.0.23")
    refusals = []
    for _ in range(40):
        client = Client(
            attacker.url, {"code": wrong_code(room), "role": "host", "key": "x" * 22}, headers={"Origin": attacker.url}
        )
        with contextlib.suppress(Exception):
            client.connect()
        refusals.append((client.refusal or {}).get("error"))
        client.close()
    ledger.bad_input("guesses: socket connect with a wrong code", 40)
    assert refusals[0] == "not_found" and refusals[-1] == "rate_limited", refusals
    # The same address is throttled on the pages too: the guesses add up.
    assert requests.get(f"{attacker.url}/j/{wrong_code(room)}", timeout=5).status_code == 429
    # A right key still connects from there (the facilitator's phone on the same Wi-Fi).
    assert room.host(via=attacker.url, headers={"Origin": attacker.url}).connected


# -- 4. --behind-proxy needs a password ------------------------------------------------------------------------
def test_behind_proxy_without_a_password_does_not_start(tmp_path):
    command = ServerProcess(tmp_path, args=("--behind-proxy", "1")).command()
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert "--password" in proc.stderr and "running" not in proc.stdout.lower()


def test_rotating_x_forwarded_for_does_not_defeat_the_login_throttle(make_server, ledger):
    server = make_server(args=HOSTED)
    statuses = []
    for i in range(150):
        resp = requests.post(
            server.url + "/login",
            data={"password": f"arvaus{i}"},
            headers={"Origin": server.url, "X-Forwarded-For": f"198.51.100.{i % 250}"},
            timeout=5,
        )
        statuses.append(resp.status_code)
    ledger.bad_input("login: rotated X-Forwarded-For", 150)
    assert statuses[0] == 403 and statuses.count(403) <= 60 and statuses[-1] == 429, statuses
    # And nobody from a forged "local" address may start a session without the password.
    resp = requests.post(
        server.url + "/sessions",
        data={"pack": "esittely"},
        headers={"Origin": server.url, "X-Forwarded-For": "127.0.0.1"},
        allow_redirects=False,
        timeout=5,
    )
    assert resp.status_code == 403


# -- 5. connections ------------------------------------------------------------------------------------------
def _half_sent(port: int, source: str) -> socket.socket | None:
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        return s
    except OSError:
        return None


def test_idle_half_sent_requests_from_one_address_do_not_starve_others(make_server, ledger):
    # A small open-file budget, as on a laptop whose `ulimit -n` is 1024 or less.
    server = make_server(start=False)
    server.start(preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (512, 512)))
    room = Room(server)
    opened = time.monotonic()
    sockets = [s for s in (_half_sent(server.port, "127.0.0.31") for _ in range(420)) if s]
    ledger.bad_input("connections: half-sent requests from one address", 420)
    try:
        began = time.monotonic()
        assert requests.get(server.url + "/healthz", timeout=3).ok
        assert room.seat().ok
        assert time.monotonic() - began < 3
        # Beyond the per-address share, the server closes them at once...
        time.sleep(1)
        closed = [s for s in sockets if _closed_by_server(s, 0.01)]
        assert len(closed) >= 420 - 256, len(closed)
        # ...and the rest once their headers are overdue (10 s), long before the 60-s socket timeout.
        left = [s for s in sockets if s not in closed]
        wait_until(
            lambda: all(_closed_by_server(s, 0.01) for s in left), timeout=20, what="the overdue headers to be cut off"
        )
        assert time.monotonic() - opened < 20
    finally:
        for s in sockets:
            s.close()


def _closed_by_server(s: socket.socket, wait: float) -> bool:
    s.settimeout(wait)
    try:
        data = s.recv(4096)
        return data == b"" or data.startswith(b"HTTP/1.")
    except TimeoutError:
        return False
    except OSError:
        return True


def test_an_engine_io_session_that_never_connects_is_closed(server, ledger):
    resp = requests.get(f"{server.url}/socket.io/?EIO=4&transport=polling", timeout=5)
    sid = json.loads(resp.text[1:])["sid"]
    ledger.bad_input("connections: Engine.IO without a Socket.IO CONNECT")

    def gone() -> bool:
        poll = requests.get(f"{server.url}/socket.io/?EIO=4&transport=polling&sid={sid}", timeout=30)
        return poll.status_code == 400 or poll.text.startswith("1")

    assert wait_until(gone, timeout=15, what="the idle Engine.IO session to be closed")


# -- 6. the Host header ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/healthz", "/join", "/socket.io/?EIO=4&transport=polling"])
def test_a_foreign_host_header_is_refused(server, ledger, path):
    evil = requests.get(server.url + path, headers={"Host": f"evil.example:{server.port}"}, timeout=5)
    ledger.bad_input("host: DNS rebinding")
    assert evil.status_code == 400 and "evil.example" not in evil.text
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}", "localhost"):
        assert requests.get(server.url + path, headers={"Host": host}, timeout=5).status_code != 400, host


def test_the_public_url_host_is_accepted(make_server):
    server = make_server(args=("--public-url", "https://kit.example.fi", *HOSTED))
    ok = requests.get(server.url + "/join", headers={"X-Forwarded-Host": "kit.example.fi"}, timeout=5)
    assert ok.status_code == 200
    bad = requests.get(server.url + "/join", headers={"X-Forwarded-Host": "evil.example"}, timeout=5)
    assert bad.status_code == 400


def test_another_host_name_can_be_allowed(make_server):
    server = make_server(args=("--allow-host", "kit.koulu.fi"))
    port = server.port
    assert requests.get(server.url + "/join", headers={"Host": f"kit.koulu.fi:{port}"}, timeout=5).status_code == 200
    refused = requests.get(server.url + "/join", headers={"Host": f"evil.example:{port}"}, timeout=5)
    assert refused.status_code == 400 and "--allow-host" in refused.text and "Tuntematon osoite" in refused.text


# -- 7. redirects ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "target, expected",
    [
        ("/%09/evil.example/", "/"),
        ("/%0d%0aSet-Cookie:%20x=1", "/"),
        ("/\\evil.example", "/"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("%20//evil.example", "/"),
        ("/privacy", "/privacy"),
        ("/j/ABCDE?x=1", "/j/ABCDE?x=1"),
    ],
)
def test_the_language_switch_redirects_only_within_the_site(server, ledger, target, expected):
    resp = requests.get(f"{server.url}/lang/en?next={target}", allow_redirects=False, timeout=5)
    ledger.bad_input("redirect: next")
    assert resp.status_code == 302
    assert resp.headers["Location"] == expected


# -- 8. the log ------------------------------------------------------------------------------------------------
def test_garbage_and_tls_on_the_http_port_log_no_address_and_no_bytes(log_server, networks, ledger):
    server = log_server
    net = networks(server.port, source="127.0.0.44")
    mark = len(server.lines)
    tls_hello = bytes.fromhex("16030100c4010000c00303") + b"\x8a\x9bSECRETBYTES" + b"\x00" * 40
    for raw in (tls_hello, b"GARBAGE /x HTTP/9.9 SECRETBYTES\r\n\r\n", b"GET / SECRETBYTES\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", net.port), timeout=5) as s:
            s.sendall(raw)
            with contextlib.suppress(OSError):
                s.recv(4096)
    ledger.bad_input("log: TLS hello and garbage request lines", 3)
    time.sleep(0.5)
    new = log_lines_since(server, mark)
    assert len(new) <= 3, new
    assert not any("127.0.0" in line or "SECRETBYTES" in line or "\\x" in line for line in new), new
    if server.log_format == "json":
        assert all(e["message"] == "refused a malformed HTTP request" for e in json_log_lines(new)), new


# -- 10. cookies and caching ----------------------------------------------------------------------------
def test_cookies_are_secure_and_key_pages_are_not_cached_behind_tls(make_server, ledger):
    server = make_server(args=("--public-url", "https://kit.example.fi", *HOSTED))
    tls = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "kit.example.fi", "X-Forwarded-For": "203.0.113.9"}
    http = requests.Session()
    resp = http.post(
        server.url + "/login",
        data={"password": "sala-sana"},
        headers={"Origin": "https://kit.example.fi", **tls},
        allow_redirects=False,
        timeout=5,
    )
    assert resp.status_code == 302
    login_cookie = resp.headers["Set-Cookie"]
    assert "Secure" in login_cookie and "HttpOnly" in login_cookie
    assert "max-age=" in resp.headers.get("Strict-Transport-Security", "")
    for cookie in http.cookies:
        cookie.secure = False  # requests would not send a Secure cookie over the test's plain HTTP
    resp = http.post(
        server.url + "/sessions",
        data={"pack": "esittely"},
        headers={"Origin": "https://kit.example.fi", **tls},
        allow_redirects=False,
        timeout=5,
    )
    assert resp.status_code == 302 and "Secure" in resp.headers["Set-Cookie"]
    code = re.search(r"/host/(\w+)", resp.headers["Location"]).group(1)
    for cookie in http.cookies:
        cookie.secure = False
    host = http.get(f"{server.url}/host/{code}", headers=tls, timeout=5)
    assert host.status_code == 200 and "no-store" in host.headers["Cache-Control"]
    screen_link = re.search(r"/screen/\w+\?k=[\w-]+", host.text).group(0)
    projector = requests.Session()
    screen = projector.get(server.url + screen_link, headers=tls, allow_redirects=False, timeout=5)
    assert screen.status_code == 302 and "no-store" in screen.headers["Cache-Control"]
    assert "Secure" in screen.headers["Set-Cookie"]
    for cookie in projector.cookies:
        cookie.secure = False
    screen = projector.get(server.url + screen.headers["Location"], headers=tls, timeout=5)
    assert screen.status_code == 200 and "no-store" in screen.headers["Cache-Control"]
    ledger.bad_input("cookies: Secure, HSTS, no-store", 3)


def test_plain_http_on_the_laptop_sends_no_hsts(server):
    assert "Strict-Transport-Security" not in requests.get(server.url + "/join", timeout=5).headers


# -- 12. malformed packets ----------------------------------------------------------------------------------
def test_malformed_socket_packets_log_one_line_without_their_contents(log_server, rooms, ledger):
    server = log_server
    room = rooms(server)
    token = room.seat().json()["token"]
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket", origin=server.url, timeout=5
    )
    try:
        assert ws.recv().startswith("0")
        ws.send("40" + json.dumps({"code": room.code, "role": "pupil", "token": token}))
        wait_until(lambda: ws.recv().startswith("40"), what="the CONNECT answer")
        mark = len(server.lines)
        packets = [
            '42["pupil",' + "[" * 5000 + "]" * 5000 + "]",
            '42["pupil",{"cid":"a","action":' + "9" * 5000 + "}]",
            '421["pupil",' + '{"a":' * 3000 + "1" + "}" * 3000 + "]",
            "42[SECRETBYTES",
        ]
        for pkt in packets:
            try:
                ws.send(pkt)
            except OSError:
                ws = _reconnect(server, room, token)
        ledger.bad_input("packets: deep nesting and long integers", len(packets))
        time.sleep(0.5)
    finally:
        ws.close()
    new = log_lines_since(server, mark)
    assert len(new) <= len(packets), new
    assert not any("Traceback" in line or "SECRETBYTES" in line or "99999" in line for line in new), new
    assert not any(line.startswith("  File ") for line in new), new
    if server.log_format == "json":
        assert all(e["level"] in ("WARNING", "ERROR") for e in json_log_lines(new)), new
    # The phone's seat still works.
    assert room.phone(token=token).connected


def _reconnect(server, room, token):
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket", origin=server.url, timeout=5
    )
    ws.recv()
    ws.send("40" + json.dumps({"code": room.code, "role": "pupil", "token": token}))
    return ws


# -- the journal on SIGTERM -----------------------------------------------------------------------------
def test_sigterm_closes_the_journal_cleanly(server, rooms, ledger):
    room = rooms(server)
    room.phones(3)
    wal = server.data_dir / "journal.sqlite3-wal"
    assert wal.exists()
    server.proc.terminate()
    assert server.wait_exit(15) == 0
    ledger.fault("stop: SIGTERM")
    assert not wal.exists() or wal.stat().st_size == 0
    assert "Traceback" not in server.log
