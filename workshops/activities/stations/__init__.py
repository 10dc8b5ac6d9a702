"""Scenario stations that small groups rotate through, led by the facilitator and peer-support pupils."""

from __future__ import annotations

from ..base import Activity
from .config import StationsStep


class Stations(Activity[StationsStep, None]):
    kind = "stations"
    config = StationsStep
