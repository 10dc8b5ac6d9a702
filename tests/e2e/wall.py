"""Geometry of a page as a room sees it: does it fit the wall, read from the back row, and
leave the join corner free; does a phone page fit a small phone's width with fingers-sized targets.

Each check returns a list of problems (empty: fine), so a test can name every one at once.
"""

from __future__ import annotations

from pathlib import Path

# The least content text on the projector: 2.2 % of the screen height (24 px at 1080p).
LEAST_TEXT = 0.022
# Fingers: WCAG 2.5.5's 44 x 44 CSS px for anything a pupil taps.
TARGET = 44

_JS = (Path(__file__).with_name("wall.js")).read_text()
_MEASURE = f"(least) => ({_JS}).measure(least)"
_PHONE = f"(target) => ({_JS}).phone(target)"


def wall_problems(page) -> tuple[list[str], dict | None]:
    """What keeps the projector page from fitting its screen; and its smallest text."""
    result = page.evaluate(_MEASURE, LEAST_TEXT)
    return result["problems"], result["smallest"]


def phone_problems(page) -> list[str]:
    """What keeps a phone page from fitting the phone's width or a finger."""
    return page.evaluate(_PHONE, TARGET)
