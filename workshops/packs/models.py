"""The content pack model: the single source of validation and of the JSON Schema."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import Field, PrivateAttr, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ..activities import REGISTRY, StepBase
from ..activities.tasks.barometer import Statement
from ..activities.text import Id, Image, Strict, Text, image_names, require_unique_ids, schema_title

if TYPE_CHECKING:

    class Step(StepBase):
        """What a type checker can know of a step: the fields every kind has, and its kind."""

        kind: str

else:
    Step = Annotated[
        Union[tuple(a.config for a in REGISTRY.values())],  # noqa: UP007 - built from the registry
        Field(discriminator="kind"),
    ]


def paced_kinds() -> list[str]:
    """The kinds of step a self-paced session may use (`Activity.paced`)."""
    return sorted(kind for kind, activity in REGISTRY.items() if activity.paced)


class Audience(Strict):
    """Who the workshop is for: children and young people by age, or adults."""

    model_config = schema_title(
        "Kohderyhmä (audience)", "Kenelle työpaja on: ikäryhmä (`min_age` ja `max_age`) tai aikuisille `adults: true`"
    )

    min_age: int | None = Field(
        default=None, ge=5, le=20, description="Nuorimpien oppilaiden ikä vuosina (5–20)", examples=[13]
    )
    max_age: int | None = Field(
        default=None, ge=5, le=20, description="Vanhimpien oppilaiden ikä vuosina (5–20)", examples=[15]
    )
    adults: bool = Field(
        default=False,
        description="true: työpaja aikuisille, esim. vanhempainilta. Näkymät puhuvat osallistujista eivätkä "
        "oppilaista, ja puhelimen nappi on ”Haluan jutella järjestäjän kanssa”. Ikiä ei tarvita",
        examples=[True],
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

    model_config = schema_title(
        "Täytettävä sana (placeholders)", "Sana, jonka ohjaaja täyttää työpajaa aloittaessaan: tekstissä {tunnus}"
    )

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")] = Field(
        description="Sanan tunnus, jonka kirjoitat tekstiin aaltosulkeisiin, esim. {kuraattori}. Pienet "
        "kirjaimet a–z, numerot ja _",
        examples=["kuraattori", "koulu"],
    )
    label: Text = Field(
        description="Mitä ohjaajalta kysytään työpajaa aloittaessa", examples=["Koulun kuraattorin nimi"]
    )
    default: Text = Field(
        description="Sana, jota käytetään, jos ohjaaja jättää kentän tyhjäksi", examples=["kuraattori", "koulumme"]
    )

    @field_validator("id")
    @classmethod
    def _not_help(cls, value: str) -> str:
        if value == "apu":
            raise PydanticCustomError(
                "placeholder_reserved", "{apu} is the shared help lines' placeholder; choose another id"
            )
        return value


class SessionDefaults(Strict):
    model_config = schema_title("Istunnon asetukset (session)", "Lempinimet ja oppilaiden enimmäismäärä")

    own_nicknames: bool = Field(
        default=False,
        description="true: oppilas saa kirjoittaa oman lempinimen, jonka ohjaaja hyväksyy. false: vain arvotut "
        "lempinimet. Ohjaaja voi muuttaa tätä kesken työpajan",
        examples=[False],
    )
    max_pupils: int = Field(
        default=60, ge=1, le=2000, description="Montako oppilasta mahtuu yhteen työpajaan (oletus 60)", examples=[35]
    )


class BarometerLine(Strict):
    """The closing barometer with the pack's own statement after the standard ones."""

    model_config = schema_title(
        "Loppubarometri omalla väittämällä (barometer)",
        "Loppubarometri ja paketin oma väittämä tavallisten väittämien jälkeen",
    )

    extra: Statement | None = Field(
        default=None,
        description="Paketin oma väittämä tavallisten jälkeen: `id` ja `text`",
        examples=[{"id": "pelit", "text": "Haluan puhua peleistä kotona."}],
    )


