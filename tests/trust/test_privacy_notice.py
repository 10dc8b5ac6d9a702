"""The privacy notice at /privacy: there in every UI language, reachable from the pupil's
pages, short enough for a 10-year-old, and honest about what the kit keeps.

The notice is two parts per language (templates/privacy/<lang>.html): "for you" (the pupil)
and "for the school and parents". docs/data-map.md is the long version for schools.
"""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import Classroom

# (how to ask for the language, cookies, expected <html lang>, pupil heading, school heading, retention text)
NOTICES = {
    "fi": ("", {}, "fi", "Sinulle", "Koululle ja huoltajille", "24 tunnin"),
    "sv": ("?lang=sv", {}, "sv", "För dig", "För skolan och vårdnadshavarna", "24 timmar"),
    "sv-cookie": ("", {"lang": "sv"}, "sv", "För dig", "För skolan och vårdnadshavarna", "24 timmar"),
    "en": ("?lang=en", {}, "en", "For you", "For the school and parents", "24 hours"),
}
PRIVACY_LINK = {"fi": "Yksityisyys", "sv": "Integritet", "en": "Privacy"}  # the catalogues' "Privacy"

# Words a 10-year-old should not meet in the part written for them.
JARGON = {
    "fi": ("data", "palvelin", "token", "eväste", "tietokant", "localstorage", "ip-osoit", "henkilötie"),
    "sv": ("data", "server", "token", "kaka", "kakor", "databas", "localstorage", "ip-adress", "personuppgift"),
    "en": ("data", "server", "token", "cookie", "database", "localstorage", "ip address", "personal"),
}
MAX_WORDS_PER_BULLET = 20
MAX_WORDS_PER_SENTENCE = 14


def _get(client, query: str = "", cookies: dict[str, str] | None = None, **kw):
    for name, value in (cookies or {}).items():
        client.set_cookie(name, value)
    return client.get("/privacy" + query, **kw)


def _section(page: str, section_id: str) -> str:
    found = re.search(rf'<section id="{section_id}"[^>]*>(.*?)</section>', page, re.S)
    assert found, f"no <section id={section_id!r}> in the privacy page"
    return found.group(1)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _bullets(page: str) -> list[str]:
    return [_text(li) for li in re.findall(r"<li>(.*?)</li>", _section(page, "for-you"), re.S)]


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"\s+", text) if re.search(r"\w", w)]


@pytest.mark.parametrize("which", NOTICES)
def test_notice_in_each_language_has_both_parts(client, which):
    query, cookies, lang, pupil_heading, school_heading, retention = NOTICES[which]
    resp = _get(client, query, cookies)
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    you, adults = _section(page, "for-you"), _section(page, "for-adults")
    assert f"<h2>{pupil_heading}</h2>" in you
    assert f"<h2>{school_heading}</h2>" in adults
    # The help line is in the pupil's part, with both numbers: in Swedish the Swedish line.
    line, number = (
        ("Barn- och ungdomstelefonen", "0800 96 116") if lang == "sv" else ("Lasten ja nuorten puhelin", "116 111")
    )
    assert number in _text(you) and "112" in _text(you)
    assert line in you
    # The retention time, for the pupil and for the school.
    assert retention in _text(you), (which, "retention missing from the pupil part")
    assert retention in _text(adults), (which, "retention missing from the school part")
    # The school part says who is responsible, what is kept and where.
    for needle in {
        "fi": ("Rekisterinpitäjä", "journal.sqlite3", "IP-osoitteita", "Tilastot", "statistics.sqlite3", "&lt;5"),
        "sv": ("Personuppgiftsansvarig", "journal.sqlite3", "IP-adresser", "Statistik", "statistics.sqlite3", "&lt;5"),
        "en": ("controller", "journal.sqlite3", "IP addresses", "Statistics", "statistics.sqlite3", "&lt;5"),
    }[lang]:
        assert needle in adults, (which, needle)


