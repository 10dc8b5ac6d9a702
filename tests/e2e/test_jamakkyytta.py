"""Jämäkkyyttä in real Chromium: groups rotate, phones switch station, the projector shows the map."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import go_to_step_with, join, open_screen, start_session

pytestmark = pytest.mark.browser


def test_rotation_switches_phones_and_the_projector_map(desktop, phones, server):
    host, code = start_session(desktop, server, "jamakkyytta")
    screen = open_screen(host)
    pupils = join(phones, server, code, 7)
    leader = pupils.pop()
    leader_nick = leader.locator("#nick").inner_text()
    host.locator(f".pupil:has-text('{leader_nick}') .mentor").click()
    expect(host.locator(".team.mentors .pupil")).to_have_count(1)
    host.locator("#team-count").select_option("3")
    host.locator("#make-teams").click()
    expect(host.locator(".team:not(.mentors)")).to_have_count(3)

    go_to_step_with(host, "#stations-start")
    host.locator(".lead-station").select_option(index=1)
    host.locator("#stations-start").click()
    expect(screen.locator(".station-map .chip")).to_have_count(3)
    expect(leader.locator(".guide")).to_be_visible()
    # The wall's map names who leads each station (their nickname), so groups know whom to look for.
    expect(screen.locator(".station-leads")).to_have_count(1)
    expect(screen.locator(".station-leads")).to_contain_text(leader_nick)

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
        stations_with_groups = [
            box.get_attribute("data-station")
            for box in screen.locator(".station-box").all()
            if box.locator(".chip").count()
        ]
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
