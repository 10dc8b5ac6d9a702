"""Kaveritaidot ja kiusaamisen ehkäisy (grades 7-9) in real Chromium, from the lobby to the end.

A host console, a projector, a 360-px Finnish phone, a 360-px Swedish phone and a peer-support
pupil's phone that leads a station. The two phones are two groups: they answer every step, rotate
through the four stations reading each station's own questions in their own language, and the
facilitator approves lines and open answers before the projector shows them. At every state the
projector fits its wall at both sizes (Wall), the small phones fit a phone (on_phone), and axe
checks every page (the Watch fixture).

Set SCREENS=<folder> to keep a screenshot of each projector state.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import accessible, next_step, open_screen, start_session
from tests.e2e.test_kaveritaidot import answer_on
from tests.e2e.test_projector_fit import Wall, on_phone

pytestmark = pytest.mark.browser

PACK_ID = "kaveritaidot-7-9"
STEPS = 13  # the last: the closing barometer
# What each phone writes for the open answer: the facilitator approves the first and hides the second.
LINES = ["Et oo yksin, tuu meidän kanssa", "Lol ingen gillar dig"]

# Each station as the phones read it: its title, its own line and first rating question, and
# whether it asks a second one; the step's question over the options, and its own options' count.
STATIONS = {
    "kuva-chatissa": {
        "fi": (
            "Kuva luokan chatissa",
            "Mitä kirjoittaisitte luokan chattiin?",
            "Kuinka vaikeaa olisi kirjoittaa chattiin jotain?",
        ),
        "sv": (
            "Bilden i klasschatten",
            "Vad skulle ni skriva i klasschatten?",
            "Hur svårt skulle det vara att skriva något i chatten?",
        ),
        "second": True,
        "scale": {"fi": "1 = helppoa, 5 = tosi vaikeaa", "sv": "1 = lätt, 5 = väldigt svårt"},
    },
    "potkut-pelista": {
        "fi": (
            "Potkut pelistä",
            "Mitä sanoisitte porukan puhekanavalla?",
            "Kuinka vaikeaa olisi puolustaa Iiroa omalle porukalle?",
        ),
        "sv": (
            "Utsparkad ur spelet",
            "Vad skulle ni säga i gängets röstkanal?",
            "Hur svårt skulle det vara att försvara Iiro inför sitt eget gäng?",
        ),
        "second": False,
        "scale": {"fi": "1 = helppoa, 5 = tosi vaikeaa", "sv": "1 = lätt, 5 = väldigt svårt"},
    },
    "uusi-luokalla": {
        "fi": (
            "Uusi luokalla",
            "Mitä sanoisitte Saanalle?",
            "Kuinka kiusallista olisi mennä Saanan luo?",
        ),
        "sv": (
            "Ny i klassen",
            "Vad skulle ni säga till Saana?",
            "Hur pinsamt vore det att gå fram till Saana?",
        ),
        "second": True,
        "scale": {"fi": "1 = ei yhtään, 5 = tosi kiusallista", "sv": "1 = inte alls, 5 = väldigt pinsamt"},
    },
    "vitsi-jatkuu": {
        "fi": (
            "Vitsi, joka ei lopu",
            "Mitä sanoisitte porukalle, kun matkiminen alkaa taas?",
            "Kuinka vaikeaa olisi puuttua, kun muut nauravat?",
        ),
        "sv": (
            "Skämtet som inte tar slut",
            "Vad skulle ni säga till gänget när härmandet börjar igen?",
            "Hur svårt vore det att säga ifrån när andra skrattar?",
        ),
        "second": True,
        "scale": {"fi": "1 = helppoa, 5 = tosi vaikeaa", "sv": "1 = lätt, 5 = väldigt svårt"},
    },
}
WAYS_PROMPT = {
    "fi": "Mitä voisit tehdä? Valitse kaikki, jotka voisit oikeasti tehdä.",
    "sv": "Vad kunde du göra? Välj alla som du faktiskt kunde göra.",
}
GROUP_LINE = {"fi": "Poistakaa toi, ei oo reilua", "sv": "Sluta nu, det räcker"}


def play_station(phone, lang: str, n: int) -> str:
    """Read the phone's station in its language, check its own words and do its tasks; return its id."""
    title = phone.locator(".situation .card-title")
    expect(title).to_be_visible()
    station = next(s for s, said in STATIONS.items() if said[lang][0] == title.inner_text())
    said = STATIONS[station]
    _title, line_prompt, rate_prompt = said[lang]
    ways = phone.locator("[data-task=ways]")
    expect(ways.locator("h3")).to_have_text(WAYS_PROMPT[lang])  # the step's question
    expect(ways.locator(".opt")).to_have_count(4)  # the station's own options
    line = phone.locator("[data-task=line]")
    expect(line.locator("h3")).to_have_text(line_prompt)
    rate = phone.locator("[data-task=rate]")
    expect(rate.locator("h3")).to_have_text(rate_prompt)
    expect(rate.locator(".hint")).to_have_text(said["scale"][lang])
    expect(rate.locator(".scale")).to_have_count(2 if said["second"] else 1)
    ways.locator(".opt").nth(n % 4).tap()
    expect(ways.locator(".opt.chosen")).to_have_count(1)
    rate.locator(".scale[data-which=as_written] .scale-btn").nth(n % 5).tap()
    expect(rate.locator(".scale[data-which=as_written] .scale-btn.chosen")).to_have_count(1)
    if said["second"]:
        rate.locator(".scale[data-which=best_friend] .scale-btn").nth(4).tap()
        expect(rate.locator(".scale[data-which=best_friend] .scale-btn.chosen")).to_have_count(1)
    line.locator("textarea").fill(GROUP_LINE[lang])
    line.locator("button[type=submit]").tap()
    expect(phone.locator(".answer-msg")).not_to_be_empty()
    return station


