"""Privacy by design against a real server: clean logs, deletion on demand and on time, aggregate
reports, and pages that load nothing from elsewhere."""

from __future__ import annotations

import re

import requests

from .conftest import act, goto, json_log_lines, wait_until

SECRET_NICK = "Salainen Siili"
SECRET_TEXT = "Minun salaisuuteni on että pelkään pimeää"


def _open_step(host) -> str:
    agenda = host.wait_view("host_view", lambda v: "agenda" in v)["agenda"]
    return next(s["id"] for s in agenda if s["kind"] == "open")


def _a_session_with_pupil_text(server, rooms, via: str | None = None):
    """A class that typed a nickname and an open answer, and asked to talk to an adult."""
    room = rooms(server, "digitutkijat")
    host = room.host()
    phones = room.phones(3, via=via)
    assert host.send("host", {"type": "own_nicknames", "allowed": True})["ok"]
    assert phones[0].send("pupil", {"type": "rename", "nick": SECRET_NICK})["ok"]
    seat = phones[0].view("own_view")["seat"]
    assert host.send("host", {"type": "nick", "seat": seat, "approve": True})["ok"]
    step = _open_step(host)
    goto(host, step)
    assert act(phones[0], "pupil", step, {"type": "answer", "text": SECRET_TEXT})["ok"]
    assert phones[1].send("pupil", {"type": "talk"})["ok"]
    # Refusals that quote what the pupil sent, too.
    phones[2].raw("pupil", {"cid": "x", "action": {"type": "rename", "nick": SECRET_TEXT, "extra": SECRET_TEXT}})
    answer = {"type": "answer", "text": 5, "x": SECRET_TEXT}
    phones[2].raw("pupil", {"cid": "y", "action": {"type": "act", "step": step, "action": answer}})
    host.wait_view("host_view", lambda v: v["talk"] and SECRET_NICK in str(v["pupils"]))
    return room, host, phones, step


def test_the_logs_hold_no_addresses_keys_tokens_or_pupil_text(log_server, rooms, networks, ledger):
    server = log_server
    school_wifi = networks(server.port, source="127.0.0.77")
    room, host, phones, _step = _a_session_with_pupil_text(server, rooms, via=school_wifi.url)
    tokens = [phone.auth["token"] for phone in phones]
    # A wrong join code and a wrong key from the pupils' address, and a server restart, log too.
    requests.get(f"{school_wifi.url}/j/ZZZZZ", timeout=5)
    requests.get(f"{school_wifi.url}/host/{room.code}?k=wrong", timeout=5)
    server.stop()
    server.start()
    host.wait_connected()
    server.stop()
    log = server.log
    assert "recovered 1 session" in log  # the log is not empty: it says what happened
    ledger.bad_input("privacy: secrets looked for in the log", 5 + len(tokens))
    for secret in ("127.0.0.77", room.host_key, room.screen_key, SECRET_NICK, SECRET_TEXT, *tokens):
        assert secret not in log, f"{secret[:12]}… in the server log"
    assert (server.data_dir / "secret.key").read_bytes().hex() not in log
    if server.log_format == "json":  # every line one JSON object, the restart's records included
        events = json_log_lines(server.lines)
        assert sum(e["message"] == "running" for e in events) == 2


