"""The board game's part of the pack schema: board, meters, flags, characters, cards, effects.

Effects and conditions are a small closed set of data forms, never expressions:
an author writes `- move: 2` or `- if: {flag: skipped_breakfast}` and the rules
interpret them. Every meter, flag and section a card names must be declared;
the check reports an unknown one at its own line.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import AfterValidator, Discriminator, Field, Tag, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ..base import StepBase
from ..text import Id, Image, RichText, Strict, Text, require_unique_ids

# The ids a board game declares, while its cards are being validated.
_declared: ContextVar[dict[str, set[str]] | None] = ContextVar("boardgame_ids", default=None)


def _ids_in(raw: Any, key: str) -> set[str]:
    items = raw.get(key) if isinstance(raw, dict) else None
    return {i["id"] for i in items or [] if isinstance(i, dict) and isinstance(i.get("id"), str)}


def _known(kind: str):
    def check(value: str, info: ValidationInfo) -> str:
        declared = _declared.get()
        if declared is not None and value not in declared[kind]:
            names = ", ".join(sorted(declared[kind])) or "none"
            raise PydanticCustomError(
                f"unknown_{kind}",
                "unknown {kind} '{id}'; declare it under `{plural}:` first (declared: {names})",
                {"kind": kind, "id": value, "plural": f"{kind}s", "names": names},
            )
        return value

    return AfterValidator(check)


def _by_key(prefix: str, keys: tuple[str, ...]):
    """Pick a union member by the key an author wrote (`move:`, `flag:`...), so that only
    that member reports problems, instead of every member saying what it misses."""

    def pick(value: Any) -> str | None:
        if not isinstance(value, dict):
            return _TAGS.get(type(value))  # an already-built model
        found = next((k for k in keys if k in value), None)
        return f"{prefix}:{found}" if found else None

    return pick


_TAGS: dict[type, str] = {}  # model -> its tag, for already-built models


def _keyed_union(prefix: str, members: dict[str, type], message: str) -> Any:
    """A union whose member is chosen by the one key the author wrote (`move:`, `flag:`...)."""
    for key, model in members.items():
        _TAGS[model] = f"{prefix}:{key}"
    tagged = tuple(Annotated[model, Tag(f"{prefix}:{key}")] for key, model in members.items())
    return Annotated[
        Union[tagged],  # noqa: UP007 - built from the table
        Discriminator(
            _by_key(prefix, tuple(members)), custom_error_type=f"unknown_{prefix}", custom_error_message=message
        ),
        Field(description=message),
    ]


MeterRef = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$"), _known("meter")]
FlagRef = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$"), _known("flag")]
SectionRef = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$"), _known("section")]


# -- conditions ---------------------------------------------------------------------
class HasFlag(Strict):
    flag: FlagRef = Field(description="True when the character has this flag")


class LacksFlag(Strict):
    not_flag: FlagRef = Field(description="True when the character does not have this flag")


class MeterTest(Strict):
    meter: MeterRef
    below: int | None = Field(default=None, description="True when the meter is below this value")
    at_least: int | None = Field(default=None, description="True when the meter is at least this value")

    @model_validator(mode="after")
    def _one_bound(self) -> MeterTest:
        if (self.below is None) == (self.at_least is None):
            raise PydanticCustomError("meter_test_bound", "give exactly one of `below:` or `at_least:`")
        return self


class InSection(Strict):
    section: SectionRef = Field(description="True when the character's token is in this part of the day")


class AllOf(Strict):
    all: list[Condition] = Field(min_length=1, description="True when every condition is true")


class AnyOf(Strict):
    any: list[Condition] = Field(min_length=1, description="True when at least one condition is true")


if TYPE_CHECKING:  # what a type checker can know of the union built below
    Condition = HasFlag | LacksFlag | MeterTest | InSection | AllOf | AnyOf
else:
    Condition = _keyed_union(
        "condition",
        {"flag": HasFlag, "not_flag": LacksFlag, "meter": MeterTest, "section": InSection, "all": AllOf, "any": AnyOf},
        "a condition is one of: flag:, not_flag:, meter: with below: or at_least:, section:, all:, any:",
    )


# -- effects ------------------------------------------------------------------------
class Move(Strict):
    move: int = Field(ge=-10, le=10, description="Spaces forward (positive) or back (negative)")


class ChangeMeter(Strict):
    meter: MeterRef
    change: int = Field(ge=-10, le=10, description="How much the meter goes up (positive) or down (negative)")


class SetFlag(Strict):
    set: FlagRef = Field(description="Give the character this flag; later cards can react to it")


class ClearFlag(Strict):
    clear: FlagRef = Field(description="Take this flag away from the character")


class Others(Strict):
    others: list[Effect] = Field(min_length=1, description="Effects on every other team's character")


class IfThen(Strict):
    if_: Condition = Field(alias="if")
    then: list[Effect] = Field(default_factory=list)
    else_: list[Effect] = Field(default_factory=list, alias="else")

    model_config = Strict.model_config | {"populate_by_name": True}


if TYPE_CHECKING:  # what a type checker can know of the union built below
    Effect = IfThen | Move | ChangeMeter | SetFlag | ClearFlag | Others
else:
    Effect = _keyed_union(
        "effect",
        {"if": IfThen, "move": Move, "meter": ChangeMeter, "set": SetFlag, "clear": ClearFlag, "others": Others},
        "an effect is one of: move:, meter: with change:, set:, clear:, others:, if: with then:",
    )

AllOf.model_rebuild()
AnyOf.model_rebuild()
Others.model_rebuild()
IfThen.model_rebuild()


# -- the board, characters and cards ----------------------------------------------------------
class Section(Strict):
    id: Id
    name: Text = Field(description="The part of the day, e.g. Edellinen ilta")
    spaces: int = Field(ge=1, le=20, description="How many spaces this part of the day has on the board")


class Meter(Strict):
    id: Id
    name: Text = Field(description="e.g. Jaksaminen")
    min: int = Field(default=0, ge=-20, le=20)
    max: int = Field(default=10, ge=-20, le=20)
    start: int = Field(default=5, ge=-20, le=20, description="The value a character starts with")

    @model_validator(mode="after")
    def _ordered(self) -> Meter:
        if not self.min <= self.start <= self.max:
            raise PydanticCustomError("meter_range", "start must be between min and max")
        return self


class Flag(Strict):
    id: Id
    description: Text | None = Field(default=None, description="What the flag means, for the facilitator")


class Character(Strict):
    id: Id
    name: str = Field(min_length=1, max_length=40)
    age: int = Field(ge=5, le=20)
    story: Text = Field(description="The role card: the situation the character starts in")
    meters: dict[MeterRef, int] = Field(
        default_factory=dict, description="Starting values that differ from the meters' start"
    )
    flags: list[FlagRef] = Field(default_factory=list, description="Flags the character starts with")
    image: Image | None = None


class Choice(Strict):
    id: Id
    text: Text = Field(description="The choice as the team sees it on the phones")
    consequence: Text = Field(description="What happened, and why: shown after the reveal")
    effects: list[Effect] = Field(default_factory=list)


class Card(Strict):
    id: Id
    section: SectionRef = Field(description="The part of the day this card belongs to")
    title: Text
    text: Text = Field(description="The situation")
    when: Condition | None = Field(default=None, description="Deal this card only when the condition holds")
    choices: list[Choice] = Field(min_length=2, max_length=4)
    questions: list[Text] = Field(default_factory=list, description="Discussion questions for the debrief")
    notes: Text | None = Field(default=None, description="For the facilitator only")
    image: Image | None = None


class ChanceCard(Strict):
    id: Id
    title: Text
    text: Text
    when: Condition | None = None
    effects: list[Effect] = Field(default_factory=list)


class BoardGameStep(StepBase):
    """Teams play characters through one day; choices move their tokens."""

    kind: Literal["boardgame"]
    intro: RichText | None = Field(default=None, description="Shown on the projector before the game starts")
    sections: list[Section] = Field(min_length=1, description="The board: parts of the day in order, each with spaces")
    meters: list[Meter] = Field(default_factory=list, max_length=4)
    flags: list[Flag] = Field(default_factory=list)
    characters: list[Character] = Field(min_length=1)
    cards: list[Card] = Field(min_length=1)
    chance: list[ChanceCard] = Field(default_factory=list, description="Chance cards, drawn at random")
    chance_every: int | None = Field(
        default=None, ge=1, le=20, description="Every how many rounds each team draws a chance card"
    )
    rounds: int = Field(default=10, ge=1, le=50, description="The game ends after this many rounds at the latest")
    vote_seconds: int | None = Field(default=None, ge=10, le=600, description="Seconds for each vote")
    tie: Literal["first", "random"] = Field(
        default="first", description="A tied vote: the choice listed first wins, or one is drawn at random"
    )

    @model_validator(mode="wrap")
    @classmethod
    def _scope(cls, data: Any, handler, info: ValidationInfo):
        token = _declared.set(
            {"meter": _ids_in(data, "meters"), "flag": _ids_in(data, "flags"), "section": _ids_in(data, "sections")}
        )
        try:
            return handler(data)
        finally:
            _declared.reset(token)

    @field_validator("sections")
    @classmethod
    def _enough_spaces(cls, sections: list[Section]) -> list[Section]:
        total = sum(s.spaces for s in sections)
        if total < 2:
            raise PydanticCustomError("board_too_short", "the board needs at least 2 spaces")
        return sections

    @field_validator("characters", "cards", "chance")
    @classmethod
    def _unique_ids(cls, items: list[Any], info: ValidationInfo) -> list[Any]:
        what = {"characters": "character", "cards": "card", "chance": "chance card"}
        assert info.field_name is not None  # always set for a field validator
        return require_unique_ids(items, what[info.field_name])

    @property
    def spaces(self) -> int:
        return sum(s.spaces for s in self.sections)

    def section_at(self, position: int) -> Section:
        edge = 0
        for section in self.sections:
            edge += section.spaces
            if position < edge:
                return section
        return self.sections[-1]

    def meter(self, meter_id: str) -> Meter:
        return next(m for m in self.meters if m.id == meter_id)

    def card(self, card_id: str) -> Card:
        return next(c for c in self.cards if c.id == card_id)

    def chance_card(self, card_id: str) -> ChanceCard:
        return next(c for c in self.chance if c.id == card_id)
