"""Jämäkkyyttä in real Chromium: groups rotate, phones switch station, the projector shows the map."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_rotation_switches_phones_and_the_projector_map(desktop, phones, server):
    host = desktop.new_page()
    host.goto(server.url + "/")
    host.locator("article[data-pack=jamakkyytta] button[type=submit]").click()
    host.wait_for_url(re.compile(r".*/host/[A-Z0-9]+$"))
    code = host.locator("#code").inner_text().strip()
    with host.expect_popup() as popup:
        host.locator("#open-screen").click()
    screen = popup.value

    pupils = []
    for _ in range(7):
        phone = phones()
        phone.goto(f"{server.url}/j/{code}")
        expect(phone.locator("#nick")).not_to_be_empty()
        pupils.append(phone)
    leader = pupils.pop()
    leader_nick = leader.locator("#nick").inner_text()
    host.locator(f".pupil:has-text('{leader_nick}') .mentor").click()
    expect(host.locator(".team.mentors .pupil")).to_have_count(1)
    host.locator("#team-count").select_option("3")
    host.locator("#make-teams").click()
    expect(host.locator(".team:not(.mentors)")).to_have_count(3)

    while not host.locator("#stations-start").count():
        host.locator("#next").click()
        host.wait_for_timeout(150)
    host.locator(".lead-station").select_option(index=1)
    host.locator("#stations-start").click()
    expect(screen.locator(".station-map .chip")).to_have_count(3)
    expect(leader.locator(".guide")).to_be_visible()

    seen: dict[int, list[str]] = {i: [] for i in range(len(pupils))}
    rounds = screen.locator(".station-box").count()
    for round_no in range(rounds):
        for i, phone in enumerate(pupils):
            title = phone.locator(".situation .card-title")
            expect(title).to_be_visible()
            seen[i].append(title.inner_text())
            scale = phone.locator(".scale[data-which=as_written] .scale-btn")
            if scale.count():
                scale.nth(i % 5).tap()
                expect(phone.locator(".scale[data-which=as_written] .scale-btn.chosen")).to_have_count(1)
        # every group is on the map at a different station
        stations_with_groups = [box.get_attribute("data-station") for box in screen.locator(".station-box").all()
                                if box.locator(".chip").count()]
        assert len(stations_with_groups) == 3
        if round_no < rounds - 1:
            host.locator("#stations-rotate").click()
            for i, phone in enumerate(pupils):
                expect(phone.locator(".situation .card-title")).not_to_have_text(seen[i][-1])
    for titles in seen.values():
        assert len(set(titles)) == rounds  # each phone visited every station once
    for phone in pupils:
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    host.locator("#stations-rotate").click()  # from the last station to the debrief
    expect(screen.locator(".debrief .ratings")).to_have_count(2)
    expect(pupils[0].locator(".big-prompt")).to_be_visible()