def test_delete_session_data_erases_it_at_once_from_memory_and_disk(server, rooms, ledger):
    room, host, phones, _step = _a_session_with_pupil_text(server, rooms)
    other = rooms(server)
    other_phone = other.phone()
    screen = room.screen()
    deleted = []
    for client in (host, screen, *phones):
        client.sio.on("session_deleted", lambda *_: deleted.append(1))
    journal_files = [server.data_dir / "journal.sqlite3", server.data_dir / "journal.sqlite3-wal"]
    assert any(SECRET_TEXT.encode() in f.read_bytes() for f in journal_files if f.exists())

    resp = room.http.post(
        f"{server.url}/host/{room.code}/delete", headers={"Origin": server.url}, allow_redirects=False
    )
    assert resp.status_code == 302 and f"deleted={room.code}" in resp.headers["Location"]
    home = room.http.get(server.url + resp.headers["Location"], timeout=5).text
    assert room.code in home and f"/host/{room.code}" not in home

    wait_until(lambda: len(deleted) == 5, 5, "every page of the session to hear of the deletion")
    wait_until(lambda: not any(c.connected for c in (host, screen, *phones)), 5, "the connections to close")
    assert server.journal_rows(
        "SELECT count(*) FROM actions a JOIN sessions s ON s.id = a.session_id WHERE s.code = ?", (room.code,)
    ) == [(0,)]
    assert server.journal_rows("SELECT count(*) FROM sessions WHERE code = ?", (room.code,)) == [(0,)]
    # Not just unlinked: the words are gone from the database file and its log.
    for f in journal_files:
        if f.exists():
            raw = f.read_bytes()
            assert SECRET_TEXT.encode() not in raw and SECRET_NICK.encode() not in raw, f.name
    assert requests.get(f"{server.url}/j/{room.code}", timeout=5).status_code == 404
    # The other class never noticed.
    assert other_phone.connected and other.host().wait_view("host_view", lambda v: len(v["pupils"]) == 1)
    # Nor does a restart bring it back.
    server.stop()
    server.start()
    assert server.journal_rows("SELECT count(*) FROM sessions") == [(1,)]


def test_delete_needs_the_facilitators_key_and_the_kits_own_page(server, rooms, ledger):
    room = rooms(server)
    url = f"{server.url}/host/{room.code}/delete"
    forged = requests.post(
        url, headers={"Origin": server.url}, cookies={f"host_{room.code}": "forged"}, allow_redirects=False
    )
    cross_site = room.http.post(url, headers={"Origin": "http://evil.example"}, allow_redirects=False)
    ledger.bad_input("privacy: delete without the key or from another site", 2)
    assert forged.status_code == 404 and cross_site.status_code == 404
    assert server.journal_rows("SELECT count(*) FROM sessions") == [(1,)]


def test_session_data_is_deleted_automatically_after_the_retention_time(make_server, rooms, ledger):
    server = make_server(args=("--keep-hours", "0.001"))  # 3.6 seconds
    assert "deleted 0.001 h after" in server.log
    room = rooms(server)
    phone = room.phone()
    gone = []
    phone.sio.on("session_deleted", lambda *_: gone.append(1))
    assert phone.send("pupil", {"type": "talk"})["ok"]
    wait_until(lambda: gone, 15, "the retention time to delete the session")
    assert server.journal_rows("SELECT count(*) FROM actions") == [(0,)]
    assert server.journal_rows("SELECT count(*) FROM sessions") == [(0,)]


def test_the_report_is_aggregates_with_no_row_per_pupil(server, rooms):
    room, host, phones, step = _a_session_with_pupil_text(server, rooms)
    for phone in phones:
        phone.view("own_view")
    nicks = [p["nick"] for p in host.view("host_view")["pupils"]]
    assert act(
        host, "host", step, {"type": "moderate", "voter": phones[0].view("own_view")["seat"], "status": "approved"}
    )["ok"]
    assert host.send("host", {"type": "end"})["ok"]
    report = room.http.get(f"{server.url}/report/{room.code}", timeout=5)
    assert report.ok
    assert not [nick for nick in nicks if nick in report.text]
    assert not re.search(r"\bp\d+\b", report.text)  # no seat ids either


def test_every_page_sends_a_strict_content_security_policy(server, rooms):
    room = rooms(server)
    pages = [
        "/",
        "/join",
        f"/j/{room.code}",
        "/privacy",
        f"/host/{room.code}",
        f"/screen/{room.code}?k={room.screen_key}",
        f"/report/{room.code}",
        "/nothing-here",
        f"/qr/{room.code}.svg",
    ]
    for path in pages:
        resp = room.http.get(server.url + path, timeout=5)
        csp = resp.headers.get("Content-Security-Policy", "")
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
        assert directives.get("default-src") == "'self'", path
        # Nothing but the kit itself (and data: images, the QR codes drawn inline) anywhere.
        for name, sources in directives.items():
            assert set(sources.split()) <= {"'self'", "'none'", "data:"}, (path, name, sources)
        assert "http" not in csp, path
