"""Rehearsal mode in real Chromium (issue #18, item 5): the facilitator alone, the evening before.

From the home page's *Rehearse*, a rehearsal of the demo pack with simulated pupils: they join
on the console and the projector one by one, answer every question, and the facilitator walks
the workshop to its end on the console. The console says it is a rehearsal and marks the
simulated pupils, the projector wears a small tag, and the report leaves their answers out.
The server runs the rehearsal ten times faster than real time (WORKSHOPS_REHEARSAL_SPEED).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.e2e.conftest import Server, next_step, open_screen
from tests.e2e.test_projector_fit import Wall
from workshops.packs import load_pack

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("REHEARSAL_SHOTS")  # a folder: keep screenshots of the console and the projector
SIMULATED = 14


@pytest.fixture
def server(tmp_path, monkeypatch):
    """The kit's server, its rehearsals ten times faster than real time."""
    monkeypatch.setenv("WORKSHOPS_REHEARSAL_SPEED", "10")
    srv = Server(tmp_path / "data")
    srv.data_dir.mkdir()
    srv.start()
    yield srv
    srv.stop()


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png")


def test_a_rehearsal_from_the_home_page_to_the_report(desktop, server):
    host = desktop.new_page()
    host.goto(server.url + "/")
    card = host.locator("article[data-pack=esittely]")
    expect(card.locator("#rehearse-esittely")).to_be_hidden()  # folded away under "Rehearse alone"
    card.locator("details.rehearse summary").click()
    expect(card.locator("#rehearse-esittely")).to_be_visible()
    card.locator("#simulated-esittely").fill(str(SIMULATED))
    card.locator("#rehearse-esittely").click()
    host.wait_for_url(re.compile(r".*/host/[A-Z0-9]+$"))
    code = host.locator("#code").inner_text().strip()

    # The console says so, with how many simulated pupils; they arrive one by one.
    banner = host.locator("#rehearsal-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(str(SIMULATED))
    screen = open_screen(host)
    screen.set_viewport_size({"width": 1280, "height": 720})
    expect(screen.locator("#rehearsal-tag")).to_be_visible()
    expect(host.locator(".pupil.simulated").first).to_be_visible()
    expect(host.locator(".pupil.simulated")).to_have_count(SIMULATED, timeout=15000)
    expect(host.locator(".pupil.simulated .sim").first).to_be_visible()
    expect(screen.locator("#nicks li")).to_have_count(SIMULATED)
    shot(host, "console-lobby")
    shot(screen, "projector-lobby")

    # The home page lists it as a rehearsal, not as a real class.
    home = desktop.new_page()
    home.goto(server.url + "/")
    expect(home.locator(f".sessions li:has-text('{code}') .rehearsal-badge")).to_be_visible()
    home.close()

    host.locator("#team-count").select_option("3")
    host.locator("#make-teams").click()
    expect(host.locator(".team")).to_have_count(3)

    wall = Wall(screen, "esittely-rehearsal")
    steps = host.locator(".plan li").count()
    for index in range(steps):
        _step_id, kind = next_step(host, screen, index)
        if kind == "choice":
            # The simulated pupils answer on their own; the console ticks them off.
            expect(host.locator(".pupil.simulated .tick").nth(SIMULATED // 2)).to_be_visible(timeout=20000)
            shot(host, f"console-step{index}")
            host.locator("#reveal").click()
            expect(screen.locator(".rbar").first).to_be_visible()
            wall.look(f"step{index}-revealed")
            screen.set_viewport_size({"width": 1280, "height": 720})
            shot(screen, f"projector-step{index}")
    assert wall.problems == []

    host.once("dialog", lambda d: d.accept())
    host.locator("#end").click()
    report_link = host.locator(".controls a.btn")
    expect(report_link).to_be_visible()
    report_link.click()
    host.wait_for_url(re.compile(r".*/report/[A-Z0-9]+$"))
    note = host.locator("#rehearsal-note")
    expect(note).to_be_visible()
    # Only the timing the facilitator rehearsed: no pupil count, no team, no result for any step.
    steps = host.locator("section.step-report")
    expect(steps.first).to_be_visible()
    assert steps.count() == len(load_pack(ROOT / "content" / "esittely").pack.agenda)
    expect(host.locator("#facts")).not_to_contain_text("laite")  # no devices counted
    expect(host.locator(".tally-table, .answered, .entered-note, .approved")).to_have_count(0)
    for text in steps.all_inner_texts():  # each step: its title and its minutes, or not run
        assert re.search(r"\d+(,\d)? min|Ei pidetty", text), text
    shot(host, "report")