def test_a_class_plays_kaveritaidot_7_9_with_stations_on_finnish_and_swedish_phones(desktop, phones, server):
    host, code = start_session(desktop, server, PACK_ID)
    host.on("dialog", lambda d: d.accept())
    screen = open_screen(host)
    wall = Wall(screen, PACK_ID)

    pupils = []
    for locale in ("fi-FI", "sv-SE", "fi-FI"):
        phone = phones(locale)
        phone.goto(f"{server.url}/j/{code}")
        expect(phone.locator("#nick")).not_to_be_empty()
        pupils.append(phone)
    fi, sv, leader = pupils
    for phone in (fi, sv):
        phone.set_viewport_size({"width": 360, "height": 640})
    expect(fi.locator("html")).to_have_attribute("lang", "fi")
    expect(sv.locator("html")).to_have_attribute("lang", "sv")
    small = ((fi, "fi"), (sv, "sv"))
    phone_issues: list[str] = []

    # The peer-support pupil leads a station; the two phones are two groups.
    leader_nick = leader.locator("#nick").inner_text()
    host.locator(f".pupil:has-text('{leader_nick}') .mentor").click()
    expect(host.locator(".team.mentors .pupil")).to_have_count(1)
    host.locator("#team-count").select_option("2")
    host.locator("#make-teams").click()
    expect(host.locator(".team:not(.mentors)")).to_have_count(2)
    expect(screen.locator("#nicks li")).to_have_count(3)
    wall.look("lobby")
    for phone, lang in small:
        on_phone(phone, f"{lang} lobby", phone_issues)

    assert host.locator(".plan li").count() == STEPS
    kinds = []
    for index in range(STEPS):
        step_id, kind = next_step(host, screen, index, pupils)
        kinds.append(kind)
        wall.look(f"{step_id} open")
        for phone, lang in small:
            on_phone(phone, f"{lang} {step_id} open", phone_issues)

        if step_id == "tervetuloa":  # the rules as a list, each phone in its own language
            expect(screen.locator("#step li")).to_have_count(5)
            expect(screen.locator("#step strong", has_text="Pelisäännöt")).to_have_count(1)
            expect(fi.locator(".big-prompt")).to_have_text("Tervetuloa! Katso valkokangasta.")
            expect(sv.locator(".big-prompt")).to_have_text("Välkommen! Titta på duken.")

        if kind == "stations":
            play_stations(host, screen, wall, fi, sv, leader, phone_issues)
            continue

        if answer_on([phone for phone, _lang in small], kind, LINES):
            screen.wait_for_timeout(300)  # the counts reach the projector
            wall.look(f"{step_id} answered")
            for phone, lang in small:
                on_phone(phone, f"{lang} {step_id} answered", phone_issues)

        if kind == "open":
            # Nothing a pupil wrote is on the wall before the facilitator approves it.
            expect(host.locator(".moderation .line-item")).to_have_count(len(LINES))
            wall_text = screen.locator("#step").inner_text()
            assert not any(line in wall_text for line in LINES), wall_text
            host.locator(".moderation .line-item", has_text=LINES[0]).locator(".approve-line").click()
            expect(screen.locator("#step .cloud li", has_text="yksin")).to_have_count(1)
            unkind = host.locator(".moderation .line-item", has_text=LINES[1])
            unkind.locator(".hide-line").click()
            expect(unkind).to_have_class(re.compile(r"\bhidden\b"))
            accessible(host)
            assert "ingen gillar" not in screen.locator("#step").inner_text()
            wall.look(f"{step_id} approved")

        if host.locator("#reveal").count():
            host.locator("#reveal").click()
            expect(host.locator("#reveal")).to_have_count(0)
            if kind == "open":
                expect(screen.locator("#step .lines .line")).to_have_count(1)
            if kind == "sort":
                expect(fi.locator(".verdict")).to_be_visible()
            screen.wait_for_timeout(300)
            wall.look(f"{step_id} revealed")
            for phone, lang in small:
                on_phone(phone, f"{lang} {step_id} revealed", phone_issues)

        if step_id == "kenelle-kertoa":  # the school's adults and the help lines, in each phone's language
            expect(fi.locator(".big-prompt")).to_contain_text("opettaja, kuraattori tai terveydenhoitaja")
            expect(fi.locator(".big-prompt")).to_contain_text("Lasten ja nuorten puhelin 116 111")
            expect(fi.locator(".big-prompt")).to_contain_text("Hätänumero 112")
            expect(sv.locator(".big-prompt")).to_contain_text("läraren, kuratorn eller hälsovårdaren")
            expect(sv.locator(".big-prompt")).to_contain_text("Barn- och ungdomstelefonen 0800 96 116")
            expect(sv.locator(".big-prompt")).to_contain_text("Nödnumret 112")
            expect(sv.locator(".big-prompt")).not_to_contain_text("116 111")
            expect(screen.locator("#step")).to_contain_text("opettaja, kuraattori tai terveydenhoitaja")
            expect(screen.locator("#step")).to_contain_text("116 111")
            expect(screen.locator("#step li")).to_have_count(3)  # the shared help lines, as a list
            wall_text = screen.locator("#step").inner_text()
            assert not re.search(r"\b(aina|24/7)\b", wall_text, re.I), wall_text

    assert kinds == [
        "slide",
        "choice",
        "scale",
        "sort",
        "scenario",
        "slide",
        "stations",
        "choice",
        "open",
        "choice",
        "scale",
        "slide",
        "barometer",
    ]
    host.locator("#end").click()
    expect(screen.locator("#step .big-prompt")).to_be_visible()
    expect(sv.locator(".big-prompt")).to_be_visible()
    wall.look("ended")
    problems = wall.problems + phone_issues
    assert not problems, "\n".join(problems)


