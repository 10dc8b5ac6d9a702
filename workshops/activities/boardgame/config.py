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
from ..text import Id, Image, RichText, Strict, Text, require_unique_ids, schema_title

# The ids a board game declares, while its cards are being validated.
_declared: ContextVar[dict[str, set[str]] | None] = ContextVar("boardgame_ids", default=None)


def _ids_in(raw: Any, key: str) -> set[str]:
    items = raw.get(key) if isinstance(raw, dict) else None
    return {i["id"] for i in items or [] if isinstance(i, dict) and isinstance(i.get("id"), str)}


def _known(kind: str):
    def check(value: str, info: ValidationInfo) -> str:
        declared = _declared.get()
        if declared is not None and value not in declared[kind]:
            names = sorted(declared[kind]) or ["-"]
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

# What the editor says of a condition and an effect, by the union's prefix.
_UNION_DESCRIPTIONS = {
    "condition": "Ehto on yksi näistä: `flag`, `not_flag`, `meter` ja `below` tai `at_least`, `section`, `all`, `any`",
    "effect": "Seuraus on yksi näistä: `move`, `meter` ja `change`, `set`, `clear`, `others`, `if` ja `then`",
}


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
        Field(description=_UNION_DESCRIPTIONS[prefix]),
    ]


MeterRef = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$"), _known("meter")]
FlagRef = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$"), _known("flag")]
SectionRef = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$"), _known("section")]


# -- conditions ---------------------------------------------------------------------
class HasFlag(Strict):
    model_config = schema_title("Ehto: hahmolla on lippu (flag)", "Pätee, kun hahmolla on tämä lippu")

    flag: FlagRef = Field(description="Ehto pätee, kun hahmolla on tämä lippu", examples=["ei-aamupalaa"])


class LacksFlag(Strict):
    model_config = schema_title("Ehto: hahmolla ei ole lippua (not_flag)", "Pätee, kun hahmolla ei ole tätä lippua")

    not_flag: FlagRef = Field(description="Ehto pätee, kun hahmolla ei ole tätä lippua", examples=["ei-aamupalaa"])


class MeterTest(Strict):
    model_config = schema_title("Ehto: mittarin arvo (meter)", "Vertaa mittaria lukuun: anna `below` tai `at_least`")

    meter: MeterRef = Field(
        description="Mittari, jota verrataan: anna lisäksi `below` tai `at_least`", examples=["jaksaminen"]
    )
    below: int | None = Field(default=None, description="Ehto pätee, kun mittari on tätä pienempi", examples=[3])
    at_least: int | None = Field(default=None, description="Ehto pätee, kun mittari on vähintään tämä", examples=[7])

    @model_validator(mode="after")
    def _one_bound(self) -> MeterTest:
        if (self.below is None) == (self.at_least is None):
            raise PydanticCustomError("meter_test_bound", "give exactly one of `below:` or `at_least:`")
        return self


class InSection(Strict):
    model_config = schema_title("Ehto: päivän osa (section)", "Pätee, kun nappula on tässä päivän osassa")

    section: SectionRef = Field(description="Ehto pätee, kun hahmon nappula on tässä päivän osassa", examples=["koulu"])


class AllOf(Strict):
    model_config = schema_title("Ehto: kaikki pätevät (all)", "Pätee, kun jokainen listan ehto pätee")

    all: list[Condition] = Field(
        min_length=1,
        description="Ehto pätee, kun jokainen listan ehto pätee",
        examples=[[{"flag": "ei-aamupalaa"}, {"meter": "jaksaminen", "below": 3}]],
    )


class AnyOf(Strict):
    model_config = schema_title("Ehto: jokin pätee (any)", "Pätee, kun vähintään yksi listan ehdoista pätee")

    any: list[Condition] = Field(
        min_length=1,
        description="Ehto pätee, kun vähintään yksi listan ehdoista pätee",
        examples=[[{"flag": "myohassa"}, {"section": "ilta"}]],
    )


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
    model_config = schema_title("Seuraus: siirto (move)", "Nappula siirtyy eteen tai taakse")

    move: int = Field(
        ge=-10,
        le=10,
        description="Montako ruutua nappula siirtyy: plus eteenpäin, miinus taaksepäin (−10…10)",
        examples=[2, -1],
    )


class ChangeMeter(Strict):
    model_config = schema_title("Seuraus: mittarin muutos (meter)", "Mittari nousee tai laskee: anna myös `change`")

    meter: MeterRef = Field(description="Mittari, jonka arvo muuttuu", examples=["jaksaminen"])
    change: int = Field(
        ge=-10, le=10, description="Paljonko mittari nousee (plus) tai laskee (miinus)", examples=[1, -2]
    )


