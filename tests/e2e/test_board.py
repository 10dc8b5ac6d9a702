"""The board game on the projector is a board readable from the back row (issue #15, item 2).

Arjen valinnat with 2, 5 and 8 teams, played to its end in real Chromium. At every state the
projector is measured at 1280x720 and 1920x1080: the page fits the viewport (no scrolling either
way, no element outside it), every visible text is at least 2.2 % of the viewport's height, the
tokens are big, nothing is cut off without a "…", and no word is broken across two lines (the
journeys at the end included). The console names the characters' flags by their labels, and the
tokens' glow stops for prefers-reduced-motion.

Set BOARD_SHOTS to a folder to keep screenshots of the projector at 1920x1080.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, go_to_step_with, join, open_screen, start_session

pytestmark = pytest.mark.browser

SIZES = [(1280, 720), (1920, 1080)]
MIN_TEXT = 0.022  # of the viewport's height
MIN_TOKEN = 0.035  # of the viewport's height: 25 px at 720p, 38 px at 1080p
SHOTS = os.environ.get("BOARD_SHOTS")
NEXT_FRAMES = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 30))))"


def _flag_ids() -> set[str]:
    pack = yaml.safe_load((ROOT / "content/arjen-valinnat/pack.yaml").read_text(encoding="utf-8"))
    game = next(s for s in pack["agenda"] if s["kind"] == "boardgame")
    # Ids with a hyphen: no card's text has those words, so found in a team card they are raw ids.
    return {f["id"] for f in game["flags"] if "-" in f["id"]}


# Everything the test asserts about one state of the projector, measured in the page.
MEASURE = """
(least) => {
  const H = innerHeight, W = innerWidth;
  const se = document.scrollingElement;
  const root = document.getElementById("step");
  const out = { H, W, scrollH: se.scrollHeight, scrollW: se.scrollWidth, small: [], outside: [], split: [], cut: [],
    tokens: [], minFont: 1e9 };
  const name = (el) => el.tagName.toLowerCase() + (typeof el.className === "string" && el.className.trim()
    ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const range = document.createRange();
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent;
    if (!text.trim()) continue;
    const el = n.parentElement;
    const style = getComputedStyle(el);
    range.selectNodeContents(n);
    if (style.visibility === "hidden" || ![...range.getClientRects()].some((q) => q.width && q.height)) continue;
    const size = parseFloat(style.fontSize);
    out.minFont = Math.min(out.minFont, size);
    if (size < least * H) {
      out.small.push(`${size.toFixed(1)} px: ${name(el)} "${text.trim().slice(0, 40)}"`);
    }
    for (const m of text.matchAll(/\\S+/g)) {  // a word laid out on two lines is broken mid-word
      range.setStart(n, m.index);
      range.setEnd(n, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].filter((q) => q.width > 0).map((q) => Math.round(q.top)));
      if (tops.size > 1) out.split.push(`${name(el)} "${m[0]}"`);
    }
  }
  // What shows of an element: its box cut by every ancestor that clips (a text clamped with "…"
  // keeps its hidden lines in its box, cut away by its own overflow).
  const shown = (el) => {
    const b = el.getBoundingClientRect();
    let [l, t, r, bottom] = [b.left, b.top, b.right, b.bottom];
    for (let p = el; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (p !== el && (s.overflowX !== "visible" || s.overflowY !== "visible")) {
        const c = p.getBoundingClientRect();
        [l, t, r, bottom] = [Math.max(l, c.left), Math.max(t, c.top), Math.min(r, c.right), Math.min(bottom, c.bottom)];
      }
      if (s.position === "fixed") break;
    }
    return r - l > 0.5 && bottom - t > 0.5 ? { l, t, r, b: bottom } : null;
  };
  for (const el of root.querySelectorAll("*")) {
    const b = el.getBoundingClientRect();
    if (!b.width || !b.height || !shown(el)) continue;
    if (b.left < -1 || b.top < -1 || b.right > W + 1 || b.bottom > H + 1) {
      const v = shown(el);
      if (v.l < -1 || v.t < -1 || v.r > W + 1 || v.b > H + 1) {
        const at = [b.left, b.top, b.right, b.bottom].map(Math.round);
        out.outside.push(`${name(el)} [${at[0]},${at[1]} – ${at[2]},${at[3]}]`);
      }
    }
  }
  // Nothing is cut off without a "…": a box that clips holds all of its content, unless it is a
  // text clamped to some lines or one line ending in an ellipsis.
  for (const el of [root, ...root.querySelectorAll("*")]) {
    const s = getComputedStyle(el);
    if (s.overflowY === "visible" || !el.getClientRects().length) continue;
    if (s.webkitLineClamp !== "none") {  // clamped by whole lines, never squeezed into half a line
      const lines = el.clientHeight / parseFloat(s.lineHeight);
      if (Math.abs(lines - Math.round(lines)) > 0.2) out.cut.push(`${name(el)} (${lines.toFixed(1)} lines)`);
      continue;
    }
    if (s.textOverflow === "ellipsis") continue;
    if (el.scrollHeight > el.clientHeight + 1) {
      out.cut.push(`${name(el)} (${el.scrollHeight} px in ${el.clientHeight} px)`);
    }
  }
  for (const t of root.querySelectorAll(".board .token, .journey .token")) {
    const b = t.getBoundingClientRect();
    if (b.width) out.tokens.push(Math.round(Math.min(b.width, b.height)));
  }
  return out;
}
"""


def check_projector(screen, problems: list[str], state: str, shot: str | None = None) -> dict:
    """Measure the projector at both sizes; add every problem found to `problems`."""
    seen = {}
    for w, h in SIZES:
        screen.set_viewport_size({"width": w, "height": h})
        # The wall fits its texts to the new size on the next frames.
        screen.evaluate(NEXT_FRAMES)
        m = screen.evaluate(MEASURE, MIN_TEXT)
        seen[h] = m
        where = f"{state} at {w}x{h}"
        if m["scrollH"] > h or m["scrollW"] > w:
            problems.append(f"{where}: the page scrolls ({m['scrollW']}x{m['scrollH']})")
        if m["small"]:
            problems.append(f"{where}: text under {MIN_TEXT * h:.1f} px: " + "; ".join(m["small"][:6]))
        if m["outside"]:
            problems.append(f"{where}: outside the viewport: " + "; ".join(m["outside"][:6]))
        if m["cut"]:
            problems.append(f"{where}: content cut off: " + "; ".join(m["cut"][:6]))
        if m["split"]:
            problems.append(f"{where}: words broken across lines: " + "; ".join(m["split"][:6]))
        small_tokens = [t for t in m["tokens"] if t < MIN_TOKEN * h]
        if small_tokens:
            problems.append(f"{where}: tokens under {MIN_TOKEN * h:.0f} px: {small_tokens}")
        if shot and SHOTS and h == 1080:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            screen.screenshot(path=str(Path(SHOTS) / shot))
    return seen


def vote(pupils, round_no: int, skip: int | None = None) -> None:
    """Each phone's team votes (one phone a team); the phone `skip` leaves its team without a decision."""
    for i, phone in enumerate(pupils):
        expect(phone.locator(".situation .card-title")).to_be_visible()
        if i == skip:
            continue
        options = phone.locator("button.opt")
        options.nth((round_no + i) % options.count()).tap()
        expect(phone.locator("button.opt.chosen")).to_have_count(1)


