"""The parents' evening (content/vanhempainilta) through Socket.IO, as a facilitator runs it:
a Swedish session with the school's name typed in and an optional step left out, parents on
their phones, every step played with real answers, anonymous questions approved or hidden."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ORIGIN, Classroom, act, last
from workshops.packs import load_pack

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "content" / "vanhempainilta"
SCHOOL = "Solbacka skola"
LEFT_OUT = "iltarauha"


def _texts(node: Any):
    if isinstance(node, dict):
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)
    elif isinstance(node, str):
        yield node


def _strings(client, url: str) -> dict[str, str]:
    page = client.get(url, follow_redirects=True).get_data(as_text=True)
    found = re.search(r'<script type="application/json" id="strings">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


@pytest.fixture
def room(make_app, tmp_path) -> Classroom:
    """A server whose content folder holds just this pack (the shared pieces come with the kit)."""
    content = tmp_path / "content"
    shutil.copytree(PACK, content / "vanhempainilta")
    room = Classroom(make_app(CONTENT_DIR=content), "vanhempainilta")
    # The test plays a 75-minute evening in a second: far faster than any facilitator.
    room.app.extensions["workshops"].limits.events.rate = 1000
    return room


def _start_swedish(room: Classroom) -> None:
    """The facilitator's start form: Swedish, the school's name typed, one optional step left out."""
    form = {"pack": "vanhempainilta", "language": "sv", "ph_koulu": SCHOOL, "leave_out": LEFT_OUT}
    resp = room.http.post("/sessions", data=form, headers=ORIGIN)
    assert resp.status_code == 302, resp.data
    room.code = re.search(r"/host/(\w+)", resp.headers["Location"]).group(1)
    room.live = room.manager.get(room.code)
    room.host_key = room.manager.keys.host_key(room.live.id)
    room.screen_key = room.manager.keys.screen_key(room.live.id)


def _parent(room: Classroom, lang: str):
    seat = room.take_seat(lang)
    assert seat["ok"], seat
    return room.pupil(seat["token"])


def test_the_pack_speaks_to_adults_and_names_no_number_of_its_own():
    loaded = load_pack(PACK)
    assert loaded.ok, loaded.problems
    assert not loaded.problems, loaded.problems  # no warnings either
    pack = loaded.pack
    assert pack.audience.adults and pack.audience.min_age is None
    assert pack.languages == ["fi", "sv"]
    assert sum(s.minutes for s in pack.agenda) == pack.minutes == 75
    assert 10 <= len(pack.agenda) <= 14  # the closing barometer included
    assert 2 <= len([s for s in pack.agenda if s.optional]) <= 3
    assert {p.id for p in pack.placeholders} == {"koulu", "yhteyshenkilo"}
    written = (PACK / "pack.yaml").read_text(encoding="utf-8")
    # Help lines come from content/_shared/apu.yaml only; none is "always" open.
    assert not re.search(r"116 111|0800 96 116|\b0800\b", written)
    texts = list(_texts(pack.model_dump(mode="json")))
    for text in texts:
        assert not re.search(r"oppila|\belev", text, re.I), text
        assert not re.search(r"\baina\b|\balltid\b", text, re.I), text
        # Open "around the clock" only ever as "not open around the clock".
        for m in re.finditer(r"ympäri vuorokauden|dygnet runt", text):
            assert re.search(r"(\bei\b|\binte\b)[^.]*$", text[: m.start()]), text
    # The help lines are filled in when the pack loads: the Finnish and the Swedish one.
    help_slide = next(s for s in pack.agenda if s.id == "mista-tukea")
    assert "Lasten ja nuorten puhelin 116 111" in help_slide.text["fi"]
    assert "Barn- och ungdomstelefonen 0800 96 116" in help_slide.text["sv"]
    assert "116 111" not in help_slide.text["sv"]
    # A poll offers the shared "can't say" option.
    polls = [s for s in pack.agenda if s.kind == "choice"]
    assert all(s.mode == "poll" for s in polls)
    assert all(any(o.id == "eos" for o in s.options) for s in polls)


def test_the_start_form_offers_the_school_the_contact_and_the_optional_steps(room: Classroom):
    page = room.http.get("/?lang=sv").get_data(as_text=True)
    form = page[page.index('data-pack="vanhempainilta"') :]
    form = form[: form.index("</article>")]
    assert "För vuxna" in form
    assert 'name="ph_koulu"' in form and 'placeholder="vår skola"' in form
    assert 'name="ph_yhteyshenkilo"' in form and 'placeholder="klassläraren eller klassföreståndaren"' in form
    assert sorted(re.findall(r'name="leave_out" value="([\w-]+)"', form)) == ["fiilis", "iltarauha", "kenen-kanssa"]


def test_a_swedish_evening_from_the_welcome_to_the_end(room: Classroom):
    _start_swedish(room)
    host, screen = room.host(), room.screen()
    view = last(host, "host_view")
    assert view["language"] == "sv"
    agenda = [s["id"] for s in view["agenda"]]
    assert LEFT_OUT not in agenda and len(agenda) == 13
    assert sum(s["minutes"] for s in view["agenda"]) == 72  # the left-out step's 3 minutes are gone

    parents = [_parent(room, lang) for lang in ("sv", "sv", "fi", "sv", "fi")]
    seats = [last(p, "own_view")["seat"] for p in parents]
    assert len(set(seats)) == 5
    assert last(screen, "screen_view")["pupil_count"] == 5

    def goto(step_id: str) -> dict:
        index = agenda.index(step_id)
        ack = act(host, "host", {"type": "goto", "step": index, "expect": index - 1})
        assert ack["ok"], (step_id, ack)
        return last(screen, "screen_view")

    def answer(n: int, step_id: str, action: dict) -> None:
        ack = act(parents[n], "pupil", {"type": "act", "step": step_id, "action": action})
        assert ack["ok"], (step_id, action, ack)

    def reveal(step_id: str) -> dict:
        assert act(host, "host", {"type": "act", "step": step_id, "action": {"type": "reveal"}})["ok"]
        return last(screen, "screen_view")["activity"]

    # 1. The welcome: the school's name on the projector, in both languages of the title.
    shown = goto("tervetuloa")
    assert shown["step"]["title"] == {"fi": f"Kodit ja {SCHOOL} yhdessä", "sv": f"Hemmen och {SCHOOL} tillsammans"}
    assert "Ingen blir bedömd" in shown["activity"]["text"]["sv"]
    assert shown["activity"]["image"] == "kansi.svg" and shown["activity"]["image_alt"]["sv"]
    notes = last(host, "host_view")["notes"]
    assert all("{" not in text for text in notes.values())  # {yhteyshenkilo} is filled in the notes too
    phone = last(parents[0], "pupil_view")["activity"]["phone"]
    assert "smeknamn" in phone["sv"] and "nimimerkki" in phone["fi"].lower()

    # 2. A scale of faces: five parents, the average and each face's count once revealed.
    shown = goto("fiilis")
    assert shown["activity"]["style"] == "faces" and "results" not in shown["activity"]
    for n, value in enumerate([1, 3, 5, 5, 4]):
        answer(n, "fiilis", {"type": "answer", "value": value})
    assert last(screen, "screen_view")["activity"]["answered"] == 5
    results = reveal("fiilis")["results"]
    assert results == {"counts": [1, 0, 1, 1, 2], "average": 3.6}

    # 3. What weighs most: several picks each, the shared "can't say" among the options.
    shown = goto("kuormittaa")
    options = {o["id"]: o["text"] for o in shown["activity"]["options"]}
    assert options["eos"] == {"fi": "En osaa sanoa", "sv": "Vet inte", "en": "Can't say"}
    assert shown["activity"]["multiple"] is True and "counts" not in shown["activity"]
    votes = [["ruudut", "uni"], ["ruudut"], ["jaksaminen", "ruudut"], ["eos"], ["kaverit"]]
    for n, picked in enumerate(votes):
        answer(n, "kuormittaa", {"type": "vote", "options": picked})
    revealed = reveal("kuormittaa")
    assert revealed["counts"] == {"ruudut": 3, "uni": 1, "kaverit": 1, "koulu": 0, "jaksaminen": 1, "eos": 1}
    assert revealed["answered"] == 5 and revealed["total"] == 5
    assert revealed["explanation"] is None  # a poll has no "Why?": the notes give the words to say

    # 4. How well do you know what your child does online: a scale of numbers.
    goto("netissa")
    for n, value in enumerate([2, 4, 3, 3]):  # one parent does not answer
        answer(n, "netissa", {"type": "answer", "value": value})
    revealed = reveal("netissa")
    assert revealed["results"] == {"counts": [0, 1, 2, 1, 0], "average": 3.0}
    assert revealed["answered"] == 4 and revealed["total"] == 5

    # 5. The first discussion card: the question on the projector and on the phones.
    shown = goto("kortti-ruudut")
    assert "**Ramen:**" in shown["activity"]["text"]["sv"] and "inga råd" in shown["activity"]["text"]["sv"]
    assert "inga råd" in last(parents[0], "pupil_view")["activity"]["phone"]["sv"]
    assert shown["activity"]["image"] == "puhelin.svg"

    # 6. The second card (the optional poll in between was left out when starting).
    shown = goto("kortti-kaverit")
    assert "inga namn" in shown["activity"]["text"]["sv"] and shown["activity"]["image"] == "kaverit.svg"
    notes = last(host, "host_view")["notes"]["sv"]
    assert "klassläraren eller klassföreståndaren" in notes  # the contact left empty: its default

    # 7. Anonymous questions: nothing reaches the projector before the facilitator approves it.
    goto("kysymykset")
    asked = {
        0: "Hur kommer man överens om skärmtid med en tonåring?",
        1: "Vad gör man när Kalle i 5B inte får vara med?",  # names a child: hidden, answered in private
        2: "Miten saada lapsi nukkumaan ajoissa?",
    }
    for n, text in asked.items():
        answer(n, "kysymykset", {"type": "answer", "text": text})
    entries = {e["voter"]: e for e in last(host, "host_view")["activity"]["entries"]}
    assert {entries[seats[n]]["text"] for n in asked} == set(asked.values())
    assert all(e["status"] == "pending" for e in entries.values())
    projected = json.dumps(last(screen, "screen_view"), ensure_ascii=False)
    for text in asked.values():
        assert text not in projected
    assert "Kalle" not in json.dumps(last(parents[3], "pupil_view"), ensure_ascii=False)

    def moderate(n: int, status: str, text: str | None = None) -> None:
        action = {"type": "moderate", "voter": seats[n], "status": status}
        if text is not None:
            action["text"] = text
        assert act(host, "host", {"type": "act", "step": "kysymykset", "action": action})["ok"]

    moderate(0, "approved")
    moderate(1, "hidden")
    edited = "Miten saada lapsi nukkumaan ajoissa ilman riitaa?"
    moderate(2, "approved", edited)  # edited before approval
    shown = last(screen, "screen_view")["activity"]
    assert sorted(shown["results"]["approved"]) == sorted([asked[0], edited])
    assert "Kalle" not in json.dumps(last(screen, "screen_view"), ensure_ascii=False)
    # A changed question goes back to the facilitator before it can be shown again.
    changed = "Hur pratar man om nätet utan att bråka?"
    answer(0, "kysymykset", {"type": "answer", "text": changed})
    shown = last(screen, "screen_view")["activity"]
    assert changed not in json.dumps(shown, ensure_ascii=False)
    assert shown["results"]["approved"] == [edited]
    moderate(0, "approved")
    revealed = reveal("kysymykset")
    assert sorted(revealed["results"]["approved"]) == sorted([changed, edited])
    assert revealed["answered"] == 3
    assert "Kalle" not in json.dumps(revealed, ensure_ascii=False)
    assert "Kalle" not in json.dumps(last(parents[4], "pupil_view"), ensure_ascii=False)
    statuses = {e["voter"]: e["status"] for e in last(host, "host_view")["activity"]["entries"]}
    assert statuses == {seats[0]: "approved", seats[1]: "hidden", seats[2]: "approved"}

    # 8. The third card, then the optional poll that stayed in: whom do you talk to.
    shown = goto("kortti-huolet")
    assert "Lyssna till slut" in last(parents[0], "pupil_view")["activity"]["phone"]["sv"]
    goto("kenen-kanssa")
    for n, picked in enumerate([["laheinen", "koulu"], ["ystava"], ["ei-kenenkaan"], ["laheinen"]]):
        answer(n, "kenen-kanssa", {"type": "vote", "options": picked})
    counts = reveal("kenen-kanssa")["counts"]
    assert counts == {"laheinen": 2, "ystava": 1, "koulu": 1, "palvelut": 0, "ei-kenenkaan": 1, "eos": 0}

    # 9. Where a family finds support: the Swedish help line, the school's people, no "always".
    shown = goto("mista-tukea")
    help_sv = shown["activity"]["text"]["sv"]
    assert "Barn- och ungdomstelefonen 0800 96 116" in help_sv and "116 111" not in help_sv
    assert "klassläraren eller klassföreståndaren" in help_sv and "skolhälsovårdaren" in help_sv
    assert "kuratorn" in help_sv and "familjerådgivningen" in help_sv
    assert "inte öppen dygnet runt" in help_sv and "alltid" not in help_sv
    assert "Lasten ja nuorten puhelin 116 111" in shown["activity"]["text"]["fi"]
    phone = last(parents[0], "pupil_view")["activity"]["phone"]
    assert "Barn- och ungdomstelefonen 0800 96 116" in phone["sv"]
    assert "Lasten ja nuorten puhelin 116 111" in phone["fi"]

    # A parent asks to talk to the organiser: only the facilitator sees who.
    assert act(parents[2], "pupil", {"type": "talk"})["ok"]
    talk = last(host, "host_view")["talk"]
    assert [t["id"] for t in talk] == [seats[2]]
    assert "talk" not in (last(screen, "screen_view") or {})

    # 10. What I take home, and the thanks with the school's name.
    goto("kotiin")
    for n, picked in enumerate([["netti", "en-yksin"], ["illat"], ["kaverit", "yhteys"], ["en-yksin"], ["eos"]]):
        answer(n, "kotiin", {"type": "vote", "options": picked})
    counts = reveal("kotiin")["counts"]
    assert counts == {"netti": 1, "illat": 1, "kaverit": 1, "yhteys": 1, "en-yksin": 2, "eos": 1}
    shown = goto("kiitos")
    assert f"Hemmen och {SCHOOL} står på samma sida" in shown["activity"]["text"]["sv"]

    assert act(host, "host", {"type": "end"})["ok"]
    assert last(parents[0], "pupil_view")["phase"] == "ended"
    assert last(screen, "screen_view")["phase"] == "ended"


def test_the_phone_and_the_console_speak_of_participants_and_the_organiser(room: Classroom):
    _start_swedish(room)
    sv = _strings(room.http, f"/j/{room.code}?lang=sv")
    fi = _strings(room.http, f"/j/{room.code}?lang=fi")
    assert sv["talk_adult"] == "Jag vill prata med arrangören"
    assert fi["talk_adult"] == "Haluan jutella järjestäjän kanssa"
    assert "arrangören" in sv["help_line"] and "järjestäjä" in fi["help_line"]
    for strings, pupil_word in ((sv, r"\belev"), (fi, "oppila")):
        assert not re.search(pupil_word, strings["talk_adult"] + strings["help_line"], re.I)
    room.http.get(f"/host/{room.code}?k={room.host_key}")  # the key becomes the console's cookie
    host = _strings(room.http, f"/host/{room.code}?lang=sv")
    assert host["pupils"] == "Deltagare" and host["talk_requests"] == "Vill prata med arrangören:"
