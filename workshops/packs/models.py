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
    """Who the workshop is for: children and young people by age, or adults."""

    min_age: int | None = Field(default=None, ge=5, le=20, description="The youngest pupils' age (5-20)")
    max_age: int | None = Field(default=None, ge=5, le=20, description="The oldest pupils' age (5-20)")
    adults: bool = Field(
        default=False,
        description="For adults (a parents' evening): the kit says 'participant', not 'pupil', and offers "
        "'contact the organiser' instead of 'talk to an adult'; no ages needed",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Audience:
        if not self.adults and (self.min_age is None or self.max_age is None):
            raise PydanticCustomError(
                "ages_missing", "write the ages (min_age and max_age), or `adults: true` for a workshop for adults"
            )
        if self.min_age is not None and self.max_age is not None and self.max_age < self.min_age:
            raise PydanticCustomError("ages_reversed", "max_age is smaller than min_age")
        return self


class Placeholder(Strict):
    """A word filled in when a session starts: write `{id}` in any text of the pack."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")] = Field(
        description="The name used in texts as {id}: lower-case letters, digits and _"
    )
    label: Text = Field(description="What the facilitator is asked when starting, e.g. 'The school nurse's name'")
    default: Text = Field(description="Used when the facilitator leaves it empty")

    @field_validator("id")
    @classmethod
    def _not_help(cls, value: str) -> str:
        if value == "apu":
            raise PydanticCustomError(
                "placeholder_reserved", "{apu} is the shared help lines' placeholder; choose another id"
            )
        return value


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
    placeholders: list[Placeholder] = Field(
        default_factory=list,
        description="Words the facilitator fills in when starting a session (a name, a place): write {id} in texts",
    )
    agenda: list[Step] = Field(min_length=1, description="The steps of the workshop, in order")

    model_config = Strict.model_config | {"populate_by_name": True}

    _media: frozenset[str] = PrivateAttr(default=frozenset())

    @field_validator("agenda")
    @classmethod
    def _unique_steps(cls, agenda: list[Any]) -> list[Any]:
        return require_unique_ids(agenda, "step")

    @field_validator("placeholders")
    @classmethod
    def _unique_placeholders(cls, placeholders: list[Placeholder]) -> list[Placeholder]:
        return require_unique_ids(placeholders, "placeholder")

    @property
    def languages(self) -> list[str]:
        """The languages a session of this pack can run in: its own, then its translations."""
        return [self.language, *(lang for lang in self.translations if lang != self.language)]

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
__all__ = ["Audience", "Id", "Kind", "Pack", "Placeholder", "SessionDefaults", "Step"]