def test_finnish_is_the_default_even_when_the_phone_asks_for_english(client):
    page = _get(client, headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="fi">' in page
    assert "<h2>Sinulle</h2>" in page


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_pupil_part_is_short_and_plain(client, lang):
    page = _get(client, f"?lang={lang}").get_data(as_text=True)
    bullets = _bullets(page)
    assert 6 <= len(bullets) <= 8, bullets
    for bullet in bullets:
        words = _words(bullet)
        assert len(words) <= MAX_WORDS_PER_BULLET, f"{lang}: {len(words)} words: {bullet}"
        for sentence in re.split(r"(?<=[.!?])\s+", bullet):
            assert len(_words(sentence)) <= MAX_WORDS_PER_SENTENCE, f"{lang}: long sentence: {sentence}"
    text = " ".join(bullets).casefold()
    for word in JARGON[lang]:
        assert not re.search(rf"\b{re.escape(word)}", text), f"{lang}: jargon {word!r} in the pupil part"


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_retention_follows_the_configured_time(make_app, lang):
    texts = {"fi": ("0,5 tunnin", "1 tunnin"), "sv": ("0,5 timmar", "1 timme "), "en": ("0.5 hours", "1 hour ")}
    for hours, text in zip((0.5, 1), texts[lang], strict=True):
        client = make_app(RETENTION_HOURS=hours).test_client()
        page = _get(client, f"?lang={lang}").get_data(as_text=True)
        assert text in _text(_section(page, "for-you")), (lang, hours)
        assert "24 " not in _text(_section(page, "for-adults")), (lang, hours)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_page_loads_nothing_from_elsewhere(client, lang):
    resp = _get(client, f"?lang={lang}")
    page = resp.get_data(as_text=True)
    assert "http://" not in page and "https://" not in page
    assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
    # Nothing the CSP would block: no inline styles or scripts (JSON data blocks are not run).
    assert "<style" not in page and " style=" not in page
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert 'type="application/json"' in tag or " src=" in tag, tag
    assert not re.search(r"\son[a-z]+=", page), "inline event handler"


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_join_page_links_to_the_notice(client, lang):
    page = client.get(f"/join?lang={lang}").get_data(as_text=True)
    assert f'<a href="/privacy">{PRIVACY_LINK[lang]}</a>' in page


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_pupil_page_links_to_the_notice(app, lang):
    room = Classroom(app)
    page = app.test_client().get(f"/j/{room.code}?lang={lang}").get_data(as_text=True)
    footer = re.search(r'<footer class="play-foot">(.*?)</footer>', page, re.S)
    assert footer, "no footer on the pupil page"
    assert f'<a href="/privacy">{PRIVACY_LINK[lang]}</a>' in footer.group(1)


def test_back_goes_to_the_pupils_own_page(app):
    room = Classroom(app)
    client = app.test_client()
    page = client.get("/privacy", headers={"Referer": f"http://localhost/j/{room.code}"}).get_data(as_text=True)
    assert f'<a href="/j/{room.code}">Takaisin</a>' in page
    for foreign in ("http://elsewhere.example/j/ABCDE", "http://localhost//elsewhere.example/", ""):
        page = client.get("/privacy", headers={"Referer": foreign} if foreign else {}).get_data(as_text=True)
        assert '<a href="/join">Takaisin</a>' in page, foreign


def test_pupil_pages_set_no_cookies(app):
    """What the notice promises: the phone keeps a reconnect code (localStorage) and, if
    chosen, the language cookie; the kit's pupil pages set no cookie of their own."""
    from tests.conftest import ORIGIN

    room = Classroom(app)
    client = app.test_client()
    responses = [
        client.get("/join"),
        client.get(f"/join?code={room.code}"),
        client.get(f"/j/{room.code}"),
        client.post(f"/j/{room.code}/seat", json={"lang": "fi"}, headers=ORIGIN),
        client.get("/privacy"),
    ]
    for resp in responses:
        assert resp.status_code < 400, resp.request.path
        assert not resp.headers.getlist("Set-Cookie"), (resp.request.path, resp.headers.getlist("Set-Cookie"))
    # A wrong code is the one exception: that browser gets its own guess budget, a random id.
    wrong = client.get("/j/ZZZZZ")
    cookies = wrong.headers.getlist("Set-Cookie")
    assert wrong.status_code == 404 and len(cookies) == 1 and cookies[0].startswith("kit_client="), cookies
    assert "Max-Age=3600" in cookies[0] and "HttpOnly" in cookies[0]
    assert not client.get("/j/ZZZZY").headers.getlist("Set-Cookie")  # once, not again
    for lang in ("fi", "sv", "en"):
        assert "<code>kit_client</code>" in client.get(f"/privacy?lang={lang}").get_data(as_text=True), lang
    chosen = client.get("/lang/sv?next=/privacy")
    cookies = chosen.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith("lang=sv;"), cookies


def test_the_reconnect_code_key_is_what_the_data_map_says():
    """docs/data-map.md names the localStorage key; keep it true of static/js/play.js."""
    from tests.conftest import ROOT

    play = (ROOT / "static" / "js" / "play.js").read_text(encoding="utf-8")
    assert "const tokenKey = `workshops:${code}`;" in play
    assert len(re.findall(r"localStorage\.setItem\(", play)) == 1
    assert "`workshops:<CODE>`" in (ROOT / "docs" / "data-map.md").read_text(encoding="utf-8")
    for other in ("sessionStorage", "indexedDB", "document.cookie"):
        for js in (ROOT / "static" / "js").rglob("*.js"):
            if "vendor" in js.parts or js.name.startswith("socket.io"):
                continue
            assert other not in js.read_text(encoding="utf-8"), (js.name, other)
