"""The facilitator's console with a class of 30 on a 1280x800 laptop and on a phone (issue #15, item 3).

Three real phones join through the join page; 27 more pupils take their seats through the same
`POST /j/<code>/seat` the join page sends and connect their own Socket.IO connections with the
tokens they got, from one phone page (30 browser contexts would only make the test slow: the
server sees 30 seats and 30 live connections either way).

On the choice step and on the stations step, at 1280x800: Next and the step's own controls are
on the screen without scrolling, every nickname of the roster is on one line, and the page does
not grow with the class. The console works from the keyboard with a visible focus ring, and at
390x844 its controls come first and the roster folds away.

Set CONSOLE_SHOTS to a folder to keep screenshots.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import go_to_step_with, join, start_session

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("CONSOLE_SHOTS")

# Seats `n` pupils as the join page does and keeps each one connected, like a phone left open.
SEAT_MANY = """
async ([code, n]) => {
  const { io } = await import("/static/vendor/socket.io.esm.min.js");
  window.__class = [];
  for (let i = 0; i < n; i++) {
    const r = await fetch(`/j/${code}/seat`, { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ lang: "fi" }), credentials: "same-origin" });
    const seat = await r.json();
    if (!seat.ok) throw new Error(JSON.stringify(seat));
    const auth = { code, role: "pupil", token: seat.token };
    window.__class.push(io({ auth, transports: ["websocket"], forceNew: true }));
  }
  return n;
}
"""

# How the console's layout stands: where Next is, the page's height, nicknames wrapped over lines.
LAYOUT = """
() => {
  const se = document.scrollingElement;
  const box = (sel) => { const el = document.querySelector(sel); if (!el) return null;
    const b = el.getBoundingClientRect(); return { top: b.top, bottom: b.bottom, left: b.left, right: b.right }; };
  const wrapped = [];
  for (const el of document.querySelectorAll("#people .pupil .nick")) {
    const s = getComputedStyle(el);
    const line = parseFloat(s.lineHeight) || 1.45 * parseFloat(s.fontSize);
    const h = el.getBoundingClientRect().height;
    if (h > 1.6 * line) wrapped.push(`${el.textContent} (${Math.round(h)} px)`);
  }
  return { H: innerHeight, W: innerWidth, scrollH: se.scrollHeight, scrollW: se.scrollWidth, scrollTop: se.scrollTop,
    next: box("#next"), nicks: document.querySelectorAll("#people .pupil .nick").length, wrapped };
}
"""

# The focused element and whether a focus ring shows around it.
FOCUS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const width = parseFloat(s.outlineWidth) || 0;
  const ring = s.outlineStyle !== "none" && width >= 2;
  const b = el.getBoundingClientRect();
  const classes = typeof el.className === "string" && el.className
    ? "." + el.className.trim().split(/\\s+/).join(".") : "";
  const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + classes;
  return { name, ring, outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
    onScreen: b.bottom > 0 && b.top < innerHeight && b.width > 0, size: [Math.round(b.width), Math.round(b.height)] };
}
"""


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name))
        page.screenshot(path=str(Path(SHOTS) / name.replace(".png", "-full.png")), full_page=True)


def check_layout(host, where: str, control: str, problems: list[str]) -> dict:
    m = host.evaluate(LAYOUT)
    if m["nicks"] < 30:
        problems.append(f"{where}: {m['nicks']} nicknames in the roster")
    if m["scrollTop"] != 0:
        problems.append(f"{where}: the page was scrolled ({m['scrollTop']} px)")
    if not m["next"] or m["next"]["top"] < 0 or m["next"]["bottom"] > m["H"]:
        problems.append(f"{where}: #next is not on the screen: {m['next']} in {m['W']}x{m['H']}")
    b = host.locator(control).bounding_box()
    if not b or b["y"] < 0 or b["y"] + b["height"] > m["H"]:
        problems.append(f"{where}: the step's control {control} is not on the screen: {b}")
    if m["wrapped"]:
        problems.append(f"{where}: nicknames over more than one line: {m['wrapped'][:5]}")
    if m["scrollH"] > 1.25 * m["H"]:
        problems.append(f"{where}: the page is {m['scrollH']} px tall in a {m['H']} px window")
    if m["scrollW"] > m["W"]:
        problems.append(f"{where}: the page scrolls sideways ({m['scrollW']} px)")
    return m


def test_a_class_of_30_on_a_laptop_and_a_phone(desktop, phones, server):
    host, code = start_session(desktop, server, "jamakkyytta")
    real = join(phones, server, code, 3)
    real[0].evaluate(SEAT_MANY, [code, 27])
    expect(host.locator("#people .pupil")).to_have_count(30)
    expect(host.locator("#people .pupil.off")).to_have_count(0)
    # Two station leaders and five groups, as the stations step wants them.
    for i in range(2):
        host.locator("#people .pupil .mentor").nth(i).click()
        expect(host.locator(".team.mentors .pupil")).to_have_count(i + 1)
    host.locator("#team-count").select_option("5")
    host.locator("#make-teams").click()
    expect(host.locator(".team:not(.mentors)")).to_have_count(5)

    problems: list[str] = []
    go_to_step_with(host, "#reveal")  # the warm-up poll
    check_layout(host, "choice step at 1280x800", "#reveal", problems)
    shot(host, "console-30-choice.png")
    go_to_step_with(host, "#stations-start")
    stations = check_layout(host, "stations step at 1280x800", "#stations-start", problems)
    shot(host, "console-30-stations.png")

    # Keyboard only: every control the Tab key reaches shows a focus ring.
    host.locator(".bar-left .label").click()  # Tab starts from the top of the page
    seen: list[str] = []
    no_ring: dict[str, str] = {}
    for _ in range(80):
        host.keyboard.press("Tab")
        f = host.evaluate(FOCUS)
        if f is None:
            continue
        seen.append(f["name"])
        if not f["ring"]:
            no_ring[f["name"]] = f["outline"]
        if not f["onScreen"]:
            problems.append(f"focus on {f['name']} is off the screen")
    problems += [f"focus on {name} has no visible ring ({outline})" for name, outline in no_ring.items()]
    if not any("#next" in s for s in seen) or not any("move" in s for s in seen):
        problems.append(f"Tab does not reach Next and the roster's controls: {seen}")

    # The phone remote: the step's controls first, the roster folded away.
    host.set_viewport_size({"width": 390, "height": 844})
    host.evaluate("window.scrollTo(0, 0)")
    m = host.evaluate(LAYOUT)
    shot(host, "console-30-phone.png")
    if not m["next"] or m["next"]["top"] < 0 or m["next"]["bottom"] > m["H"]:
        problems.append(f"phone: #next is not on the screen: {m['next']}")
    b = host.locator("#stations-start").bounding_box()
    if not b or b["y"] + b["height"] > m["H"]:
        problems.append(f"phone: #stations-start is not on the first screen: {b}")
    if m["scrollW"] > m["W"]:
        problems.append(f"phone: the page scrolls sideways ({m['scrollW']} px)")
    roster = host.locator("#people details.roster")
    if not roster.count():
        problems.append("phone: the roster does not fold away")
    elif roster.get_attribute("open") is not None:
        problems.append("phone: the roster is open on a phone")

    # Next works from the keyboard.
    index = int(host.locator(".step-count").get_attribute("data-index"))
    host.locator("#next").focus()
    host.keyboard.press("Enter")
    expect(host.locator(".step-count")).to_have_attribute("data-index", str(index + 1))
    assert not problems, "\n".join(problems)
    print(f"stations step at 1280x800: the page is {stations['scrollH']} px tall")
