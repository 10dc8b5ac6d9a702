"""The accessibility statement at /accessibility (Act on the Provision of Digital Services
306/2019): there in every UI language, honest about its status, with the organisation's
feedback channel (ACCESSIBILITY_CONTACT) or the fallback, and linked from every page.

The texts live in templates/accessibility/<lang>.html; `workshops serve --accessibility-contact`
sets the address.
"""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import Classroom

# (query, expected <html lang>, heading, status words, supervisory authority, its website)
STATEMENTS = {
    "fi": (
        "",
        "fi",
        "Saavutettavuusseloste",
        "täyttää saavutettavuusvaatimukset osittain",
        "Etelä-Suomen aluehallintovirasto",
        "www.saavutettavuusvaatimukset.fi",
    ),
    "sv": (
        "?lang=sv",
        "sv",
        "Tillgänglighetsutlåtande",
        "uppfyller tillgänglighetskraven delvis",
        "Regionförvaltningsverket i Södra Finland",
        "www.tillganglighetskrav.fi",
    ),
    "en": (
        "?lang=en",
        "en",
        "Accessibility statement",
        "partially conforms",
        "Regional State Administrative Agency for Southern Finland",
        "www.webaccessibility.fi",
    ),
}
FALLBACK = {
    "fi": "Kerro palautteesi työpajan ohjaajalle.",
    "sv": "Berätta det för verkstadens handledare.",
    "en": "Tell the workshop's facilitator.",
}
LINK = re.compile(r'<a href="/accessibility"[^>]*>([^<]+)</a>')


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _section(page: str, section_id: str) -> str:
    found = re.search(rf'<section id="{section_id}"[^>]*>(.*?)</section>', page, re.S)
    assert found, f"no <section id={section_id!r}> in the statement"
    return found.group(1)


@pytest.mark.parametrize("lang", STATEMENTS)
def test_statement_in_each_language(client, lang):
    query, html_lang, heading, status, authority, website = STATEMENTS[lang]
    resp = client.get("/accessibility" + query)
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert f'<html lang="{html_lang}">' in page
    assert f"<h1>{heading}</h1>" in page
    assert f"<title>{heading}</title>" in page
    # What it covers, the target and the honest status, and the known shortcomings as a list.
    assert "306/2019" in _text(_section(page, "scope"))
    assert "WCAG 2.1" in _text(_section(page, "status")) and "AA" in _text(_section(page, "status"))
    assert status in _text(_section(page, "status"))
    assert 3 <= len(re.findall(r"<li>", _section(page, "shortcomings"))) <= 6
    # How it was prepared, and when.
    assessment = _text(_section(page, "assessment"))
    assert "axe-core" in assessment and ("6.12.2026" in assessment or "6 December 2026" in assessment)
    # The reply time the law sets, and where to turn next.
    assert "14" in _text(_section(page, "feedback"))
    found = _section(page, "authority")
    # The address is text to type, not a link: no page of the kit points off the laptop.
    assert authority in found and f'<span class="address">{website}</span>' in found and "<a " not in found


