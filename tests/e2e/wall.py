"""Geometry of a page as a room sees it: does it fit the wall, read from the back row, and
leave the join corner free; does a phone page fit a small phone's width with fingers-sized targets.

Each check returns a list of problems (empty: fine), so a test can name every one at once.
"""

from __future__ import annotations

# The least content text on the projector: 2.2 % of the screen height (24 px at 1080p).
LEAST_TEXT = 0.022
# Fingers: WCAG 2.5.5's 44 × 44 CSS px for anything a pupil taps.
TARGET = 44

_MEASURE = """
(least) => {
  const W = innerWidth, H = innerHeight, out = { problems: [], smallest: null };
  const el = document.scrollingElement;
  if (el.scrollHeight > H + 1) out.problems.push(`the page scrolls: ${el.scrollHeight} px tall in a ${H} px screen`);
  if (el.scrollWidth > W + 1) out.problems.push(`the page scrolls sideways: ${el.scrollWidth} px wide in ${W} px`);
  const corner = document.getElementById("corner");
  const qr = corner && !corner.hidden && corner.getBoundingClientRect().width ? corner.getBoundingClientRect() : null;
  const overlaps = (r) => qr && r.width && r.height && r.left < qr.right && r.right > qr.left && r.top < qr.bottom && r.bottom > qr.top;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const said = new Set();
  const say = (text) => { if (!said.has(text)) { said.add(text); out.problems.push(text); } };
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (!text) continue;
    const parent = node.parentElement;
    if (parent.closest("script, style, template")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0 && r.height > 0);
    if (!rects.length) continue;
    const style = getComputedStyle(parent);
    if (style.visibility === "hidden" || Number(style.opacity) === 0) continue;
    const size = parseFloat(style.fontSize);
    const name = text.length > 40 ? text.slice(0, 40) + "…" : text;
    if (!out.smallest || size < out.smallest.size) out.smallest = { size, text: name };
    if (size < least * H - 0.05) say(`text too small to read from the back: ${size.toFixed(1)} px < ${(least * H).toFixed(1)} px: "${name}"`);
    for (const r of rects) {
      if (r.right > W + 1 || r.bottom > H + 1 || r.left < -1 || r.top < -1) { say(`text outside the screen: "${name}"`); break; }
      if (!corner.contains(parent) && overlaps(r)) { say(`text under the join corner: "${name}"`); break; }
    }
  }
  for (const pic of document.querySelectorAll("#screen img, #screen svg, #screen .bar-track")) {
    if (corner.contains(pic)) continue;
    const r = pic.getBoundingClientRect();
    if (overlaps(r)) say(`a picture or bar under the join corner: ${pic.className?.baseVal ?? pic.className ?? pic.tagName}`);
    if (r.width && (r.bottom > H + 1 || r.right > W + 1)) say(`a picture or bar outside the screen: ${pic.getAttribute("src") || pic.className?.baseVal || pic.className || pic.tagName}`);
  }
  return out;
}
"""

_PHONE = """
(target) => {
  const out = [];
  const el = document.scrollingElement;
  if (el.scrollWidth > innerWidth + 1) out.push(`the phone page scrolls sideways: ${el.scrollWidth} px in ${innerWidth}`);
  for (const c of document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]")) {
    const r = c.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(c).visibility === "hidden") continue;
    // An inline link inside a sentence is exempt (WCAG 2.5.5); one on its own line is not.
    if (c.tagName === "A" && getComputedStyle(c).display === "inline" && c.parentElement.textContent.trim() !== c.textContent.trim()) continue;
    if (c.type === "radio" || c.type === "checkbox") {
      const label = c.closest("label");
      if (label) { const lr = label.getBoundingClientRect(); if (lr.height >= target - 0.5 && lr.width >= target - 0.5) continue; }
    }
    if (r.width < target - 0.5 || r.height < target - 0.5) {
      const name = (c.textContent || c.getAttribute("aria-label") || c.id || c.className || c.tagName).trim().slice(0, 30);
      out.push(`a target smaller than ${target}×${target} px: ${Math.round(r.width)}×${Math.round(r.height)} "${name}"`);
    }
  }
  return out;
}
"""


def wall_problems(page) -> tuple[list[str], dict | None]:
    """What keeps the projector page from fitting its screen; and its smallest text."""
    result = page.evaluate(_MEASURE, LEAST_TEXT)
    return result["problems"], result["smallest"]


def phone_problems(page) -> list[str]:
    """What keeps a phone page from fitting the phone's width or a finger."""
    return page.evaluate(_PHONE, TARGET)
