"""Stations with a pack's own prompts in real Chromium (issue #17): a bullying pack's phones, in
Finnish and in Swedish, ask the pack's questions with its own options and scale words (two
ratings at one station, one at the other), and the projector's debrief has the pack's headings."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.e2e.conftest import go_to_step_with, open_screen, start_session

pytestmark = pytest.mark.browser

PACK_ID = "kiusaamisrastit"
PACK_DIR = ROOT / "tests" / "packs" / "good" / PACK_ID


# What each station's phone says, by language (the pack's words; the step's where the station has none).
CHAT = {
    "fi": {
        "title": "Naurua luokan chatissa",
        "ways": "Mitä voisit tehdä sen sijaan, että nauraisit mukana? Valitse niin monta kuin haluat.",
        "option": "Kirjoita chattiin, ettei tuo ole hauskaa",
        "line": "Mitä ryhmänne kirjoittaisi chattiin, jotta pilkkaaminen loppuisi?",
        "hint": "Yksi viesti koko ryhmälle. Ohjaaja tarkistaa sen ennen kuin se näytetään.",
        "rate": "Kuinka vaikeaa olisi olla nauramatta mukana?",
        "second": "Entä jos kuvan laittaja olisi paras kaverisi?",
        "scale": "1 = helppoa, 5 = tosi vaikeaa",
    },
    "sv": {
        "title": "Skratt i klasschatten",
        "ways": "Vad kunde du göra i stället för att skratta med? Välj så många du vill.",
        "option": "Skriv i chatten att det inte är roligt",
        "line": "Vad skulle er grupp skriva i chatten för att få stopp på hånet?",
        "hint": "Ett meddelande för hela gruppen. Handledaren kollar det innan det visas.",
        "rate": "Hur svårt skulle det vara att låta bli att skratta med?",
        "second": "Och om den som lade upp bilden var din bästa kompis?",
        "scale": "1 = lätt, 5 = väldigt svårt",
    },
}
RECESS = {
    "fi": {
        "title": "Ulkopuolella välitunnilla",
        "ways": "Mitä voisit tehdä? Valitse niin monta kuin haluat.",
        "option": "Ota syrjään jäävä mukaan",
        "rate": "Kuinka pahalta tuntuisi jäädä ulkopuolelle?",
        "scale": "1 = ei yhtään, 5 = tosi pahalta",
        "order": "Missä järjestyksessä toimisit?",
    },
    "sv": {
        "title": "Utanför på rasten",
        "ways": "Vad kunde du göra? Välj så många du vill.",
        "option": "Ta med den som lämnas utanför",
        "rate": "Hur illa skulle det kännas att lämnas utanför?",
        "scale": "1 = inte alls, 5 = väldigt illa",
        "order": "I vilken ordning skulle du göra det?",
    },
}
LINE = "Lopettakaa, tää ei oo hauskaa"


def play_station(phone, lang: str) -> str:
    """Check the phone's station against the pack's words and answer its tasks; return its id."""
    title = phone.locator(".situation .card-title")
    expect(title).to_be_visible()
    ways = phone.locator("[data-task=ways]")
    rate = phone.locator("[data-task=rate]")
    if title.inner_text() == CHAT[lang]["title"]:
        said = CHAT[lang]
        expect(ways.locator("h3")).to_have_text(said["ways"])
        expect(ways.locator(".opt")).to_have_count(4)  # the station's own options
        expect(ways.locator(".opt", has_text=said["option"])).to_have_count(1)
        line = phone.locator("[data-task=line]")
        expect(line.locator("h3")).to_have_text(said["line"])
        expect(line.locator(".hint")).to_have_text(said["hint"])
        expect(rate.locator("h3")).to_have_text(said["rate"])  # no heading of its own: the first question
        expect(rate.locator(".hint")).to_have_text(said["scale"])
        expect(rate.locator(".rate-question")).to_have_text([said["second"]])
        expect(rate.locator(".scale")).to_have_count(2)
        rate.locator(".scale[data-which=best_friend] .scale-btn").nth(4).tap()
        expect(rate.locator(".scale[data-which=best_friend] .scale-btn.chosen")).to_have_count(1)
        line.locator("textarea").fill(LINE)
        line.locator("button[type=submit]").tap()
        expect(phone.locator(".answer-msg")).not_to_be_empty()
        station = "chatti"
    else:
        said = RECESS[lang]
        expect(title).to_have_text(said["title"])
        expect(ways.locator("h3")).to_have_text(said["ways"])  # the step's
        expect(ways.locator(".opt", has_text=said["option"])).to_have_count(1)
        expect(phone.locator("[data-task=line]")).to_have_count(0)
        expect(rate.locator("h3")).to_have_text(said["rate"])
        expect(rate.locator(".hint")).to_have_text(said["scale"])
        expect(rate.locator(".scale")).to_have_count(1)  # one rating only
        expect(rate.locator(".rate-question")).to_have_count(0)
        expect(phone.locator("[data-task=order] h3")).to_have_text(said["order"])
        station = "valitunti"
    rate.locator(".scale[data-which=as_written] .scale-btn").nth(1).tap()
    expect(rate.locator(".scale[data-which=as_written] .scale-btn.chosen")).to_have_count(1)
    ways.locator(".opt", has_text=said["option"]).tap()
    expect(ways.locator(".opt.chosen")).to_have_count(1)
    return station


# the shipped packs and the test packs, among them the bullying stations
@pytest.mark.serve("--content", str(ROOT / "tests" / "packs" / "good"))
def test_phones_ask_the_pack_s_questions_and_the_debrief_has_its_headings(desktop, phones, server):
    host, code = start_session(desktop, server, PACK_ID)
    screen = open_screen(host)
    pupils = {}
    for lang, locale in (("fi", "fi-FI"), ("sv", "sv-SE")):
        phone = phones(locale)
        phone.goto(f"{server.url}/j/{code}")
        expect(phone.locator("#nick")).not_to_be_empty()
        expect(phone.locator("html")).to_have_attribute("lang", lang)
        pupils[lang] = phone
    host.locator("#team-count").select_option("2")
    host.locator("#make-teams").click()
    expect(host.locator(".team")).to_have_count(2)

    go_to_step_with(host, "#stations-start")
    host.locator("#stations-start").click()
    expect(screen.locator(".station-map .chip")).to_have_count(2)
    visited = {lang: [play_station(phone, lang)] for lang, phone in pupils.items()}
    host.locator("#stations-rotate").click()
    for lang, phone in pupils.items():
        expect(phone.locator(".situation .card-title")).not_to_have_text(
            (CHAT if visited[lang][0] == "chatti" else RECESS)[lang]["title"]
        )
        visited[lang].append(play_station(phone, lang))
    assert all(sorted(v) == ["chatti", "valitunti"] for v in visited.values())  # both stations in both languages

    host.locator("#stations-rotate").click()  # to the debrief: the chat station first
    debrief = screen.locator(".debrief")
    expect(debrief.locator("h2")).to_have_text("Naurua luokan chatissa")
    expect(debrief.locator(".ratings h3")).to_have_text([CHAT["fi"]["rate"], CHAT["fi"]["second"]])
    expect(debrief.locator(".ways-result h3")).to_have_text("Mitä ryhmät tekisivät")  # the step's
    expect(debrief.locator(".lines-result")).to_have_count(0)  # no line before it is approved
    moderation = host.locator(".moderation")
    expect(moderation.locator("h3")).to_have_text("Ryhmien viestit chattiin: hyväksy ennen kuin ne näytetään")
    expect(moderation.locator(".line-item")).to_have_count(2)
    moderation.locator(".line-item .approve-line").first.click()
    expect(debrief.locator(".lines-result h3")).to_have_text("Ryhmien viestit chattiin")
    expect(debrief.locator(".lines-result .line")).to_have_text([f"”{LINE}”"])

    host.locator("[data-show=valitunti]").click()
    expect(debrief.locator("h2")).to_have_text("Ulkopuolella välitunnilla")
    expect(debrief.locator(".ratings")).to_have_count(1)  # one rating question at this station
    expect(debrief.locator(".ratings h3")).to_have_text(RECESS["fi"]["rate"])
    expect(debrief.locator(".ways-result h3")).to_have_text("Näin ryhmät ottaisivat Eemilin mukaan")  # its own
    expect(host.locator(".debrief .ways-result h3")).to_have_text("Näin ryhmät ottaisivat Eemilin mukaan")