def test_finnish_is_the_default(client):
    page = client.get("/accessibility", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="fi">' in page and "<h1>Saavutettavuusseloste</h1>" in page


def test_the_language_cookie_chooses_too(client):
    client.set_cookie("lang", "sv")
    assert "<h1>Tillgänglighetsutlåtande</h1>" in client.get("/accessibility").get_data(as_text=True)


@pytest.mark.parametrize("lang", STATEMENTS)
def test_without_an_address_readers_ask_the_facilitator_and_the_organisation_is_told(client, lang):
    page = client.get(f"/accessibility?lang={lang}").get_data(as_text=True)
    feedback = _section(page, "feedback")
    assert FALLBACK[lang] in _text(feedback)
    assert "mailto:" not in page and 'id="contact"' not in page
    note = re.search(r'<section class="card warn" id="contact-missing">(.*?)</section>', page, re.S)
    assert note, "no note for the organisation while the address is not set"
    assert "--accessibility-contact" in note.group(1)


@pytest.mark.parametrize("lang", STATEMENTS)
def test_an_email_address_is_shown_as_a_mailto_link(make_app, lang):
    client = make_app(ACCESSIBILITY_CONTACT="saavutettavuus@example.fi").test_client()
    page = client.get(f"/accessibility?lang={lang}").get_data(as_text=True)
    feedback = _section(page, "feedback")
    assert '<a href="mailto:saavutettavuus@example.fi">saavutettavuus@example.fi</a>' in feedback
    assert FALLBACK[lang] not in _text(page)
    assert 'id="contact-missing"' not in page
    assert "14" in _text(feedback)


def test_a_web_address_is_linked_as_it_is(make_app):
    client = make_app(ACCESSIBILITY_CONTACT="https://example.fi/palaute?aihe=saavutettavuus").test_client()
    page = client.get("/accessibility?lang=en").get_data(as_text=True)
    url = "https://example.fi/palaute?aihe=saavutettavuus"
    assert f'<a href="{html.escape(url)}">{html.escape(url)}</a>' in _section(page, "feedback")
    assert 'id="contact-missing"' not in page


@pytest.mark.parametrize(
    ("setting", "shown"),
    [
        ("mailto:palaute@example.fi", '<a href="mailto:palaute@example.fi">palaute@example.fi</a>'),
        ("  palaute@example.fi  ", '<a href="mailto:palaute@example.fi">palaute@example.fi</a>'),
        ('<b>"x"</b>', "&lt;b&gt;&#34;x&#34;&lt;/b&gt;"),  # not an address: plain, escaped text
    ],
)
def test_the_address_is_tidied_and_escaped(make_app, setting, shown):
    page = make_app(ACCESSIBILITY_CONTACT=setting).test_client().get("/accessibility").get_data(as_text=True)
    assert shown in _section(page, "feedback")


@pytest.mark.parametrize("setting", ["", "   ", None])
def test_an_empty_setting_means_not_set(make_app, setting):
    page = make_app(ACCESSIBILITY_CONTACT=setting).test_client().get("/accessibility").get_data(as_text=True)
    assert 'id="contact-missing"' in page and FALLBACK["fi"] in page


def test_the_statement_loads_nothing_from_elsewhere(client):
    resp = client.get("/accessibility")
    page = resp.get_data(as_text=True)
    assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
    assert not re.search(r"""\ssrc=["']?(https?:)?//""", page)
    # Not even a link leads off the laptop: the authority's address is text.
    outside = re.findall(r"""<(\w+)\b[^>]*\b(?:href|src)=["']?(?:https?:)?//""", page)
    assert outside == [], outside
    assert "<style" not in page and " style=" not in page
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert 'type="application/json"' in tag, tag


def test_every_page_links_to_the_statement(app):
    room = Classroom(app)
    http = room.http
    assert http.get(f"/host/{room.code}?k={room.host_key}").status_code == 302  # the key moves into a cookie
    pages = {
        "home": http.get("/"),
        "join": http.get("/join"),
        "phone": app.test_client().get(f"/j/{room.code}"),
        "host console": http.get(f"/host/{room.code}"),
        "privacy": http.get("/privacy"),
        "report": http.get(f"/report/{room.code}"),
        "statement": http.get("/accessibility"),
        "not found": http.get("/j/ZZZZZ"),
    }
    for name, resp in pages.items():
        assert resp.status_code == (404 if name == "not found" else 200), name
        page = resp.get_data(as_text=True)
        links = LINK.findall(page)
        assert links == ["Saavutettavuusseloste"], (name, links)
    # On the phone the link sits in the page's own footer, beside the privacy link.
    phone = pages["phone"].get_data(as_text=True)
    footer = re.search(r'<footer class="play-foot">(.*?)</footer>', phone, re.S).group(1)
    assert '<a href="/privacy">Yksityisyys</a> <a href="/accessibility">Saavutettavuusseloste</a>' in footer
    assert phone.count("<footer") == 1
    # The projector is a view for the room that nobody operates and must fit the wall: no footer.
    projector = http.get(f"/screen/{room.code}?k={room.screen_key}", follow_redirects=True)
    assert projector.status_code == 200 and "<footer" not in projector.get_data(as_text=True)
    # Elsewhere in the page-wide footer, in the page's language.
    swedish = http.get("/join?lang=sv").get_data(as_text=True)
    assert '<footer class="site-foot"><a href="/accessibility">Tillgänglighetsutlåtande</a></footer>' in swedish


def test_the_command_line_takes_an_address(monkeypatch, tmp_path):
    import argparse

    from workshops import app as app_module
    from workshops import server
    from workshops.cli import _contact_address, build_parser

    args = build_parser().parse_args(["serve", "--accessibility-contact", "mailto:palaute@example.fi"])
    assert args.accessibility_contact == "palaute@example.fi"
    assert build_parser().parse_args(["serve"]).accessibility_contact is None
    assert _contact_address("https://example.fi/palaute") == "https://example.fi/palaute"
    for junk in ("palaute", "https://", "ohjaaja @ koulu"):
        with pytest.raises(argparse.ArgumentTypeError):
            _contact_address(junk)

    # `workshops serve` hands it to the app as ACCESSIBILITY_CONTACT.
    seen = {}

    class Stop(Exception):
        pass

    def fake_create_app(settings):
        seen.update(settings)
        raise Stop

    monkeypatch.setattr(app_module, "create_app", fake_create_app)
    with pytest.raises(Stop):
        server.serve(
            host="127.0.0.1",
            port=0,
            data_dir=tmp_path,
            content_dir=tmp_path,
            async_mode="threading",
            accessibility_contact="palaute@example.fi",
        )
    assert seen["ACCESSIBILITY_CONTACT"] == "palaute@example.fi"
