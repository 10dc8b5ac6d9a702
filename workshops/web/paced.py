"""Opening a session self-paced from the home page: the last day it stays open.

A facilitator picks a date ("open until Friday"); the session closes at the end of that day in
Finland, whatever time zone the server runs in (a hosted install often runs in UTC).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: the longest a self-paced session stays open: a term's follow-up, not a year of pupil data
MAX_DAYS = 60


def _finland() -> dt.tzinfo:
    try:
        return ZoneInfo("Europe/Helsinki")
    except ZoneInfoNotFoundError:  # a system without time zone data: the server's own time
        return dt.datetime.now().astimezone().tzinfo or dt.timezone.utc


FINLAND = _finland()


def today(now: float) -> dt.date:
    """The date in Finland at `now`."""
    return dt.datetime.fromtimestamp(now, FINLAND).date()


def default_last_day(now: float) -> dt.date:
    """What the home page offers: a week from today."""
    return today(now) + dt.timedelta(days=7)


def until_from_form(value: str, now: float) -> float | None:
    """The end of the chosen day (YYYY-MM-DD) in Finland, or None if it is not a date from today
    to MAX_DAYS ahead."""
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        return None
    first = today(now)
    if not first <= day <= first + dt.timedelta(days=MAX_DAYS):
        return None
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), FINLAND)
    return midnight.timestamp()
