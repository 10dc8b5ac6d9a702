"""A finished story says so, and no longer that the answer can still be changed (issue #15
item 4e): at the end of a scenario there is nothing left to change."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.e2e.conftest import go_to_step_with, join, start_session

pytestmark = pytest.mark.browser


@pytest.mark.skipif(not (ROOT / "content" / "digitutkijat" / "pack.yaml").exists(), reason="needs Digitutkijat")
def test_the_end_of_a_story_does_not_offer_a_change(desktop, phones, server):
    host, code = start_session(desktop, server, "digitutkijat")
    (phone,) = join(phones, server, code, 1)
    go_to_step_with(host, "#stage .kind-scenario")
    step = host.locator("#stage .activity").get_attribute("data-step")
    expect(phone.locator(f".activity[data-step='{step}']")).to_be_visible()
    for _ in range(10):  # a story has a few choices before its end
        if phone.locator(".story-step").count() and not phone.locator("button[data-choice]").count():
            break
        taken = phone.locator(".story-step").count()
        phone.locator("button[data-choice]").first.tap()
        expect(phone.locator(".story-step")).to_have_count(taken + 1)
    expect(phone.locator("button[data-choice]")).to_have_count(0)  # the story has ended
    expect(phone.locator(".activity .big-prompt")).to_be_visible()
    phone.wait_for_timeout(300)  # the last acknowledgement has arrived
    assert phone.locator(".answer-msg").inner_text().strip() == ""