class SetFlag(Strict):
    model_config = schema_title("Seuraus: lippu päälle (set)", "Hahmo saa lipun, johon myöhemmät kortit reagoivat")

    set: FlagRef = Field(
        description="Anna hahmolle tämä lippu. Myöhemmät kortit voivat reagoida siihen `when`-ehdolla",
        examples=["ei-aamupalaa"],
    )


class ClearFlag(Strict):
    model_config = schema_title("Seuraus: lippu pois (clear)", "Hahmolta otetaan lippu pois")

    clear: FlagRef = Field(description="Ota hahmolta tämä lippu pois", examples=["ei-aamupalaa"])


class Others(Strict):
    model_config = schema_title("Seuraus muille (others)", "Seuraukset kaikkien muiden tiimien hahmoille")

    others: list[Effect] = Field(
        min_length=1, description="Seuraukset kaikkien muiden tiimien hahmoille", examples=[[{"move": 1}]]
    )


class IfThen(Strict):
    if_: Condition = Field(
        alias="if",
        description="Ehto, jonka mukaan seuraukset valitaan: `then` kun se pätee, muuten `else`",
        examples=[{"meter": "jaksaminen", "below": 3}],
    )
    then: list[Effect] = Field(
        default_factory=list, description="Seuraukset, kun ehto pätee", examples=[[{"move": -2}]]
    )
    else_: list[Effect] = Field(
        default_factory=list, alias="else", description="Seuraukset, kun ehto ei päde", examples=[[{"move": -1}]]
    )

    model_config = (
        Strict.model_config
        | {"populate_by_name": True}
        | schema_title("Seuraus ehdon mukaan (if)", "Eri seuraukset sen mukaan, päteekö ehto")
    )


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
    model_config = schema_title("Päivän osa (sections)", "Pelilaudan osa: päivän osa ja sen ruudut")

    id: Id = Field(description="Päivän osan tunnus. Kortin `section` viittaa tähän", examples=["aamu"])
    name: Text = Field(description="Päivän osan nimi pelilaudalla", examples=["Aamu", "Edellinen ilta"])
    spaces: int = Field(
        ge=1, le=20, description="Montako ruutua tällä päivän osalla on pelilaudalla (1–20)", examples=[3]
    )


class Meter(Strict):
    model_config = schema_title("Mittari (meters)", "Asia, jota valinnat nostavat ja laskevat, esim. jaksaminen")

    id: Id = Field(description="Mittarin tunnus. Seuraukset ja ehdot viittaavat tähän", examples=["jaksaminen"])
    name: Text = Field(description="Mittarin nimi valkokankaalla ja puhelimissa", examples=["Jaksaminen"])
    min: int = Field(default=0, ge=-20, le=20, description="Mittarin pienin arvo (oletus 0)", examples=[0])
    max: int = Field(default=10, ge=-20, le=20, description="Mittarin suurin arvo (oletus 10)", examples=[10])
    start: int = Field(
        default=5,
        ge=-20,
        le=20,
        description="Arvo, jolla hahmot aloittavat (oletus 5). Hahmolle voi antaa oman alkuarvon",
        examples=[5],
    )

    @model_validator(mode="after")
    def _ordered(self) -> Meter:
        if not self.min <= self.start <= self.max:
            raise PydanticCustomError("meter_range", "start must be between min and max")
        return self


class Flag(Strict):
    model_config = schema_title("Lippu (flags)", "Asia, jonka peli muistaa, esim. jätti aamupalan väliin")

    id: Id = Field(
        description="Lipun tunnus. Seuraus `set` asettaa sen, ja ehdot `flag` ja `not_flag` kysyvät sitä",
        examples=["ei-aamupalaa"],
    )
    description: Text | None = Field(
        default=None, description="Mitä lippu tarkoittaa, ohjaajalle", examples=["Jätti aamupalan väliin"]
    )


class Character(Strict):
    model_config = schema_title("Hahmo (characters)", "Hahmo, jota yksi tiimi pelaa päivän läpi")

    id: Id = Field(description="Hahmon tunnus", examples=["aino"])
    name: str = Field(min_length=1, max_length=40, description="Hahmon nimi (enintään 40 merkkiä)", examples=["Aino"])
    age: int = Field(ge=5, le=20, description="Hahmon ikä vuosina (5–20)", examples=[13])
    story: Text = Field(
        description="Roolikortti: tilanne, josta hahmo aloittaa päivänsä",
        examples=["Aino pelasi eilen myöhään ja heräsi väsyneenä."],
    )
    meters: dict[MeterRef, int] = Field(
        default_factory=dict,
        description="Hahmon omat alkuarvot mittareille, jos ne poikkeavat mittarin `start`-arvosta",
        examples=[{"jaksaminen": 3}],
    )
    flags: list[FlagRef] = Field(
        default_factory=list, description="Liput, jotka hahmolla on jo pelin alussa", examples=[["myohassa"]]
    )
    image: Image | None = Field(
        default=None, description="Hahmon kuva roolikortissa: tiedoston nimi paketin kansiossa", examples=["aino.svg"]
    )


