"""The wall: every projector state of every pack fits 1280x720 and 1920x1080 without scrolling,
its least text is 2.2 % of the screen height, nothing sits under the join corner; and the phone
at 360x640 never scrolls sideways, has finger-sized targets and opens each step at its top.

The task packs are walked step by step in test_task_packs.py (with Wall and on_phone from here),
the board game in test_board.py; here: a full class in the lobby and the stations.

Set SCREENS=<folder> to keep a screenshot of each projector state (docs/screens/ is made so).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import join, open_screen, start_session
from tests.e2e.wall import phone_problems, wall_problems
from tests.trust.conftest import Client

pytestmark = pytest.mark.browser

SIZES = [(1280, 720), (1920, 1080)]
SHOTS = Path(os.environ["SCREENS"]) if os.environ.get("SCREENS") else None


class Wall:
    """Looks at the projector at both sizes and keeps every problem, named by its state."""

    def __init__(self, screen, pack_id: str):
        self.screen = screen
        self.pack_id = pack_id
        self.problems: list[str] = []
        self.smallest: dict[str, float] = {}

    def look(self, state: str) -> None:
        # A picture measured before it loads takes no room: wait for the step's images first.
        self.screen.wait_for_function(
            "() => Array.from(document.querySelectorAll('#step img')).every((i) => i.complete)", timeout=10_000
        )
        for w, h in SIZES:
            self.screen.set_viewport_size({"width": w, "height": h})
            # The projector fits its content after a resize on the next frames.
            self.screen.evaluate(
                "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 30))))"
            )
            found, smallest = wall_problems(self.screen)
            self.problems += [f"{self.pack_id} {state} at {w}x{h}: {p}" for p in found]
            if smallest:
                self.smallest[f"{state} {h}p"] = smallest["size"]
            if SHOTS:
                SHOTS.mkdir(parents=True, exist_ok=True)
                name = re.sub(r"[^\w-]+", "-", f"{self.pack_id}-{state}-{h}p").strip("-")
                self.screen.screenshot(path=str(SHOTS / f"{name}.png"))


def on_phone(phone, state: str, problems: list[str]) -> None:
    """The 360x640 phone: no sideways scroll, fingers-sized targets, the step's top in view."""
    problems += [f"phone {state}: {p}" for p in phone_problems(phone)]


def _step(host) -> tuple[str, str]:
    activity = host.locator("#stage .activity")
    return activity.get_attribute("data-step"), activity.get_attribute("class").split("kind-")[1].split()[0]


def _seat(server, code: str) -> str:
    resp = requests.post(f"{server.url}/j/{code}/seat", json={"lang": "fi"}, headers={"Origin": server.url}, timeout=10)
    assert resp.ok, resp.text
    return resp.json()["token"]


def test_a_lobby_of_thirty_and_forty_approved_answers_fit_the_wall(desktop, server):
    """A full class: 40 nicknames in the lobby, then a cloud of their 40 approved kind messages."""
    host, code = start_session(desktop, server, "digitutkijat")
    screen = open_screen(host)
    wall = Wall(screen, "digitutkijat")
    pupils = [
        Client(server.url, {"code": code, "role": "pupil", "token": _seat(server, code)}).connect() for _ in range(40)
    ]
    try:
        expect(screen.locator("#nicks li")).to_have_count(40)
        wall.look("lobby of 40")
        host_key = next(c["value"] for c in desktop.cookies() if c["name"] == f"host_{code}")
        boss = Client(server.url, {"code": code, "role": "host", "key": host_key}).connect()
        pupils.append(boss)
        view = boss.wait_view("host_view", lambda v: "agenda" in v)
        index = [s["id"] for s in view["agenda"]].index("kiva-viesti")
        assert boss.send("host", {"type": "goto", "step": index, "expect": -1})["ok"]
        words = [
            "Olet tosi kiva kaveri",
            "Kiitos avusta tänään",
            "Tule mukaan pelaamaan",
            "Hyvä sinä!",
            "Anteeksi, en tarkoittanut",
        ]
        for n, phone in enumerate(pupils[:40]):
            ack = phone.send(
                "pupil",
                {"type": "act", "step": "kiva-viesti", "action": {"type": "answer", "text": f"{words[n % 5]} {n}"}},
            )
            assert ack["ok"], ack
        entries = boss.wait_view("host_view", lambda v: len((v.get("activity") or {}).get("entries") or []) == 40)[
            "activity"
        ]["entries"]
        for e in entries:
            ack = boss.send(
                "host",
                {
                    "type": "act",
                    "step": "kiva-viesti",
                    "action": {"type": "moderate", "voter": e["voter"], "status": "approved"},
                },
            )
            assert ack["ok"], ack
        expect(screen.locator("#step .cloud li").first).to_be_visible()
        wall.look("word cloud of 40 answers")
        assert boss.send("host", {"type": "act", "step": "kiva-viesti", "action": {"type": "reveal"}})["ok"]
        expect(screen.locator("#step .line")).to_have_count(40)
        wall.look("40 approved answers revealed")
    finally:
        for p in pupils:
            p.close()
    assert not wall.problems, "\n".join(wall.problems)


def test_the_stations_map_and_debrief_fit_the_wall(desktop, phones, server):
    """Jämäkkyyttä: the map of stations with groups on it, each rotation, and the debrief."""
    from tests.e2e.conftest import go_to_step_with

    host, code = start_session(desktop, server, "jamakkyytta")
    host.on("dialog", lambda d: d.accept())
    screen = open_screen(host)
    wall = Wall(screen, "jamakkyytta")
    pupils = join(phones, server, code, 7)
    small = pupils[0]
    small.set_viewport_size({"width": 360, "height": 640})
    phone_issues: list[str] = []
    host.locator("#team-count").select_option("3")
    host.locator("#make-teams").click()
    expect(host.locator(".team")).to_have_count(3)
    wall.look("lobby")
    while not host.locator("#stations-start").count():
        index = (
            int(host.locator(".step-count").get_attribute("data-index") or -1)
            if host.locator(".step-count[data-index]").count()
            else -1
        )
        host.locator("#next").click()
        expect(host.locator(".step-count")).to_have_attribute("data-index", str(index + 1))
        step_id, _ = _step(host)
        expect(screen.locator(f"#step .activity[data-step='{step_id}']")).to_be_visible()
        wall.look(f"{step_id} open")
    go_to_step_with(host, "#stations-start")
    host.locator("#stations-start").click()
    expect(screen.locator(".station-map .chip")).to_have_count(3)
    rounds = screen.locator(".station-box").count()
    for round_no in range(rounds):
        for i, phone in enumerate(pupils):
            scale = phone.locator(".scale[data-which=as_written] .scale-btn")
            if scale.count():
                scale.nth(i % 5).tap()
        screen.wait_for_timeout(300)
        wall.look(f"stations round {round_no + 1}")
        on_phone(small, f"stations round {round_no + 1}", phone_issues)
        host.locator("#stations-rotate").click()
    expect(screen.locator(".debrief .ratings")).to_have_count(2)
    wall.look("stations debrief")
    problems = wall.problems + phone_issues
    assert not problems, "\n".join(problems)