class Pack(Strict):
    """A workshop: its facts for the home page and its agenda of steps."""

    schema_: str | None = Field(
        default=None,
        alias="$schema",
        description="Skeeman osoite editorille. Yleensä riittää tiedoston ensimmäinen rivi "
        "`# yaml-language-server: $schema=../pack.schema.json`",
        examples=["../pack.schema.json"],
    )
    id: Id = Field(
        description="Paketin tunnus: täsmälleen sama kuin kansion nimi. Pienet kirjaimet a–z, numerot, - ja _",
        examples=["uni-ja-jaksaminen"],
    )
    title: Text = Field(
        description="Työpajan nimi etusivulla ja valkokankaalla",
        examples=["Uni ja jaksaminen", {"fi": "Uni ja jaksaminen", "sv": "Sömn och ork"}],
    )
    description: Text | None = Field(
        default=None,
        description="Yksi tai kaksi lausetta etusivulle: mistä työpajassa puhutaan",
        examples=["Miksi uni on tärkeää, ja mikä auttaa nukahtamaan?"],
    )
    audience: Audience = Field(
        description="Kenelle työpaja on: ikäryhmä vuosina (`min_age` ja `max_age`) tai aikuisille `adults: true`. "
        "Etusivu näyttää sen",
        examples=[{"min_age": 13, "max_age": 15}, {"adults": True}],
    )
    minutes: int = Field(
        ge=1,
        le=600,
        description="Koko työpajan kesto minuutteina (1–600). Vaiheiden minuuttien summan pitää olla sama",
        examples=[45, 75],
    )
    language: Literal["fi", "sv", "en"] = Field(
        default="fi",
        description="Paketin pääkieli: fi, sv tai en. Valkokangas näyttää tämän kielen, ellei ohjaaja valitse toista",
        examples=["fi"],
    )
    translations: list[Literal["fi", "sv", "en"]] = Field(
        default_factory=list,
        description="Kielet, joilla jokainen teksti kirjoitetaan myös. Tarkistus kertoo, jos käännös puuttuu",
        examples=[["sv"]],
    )
    cover: Image | None = Field(
        default=None, description="Kansikuva etusivulle: tiedoston nimi paketin kansiossa", examples=["kansi.svg"]
    )
    session: SessionDefaults = Field(
        default_factory=SessionDefaults,
        description="Istunnon oletusasetukset: omat lempinimet ja oppilaiden enimmäismäärä",
        examples=[{"own_nicknames": False, "max_pupils": 35}],
    )
    placeholders: list[Placeholder] = Field(
        default_factory=list,
        description="Sanat, jotka ohjaaja täyttää työpajaa aloittaessaan, esim. kuraattorin nimi. Kirjoita "
        "tekstiin {tunnus}",
        examples=[[{"id": "kuraattori", "label": "Koulun kuraattorin nimi", "default": "kuraattori"}]],
    )
    barometer: bool | BarometerLine = Field(
        default=False,
        description="true: työpajan loppuun tulee loppubarometri, lyhyt nimetön palaute kolmella naamalla. Väittämät "
        "tulevat tiedostosta _shared/barometri.yaml, ja barometri on aina viimeinen vaihe. Sen minuutit lasketaan "
        "mukaan `minutes`-kestoon. `extra`: paketin oma väittämä",
        examples=[True, {"extra": {"id": "pelit", "text": "Haluan puhua peleistä kotona."}}],
    )
    agenda: list[Step] = Field(
        min_length=1,
        description="Työpajan vaiheet järjestyksessä, vähintään yksi. Tyhjällä `- `-rivillä Ctrl + välilyönti "
        "tarjoaa valmiin vaiheen jokaisesta lajista",
        examples=[[{"id": "tervetuloa", "kind": "slide", "title": "Tervetuloa!", "minutes": 2}]],
    )

    self_paced: list[Id] = Field(
        default_factory=list,
        description="Vaiheet, joihin vastataan omaan tahtiin, kun ohjaaja avaa työpajan itsenäisesti täytettäväksi "
        "(esim. kysely QR-julisteesta perhekahvilassa): vaiheiden tunnukset järjestyksessä. Lajit: slide, choice, "
        "truefalse, scale, open, sort, order, barometer; ei tiimivastauksia. Tyhjä: pakettia ei voi avata omaan "
        "tahtiin",
        examples=[["tervetuloa", "arki", "toive", "kiitos"]],
    )

    model_config = (
        Strict.model_config
        | {"populate_by_name": True}
        | schema_title("Työpajapaketti (pack.yaml)", "Työpaja: tiedot etusivulle ja vaiheet järjestyksessä")
    )

    _media: frozenset[str] = PrivateAttr(default=frozenset())

    @field_validator("agenda")
    @classmethod
    def _unique_steps(cls, agenda: list[Any]) -> list[Any]:
        return require_unique_ids(agenda, "step")

    @model_validator(mode="after")
    def _paced_steps(self) -> Pack:
        steps = {step.id: step for step in self.agenda}
        for i, step_id in enumerate(self.self_paced):
            step = steps.get(step_id)
            if step is None:
                raise PydanticCustomError(
                    "paced_unknown",
                    "self_paced names the step '{id}', which is not in the agenda; the steps are: {known}",
                    {"id": step_id, "known": list(steps), "at": ("self_paced", i)},
                )
            if not REGISTRY[step.kind].paced:
                raise PydanticCustomError(
                    "paced_kind",
                    "the step '{id}' is a {kind}, which a self-paced session cannot use; those are: {kinds}",
                    {"id": step_id, "kind": step.kind, "kinds": paced_kinds(), "at": ("self_paced", i)},
                )
            if getattr(step, "answer_by", "individual") == "team":
                raise PydanticCustomError(
                    "paced_team",
                    "the step '{id}' is answered by teams; a self-paced session has no teams",
                    {"id": step_id, "at": ("self_paced", i)},
                )
            if step_id in self.self_paced[:i]:
                raise PydanticCustomError(
                    "paced_twice",
                    "self_paced names the step '{id}' twice; name each step once",
                    {"id": step_id, "at": ("self_paced", i)},
                )
        return self

    @model_validator(mode="after")
    def _barometer_last(self) -> Pack:
        # Nothing may follow the closing barometer: the pack's line puts it last, and a step
        # written by hand must be last too.
        for i, step in enumerate(self.agenda[:-1]):
            if step.kind == "barometer":
                raise PydanticCustomError(
                    "barometer_not_last",
                    "the closing barometer '{id}' must be the last step",
                    {"id": step.id, "at": ("agenda", i)},
                )
        return self

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
__all__ = ["Audience", "BarometerLine", "Id", "Kind", "Pack", "Placeholder", "SessionDefaults", "Step"]
