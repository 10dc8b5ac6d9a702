"""The rotation plan and the stations' state: pure functions of the groups, stations and actions."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Literal

Phase = Literal["setup", "rotating", "time_up", "debrief"]
Rating = Literal["as_written", "best_friend"]
LineStatus = Literal["none", "pending", "approved", "hidden"]
MAX_LINE = 200


def rotation(groups: list[str], stations: list[str]) -> list[dict[str, str]]:
    """Where each group is in each round: group i starts at station i and moves one on each round.

    Every group visits every station exactly once in len(stations) rounds. With no
    more groups than stations no two groups ever share a station; with more, group
    i shares with groups i ± k·len(stations), so every station holds the same number
    of groups, give or take one.
    """
    count = len(stations)
    return [{g: stations[(i + r) % count] for i, g in enumerate(groups)} for r in range(count)]


@dataclass(frozen=True)
class Work:
    """What one group did at one station."""

    ways: dict[str, tuple[str, ...]] = field(default_factory=dict)  # seat -> chosen options (`ways` task)
    ratings: dict[str, dict[str, int]] = field(default_factory=dict)  # seat -> {as_written: 1st, best_friend: 2nd}
    order: dict[str, tuple[str, ...]] = field(default_factory=dict)  # seat -> the order task's step ids
    line: str | None = None  # the group's joint line
    line_status: LineStatus = "none"
    shown: str | None = None  # the approved text (edited by the facilitator if needed)
    done: bool = False


@dataclass(frozen=True)
class StationsState:
    phase: Phase = "setup"
    plan: tuple[dict[str, str], ...] = ()
    round: int = 0
    closes_at: float | None = None
    paused_left: float | None = None
    auto: bool = False
    leads: dict[str, str] = field(default_factory=dict)  # mentor seat -> station
    work: dict[str, Work] = field(default_factory=dict)  # "group/station" -> work
    calls: dict[str, float] = field(default_factory=dict)  # mentor seat -> when it called the facilitator
    shuffled: dict[str, tuple[str, ...]] = field(default_factory=dict)  # station -> order steps as phones show them
    debrief: int = 0  # the station the debrief shows

    @property
    def groups(self) -> list[str]:
        return sorted(self.plan[0]) if self.plan else []

    def station_of(self, group: str) -> str | None:
        if self.phase not in ("rotating", "time_up") or not self.plan:
            return None
        return self.plan[self.round].get(group)

    def groups_at(self, station: str) -> list[str]:
        if self.phase not in ("rotating", "time_up") or not self.plan:
            return []
        return sorted(g for g, s in self.plan[self.round].items() if s == station)

    def work_of(self, group: str, station: str) -> Work:
        return self.work.get(f"{group}/{station}", Work())

    def with_work(self, group: str, station: str, work: Work) -> StationsState:
        return replace(self, work={**self.work, f"{group}/{station}": work})


def shuffle_orders(stations: dict[str, list[str]], rng: random.Random) -> dict[str, tuple[str, ...]]:
    """Shuffle each station's order steps so the phones never show the right order first."""
    out = {}
    for station, steps in stations.items():
        if not steps:
            continue
        shown = list(steps)
        for _ in range(10):
            rng.shuffle(shown)
            if shown != steps:
                break
        out[station] = tuple(shown)
    return out


def clean_line(text: str) -> str | None:
    """A group's line as plain text: control characters out, spaces folded, length capped."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\n")
    text = " ".join(text.split())[:MAX_LINE].strip()
    return text or None
