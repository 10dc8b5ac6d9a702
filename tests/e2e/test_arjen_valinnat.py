"""Arjen valinnat in real Chromium: teams vote on phones, the projector's board shows tokens moving."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import go_to_step_with, join, open_screen, start_session

pytestmark = pytest.mark.browser


def test_three_rounds_move_tokens_on_the_projector(desktop, phones, server):
    host, code = start_session(desktop, server, "arjen-valinnat")
    screen = open_screen(host)
    pupils = join(phones, server, code, 6)
    host.locator("#team-count").select_option("3")
    host.locator("#make-teams").click()
    expect(host.locator(".team")).to_have_count(3)

    go_to_step_with(host, "#game-start")
    host.locator("#game-start").click()
    expect(screen.locator(".board .token")).to_have_count(3)
    start = {
        t.get_attribute("data-team"): t.evaluate("e => e.closest('.space').dataset.space")
        for t in screen.locator(".board .token").all()
    }
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
        positions.append(
            {
                t.get_attribute("data-team"): int(t.evaluate("e => e.closest('.space').dataset.space"))
                for t in screen.locator(".board .token").all()
            }
        )
    assert any(pos != 0 for pos in positions[-1].values()), positions  # the tokens moved
    for phone in pupils:
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    host.once("dialog", lambda d: d.accept())
    host.locator("#game-end").click()
    expect(screen.locator(".journey")).to_have_count(3)
    expect(pupils[0].locator("ol.journey li")).to_have_count(3)