def play_stations(host, screen, wall, fi, sv, leader, phone_issues: list[str]) -> None:
    """The leader gets the chat station; the two groups rotate through all four; then the debrief."""
    expect(screen.locator("#step .slide-text")).to_contain_text("Kierrätte ryhmänä neljä rastia")
    expect(fi.locator(".big-prompt")).to_have_text("Rastit alkavat pian. Odota ohjaajaa.")
    expect(sv.locator(".big-prompt")).to_have_text("Stationerna börjar snart. Vänta på handledaren.")
    host.locator(".lead-station").select_option("kuva-chatissa")
    expect(host.locator(".lead-station")).to_have_value("kuva-chatissa")
    host.locator("#stations-start").click()
    expect(leader.locator(".guide")).to_be_visible()  # the leader's guide
    expect(screen.locator(".station-map .chip")).to_have_count(2)
    expect(screen.locator(".station-box[data-station=kuva-chatissa]")).to_be_visible()

    visited: dict[str, list[str]] = {"fi": [], "sv": []}
    for round_no in range(4):
        for n, (phone, lang) in enumerate(((fi, "fi"), (sv, "sv"))):
            if round_no:  # the phone has moved on from the last station
                expect(phone.locator(".situation .card-title")).not_to_have_text(STATIONS[visited[lang][-1]][lang][0])
            on_phone(phone, f"{lang} station round {round_no + 1} open", phone_issues)
            visited[lang].append(play_station(phone, lang, n + round_no))
        # The leader's phone: the chat station's guide, and the group there when there is one.
        expect(leader.locator(".situation .card-title")).to_have_text("Kuva luokan chatissa")
        expect(leader.locator(".guide h3")).to_have_text(["Kysy ryhmältä", "Kuuntele", "Pidä keskustelu turvallisena"])
        expect(leader.locator(".guide li", has_text="kuvakaappauksena")).to_have_count(1)
        if "kuva-chatissa" in (visited["fi"][-1], visited["sv"][-1]):
            expect(leader.locator(".here .team-card")).to_have_count(1)
            leader.locator("#mentor-done").tap()
            expect(screen.locator(".station-box[data-station=kuva-chatissa] .chip.done")).to_have_count(1)
        else:
            expect(leader.locator(".here .team-card")).to_have_count(0)
        screen.wait_for_timeout(300)
        # No group's line is on the wall while the groups rotate.
        wall_text = screen.locator("#step").inner_text()
        assert not any(line in wall_text for line in GROUP_LINE.values()), wall_text
        wall.look(f"stations round {round_no + 1}")
        on_phone(fi, f"fi station round {round_no + 1} answered", phone_issues)
        host.locator("#stations-rotate").click()
        if round_no < 3:
            expect(screen.locator(".station-map .chip")).to_have_count(2)
    for lang, stations in visited.items():
        assert sorted(stations) == sorted(STATIONS), (lang, stations)  # each group at every station once

    # The debrief: the chat station first, with the pack's headings; lines only once approved.
    debrief = screen.locator(".debrief")
    expect(debrief.locator("h2")).to_have_text("Kuva luokan chatissa")
    expect(debrief.locator(".ratings h3")).to_have_text(
        ["Kuinka vaikeaa olisi kirjoittaa chattiin jotain?", "Entä jos laittaja olisi porukan suosituin?"]
    )
    expect(debrief.locator(".ways-result h3")).to_have_text("Mitä ryhmät tekisivät")
    expect(debrief.locator(".lines-result")).to_have_count(0)
    expect(fi.locator(".big-prompt")).to_be_visible()
    moderation = host.locator(".moderation")
    expect(moderation.locator("h3")).to_have_text("Ryhmien omat viestit: hyväksy ennen kuin ne näytetään")
    expect(moderation.locator(".line-item")).to_have_count(8)
    assert not any(line in screen.locator("#step").inner_text() for line in GROUP_LINE.values())
    moderation.locator(".line-item[data-station=kuva-chatissa] .approve-line").first.click()
    expect(debrief.locator(".lines-result h3")).to_have_text("Ryhmien omat viestit")
    expect(debrief.locator(".lines-result .line")).to_have_count(1)
    accessible(host)
    screen.wait_for_timeout(300)
    wall.look("stations debrief kuva-chatissa")

    for station, heading, count in (
        ("potkut-pelista", "Kuinka vaikeaa olisi puolustaa Iiroa omalle porukalle?", 1),
        ("uusi-luokalla", "Kuinka kiusallista olisi mennä Saanan luo?", 2),
        ("vitsi-jatkuu", "Kuinka vaikeaa olisi puuttua, kun muut nauravat?", 2),
    ):
        host.locator(f"[data-show={station}]").click()
        expect(debrief.locator("h2")).to_have_text(STATIONS[station]["fi"][0])
        expect(debrief.locator(".ratings")).to_have_count(count)
        expect(debrief.locator(".ratings h3").first).to_have_text(heading)
        expect(debrief.locator(".lines-result")).to_have_count(0)  # its lines still wait
        screen.wait_for_timeout(300)
        wall.look(f"stations debrief {station}")