class Choice(Strict):
    model_config = schema_title("Kortin vaihtoehto (choices)", "Mitä hahmo voi tehdä, ja mitä siitä seuraa")

    id: Id = Field(description="Vaihtoehdon tunnus", examples=["syo"])
    text: Text = Field(description="Vaihtoehto, josta tiimi äänestää puhelimilla", examples=["Syön jotain nopeasti"])
    consequence: Text = Field(
        description="Mitä tapahtui ja miksi: näytetään, kun valinta on tehty",
        examples=["Jaksat paremmin koko aamupäivän."],
    )
    effects: list[Effect] = Field(
        default_factory=list,
        description="Valinnan seuraukset listana: `move`, `meter` ja `change`, `set`, `clear`, `others`, `if`",
        examples=[[{"move": 2}, {"meter": "jaksaminen", "change": 1}]],
    )


class Card(Strict):
    model_config = schema_title("Tilannekortti (cards)", "Tilanne, jossa tiimi päättää, mitä hahmo tekee")

    id: Id = Field(description="Kortin tunnus", examples=["aamupala"])
    section: SectionRef = Field(description="Päivän osa, jossa kortti nostetaan", examples=["aamu"])
    title: Text = Field(description="Kortin otsikko", examples=["Aamupala"])
    text: Text = Field(
        description="Tilanne, jossa tiimi valitsee, mitä hahmo tekee", examples=["Kello on paljon. Ehditkö syödä?"]
    )
    when: Condition | None = Field(
        default=None,
        description="Kortti tulee vain, kun ehto pätee (esim. hahmolla on lippu)",
        examples=[{"flag": "ei-aamupalaa"}],
    )
    choices: list[Choice] = Field(
        min_length=2,
        max_length=4,
        description="2–4 vaihtoehtoa, joista tiimi äänestää",
        examples=[
            [
                {"id": "syo", "text": "Syön jotain nopeasti", "consequence": "Jaksat paremmin."},
                {"id": "ei", "text": "Lähden syömättä", "consequence": "Nälkä tulee."},
            ]
        ],
    )
    questions: list[Text] = Field(
        default_factory=list,
        description="Purkukysymykset keskusteluun kortin jälkeen",
        examples=[["Mikä auttaa jaksamaan aamulla?"]],
    )
    notes: Text | None = Field(
        default=None,
        description="Muistiinpanot vain ohjaajalle",
        examples=["Kysy, kuka on joskus lähtenyt kouluun syömättä."],
    )
    image: Image | None = Field(
        default=None, description="Kortin kuva: tiedoston nimi paketin kansiossa", examples=["aamupala.svg"]
    )


class ChanceCard(Strict):
    model_config = schema_title("Sattumakortti (chance)", "Sattuma, joka osuu tiimin hahmolle")

    id: Id = Field(description="Sattumakortin tunnus", examples=["bussi"])
    title: Text = Field(description="Sattumakortin otsikko", examples=["Bussi myöhässä"])
    text: Text = Field(description="Mitä tapahtui", examples=["Bussi tuli kymmenen minuuttia myöhässä."])
    when: Condition | None = Field(
        default=None, description="Sattumakortti tulee vain, kun ehto pätee", examples=[{"section": "aamu"}]
    )
    effects: list[Effect] = Field(
        default_factory=list, description="Sattuman seuraukset listana", examples=[[{"move": -1}]]
    )


