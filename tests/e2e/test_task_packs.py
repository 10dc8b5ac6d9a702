"""Task packs in real Chromium: phones answer every kind of task (the find-in-picture by touch),
and at every state of every step the projector fits its wall and the phone its phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.e2e.conftest import join, next_step, open_screen, start_session
from tests.e2e.test_projector_fit import Wall, on_phone

pytestmark = pytest.mark.browser

PACKS = [
    p
    for p in ("esittely", "digitutkijat", "digitutkijat-tukioppilaat", "hyvinvointipuntari")
    if (ROOT / "content" / p / "pack.yaml").exists()
]


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
    elif kind == "barometer":
        # A face under every statement, each phone its own: a tap sends that statement's face alone.
        statements = phone.locator(".baro-statement")
        for i in range(statements.count()):
            statements.nth(i).locator("button.baro-btn").nth((i + n) % 3).tap()
            expect(statements.nth(i).locator("button.baro-btn[aria-pressed=true]")).to_have_count(1)
        expect(phone.locator(".answer-msg")).to_have_text(re.compile("Kiitos|Tack|Thank"))
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
def test_phones_answer_every_kind_of_task_and_the_projector_fits_every_step(desktop, phones, server, pack_id):
    """Walk the pack: phones answer every step, the facilitator reveals it; at each state the
    projector fits the wall at both sizes (Wall) and the 360x640 phone fits a phone (on_phone)."""
    host, code = start_session(desktop, server, pack_id)
    host.on("dialog", lambda d: d.accept())
    screen = open_screen(host)
    wall = Wall(screen, pack_id)
    pupils = join(phones, server, code, 5)
    small = pupils[0]
    small.set_viewport_size({"width": 360, "height": 640})
    # A 360-px phone zoomed to 200 % lays its page out in 180 CSS px (WCAG 1.4.10 reflow).
    zoomed = pupils.pop()
    zoomed.set_viewport_size({"width": 180, "height": 320})
    phone_issues: list[str] = []
    host.locator("#team-count").select_option("2")
    host.locator("#make-teams").click()
    expect(host.locator(".team")).to_have_count(2)
    expect(screen.locator("#nicks li")).to_have_count(5)
    wall.look("lobby")
    on_phone(small, "lobby", phone_issues)

    kinds_done = set()
    steps = host.locator(".plan li").count()
    for index in range(steps):
        step_id, kind = next_step(host, screen, index, [*pupils, zoomed])
        wall.look(f"{step_id} open")
        on_phone(small, f"{step_id} open", phone_issues)
        if small.evaluate("scrollY") != 0:
            phone_issues.append(f"phone {step_id}: opened {small.evaluate('scrollY')} px down")
        wide = zoomed.evaluate("document.scrollingElement.scrollWidth")
        if wide > 181:
            phone_issues.append(f"phone at 200 % {step_id}: scrolls sideways, {wide} px in 180")

        answered = False
        for n, phone in enumerate(pupils):
            if answer(phone, kind, n):
                answered = True
                kinds_done.add(kind)
                if kind != "scenario":
                    expect(phone.locator(".answer-msg")).not_to_be_empty()
        if answered:
            screen.wait_for_timeout(300)  # the counts reach the projector
            wall.look(f"{step_id} answered")
            on_phone(small, f"{step_id} answered", phone_issues)

        if host.locator("#reveal").count():
            host.locator("#reveal").click()
            expect(host.locator("#reveal")).to_have_count(0)
            if kind == "hotspot":
                expect(pupils[0].locator(".spot").first).to_be_visible()
            if kind in ("truefalse", "sort", "order", "pairs"):
                expect(pupils[0].locator(".verdict")).to_be_visible()
            if kind == "barometer":  # a bar per statement, its counts on the console only
                rows = pupils[0].locator(".baro-statement").count()
                expect(screen.locator(".baro-row .baro-bar")).to_have_count(rows)
                expect(screen.locator(".baro-counts")).to_have_count(0)
                expect(host.locator(".baro-counts")).to_have_count(rows)
            if kind == "pairs":  # the projector shows every right pair
                rows = pupils[0].locator("button[data-left]").count()
                expect(screen.locator(".pairs-solution .pairs-row")).to_have_count(rows)
            screen.wait_for_timeout(300)
            wall.look(f"{step_id} revealed")
            on_phone(small, f"{step_id} revealed", phone_issues)

    host.locator("#end").click()
    expect(screen.locator("#step .big-prompt")).to_be_visible()
    wall.look("ended")

    expected = {"truefalse", "scale", "open", "sort", "order", "scenario", "choice", "barometer"}
    if pack_id == "digitutkijat":
        expected |= {"hotspot", "pairs"}
    elif pack_id == "digitutkijat-tukioppilaat":
        expected |= {"invent"}
    elif pack_id == "hyvinvointipuntari":  # the parents' barometer: faces, polls and one wish
        expected = {"scale", "choice", "open"}
    else:
        expected = {"choice", "barometer"}
    assert expected <= kinds_done, expected - kinds_done
    problems = wall.problems + phone_issues
    assert not problems, "\n".join(problems)
