"""Task packs in real Chromium: phones answer every kind of task, the find-in-picture by touch."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.e2e.conftest import join, open_screen, start_session

pytestmark = pytest.mark.browser

PACKS = [p for p in ("digitutkijat", "digitutkijat-tukioppilaat") if (ROOT / "content" / p / "pack.yaml").exists()]


def answer(phone, kind: str, n: int) -> bool:
    """Answer the task on this phone the way a pupil would; return whether it took an answer."""
    if kind == "choice":
        phone.locator("button.opt").nth(n % phone.locator("button.opt").count()).tap()
        send = phone.locator("button.btn.primary.big")
        if send.count():
            send.tap()
    elif kind == "truefalse":
        phone.locator(f"button[data-value={'true' if n % 2 else 'false'}]").tap()
    elif kind == "scale":
        phone.locator(".scale-btn").nth(n % phone.locator(".scale-btn").count()).tap()
    elif kind == "open":
        phone.locator("#open-answer").fill("Kivoja videoita")
        phone.locator("#send-open").tap()
    elif kind == "sort":
        for i in range(phone.locator("button[data-item]").count()):
            phone.locator("button[data-item]").nth(i).tap()
            phone.locator("button[data-category]").nth((i + n) % phone.locator("button[data-category]").count()).tap()
    elif kind == "order":
        while phone.locator("button[data-item]").count():
            phone.locator("button[data-item]").first.tap()
    elif kind == "pairs":
        lefts, rights = phone.locator("button[data-left]"), phone.locator("button[data-right]")
        for i in range(lefts.count()):  # each phone its own matching: left i with right i + n
            lefts.nth(i).tap()
            rights.nth((i + n) % rights.count()).tap()
        expect(phone.locator("button.pairs-item.matched")).to_have_count(2 * lefts.count())
        phone.locator("#send-pairs").tap()
    elif kind == "hotspot":
        frame = phone.locator(".hotspot-frame")
        phone.wait_for_function(
            "() => { const i = document.querySelector('.hotspot-img'); return i && i.complete && i.naturalWidth > 0; }"
        )
        box = frame.bounding_box()
        # The picture can be taller than a small phone's screen: bring the tapped place to the middle.
        phone.evaluate("y => window.scrollBy(0, y - innerHeight / 2)", box["y"] + box["height"] * 0.5)
        box = frame.bounding_box()
        # Each phone taps its own place: on a team task a tap on a teammate's mark would take it back.
        phone.touchscreen.tap(box["x"] + box["width"] * (0.15 + 0.2 * n), box["y"] + box["height"] * 0.5)
        expect(phone.locator(".tap-mark").first).to_be_visible()  # drawn at once
        expect(phone.locator(".tap-mark:not(.pending)").first).to_be_visible(timeout=15000)  # confirmed by the server
    elif kind == "scenario":
        choices = phone.locator("button[data-choice]")
        if not choices.count() or choices.first.is_disabled():
            return False
        choices.first.tap()
    elif kind == "invent":
        phone.locator("#idea-question").fill("Saako salasanan kertoa kaverille?")
        phone.locator(".idea-option").nth(0).fill("Saa")
        phone.locator(".idea-option").nth(1).fill("Ei saa")
        phone.locator("input[type=radio]").nth(1).check()
        phone.locator("#send-idea").tap()
    else:
        return False
    return True


@pytest.mark.parametrize("pack_id", PACKS)
def test_phones_answer_every_kind_of_task(desktop, phones, server, pack_id):
    host, code = start_session(desktop, server, pack_id)
    screen = open_screen(host)
    pupils = join(phones, server, code, 4)
    host.locator("#team-count").select_option("2")
    host.locator("#make-teams").click()
    expect(host.locator(".team")).to_have_count(2)
    kinds_done = set()
    steps = int(host.locator(".plan li").count())
    for index in range(steps):
        host.locator("#next").click()
        expect(host.locator(".step-count")).to_have_attribute("data-index", str(index))
        step_id = host.locator("#stage .activity").get_attribute("data-step")
        kind = host.locator("#stage .activity").get_attribute("class").split("kind-")[1].split()[0]
        for n, phone in enumerate(pupils):
            expect(phone.locator(f".activity[data-step='{step_id}']")).to_be_visible()
            if answer(phone, kind, n):
                kinds_done.add(kind)
                if kind not in ("scenario",):
                    expect(phone.locator(".answer-msg")).not_to_be_empty()
        if host.locator("#reveal").count():
            host.locator("#reveal").click()
            if kind == "hotspot":
                expect(pupils[0].locator(".spot").first).to_be_visible()
            if kind in ("truefalse", "sort", "order", "pairs"):
                expect(pupils[0].locator(".verdict")).to_be_visible()
            if kind == "pairs":  # the projector shows every right pair
                rows = pupils[0].locator("button[data-left]").count()
                expect(screen.locator(".pairs-solution .pairs-row")).to_have_count(rows)
        expect(screen.locator(f".activity.kind-{kind}")).to_be_visible()
        for phone in pupils:
            assert phone.evaluate("document.documentElement.scrollWidth") <= 360, kind
    expected = {"truefalse", "scale", "open", "sort", "order", "scenario", "choice"}
    if pack_id == "digitutkijat":
        expected |= {"hotspot", "pairs"}
    else:
        expected |= {"invent"}
    assert expected <= kinds_done, expected - kinds_done
