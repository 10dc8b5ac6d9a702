"""A phone opens each new step at its top (issue #15 item 4b): a pupil who scrolled down a long
step must not land in the middle of the next one with its question above the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.e2e.conftest import join, start_session

pytestmark = pytest.mark.browser

MAX_SCROLL = "document.documentElement.scrollHeight - window.innerHeight"


@pytest.mark.skipif(not (ROOT / "content" / "digitutkijat" / "pack.yaml").exists(), reason="needs Digitutkijat")
def test_a_new_step_opens_at_the_top_of_the_phone(desktop, phones, server):
    host, code = start_session(desktop, server, "digitutkijat")
    (phone,) = join(phones, server, code, 1)
    telling = 0  # moves where the old scroll position would still fit the new step's page
    scrolled = 0
    steps = host.locator(".plan li").count()
    for index in range(steps):
        host.locator("#next").click()
        expect(host.locator(".step-count")).to_have_attribute("data-index", str(index))
        step = host.locator("#stage .activity").get_attribute("data-step")
        expect(phone.locator(f".activity[data-step='{step}']")).to_be_visible()
        phone.wait_for_timeout(150)  # images and the own view settle the page's height
        if index:
            assert phone.evaluate("window.scrollY") == 0, f"step {step} opened scrolled down"
            telling += phone.evaluate(MAX_SCROLL) >= scrolled > 0
        phone.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        scrolled = phone.evaluate("window.scrollY")
    assert telling >= 3, "too few long steps in a row to tell a kept scroll position from a new page"
