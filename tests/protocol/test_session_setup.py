"""Starting a session with choices: its language, its placeholders, optional steps; and an adult audience."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import ORIGIN, Classroom, act, last
from workshops.web.uitext import kit_strings

ROOT = Path(__file__).resolve().parents[2]
#: a station's leader is a peer-support pupil: a role only pupils' sessions have
PUPILS_ONLY = {"station_leader"}
MINI = ("miniilta", ROOT / "tests" / "packs" / "good" / "miniilta")


def _start(room: Classroom, **form) -> tuple[int, str | None]:
    resp = room.http.post("/sessions", data={"pack": "miniilta", **form}, headers=ORIGIN)
    found = re.search(r"/host/(\w+)", resp.headers.get("Location", ""))
    return resp.status_code, found.group(1) if found else None


@pytest.fixture
def room(make_app, tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(MINI[1], content / MINI[0])
    return Classroom(make_app(CONTENT_DIR=content), MINI[0])


def test_the_start_form_offers_the_language_the_placeholders_and_the_optional_steps(room: Classroom):
    page = room.http.get("/?lang=sv").get_data(as_text=True)
    form = page[page.index('data-pack="miniilta"') :]
    assert 'name="language" value="sv" checked' in form and 'name="language" value="fi"' in form
    assert 'name="ph_koulu"' in form and "Skolans namn" in form and 'placeholder="vår skola"' in form
    assert 'name="leave_out" value="uni"' in form
    assert "För vuxna" in form


def test_a_swedish_session_with_a_placeholder_and_a_step_left_out(room: Classroom):
    status, code = _start(room, language="sv", ph_koulu="Solbacka skola", leave_out="uni")
    assert status == 302
    live = room.manager.get(code)
    room.code, room.live = code, live
    room.host_key = room.manager.keys.host_key(live.id)
    room.screen_key = room.manager.keys.screen_key(live.id)
    host, screen = room.host(), room.screen()
    view = last(host, "host_view")
    assert view["language"] == "sv"
    assert [s["id"] for s in view["agenda"]] == ["tervetuloa", "mista-apua", "loppu"]
    assert act(host, "host", {"type": "goto", "step": 0, "expect": -1})["ok"]
    title = last(screen, "screen_view")["step"]["title"]
    assert title == {"sv": "Välkommen, Solbacka skola!", "fi": "Tervetuloa, Solbacka skola!"}
    # A restart replays the session as it was set up: the journal keeps the prepared pack.
    again = room.manager.__class__(room.manager.journal, room.manager.keys, room.manager.clock)
    assert again.recover() >= 1
    restored = again.get(code).state.pack
    assert restored.language == "sv" and [s.id for s in restored.agenda] == ["tervetuloa", "mista-apua", "loppu"]


@pytest.mark.parametrize(
    "form",
    [{"language": "en"}, {"leave_out": "loppu"}, {"leave_out": "ei-ole"}],
    ids=["a language the pack lacks", "a step that is not optional", "a step that does not exist"],
)
def test_a_setup_the_pack_cannot_take_starts_nothing(room: Classroom, form):
    before = len(room.manager.all())
    status, code = _start(room, **form)
    assert status == 400 and code is None
    assert len(room.manager.all()) == before


def test_the_console_marks_optional_steps(room: Classroom):
    host = room.host()
    agenda = last(host, "host_view")["agenda"]
    assert [s["optional"] for s in agenda] == [False, True, False, False]


def _strings(client, url: str) -> dict[str, str]:
    page = client.get(url, follow_redirects=True).get_data(as_text=True)
    return json.loads(re.search(r'<script type="application/json" id="strings">(.*?)</script>', page, re.S).group(1))


def test_adults_are_participants_and_ask_for_the_organiser(room: Classroom):
    phone = _strings(room.http, f"/j/{room.code}?lang=fi")
    assert phone["talk_adult"] == "Haluan jutella järjestäjän kanssa"
    host = _strings(room.http, f"/host/{room.code}?k={room.host_key}&lang=fi")
    assert host["pupils"] == "Osallistujat" and host["talk_requests"] == "Haluaisi jutella järjestäjän kanssa:"
    # No word of the kit's own says "pupil" to adults. The kinds a parents' evening does not use
    # (stations led by peer-support pupils, the board game) keep theirs.
    with room.app.test_request_context("/"):
        kit_keys = set(kit_strings())
    for lang, pupil in [("fi", "oppila"), ("sv", "elev"), ("en", "pupil")]:
        page = _strings(room.http, f"/j/{room.code}?lang={lang}")
        said = {k: v for k, v in page.items() if k in kit_keys - PUPILS_ONLY and pupil in v.lower()}
        assert said == {}, said


def test_a_pupils_session_names_the_help_line_of_the_page_s_language(classroom: Classroom):
    for lang, line, other in [("fi", "116 111", "0800 96 116"), ("sv", "0800 96 116", "116 111")]:
        help_line = _strings(classroom.http, f"/j/{classroom.code}?lang={lang}")["help_line"]
        assert line in help_line and other not in help_line, help_line
        assert "{line}" not in help_line


def test_the_projector_speaks_the_session_s_language_whatever_the_laptop_prefers(room: Classroom):
    status, code = _start(room, language="sv")
    assert status == 302
    live = room.manager.get(code)
    url = f"/screen/{code}?k={room.manager.keys.screen_key(live.id)}&lang=fi"
    page = room.http.get(url, follow_redirects=True, headers={"Accept-Language": "fi"}).get_data(as_text=True)
    assert '<html lang="sv">' in page
    strings = _strings(room.http, f"/screen/{code}")
    assert strings["step_of"] == "Steg {n} av {total}"
    # The console keeps the facilitator's own language.
    host = _strings(room.http, f"/host/{code}?k={room.manager.keys.host_key(live.id)}&lang=fi")
    assert host["step_of"] == "Vaihe {n}/{total}"


def test_a_swedish_session_gives_swedish_nicknames(room: Classroom):
    from workshops.sessions import nicknames

    status, code = _start(room, language="sv")
    assert status == 302
    room.code = code
    seats = [room.take_seat("fi") for _ in range(5)]
    nicks = {room.manager.get(code).state.pupils[s["seat"]].nick for s in seats}
    swedish, finnish = set(nicknames.pairs("sv")), set(nicknames.pairs("fi"))
    assert nicks <= swedish and not nicks & finnish, nicks
