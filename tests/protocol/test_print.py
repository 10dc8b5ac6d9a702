"""Paper for classrooms with no pupil devices: /print/<pack> (workshops/web/printing.py)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from workshops.activities import REGISTRY
from workshops.activities.text import resolve
from workshops.packs import Pack, load_pack
from workshops.packs.setup import Setup, prepare

REMOTE = {"REMOTE_ADDR": "192.168.1.50"}
SHIPPED = sorted(p.parent.name for p in (ROOT / "content").glob("*/pack.yaml"))


def shipped(pack_id: str) -> Pack:
    """The pack as the print page shows it: placeholders read as their defaults."""
    prepared = prepare(load_pack(ROOT / "content" / pack_id).pack, Setup())
    assert isinstance(prepared, Pack)
    return prepared


def expected_titles(pack: Pack, lang: str) -> list[str]:
    """Every step's title, and every character, card, chance card and station title of the pack."""
    said = [resolve(s.title, lang, pack.language) for s in pack.agenda]
    for step in pack.agenda:
        if step.kind == "boardgame":
            said += [c.name for c in step.characters]  # type: ignore[attr-defined]
            said += [resolve(c.title, lang, pack.language) for c in step.cards]  # type: ignore[attr-defined]
            said += [resolve(c.title, lang, pack.language) for c in step.chance]  # type: ignore[attr-defined]
        if step.kind == "stations":
            said += [resolve(s.title, lang, pack.language) for s in step.stations]  # type: ignore[attr-defined]
    return said


def page_text(markup: str) -> str:
    """The text a reader sees: tags dropped, entities decoded, whitespace made single spaces."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_the_shipped_packs_are_found():
    assert {"esittely", "arjen-valinnat", "jamakkyytta", "digitutkijat"} <= set(SHIPPED)


@pytest.mark.parametrize("lang", ["fi", "sv"])
@pytest.mark.parametrize("pack_id", SHIPPED)
def test_every_shipped_pack_prints_every_title(client, pack_id: str, lang: str):
    resp = client.get(f"/print/{pack_id}?lang={lang}")
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "no-store"
    text = page_text(resp.get_data(as_text=True))
    missing = [t for t in expected_titles(shipped(pack_id), lang) if " ".join(t.split()) not in text]
    assert not missing, missing


def test_every_kind_has_its_macro_in_the_script(app):
    with app.test_request_context("/"):
        table = app.jinja_env.get_template("print/_kinds.html").module.by_kind  # type: ignore[attr-defined]
    assert set(table) == set(REGISTRY)


def test_the_script_marks_the_right_answer_and_shows_each_part(client):
    page = client.get("/print/esittely?lang=en").get_data(as_text=True)
    right = re.findall(r'<li class="option right">(.*?)</li>', page, re.S)
    assert len(right) == 1 and "112" in right[0] and "right answer" in right[0] and "✓" in right[0]
    text = page_text(page)
    for heading in ("The facilitator’s script", "Answer cards", "Facilitator notes", "Planned: 4 min"):
        assert heading in text
    # Pack texts not in the page's language say which language they are in (WCAG 3.1.2).
    assert '<span lang="fi">Tietovisa</span>' in page
    assert 'lang="fi">Tietovisa' not in client.get("/print/esittely?lang=fi").get_data(as_text=True)


def test_the_board_game_and_the_stations_get_their_own_sections(client):
    game = client.get("/print/arjen-valinnat?lang=en").get_data(as_text=True)
    assert 'id="game-peli"' in game and 'href="#game-peli"' in game
    assert game.count('class="cut gcard"') == len(shipped("arjen-valinnat").agenda[2].cards)  # type: ignore[attr-defined]
    assert "Token +2" in game  # the effects in words, for playing on paper
    rastit = client.get("/print/jamakkyytta?lang=fi").get_data(as_text=True)
    assert 'id="stations-rastit"' in rastit and 'href="#stations-rastit"' in rastit
    assert rastit.count('class="station-card"') == rastit.count('class="cut guide"') == 4
    # The wall card does not give the order task away; the leader's guide has the right order.
    station = shipped("jamakkyytta").agenda[2].station("puisto")  # type: ignore[attr-defined]
    steps = [resolve(o.text, "fi") for o in station.order]
    wall = rastit.split('id="station-rastit-puisto"')[1]
    shown = re.findall(r'<span class="box blank" aria-hidden="true"></span>(.*?)</li>', wall)
    assert sorted(html.unescape(s) for s in shown) == sorted(steps) and [html.unescape(s) for s in shown] != steps


def test_answer_cards_one_per_page_thirty_by_default_forty_at_most(client):
    def cards(query: str = "") -> int:
        return client.get(f"/print/esittely{query}").get_data(as_text=True).count('<div class="acard-page">')

    assert cards() == 30
    assert cards("?cards=35") == 35
    assert cards("?cards=99") == 40
    assert cards("?cards=0") == 1
    assert cards("?cards=many") == 30
    page = client.get("/print/esittely?lang=en&cards=1").get_data(as_text=True)
    card = page.split('<div class="acard-page">')[1]
    assert [m for m in re.findall(r'class="letter">(\w)<', card)] == ["A", "B", "C", "D"]
    # The instruction in the pack's language and in Swedish, each marked with its language.
    assert re.findall(r'<p class="says" lang="(\w+)">', card) == ["fi", "sv"]
    assert "Card 1" in card


def test_the_shapes_are_the_kits_option_shapes(app):
    """The printed A–F shapes are optionMark's in static/js/lib.js, in the same order."""
    source = (ROOT / "static" / "js" / "lib.js").read_text(encoding="utf-8")
    marks = re.findall(r'\["(\w+)", "([^"]+)"\]', source.split("const MARKS = [")[1].split("];")[0])
    assert len(marks) == 6
    with app.test_request_context("/"):
        module = app.jinja_env.get_template("print/_marks.html").module
        printed = [str(module.mark(i)) for i in range(6)]  # type: ignore[attr-defined]
    for (shape, path), svg in zip(marks, printed, strict=True):
        assert f"mark-{shape}" in svg and f'd="{path}"' in svg and 'aria-hidden="true"' in svg


