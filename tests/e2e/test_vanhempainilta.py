"""The parents' evening (content/vanhempainilta) in real Chromium, from the home page's start
form to the end: the school's name typed in, an optional step left out, a console, a projector
and parents' phones (one 360-px phone in Finnish, one in Swedish). At every state the projector
fits its wall (Wall) and the small phone fits a phone (on_phone); axe checks every page.

Set SCREENS=<folder> to keep screenshots of the projector (every state, 720p and 1080p) and of
the 360-px phones at a few steps.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import next_step, open_screen
from tests.e2e.test_projector_fit import Wall, on_phone

pytestmark = [
    pytest.mark.browser,
]

PACK = "vanhempainilta"
SCHOOL = "Mäkelän koulu"
LEFT_OUT = "kenen-kanssa"
SHOTS = Path(os.environ["SCREENS"]) if os.environ.get("SCREENS") else None
QUESTIONS = {
    "fi": "Miten sopia ruutuajasta teinin kanssa ilman riitaa?",
    "sv": "Vad gör man när Kalle i 5B inte får vara med?",  # names a child: the facilitator hides it
    "third": "Mistä tietää, että lapsella on hyvä olla kavereiden kanssa?",
}


def _start(desktop, server):
    """The facilitator opens the start form's choices, types the school's name and leaves a step out."""
    host = desktop.new_page()
    host.goto(server.url + "/?lang=fi")
    card = host.locator(f"article[data-pack={PACK}]")
    choices = card.locator("details.setup:not(.stats-labels)")
    expect(choices.locator("summary")).to_have_text("Tämän kerran valinnat")
    if not choices.evaluate("(d) => d.open"):  # open by itself when the pack has placeholders
        choices.locator("summary").click()
    expect(card.locator("text=Aikuisille")).to_be_visible()
    card.locator(f"#ph-{PACK}-koulu").fill(SCHOOL)
    expect(card.locator(f"#ph-{PACK}-yhteyshenkilo")).to_have_attribute(
        "placeholder", "luokanopettaja tai luokanvalvoja"
    )
    card.locator(f"input[name=leave_out][value={LEFT_OUT}]").check()
    expect(card.locator("input[name=language][value=fi]")).to_be_checked()
    card.locator("button[type=submit]").click()
    host.wait_for_url(re.compile(r".*/host/[A-Z0-9]+$"))
    return host, host.locator("#code").inner_text().strip()


def _join(phones, server, code: str, locale: str):
    phone = phones(locale)
    phone.goto(f"{server.url}/j/{code}")
    expect(phone.locator("#nick")).not_to_be_empty()
    return phone


def _answer(phone, kind: str, n: int, text: str | None = None) -> bool:
    """Answer the step on this phone as a parent would; return whether it took an answer."""
    if kind == "choice":
        options = phone.locator("button.opt")
        options.nth(n % options.count()).tap()
        if n % 2 and options.count() > 2:  # some parents pick two
            options.nth((n + 2) % options.count()).tap()
        send = phone.locator("button.btn.primary.big")
        if send.count():
            send.tap()
    elif kind == "scale":
        buttons = phone.locator(".scale-btn")
        buttons.nth((n * 2) % buttons.count()).tap()
    elif kind == "open":
        phone.locator("#open-answer").fill(text or "Miten jaksaa arjessa?")
        phone.locator("#send-open").tap()
    else:
        return False
    expect(phone.locator(".answer-msg")).not_to_be_empty()
    return True


def _shoot(page, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{PACK}-{name}.png"), full_page=True)


def test_a_parents_evening_from_the_lobby_to_the_end(desktop, phones, server):
    host, code = _start(desktop, server)
    host.on("dialog", lambda d: d.accept())
    screen = open_screen(host)
    wall = Wall(screen, PACK)
    finnish = _join(phones, server, code, "fi-FI")
    swedish = _join(phones, server, code, "sv-FI")
    third = _join(phones, server, code, "fi-FI")
    parents = [finnish, swedish, third]
    for small in (finnish, swedish):
        small.set_viewport_size({"width": 360, "height": 640})
    phone_issues: list[str] = []
    expect(screen.locator("#nicks li")).to_have_count(3)
    expect(host.locator(".plan li")).to_have_count(13)  # 14 steps (the closing barometer too), one left out
    # Adults: the phones offer the organiser, in each phone's language.
    expect(finnish.locator("#talk-button")).to_have_text("Haluan jutella järjestäjän kanssa")
    expect(swedish.locator("#talk-button")).to_have_text("Jag vill prata med arrangören")
    wall.look("lobby")
    on_phone(finnish, "lobby fi", phone_issues)
    on_phone(swedish, "lobby sv", phone_issues)

    kinds_done: set[str] = set()
    steps = host.locator(".plan li").count()
    for index in range(steps):
        step_id, kind = next_step(host, screen, index, parents)
        assert step_id != LEFT_OUT
        wall.look(f"{step_id} open")
        for lang, small in (("fi", finnish), ("sv", swedish)):
            on_phone(small, f"{step_id} open {lang}", phone_issues)
            if small.evaluate("scrollY") != 0:
                phone_issues.append(f"phone {lang} {step_id}: opened {small.evaluate('scrollY')} px down")

        if step_id == "tervetuloa":
            expect(screen.locator("#step")).to_contain_text(f"Kodit ja {SCHOOL} yhdessä")
            expect(screen.locator("#step .slide-text li")).to_have_count(4)
            expect(swedish.locator(".big-prompt")).to_contain_text("smeknamn")
            _shoot(finnish, "phone-fi-welcome")
        if step_id == "kortti-ruudut":
            expect(screen.locator("#step .slide-text strong").first).to_contain_text("ruudut ja uni")
            expect(swedish.locator(".big-prompt")).to_contain_text("inga råd innan någon ber om dem")
            expect(finnish.locator(".big-prompt")).to_contain_text("ei neuvoja ennen kuin kysytään")
            _shoot(swedish, "phone-sv-card")

        if step_id == "kysymykset":
            texts = [QUESTIONS["fi"], QUESTIONS["sv"], QUESTIONS["third"]]
            for n, phone in enumerate(parents):
                _answer(phone, kind, n, texts[n])
            kinds_done.add(kind)
            moderation = host.locator(".moderation .line-item")
            expect(moderation).to_have_count(3)
            screen.wait_for_timeout(300)
            # Nothing is projected before the facilitator has read it.
            for text in texts:
                expect(screen.locator("#step")).not_to_contain_text(text)
            expect(screen.locator("#step .cloud li")).to_have_count(0)
            wall.look(f"{step_id} asked")
            host.locator(".moderation .line-item", has_text=QUESTIONS["fi"]).locator(".approve-line").click()
            host.locator(".moderation .line-item", has_text=QUESTIONS["sv"]).locator(".hide-line").click()
            host.locator(".moderation .line-item", has_text=QUESTIONS["third"]).locator(".approve-line").click()
            expect(host.locator(".moderation .line-item.approved")).to_have_count(2)
            expect(host.locator(".moderation .line-item.hidden")).to_have_count(1)
            expect(screen.locator("#step .cloud li").first).to_be_visible()
            expect(screen.locator("#step")).not_to_contain_text("Kalle")
            wall.look(f"{step_id} approved")
            host.locator("#reveal").click()
            expect(host.locator("#reveal")).to_have_count(0)
            expect(screen.locator("#step .line")).to_have_count(2)
            expect(screen.locator("#step .line", has_text=QUESTIONS["fi"])).to_be_visible()
            expect(screen.locator("#step")).not_to_contain_text("Kalle")
            expect(third.locator(".activity")).not_to_contain_text("Kalle")
            wall.look(f"{step_id} revealed")
            for lang, small in (("fi", finnish), ("sv", swedish)):
                on_phone(small, f"{step_id} revealed {lang}", phone_issues)
            _shoot(swedish, "phone-sv-questions")
            continue

        if step_id == "mista-tukea":
            expect(screen.locator("#step")).to_contain_text("Lasten ja nuorten puhelin 116 111")
            expect(screen.locator("#step")).to_contain_text("luokanopettaja tai luokanvalvoja")
            expect(swedish.locator(".big-prompt")).to_contain_text("Barn- och ungdomstelefonen 0800 96 116")
            expect(finnish.locator(".big-prompt")).to_contain_text("Lasten ja nuorten puhelin 116 111")
            _shoot(swedish, "phone-sv-help")
            # A parent asks to talk to the organiser: the console names the nickname only.
            nick = swedish.locator("#me-nick").inner_text()
            swedish.locator("#talk-button").tap()
            expect(swedish.locator("#talk .hint")).to_be_visible()
            expect(host.locator(".talk")).to_contain_text("Haluaisi jutella järjestäjän kanssa:")
            expect(host.locator(".talk")).to_contain_text(nick)
            expect(screen.locator("body")).not_to_contain_text("jutella järjestäjän")
        if step_id == "kiitos":
            expect(screen.locator("#step")).to_contain_text(f"Kodit ja {SCHOOL} ovat samalla puolella")

        answered = False
        for n, phone in enumerate(parents):
            if _answer(phone, kind, n):
                answered = True
                kinds_done.add(kind)
        if answered:
            expect(screen.locator("#step .progress")).to_have_text("3 / 3 vastannut")
            screen.wait_for_timeout(300)  # the counts reach the projector
            wall.look(f"{step_id} answered")
            on_phone(finnish, f"{step_id} answered fi", phone_issues)

        if host.locator("#reveal").count():
            host.locator("#reveal").click()
            expect(host.locator("#reveal")).to_have_count(0)
            screen.wait_for_timeout(300)
            wall.look(f"{step_id} revealed")
            for lang, small in (("fi", finnish), ("sv", swedish)):
                on_phone(small, f"{step_id} revealed {lang}", phone_issues)

    host.locator("#end").click()
    expect(screen.locator("#step .big-prompt")).to_be_visible()
    for phone in parents:
        expect(phone.locator("#play")).not_to_be_empty()
    wall.look("ended")

    assert kinds_done == {"choice", "scale", "open"}, kinds_done
    problems = wall.problems + phone_issues
    assert not problems, "\n".join(problems)