@pytest.mark.parametrize("teams", [2, 5, 8])
def test_the_board_fits_the_projector_at_every_state(desktop, phones, server, teams):
    host, code = start_session(desktop, server, "arjen-valinnat")
    screen = open_screen(host)
    pupils = join(phones, server, code, teams)
    host.locator("#team-count").select_option(str(teams))
    host.locator("#make-teams").click()
    expect(host.locator(".team")).to_have_count(teams)

    go_to_step_with(host, "#game-start")
    host.locator("#game-start").click()
    expect(screen.locator(".board .token")).to_have_count(teams)
    expect(host.locator("#game-deal")).to_be_visible()
    problems: list[str] = []
    # Before the first deal the projector says nothing of "round 0".
    if "0/" in screen.locator("#step").inner_text():
        problems.append("before the first card: " + screen.locator(".round").inner_text())
    check_projector(screen, problems, "before the first card", f"boardgame-{teams}-teams-ready.png")

    flags = _flag_ids()
    rounds = 0
    ended = False
    # The console decides when the game has ended: the projector may show it a moment later.
    while not ended:
        rounds += 1
        host.locator("#game-deal").click()
        expect(host.locator("#game-reveal")).to_be_visible()
        expect(screen.locator(".round")).to_contain_text(f"{rounds}/")
        vote(pupils, rounds, skip=0 if rounds == 2 else None)
        if rounds <= 2:
            check_projector(screen, problems, f"round {rounds}, voting", f"boardgame-{teams}-teams-voting-{rounds}.png")
        if rounds == 1:  # the tokens that moved glow and the meters slide, unless the room asked for no motion
            screen.emulate_media(reduced_motion="reduce")
        host.locator("#game-reveal").click()
        expect(host.locator("#game-deal").or_(host.locator(".journey").first)).to_be_visible()
        ended = not host.locator("#game-deal").count()
        if not ended:
            expect(screen.locator(".team-card .consequence").first).to_be_visible()
            if rounds == 1:
                moving = screen.evaluate(
                    "document.getAnimations().filter((a) => a.playState === 'running')"
                    ".map((a) => `${a.animationName || a.transitionProperty} on ${a.effect?.target?.className}`)"
                )
                screen.emulate_media(reduced_motion="no-preference")
                if moving:
                    problems.append(f"animations run with prefers-reduced-motion: reduce: {moving}")
            shot = f"boardgame-{teams}-teams-revealed-{rounds}.png"
            check_projector(screen, problems, f"round {rounds}, revealed", shot)
            # The console names the characters' flags by their labels, not by their ids.
            console = host.locator(".team-cards").inner_text()
            raw = sorted(f for f in flags if f in console)
            if raw:
                problems.append(f"round {rounds}: the console shows flag ids {raw}")
        assert rounds <= 10
    expect(screen.locator(".journey")).to_have_count(teams)
    seen = check_projector(screen, problems, "the end", f"boardgame-{teams}-teams-end.png")
    # Every turn of every team is on the wall, each on its own line.
    assert screen.locator(".journey li").count() >= teams * (rounds - 1)
    assert not problems, "\n".join(problems)
    least = {h: f"{m['minFont']:.1f} px" for h, m in seen.items()}
    print(f"{teams} teams: smallest text at the end {least[720]} at 720p, {least[1080]} at 1080p")
