"""Arjen valinnat in real Chromium: teams vote on phones, the projector's board shows tokens moving."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_three_rounds_move_tokens_on_the_projector(desktop, phones, server):
    host = desktop.new_page()
    host.goto(server.url + "/")
    host.locator("article[data-pack=arjen-valinnat] button[type=submit]").click()
    host.wait_for_url(re.compile(r".*/host/[A-Z0-9]+$"))
    code = host.locator("#code").inner_text().strip()
    with host.expect_popup() as popup:
        host.locator("#open-screen").click()
    screen = popup.value

    pupils = []
    for _ in range(6):
        phone = phones()
        phone.goto(f"{server.url}/j/{code}")
        expect(phone.locator("#nick")).not_to_be_empty()
        pupils.append(phone)
    host.locator("#team-count").select_option("3")
    host.locator("#make-teams").click()
    expect(host.locator(".team")).to_have_count(3)

    # Move to the board game step.
    while not host.locator("#game-start").count():
        host.locator("#next").click()
        host.wait_for_timeout(150)
    host.locator("#game-start").click()
    expect(screen.locator(".board .token")).to_have_count(3)
    start = {t.get_attribute("data-team"): t.evaluate("e => e.closest('.space').dataset.space")
             for t in screen.locator(".board .token").all()}
    assert set(start.values()) == {"0"}

    positions = []
    for round_no in range(1, 4):
        host.locator("#game-deal").click()
        for phone in pupils:
            expect(phone.locator(".situation .card-title")).to_be_visible()
            options = phone.locator("button.opt")
            options.nth(round_no % options.count()).tap()
        for phone in pupils:
            expect(phone.locator("button.opt.chosen")).to_have_count(1)
        expect(host.locator(".team-card .voted").first).to_contain_text("2")
        host.locator("#game-reveal").click()
        expect(screen.locator(".team-card .consequence").first).to_be_visible()
        expect(pupils[0].locator(".turn .consequence")).to_be_visible()
        positions.append({t.get_attribute("data-team"): int(t.evaluate("e => e.closest('.space').dataset.space"))
                          for t in screen.locator(".board .token").all()})
    assert any(pos != 0 for pos in positions[-1].values()), positions  # the tokens moved
    for phone in pupils:
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    host.once("dialog", lambda d: d.accept())
    host.locator("#game-end").click()
    expect(screen.locator(".journey")).to_have_count(3)
    expect(pupils[0].locator("ol.journey li")).to_have_count(3)
