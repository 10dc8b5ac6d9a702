"""Kaveritaidot ja kiusaamisen ehkäisy in real Chromium, from the lobby to the end.

A host console, a projector and four phones (two Finnish, two Swedish; one of each a 360-px
phone watched for fit): phones answer every step, the facilitator approves open answers and
reveals each step. At every state the projector fits its wall at both sizes (Wall), the small
phones fit a phone (on_phone), and axe checks every page (the Watch fixture).

Set SCREENS=<folder> to keep a screenshot of each projector state.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import accessible, next_step, open_screen, start_session
from tests.e2e.test_projector_fit import Wall, on_phone
from tests.e2e.test_task_packs import answer

pytestmark = pytest.mark.browser

PACK_ID = "kaveritaidot-3-6"
# What each phone writes for the open answer; the facilitator approves the first two and hides
# the unkind one (a hidden line on the console once failed axe's colour contrast).
LINES = ["Tuu meidän kanssa pelaamaan!", "Vill du vara med oss?", "Olet tyhmä", "Kom och spela!"]


def walk_story(phone, n: int) -> None:
    """Take the story to its end on this phone: at each situation the n-th choice (wrapped)."""
    for _ in range(6):  # a story has a few situations
        choices = phone.locator("button[data-choice]")
        if phone.locator(".activity .big-prompt").count():
            return
        expect(choices.first).to_be_enabled()
        taken = phone.locator(".story-step").count()
        choices.nth(n % choices.count()).tap()
        expect(phone.locator(".story-step")).to_have_count(taken + 1)
        expect(phone.locator(".story-step .consequence").last).not_to_be_empty()
    raise AssertionError("the story did not end")


def answer_on(phones, kind: str, lines: list[str]) -> bool:
    """Each phone answers the step as the n-th pupil (a story walked, `lines[n]` written, else the
    task kinds' n-th answer); return whether the step took answers."""
    answered = False
    for n, phone in enumerate(phones):
        if kind == "scenario":
            walk_story(phone, n)
            answered = True
        elif kind == "open":
            phone.locator("#open-answer").fill(lines[n])
            phone.locator("#send-open").tap()
            expect(phone.locator(".answer-msg")).not_to_be_empty()
            answered = True
        elif answer(phone, kind, n):
            answered = True
            expect(phone.locator(".answer-msg")).not_to_be_empty()
    return answered


def test_a_class_plays_kaveritaidot_on_finnish_and_swedish_phones(desktop, phones, server):
    host, code = start_session(desktop, server, PACK_ID)
    host.on("dialog", lambda d: d.accept())
    screen = open_screen(host)
    wall = Wall(screen, PACK_ID)

    pupils = []
    for locale in ("fi-FI", "sv-SE", "fi-FI", "sv-SE"):
        phone = phones(locale)
        phone.goto(f"{server.url}/j/{code}")
        expect(phone.locator("#nick")).not_to_be_empty()
        pupils.append(phone)
    fi, sv = pupils[0], pupils[1]
    for phone in (fi, sv):
        phone.set_viewport_size({"width": 360, "height": 640})
    expect(fi.locator("html")).to_have_attribute("lang", "fi")
    expect(sv.locator("html")).to_have_attribute("lang", "sv")
    phone_issues: list[str] = []

    host.locator("#team-count").select_option("2")
    host.locator("#make-teams").click()
    expect(host.locator(".team")).to_have_count(2)
    expect(screen.locator("#nicks li")).to_have_count(4)
    wall.look("lobby")
    for phone, lang in ((fi, "fi"), (sv, "sv")):
        on_phone(phone, f"{lang} lobby", phone_issues)

    steps = host.locator(".plan li").count()
    assert steps == 15  # the last: the closing barometer
    kinds = []
    for index in range(steps):
        step_id, kind = next_step(host, screen, index, pupils)
        kinds.append(kind)
        wall.look(f"{step_id} open")
        for phone, lang in ((fi, "fi"), (sv, "sv")):
            on_phone(phone, f"{lang} {step_id} open", phone_issues)

        if step_id == "tervetuloa":  # each phone in its own language
            expect(fi.locator(".big-prompt")).to_have_text("Tervetuloa! Katso valkokangasta.")
            expect(sv.locator(".big-prompt")).to_have_text("Välkommen! Titta på duken.")
        if kind == "scale":
            for phone in pupils:
                expect(phone.locator(".scale-btn")).to_have_count(5)

        if answer_on(pupils, kind, LINES):
            screen.wait_for_timeout(300)  # the counts reach the projector
            wall.look(f"{step_id} answered")
            for phone, lang in ((fi, "fi"), (sv, "sv")):
                on_phone(phone, f"{lang} {step_id} answered", phone_issues)

        if kind == "open":
            # Nothing a pupil wrote is on the wall before the facilitator approves it.
            expect(host.locator(".moderation .line-item")).to_have_count(len(LINES))
            wall_text = screen.locator("#step").inner_text()
            assert not any(line in wall_text for line in LINES), wall_text
            for line in (LINES[0], LINES[1]):
                host.locator(".moderation .line-item", has_text=line).locator(".approve-line").click()
            expect(screen.locator("#step .cloud li", has_text="pelaamaan")).to_have_count(1)
            unkind = host.locator(".moderation .line-item", has_text=LINES[2])
            unkind.locator(".hide-line").click()
            expect(unkind).to_have_class(re.compile(r"\bhidden\b"))
            accessible(host)
            wall_text = screen.locator("#step").inner_text()
            assert "tyhmä" not in wall_text and "Kom och spela" not in wall_text, wall_text
            wall.look(f"{step_id} approved")

        if host.locator("#reveal").count():
            host.locator("#reveal").click()
            expect(host.locator("#reveal")).to_have_count(0)
            if kind == "open":
                expect(screen.locator("#step .lines .line")).to_have_count(2)
                assert "tyhmä" not in screen.locator("#step").inner_text()
            if kind in ("truefalse", "sort", "pairs"):
                expect(fi.locator(".verdict")).to_be_visible()
            screen.wait_for_timeout(300)
            wall.look(f"{step_id} revealed")
            for phone, lang in ((fi, "fi"), (sv, "sv")):
                on_phone(phone, f"{lang} {step_id} revealed", phone_issues)

        if step_id == "apua":  # the help lines, in each phone's language
            expect(fi.locator(".big-prompt")).to_contain_text("Lasten ja nuorten puhelin 116 111")
            expect(fi.locator(".big-prompt")).to_contain_text("112")
            expect(sv.locator(".big-prompt")).to_contain_text("Barn- och ungdomstelefonen 0800 96 116")
            expect(sv.locator(".big-prompt")).to_contain_text("112")
            expect(screen.locator("#step")).to_contain_text("116 111")
            expect(screen.locator("#step")).to_contain_text("kuraattori")
            expect(screen.locator("#step li")).to_have_count(3)  # the shared help lines, as a list

    assert "stations" not in kinds
    assert {"slide", "scale", "choice", "pairs", "scenario", "sort", "truefalse", "open"} <= set(kinds)
    host.locator("#end").click()
    expect(screen.locator("#step .big-prompt")).to_be_visible()
    expect(sv.locator(".big-prompt")).to_be_visible()
    wall.look("ended")
    problems = wall.problems + phone_issues
    assert not problems, "\n".join(problems)
