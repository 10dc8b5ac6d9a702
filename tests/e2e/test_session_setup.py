"""The start form's choices in a real browser: the session's language, a placeholder, optional steps."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import accessible, join, open_screen

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path("/tmp/setup-shots")


# the shipped packs and the test packs (the small parents' evening `miniilta`)
@pytest.mark.serve("--content", str(ROOT / "tests" / "packs" / "good"))
def test_a_swedish_evening_for_a_named_school_with_an_optional_step_skipped(browser, watch, phones, server):
    desktop = watch.attach(browser.new_context(viewport={"width": 1280, "height": 800}, locale="fi-FI"))
    host = desktop.new_page()
    host.goto(server.url + "/")
    card = host.locator("article[data-pack=miniilta]")
    expect(card.locator(".facts")).to_contain_text("Aikuisille")
    choices = card.locator("details.setup:not(.stats-labels)")
    expect(choices).to_have_attribute("open", "")  # it asks for a word: open from the start
    card.locator("input[name=language][value=sv]").check()
    card.get_by_label("Koulun nimi").fill("Solbacka skola")
    accessible(host)
    SHOTS.mkdir(exist_ok=True)
    card.screenshot(path=str(SHOTS / "start-form.png"))
    card.locator("button[type=submit]").click()
    host.wait_for_url(re.compile(r".*/host/[A-Z0-9]+$"))
    code = host.locator("#code").inner_text().strip()
    screen = open_screen(host)
    parent = join(phones, server, code, 1)[0]
    # Adults: the phone offers the organiser, not "an adult".
    expect(parent.locator("#talk-button")).to_have_text("Haluan jutella järjestäjän kanssa")

    host.locator("#next").click()  # start: the welcome
    expect(screen.locator("h1.step-title")).to_contain_text("Välkommen, Solbacka skola!")
    expect(host.locator(".plan .badge.optional")).to_have_count(1)
    # The next step is optional: one press skips it, straight to the help slide.
    skip = host.locator("#skip")
    expect(skip).to_contain_text("Ohita:")
    skip.click()
    expect(screen.locator("h1.step-title")).to_contain_text("Var får man hjälp?")
    expect(screen.locator(".step-body")).to_contain_text("Barn- och ungdomstelefonen 0800 96 116")
    accessible(host)
    accessible(screen)
    screen.screenshot(path=str(SHOTS / "help-slide-sv.png"))
    # The console's own language stays the facilitator's (Finnish) while the projector speaks Swedish.
    expect(host.locator("#next")).to_contain_text("Seuraava")
    # Back to the skipped poll: a poll's note is "good to know", not "why?" (it has no right answer).
    host.locator("#prev").click()
    expect(screen.locator("h1.step-title")).to_contain_text("Läggdags")
    parent.locator("button.opt").first.tap()
    host.locator("#reveal").click()
    expect(screen.locator(".explanation strong")).to_have_text("Bra att veta")  # the wall speaks Swedish
    expect(screen.locator(".step-count, #step-count").first).to_contain_text("Steg")
    expect(parent.locator(".explanation strong")).to_have_text("Hyvä tietää")
    watch.flush(desktop)
    desktop.close()