class BoardGameStep(StepBase):
    """Teams play characters through one day; choices move their tokens."""

    model_config = schema_title(
        "Lautapeli (boardgame)", "Tiimit pelaavat hahmoa päivän läpi ja äänestävät puhelimilla, mitä hahmo tekee"
    )

    kind: Literal["boardgame"] = Field(
        description="Vaiheen laji. boardgame = lautapeli: tiimit pelaavat hahmoa päivän läpi ja äänestävät puhelimilla",
        examples=["boardgame"],
    )
    intro: RichText | None = Field(
        default=None,
        description="Aloitusteksti valkokankaalla ennen pelin alkua",
        examples=["Jokainen tiimi pelaa yhtä hahmoa yhden päivän läpi."],
    )
    sections: list[Section] = Field(
        min_length=1,
        description="Pelilauta: päivän osat järjestyksessä, kullakin `id`, `name` ja ruutujen määrä `spaces`",
        examples=[[{"id": "aamu", "name": "Aamu", "spaces": 3}, {"id": "koulu", "name": "Koulu", "spaces": 3}]],
    )
    meters: list[Meter] = Field(
        default_factory=list,
        max_length=4,
        description="Enintään 4 mittaria, esim. jaksaminen. Valintojen seuraukset nostavat ja laskevat niitä",
        examples=[[{"id": "jaksaminen", "name": "Jaksaminen", "min": 0, "max": 10, "start": 5}]],
    )
    flags: list[Flag] = Field(
        default_factory=list,
        description="Liput: asiat, jotka peli muistaa. Kortit voivat käyttää vain tässä lueteltuja",
        examples=[[{"id": "ei-aamupalaa", "description": "Jätti aamupalan väliin"}]],
    )
    characters: list[Character] = Field(
        min_length=1,
        description="Hahmot, joita tiimit pelaavat",
        examples=[[{"id": "aino", "name": "Aino", "age": 13, "story": "Aino pelasi eilen myöhään."}]],
    )
    cards: list[Card] = Field(
        min_length=1,
        description="Tilannekortit: joka kierroksella tiimi saa kortin siitä päivän osasta, jossa nappula on",
        examples=[
            [
                {
                    "id": "aamupala",
                    "section": "aamu",
                    "title": "Aamupala",
                    "text": "Kello on paljon. Ehditkö syödä?",
                    "choices": [
                        {"id": "syo", "text": "Syön jotain nopeasti", "consequence": "Jaksat paremmin."},
                        {"id": "ei", "text": "Lähden syömättä", "consequence": "Nälkä tulee."},
                    ],
                }
            ]
        ],
    )
    chance: list[ChanceCard] = Field(
        default_factory=list,
        description="Sattumakortit, jotka nostetaan satunnaisesti `chance_every`-kierroksen välein",
        examples=[
            [{"id": "bussi", "title": "Bussi myöhässä", "text": "Bussi tuli myöhässä.", "effects": [{"move": -1}]}]
        ],
    )
    chance_every: int | None = Field(
        default=None,
        ge=1,
        le=20,
        description="Monenko kierroksen välein kukin tiimi nostaa sattumakortin",
        examples=[2],
    )
    rounds: int = Field(
        default=10,
        ge=1,
        le=50,
        description="Peli loppuu viimeistään näin monen kierroksen jälkeen (oletus 10)",
        examples=[6],
    )
    vote_seconds: int | None = Field(
        default=None,
        ge=10,
        le=600,
        description="Äänestysaika sekunteina (10–600). Ilman tätä aikaa ei rajoiteta",
        examples=[60],
    )
    tie: Literal["first", "random"] = Field(
        default="first",
        description="Tasapeli äänestyksessä: first = ensimmäisenä listattu vaihtoehto voittaa, random = arvotaan",
        examples=["random"],
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


#: the editor's ready board game step (the kind's `snippet`): a short board, a meter, one card
SNIPPET = {
    "label": "Lautapeli (boardgame)",
    "description": "Tiimit pelaavat hahmoa päivän läpi: pelilauta, mittari, hahmo ja tilannekortti",
    "body": {
        "id": "peli",
        "kind": "boardgame",
        "title": "Yksi päivä",
        "minutes": 20,
        "rounds": 6,
        "sections": [{"id": "aamu", "name": "Aamu", "spaces": 3}, {"id": "koulu", "name": "Koulu", "spaces": 3}],
        "meters": [{"id": "jaksaminen", "name": "Jaksaminen"}],
        "characters": [
            {"id": "aino", "name": "Aino", "age": 13, "story": "Aino pelasi eilen myöhään ja heräsi väsyneenä."}
        ],
        "cards": [
            {
                "id": "aamupala",
                "section": "aamu",
                "title": "Aamupala",
                "text": "Kello on paljon. Ehditkö syödä?",
                "choices": [
                    {
                        "id": "syo",
                        "text": "Syön jotain nopeasti",
                        "consequence": "Jaksat paremmin koko aamupäivän.",
                        "effects": [{"move": 2}, {"meter": "jaksaminen", "change": 1}],
                    },
                    {
                        "id": "ei",
                        "text": "Lähden syömättä",
                        "consequence": "Nälkä kurnii jo ensimmäisellä tunnilla.",
                        "effects": [{"move": -1}, {"meter": "jaksaminen", "change": -1}],
                    },
                ],
            }
        ],
    },
}
