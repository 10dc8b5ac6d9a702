"""The HTTP side: who may start sessions, join answers, throttling, headers, QR codes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import ORIGIN, ROOT, Classroom
from tests.protocol.report_page import Sections

REMOTE = {"REMOTE_ADDR": "192.168.1.50"}


def test_home_lists_packs_for_this_machine(client):
    page = client.get("/").get_data(as_text=True)
    assert "Tutustu työpajapakkiin" in page and 'data-pack="esittely"' in page
    assert "9–16" in page


def test_home_is_closed_to_other_machines_without_a_password(client):
    resp = client.get("/", environ_base=REMOTE)
    assert resp.status_code == 403
    assert client.post("/sessions", data={"pack": "esittely"}, headers=ORIGIN, environ_base=REMOTE).status_code == 403


def test_password_opens_the_home_page_to_the_network(make_app):
    app = make_app(FACILITATOR_PASSWORD="sala-sana")
    client = app.test_client()
    assert b'type="password"' in client.get("/", environ_base=REMOTE).data
    assert client.post("/login", data={"password": "väärä"}, environ_base=REMOTE).status_code == 403
    assert client.post("/login", data={"password": "sala-sana"}, environ_base=REMOTE).status_code == 302
    assert b'data-pack="esittely"' in client.get("/", environ_base=REMOTE).data


def test_creating_a_session_needs_the_same_origin(client):
    assert client.post("/sessions", data={"pack": "esittely"}).status_code == 403
    evil = {"Origin": "http://evil.example"}
    assert client.post("/sessions", data={"pack": "esittely"}, headers=evil).status_code == 403
    assert client.post("/sessions", data={"pack": "nope"}, headers=ORIGIN).status_code == 404


def test_host_and_screen_pages_need_their_keys(classroom: Classroom):
    http = classroom.app.test_client()
    wrong_code = http.get("/host/ZZZZZ")
    # A wrong key gets exactly the answer a wrong code gets: it confirms nothing.
    for path in [
        f"/host/{classroom.code}",
        f"/host/{classroom.code}?k=forged",
        f"/screen/{classroom.code}?k={classroom.host_key}",
        f"/report/{classroom.code}",
    ]:
        resp = http.get(path)
        assert (resp.status_code, resp.data) == (404, wrong_code.data), path
    # A key in the address moves into a cookie and out of the address bar.
    resp = http.get(f"/host/{classroom.code}?k={classroom.host_key}")
    assert resp.status_code == 302 and resp.headers["Location"] == f"/host/{classroom.code}"
    page = http.get(f"/host/{classroom.code}").get_data(as_text=True)
    assert classroom.code in page and f"/screen/{classroom.code}?k={classroom.screen_key}" in page
    assert http.get(f"/qr/{classroom.code}/remote.svg").status_code == 200
    assert classroom.app.test_client().get(f"/qr/{classroom.code}/remote.svg").status_code == 404


def test_wrong_codes_get_the_same_answer_and_are_throttled(classroom: Classroom):
    http = classroom.app.test_client()
    first = http.get("/j/ZZZZZ")
    assert first.status_code == 404
    # An ended session's page still opens for its pupils (the thank-you and help lines),
    # but it takes no new seats, with the same answer as a wrong code.
    classroom.live.state = classroom.live.head = replace(classroom.live.state, ended=True)
    assert http.get(f"/j/{classroom.code}").status_code == 200
    seat = http.post(f"/j/{classroom.code}/seat", json={}, headers=ORIGIN)
    wrong = http.post("/j/ZZZZZ/seat", json={}, headers=ORIGIN)
    assert (seat.status_code, seat.get_json()) == (wrong.status_code, wrong.get_json()) == (404, wrong.get_json())
    statuses = [http.get(f"/j/QQQ{i:02d}").status_code for i in range(30)]
    assert 429 in statuses
    # Another address is not slowed down by this one.
    assert http.get("/j/ZZZZZ", environ_base=REMOTE).status_code == 404


@pytest.mark.parametrize("path", ["/qr/{code}.svg", "/host/{code}", "/screen/{code}", "/report/{code}", "/j/{code}"])
def test_every_code_lookup_counts_as_a_guess(client, path):
    statuses = [client.get(path.format(code=f"QQ{i:03d}")).status_code for i in range(30)]
    assert statuses[0] == 404 and statuses[-1] == 429


def test_seat_with_a_body_that_is_not_a_map(classroom: Classroom):
    resp = classroom.app.test_client().post(f"/j/{classroom.code}/seat", json=[1, 2], headers=ORIGIN)
    assert resp.status_code == 200 and resp.get_json()["ok"]


def test_join_form_accepts_lower_case_and_spaces(classroom: Classroom):
    http = classroom.app.test_client()
    typed = " ".join(classroom.code.lower())
    resp = http.get("/join", query_string={"code": typed})
    assert resp.status_code == 302 and resp.headers["Location"] == f"/j/{classroom.code}"
    assert http.get("/join", query_string={"code": "nope"}).status_code == 404


def test_seat_needs_same_origin(classroom: Classroom):
    http = classroom.app.test_client()
    assert http.post(f"/j/{classroom.code}/seat", json={}).status_code == 403
    assert http.post(f"/j/{classroom.code}/seat", json={"lang": "sv"}, headers=ORIGIN).get_json()["ok"]
    assert classroom.live.state.pupils["p1"].lang == "sv"


@pytest.mark.parametrize(("burst", "seats"), [(10, 60), (100, 100)])
def test_a_join_storm_gets_a_sessions_worth_of_seats_then_the_rate_limit(make_app, burst, seats):
    # The demo pack takes 60 pupils: a burst of 10 is scaled up to the session's size.
    app = make_app(JOIN_BURST=burst, JOINS_PER_SECOND=0.0001)
    room = Classroom(app)
    results = [room.take_seat() for _ in range(seats + 5)]
    assert [r["ok"] for r in results].count(True) == 60
    refusals = {"rate_limited"} if seats == 60 else {"full", "rate_limited"}
    assert {r["error"] for r in results if not r["ok"]} == refusals


def test_session_cap(make_app, demo_pack):
    app = make_app()
    room = Classroom(app)
    room.live.state = room.live.head = replace(room.live.state, max_pupils=2)
    assert [room.take_seat()["ok"] for _ in range(3)] == [True, True, False]
    assert room.take_seat()["error"] == "full"


def test_pages_send_a_strict_content_security_policy(client, classroom: Classroom):
    for path in ["/", "/join", f"/j/{classroom.code}", "/privacy", "/healthz"]:
        resp = client.get(path)
        csp = resp.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe" not in csp
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Referrer-Policy"] == "same-origin"


def test_pages_reference_nothing_outside_this_server(client, classroom: Classroom):
    import re

    for path in ["/", "/join", f"/j/{classroom.code}", "/privacy"]:
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), path


def test_join_qr_is_an_svg_of_the_join_address(make_app):
    app = make_app(PUBLIC_URL="http://192.168.1.20:5000")
    room = Classroom(app)
    resp = app.test_client().get(f"/qr/{room.code}.svg")
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"
    assert resp.data.lstrip().startswith(b"<?xml") and b"<svg" in resp.data
    page = room.http.get(f"/screen/{room.code}?k={room.screen_key}", follow_redirects=True).get_data(as_text=True)
    assert f"http://192.168.1.20:5000/j/{room.code}" in page


@pytest.mark.parametrize("name", ["../pack.yaml", "pack.yaml", "..%2Fpack.yaml", "nope.svg"])
def test_media_serves_only_pack_images(client, name):
    assert client.get(f"/media/esittely/{name}").status_code == 404


def test_media_serves_a_pack_image(client):
    resp = client.get("/media/esittely/tervetuloa.svg")
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"


def test_a_broken_pack_is_listed_but_does_not_stop_the_others(make_app, tmp_path):
    import shutil

    from tests.conftest import ROOT

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "esittely", content / "esittely")
    (content / "rikki").mkdir()
    (content / "rikki" / "pack.yaml").write_text("id: rikki\ntitle: [\n", encoding="utf-8")
    app = make_app(CONTENT_DIR=content)
    page = app.test_client().get("/").get_data(as_text=True)
    assert 'data-pack="esittely"' in page and "workshops check content/rikki" in page


def test_report_is_aggregates_only(classroom: Classroom):
    from tests.conftest import act

    host = classroom.host()
    pupils = [classroom.pupil() for _ in range(2)]
    act(host, "host", {"type": "goto", "step": 1, "expect": -1})
    for p in pupils:
        act(p, "pupil", {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": ["ok"]}})
    http = classroom.app.test_client()
    http.get(f"/host/{classroom.code}?k={classroom.host_key}")
    page = http.get(f"/report/{classroom.code}").get_data(as_text=True)
    found = Sections()
    found.feed(page)
    counts = {row[0]: row[1] for row in found.steps["fiilis"]["rows"]}
    assert counts["Ihan ok"] == 2 and sum(counts.values()) == 2
    for pupil in classroom.live.state.pupils.values():
        assert pupil.nick not in page
    assert classroom.app.test_client().get(f"/report/{classroom.code}").status_code == 404


def test_with_a_password_even_this_machine_must_sign_in(make_app):
    # Behind a reverse proxy every request comes from 127.0.0.1: loopback proves nothing then.
    app = make_app(FACILITATOR_PASSWORD="sala-sana", PROXY_HOPS=1)
    client = app.test_client()
    proxied = {"X-Forwarded-For": "203.0.113.9"}
    assert b'type="password"' in client.get("/", headers=proxied).data
    assert client.post("/sessions", data={"pack": "esittely"}, headers=ORIGIN | proxied).status_code == 403
    assert b'type="password"' in client.get("/").data


def test_changing_the_password_signs_facilitators_out(make_app):
    app = make_app(FACILITATOR_PASSWORD="vanha")
    client = app.test_client()
    client.post("/login", data={"password": "vanha"})
    assert b'data-pack="esittely"' in client.get("/").data
    app.config["FACILITATOR_PASSWORD"] = "uusi"
    assert b'type="password"' in client.get("/").data


def test_export_of_invented_exercises_is_a_pack_that_checks(make_app, tmp_path):
    import shutil

    import yaml as pyyaml

    from tests.conftest import act
    from workshops.packs import load_pack

    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "packs" / "good" / "minitehtavat", content / "minitehtavat")
    room = Classroom(make_app(CONTENT_DIR=content), "minitehtavat")
    host = room.host()
    pupil = room.pupil()
    step = len(room.live.state.pack.agenda) - 1  # the invent step
    act(host, "host", {"type": "goto", "step": step, "expect": -1})
    idea = {
        "type": "idea",
        "question": "Onko jokainen kuva totta?",
        "options": ["On", "Ei aina"],
        "right": 1,
        "explanation": "Kuvia voi muokata.",
    }
    assert act(pupil, "pupil", {"type": "act", "step": "keksi", "action": idea})["ok"]
    http = room.app.test_client()
    http.get(f"/host/{room.code}?k={room.host_key}")
    assert http.get(f"/export/{room.code}/keksi").status_code == 404  # nothing approved yet
    approve = {"type": "review", "idea": "i1", "status": "approved"}
    act(host, "host", {"type": "act", "step": "keksi", "action": approve})
    resp = http.get(f"/export/{room.code}/keksi")
    assert resp.status_code == 200 and "attachment" in resp.headers["Content-Disposition"]
    assert resp.data.decode().startswith("# Tallenna")  # the draft speaks the pack's language
    first = room.live.state.pack.agenda[0].id
    assert http.get(f"/export/{room.code}/{first}").status_code == 404  # a kind with nothing to download
    pack_id = pyyaml.safe_load(resp.data)["id"]
    folder = tmp_path / "saved" / pack_id
    folder.mkdir(parents=True)
    (folder / "pack.yaml").write_bytes(resp.data)
    result = load_pack(folder)
    assert result.ok, [p.format() for p in result.problems]
    assert result.pack.agenda[0].question == "Onko jokainen kuva totta?"
    assert room.app.test_client().get(f"/export/{room.code}/keksi").status_code == 404  # the key is needed
