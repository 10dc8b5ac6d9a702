"""The content pack model: the single source of validation and of the JSON Schema."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import Field, PrivateAttr, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ..activities import REGISTRY, StepBase
from ..activities.text import Id, Image, Strict, Text, image_names, require_unique_ids

if TYPE_CHECKING:

    class Step(StepBase):
        """What a type checker can know of a step: the fields every kind has, and its kind."""

        kind: str

else:
    Step = Annotated[
        Union[tuple(a.config for a in REGISTRY.values())],  # noqa: UP007 - built from the registry
        Field(discriminator="kind"),
    ]


class Audience(Strict):
    min_age: int = Field(ge=5, le=20)
    max_age: int = Field(ge=5, le=20)

    @model_validator(mode="after")
    def _ordered(self) -> Audience:
        if self.max_age < self.min_age:
            raise PydanticCustomError("ages_reversed", "max_age is smaller than min_age")
        return self


class SessionDefaults(Strict):
    own_nicknames: bool = Field(
        default=False, description="Let pupils type their own nickname (off: generated nicknames only)"
    )
    max_pupils: int = Field(default=60, ge=1, le=2000, description="How many pupils may join one session")


class Pack(Strict):
    """A workshop: its facts for the home page and its agenda of steps."""

    schema_: str | None = Field(default=None, alias="$schema", description="Path of the JSON Schema (for editors)")
    id: Id
    title: Text = Field(description="The workshop's name on the home page and the projector")
    description: Text | None = Field(default=None, description="One or two sentences for the home page")
    audience: Audience = Field(description="Ages the workshop is for: min_age and max_age")
    minutes: int = Field(ge=1, le=600, description="How long the workshop takes, in minutes")
    language: Literal["fi", "sv", "en"] = Field(default="fi", description="The pack's main language")
    translations: list[Literal["fi", "sv", "en"]] = Field(
        default_factory=list, description="Languages every text must also be written in"
    )
    cover: Image | None = None
    session: SessionDefaults = Field(default_factory=SessionDefaults)
    agenda: list[Step] = Field(min_length=1, description="The steps of the workshop, in order")

    model_config = Strict.model_config | {"populate_by_name": True}

    _media: frozenset[str] = PrivateAttr(default=frozenset())

    @field_validator("agenda")
    @classmethod
    def _unique_steps(cls, agenda: list[Any]) -> list[Any]:
        return require_unique_ids(agenda, "step")

    @model_validator(mode="after")
    def _collect_media(self) -> Pack:
        self._media = frozenset(image_names(self))
        return self

    @property
    def media(self) -> frozenset[str]:
        """The file names of every image the pack references (cover, steps, cards...):
        the only files of its folder the server sends. Computed once, when the pack is validated."""
        return self._media


Kind = Literal[tuple(REGISTRY)]  # type: ignore[valid-type]
__all__ = ["Audience", "Id", "Kind", "Pack", "SessionDefaults", "Step"]
