"""A screen reader on the phone hears what changed: a new question, the result, time almost up;
never the whole screen again on every view."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import go_to_step_with, join, start_session

pytestmark = pytest.mark.browser


def test_the_phone_announces_a_new_question_and_the_result_in_one_small_region(desktop, phones, server):
    host, code = start_session(desktop, server, "esittely")
    (phone,) = join(phones, server, code, 1)
    # Only the announcer is live: an aria-live <main> re-reads the screen at every view.
    assert phone.locator("main[aria-live], #play[aria-live]").count() == 0
    announcer = phone.locator("#announce[aria-live=polite]")
    expect(announcer).to_have_count(1)

    go_to_step_with(host, "#stage .activity[data-step='hatanumero']")
    expect(phone.locator(".activity[data-step='hatanumero']")).to_be_visible()
    # The 30-second timer reads as a clock ("0:29 jäljellä"), not "29 s jäljellä", on phone and console.
    clock = re.compile(r"^0:[0-3]\d jäljellä$")
    expect(phone.locator(".countdown")).to_have_text(clock)
    expect(host.locator("#stage .countdown")).to_have_text(clock)
    title = host.locator("#stage .step-title").inner_text()
    question = phone.locator(".question").first.inner_text()
    expect(announcer).to_have_text(f"{title}. {question}")

    # Other pupils' answers change the screen, but a view of the same step is not announced again.
    phone.evaluate(
        """() => {
          const box = document.getElementById("announce");
          window.__said = [];
          new MutationObserver(() => window.__said.push(box.textContent))
            .observe(box, { childList: true, characterData: true, subtree: true });
        }"""
    )
    phone.locator("button.opt").first.tap()
    expect(phone.locator(".answer-msg")).not_to_be_empty()
    phone.wait_for_timeout(300)
    assert [s for s in phone.evaluate("window.__said") if s] == []

    host.locator("#reveal").click()
    verdict = phone.locator(".verdict")
    expect(verdict).to_be_visible()
    why = phone.locator(".explanation").inner_text()
    expect(announcer).to_have_text(f"{verdict.inner_text()} {why}")
