"""The registry of activity kinds: the one place a new kind is added."""

from __future__ import annotations

from .base import Activity, Ctx, Rejected, Seat, StepBase
from .boardgame import BoardGame
from .choice import Choice
from .slide import Slide
from .stations import Stations
from .tasks import KINDS as TASK_KINDS

REGISTRY: dict[str, Activity] = {a.kind: a for a in (Slide(), Choice(), BoardGame(), Stations(), *TASK_KINDS)}


def activity_for(kind: str) -> Activity:
    return REGISTRY[kind]


__all__ = ["REGISTRY", "Activity", "Ctx", "Rejected", "Seat", "StepBase", "activity_for"]