def test_the_page_loads_nothing_from_another_host_and_its_images_from_the_pack(client):
    page = client.get("/print/jamakkyytta").get_data(as_text=True)
    addresses = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert addresses and all(a.startswith(("/", "#", "?")) for a in addresses), addresses
    images = re.findall(r'<img [^>]*src="([^"]+)"[^>]*>', page)
    assert "/media/jamakkyytta/puisto.svg" in images
    for tag in re.findall(r"<img [^>]*>", page):
        assert re.search(r'alt="[^"]+"', tag) or "portrait" in tag or "card-img" in tag, tag
    assert re.search(r'<link rel="stylesheet" href="/static/css/print\.css\?v=\w+">', page)
    assert re.search(r'<script type="module" src="/static/js/print\.js\?v=\w+"></script>', page)
    assert "onclick" not in page and "<style" not in page and " style=" not in page


def test_an_unknown_pack_is_the_kits_not_found_page(client):
    resp = client.get("/print/no-such-pack?lang=en")
    assert resp.status_code == 404
    assert "Workshop not found" in resp.get_data(as_text=True)


def test_another_machine_is_refused_like_the_home_page(client):
    home = client.get("/", environ_base=REMOTE)
    resp = client.get("/print/esittely", environ_base=REMOTE)
    assert (resp.status_code, resp.data) == (home.status_code, home.data) == (403, home.data)
    assert b"acard" not in resp.data and b"right-mark" not in resp.data


def test_a_hosted_install_prints_only_for_a_signed_in_facilitator(make_app):
    app = make_app(FACILITATOR_PASSWORD="sala-sana")
    client = app.test_client()
    home = client.get("/", environ_base=REMOTE)
    resp = client.get("/print/esittely", environ_base=REMOTE)
    assert (resp.status_code, resp.data) == (home.status_code, home.data)
    assert b'type="password"' in resp.data and b"right-mark" not in resp.data
    # Loopback is not trusted with a password either: behind a proxy every request is local.
    assert b"right-mark" not in client.get("/print/esittely").data
    assert client.post("/login", data={"password": "sala-sana"}, environ_base=REMOTE).status_code == 302
    assert b"right-mark" in client.get("/print/esittely", environ_base=REMOTE).data


def test_the_home_page_links_each_pack_to_its_print_page(client):
    page = client.get("/").get_data(as_text=True)
    for pack_id in SHIPPED:
        assert f'href="/print/{pack_id}"' in page


def test_the_print_stylesheet_sets_a4_and_keeps_blocks_whole():
    css = (ROOT / "static" / "css" / "print.css").read_text(encoding="utf-8")
    assert "@page { size: A4; margin: 12mm; }" in css
    keep = re.search(r"([^}]*)\{ break-inside: avoid; \}", css)
    assert keep is not None
    for block in (".step", ".cut", ".station-card", ".acard-page"):
        assert block in keep.group(1)
    assert ".acard-page { break-before: page;" in css
    assert "url(" not in css and "@import" not in css and "@font-face" not in css


def test_the_print_module_is_small_and_calls_print():
    source = Path(ROOT / "static" / "js" / "print.js").read_text(encoding="utf-8")
    assert "window.print()" in source and "print-now" in source


def test_placeholders_print_as_their_defaults_and_optional_steps_are_marked(client):
    text = page_text(client.get("/print/vanhempainilta?lang=en").get_data(as_text=True))
    assert not re.search(r"\{[a-z_.]+\}", text), re.findall(r".{30}\{[a-z_.]+\}.{30}", text)
    pack = load_pack(ROOT / "content" / "vanhempainilta").pack
    default = resolve(pack.placeholders[0].default, "fi", "fi")
    assert default in text
    optional = sum(1 for s in pack.agenda if s.optional)
    assert text.count("optional: skip it if you are behind time") == optional > 0
