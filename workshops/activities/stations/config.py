"""The stations kind's part of the pack schema: scenario stations that groups rotate through."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ..base import StepBase
from ..text import Id, Image, Strict, Text, require_unique_ids
from .prompts import Prompts

Task = Literal["ways", "line", "rate", "order"]


def _default_tasks() -> list[Task]:
    return ["ways", "line", "rate"]


class Way(Strict):
    """An option of the `ways` task (e.g. say no clearly; tell an adult what happened)."""

    id: Id
    text: Text


class OrderStep(Strict):
    id: Id
    text: Text


class Guide(Strict):
    """What a peer-support pupil leading the station needs."""

    questions: list[Text] = Field(default_factory=list, description="Questions to ask the group")
    listen_for: list[Text] = Field(default_factory=list, description="What to listen for")
    safety: list[Text] = Field(default_factory=list, description="How to keep the talk safe; when to call the adult")


class Station(Strict):
    id: Id
    title: Text
    content_note: Text | None = Field(
        default=None, description="Shown before the scenario: what the station deals with"
    )
    scenario: Text = Field(description="The situation, as the group reads it on their phones")
    image: Image | None = None
    image_alt: Text | None = None
    pressure: list[Text] = Field(default_factory=list, description="What people in the scene say to pressure")
    tasks: list[Task] = Field(
        default_factory=_default_tasks,
        description="ways: choose any of the options (`ways`); line: the group's own line; rate: one or two "
        "ratings 1-5 (`prompts`: `rate`, `rate_second`); order: put `order` in the right order. What each task "
        "asks is in `prompts`",
    )
    ways: list[Way] = Field(
        default_factory=list,
        description="This station's own options for the `ways` task, in place of the step's `ways`",
    )
    prompts: Prompts = Field(
        default_factory=Prompts,
        description="This station's own questions and debrief headings: each one given here replaces the step's",
    )
    order: list[OrderStep] = Field(
        default_factory=list, description="For the order task: the steps in their RIGHT order (phones shuffle them)"
    )
    order_prompt: Text | None = Field(
        default=None, description="The question for the order task (the same as `prompts: order`; give one of them)"
    )
    guide: Guide = Field(default_factory=Guide, description="The station leader's guide (peer-support pupils)")
    notes: Text | None = Field(default=None, description="For the facilitator only")
    questions: list[Text] = Field(default_factory=list, description="Debrief questions for this station")

    @model_validator(mode="after")
    def _order_task(self) -> Station:
        if ("order" in self.tasks) != bool(self.order):
            raise PydanticCustomError(
                "order_task",
                "the order task needs `order:` (the steps in the right order), and `order:` needs the task",
            )
        if self.order and len(self.order) < 3:
            raise PydanticCustomError("order_too_short", "give at least 3 steps to put in order")
        if self.order_prompt is not None and self.prompts.order is not None:
            raise PydanticCustomError(
                "order_prompt_twice", "give the order task's question once: `order_prompt` or `prompts: order`"
            )
        return self

    @field_validator("ways")
    @classmethod
    def _unique_ways(cls, ways: list[Way]) -> list[Way]:
        return require_unique_ids(ways, "way")


class StationsStep(StepBase):
    """Groups rotate through scenario stations; then the class talks them through."""

    kind: Literal["stations"]
    intro: Text | None = Field(default=None, description="Shown on the projector before the rotation starts")
    station_minutes: float = Field(default=7, ge=1, le=60, description="Minutes at each station")
    auto_rotate: bool = Field(default=False, description="Move the groups on by themselves when the time is up")
    ways: list[Way] = Field(
        default_factory=list,
        description="The options groups choose from in the `ways` task (a station may have its own `ways`)",
    )
    prompts: Prompts = Field(
        default_factory=Prompts,
        description="What every station's tasks ask and what the debrief calls the answers (a station's own "
        "`prompts` replace these one by one); what neither gives is the kit's neutral wording",
    )
    stations: list[Station] = Field(min_length=1, max_length=8)
    debrief_questions: list[Text] = Field(default_factory=list, description="Questions for the whole-class debrief")

    @field_validator("stations")
    @classmethod
    def _unique_stations(cls, stations: list[Station]) -> list[Station]:
        return require_unique_ids(stations, "station")

    @field_validator("ways")
    @classmethod
    def _unique_ways(cls, ways: list[Way]) -> list[Way]:
        return require_unique_ids(ways, "way")

    @model_validator(mode="after")
    def _ways_declared(self) -> StationsStep:
        missing = [s.id for s in self.stations if "ways" in s.tasks and not self.ways_for(s)]
        if missing:
            raise PydanticCustomError(
                "ways_missing",
                "station '{station}' has the `ways` task: list its options under the step's `ways:` "
                "or the station's own `ways:`",
                {"station": missing[0]},
            )
        return self

    def station(self, station_id: str) -> Station:
        return next(s for s in self.stations if s.id == station_id)

    def ways_for(self, station: Station) -> list[Way]:
        """The options of the station's `ways` task: its own, else the step's."""
        return station.ways or self.ways

    def prompts_for(self, station: Station) -> Prompts:
        """The station's prompts: its own, else the step's (None where the kit's wording applies)."""
        merged = station.prompts.over(self.prompts)
        if station.order_prompt is not None:
            merged = merged.model_copy(update={"order": station.order_prompt})
        return merged
