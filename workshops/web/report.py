"""The session report: a printable page of what a workshop was and what the group answered.

Everything on it comes from `sessions.views.report` (totals per step, never a row per pupil) and
the step's own configuration; the only pupils' words on it are texts the facilitator approved for
the projector (an open question's answers, a station's lines). Each kind of step draws its part
with a macro of templates/report/_kinds.html; the bars are SVG drawn here, no script, and every
number is also written out as text beside its bar (the bar is `aria-hidden`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from flask import render_template
from flask_babel import format_date, format_decimal, format_time
from flask_babel import gettext as _
from markupsafe import Markup

from ..sessions import views
from .paced import FINLAND
from .printing import Texts
from .uitext import ui_strings

#: the bars' length in the SVG's own units: a bar for the largest share fills the track
TRACK = 240
BAR_FILL = "#1d4e89"  # --brand: 8.6:1 on white
RIGHT_FILL = "#17683f"  # --ok: a right answer's bar (also marked ✓ in its label)
TRACK_FILL = "#ebe8e1"  # the empty track, so a short bar reads against the whole
#: the barometer's three faces (no, a bit, yes), as the barometer kind colours them
FACE_FILLS = ("#d9776b", "#e7be3c", "#5fae79")


def bar(n: int, of: int, right: bool = False) -> Markup:
    """One bar: `n` of `of` as a share of the track, drawn as SVG (its number is written beside it)."""
    width = round(TRACK * n / of, 1) if of > 0 and n > 0 else 0
    fill = RIGHT_FILL if right else BAR_FILL
    return Markup(
        f'<svg class="tally" viewBox="0 0 {TRACK} 14" width="{TRACK}" height="14" aria-hidden="true" focusable="false">'
        f'<rect width="{TRACK}" height="14" fill="{TRACK_FILL}"/>'
        + (f'<rect width="{max(width, 2)}" height="14" fill="{fill}"/>' if width else "")
        + "</svg>"
    )


def stacked(counts: Sequence[int]) -> Markup:
    """A statement's faces as one bar split by how many chose each (no answers: the empty track)."""
    total = sum(counts)
    parts = [f'<rect width="{TRACK}" height="18" fill="{TRACK_FILL}"/>']
    x = 0.0
    for n, fill in zip(counts, FACE_FILLS, strict=False):
        if total and n:
            width = TRACK * n / total
            parts.append(f'<rect x="{round(x, 1)}" width="{round(width, 1)}" height="18" fill="{fill}"/>')
            x += width
    return Markup(
        f'<svg class="tally stacked" viewBox="0 0 {TRACK} 18" width="{TRACK}" height="18" aria-hidden="true" '
        f'focusable="false">{"".join(parts)}</svg>'
    )


def _clock(at: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(at, FINLAND)


def when(report: Mapping[str, Any]) -> dict[str, str]:
    """The session's day and time in Finland, as the report's heading says them."""
    began = report["started_at"] if report["started_at"] is not None else report["created_at"]
    said = {"day": format_date(_clock(began).date(), format="full")}
    if report["started_at"] is not None and report["ended_at"] is not None and not report["paced"]:
        # rebase=False: the clock as it was in Finland, not moved to Babel's default zone (UTC).
        start, end = (format_time(_clock(report[k]), "short", rebase=False) for k in ("started_at", "ended_at"))
        said["time"] = f"{start}–{end}"
    if report["paced"] and report["until"] is not None:
        # `until` is the midnight after the last day: the day before it is the one chosen.
        said["until"] = format_date(_clock(report["until"] - 1).date(), format="long")
    return said


def decimal(value: float) -> str:
    """A number of minutes or an average as the page's language writes it, one decimal at most."""
    return format_decimal(value, format="#,##0.#")


def mean(counts: Sequence[int], first: int = 1) -> float | None:
    """The mean of a scale from how many chose each value (`counts[0]` chose `first`), or None."""
    total = sum(counts)
    return sum((first + i) * n for i, n in enumerate(counts)) / total if total else None


def render(live: Any, lang: str, rehearsal: bool) -> str:
    """The report page of a session (a rehearsal's: its timing only, no result, count or team)."""
    state = live.state
    report = views.report(state)
    if rehearsal:
        report |= {"rehearsal": True, "pupils": 0, "teams": 0}
        report["steps"] = [s | {"summary": {}} for s in report["steps"]]
    tx = Texts(lang, state.pack.language)
    labels = [
        (word, live.labels[key])
        for key, word in (("place", _("School or place")), ("grade", _("Grade or group")), ("district", _("District")))
        if live.labels.get(key) and not rehearsal
    ]
    characters = {
        c.id: c.name for step in state.pack.agenda if step.kind == "boardgame" for c in getattr(step, "characters", [])
    }
    return render_template(
        "report.html",
        report=report,
        steps=list(zip(state.pack.agenda, report["steps"], strict=True)),
        tx=tx,
        tp=tx.plain,
        when=when(report),
        labels=labels,
        decimal=decimal,
        mean=mean,
        bar=bar,
        stacked=stacked,
        characters=characters,
        team_index={t: i + 1 for i, t in enumerate(state.teams)},
        quorum=views.PACED_QUORUM,
        code=live.code,
        strings=ui_strings(),
    )
