"""The stations kind's part of the pack schema: scenario stations that groups rotate through."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ..base import StepBase
from ..text import Id, Image, Strict, Text, require_unique_ids, schema_title
from .prompts import Prompts

Task = Literal["ways", "line", "rate", "order"]


def _default_tasks() -> list[Task]:
    return ["ways", "line", "rate"]


class Way(Strict):
    """An option of the `ways` task (e.g. say no clearly; tell an adult what happened)."""

    model_config = schema_title("Vaihtoehto (ways)", "Vaihtoehto, jonka ryhmä voi valita tehtävässä `ways`")

    id: Id = Field(description="Vaihtoehdon tunnus", examples=["ei"])
    text: Text = Field(description="Vaihtoehto puhelimissa, esim. kieltäytymisen tapa", examples=["Sano selvästi ei"])


# Not `OrderStep`: that is the order task kind's step, and the schema names both by class.
class StationOrderStep(Strict):
    model_config = schema_title("Järjestettävä vaihe rastilla (order)", "Vaihe, jonka ryhmä laittaa järjestykseen")

    id: Id = Field(description="Vaiheen tunnus", examples=["soita"])
    text: Text = Field(description="Vaihe puhelimissa", examples=["Soita 112"])


class Guide(Strict):
    """What a peer-support pupil leading the station needs."""

    model_config = schema_title("Rastin vetäjän ohje (guide)", "Mitä rastia vetävä tukioppilas tarvitsee")

    questions: list[Text] = Field(
        default_factory=list,
        description="Kysymykset, joita rastin vetäjä kysyy ryhmältä",
        examples=[["Miksi soittaminen voi tuntua vaikealta?"]],
    )
    listen_for: list[Text] = Field(
        default_factory=list,
        description="Mitä vetäjän kannattaa kuunnella ryhmän keskustelussa",
        examples=[["Ymmärtääkö ryhmä, että apua saa aina hakea"]],
    )
    safety: list[Text] = Field(
        default_factory=list,
        description="Miten keskustelu pidetään turvallisena ja milloin kutsutaan aikuinen",
        examples=[["Kenenkään ei tarvitse kertoa omista kokemuksistaan."]],
    )


class Station(Strict):
    model_config = schema_title("Rasti (stations)", "Tilanne, jossa joku painostaa, ja ryhmän tehtävät puhelimilla")

    id: Id = Field(description="Rastin tunnus", examples=["puisto"])
    title: Text = Field(description="Rastin nimi valkokankaalla ja puhelimissa", examples=["Puisto"])
    content_note: Text | None = Field(
        default=None,
        description="Sisältövaroitus ennen tilannetta: mistä rastilla puhutaan",
        examples=["Rastilla puhutaan tajuttomasta kaverista."],
    )
    scenario: Text = Field(
        description="Tilanne, jonka ryhmä lukee puhelimista", examples=["Kaveri on juonut liikaa eikä herää."]
    )
    image: Image | None = Field(
        default=None, description="Rastin kuva: tiedoston nimi paketin kansiossa", examples=["puisto.svg"]
    )
    image_alt: Text | None = Field(
        default=None,
        description="Mitä kuvassa näkyy, yhdellä lauseella ruudunlukijaa varten",
        examples=["Puiston penkki iltahämärässä."],
    )
    pressure: list[Text] = Field(
        default_factory=list,
        description="Mitä tilanteen ihmiset sanovat painostaakseen",
        examples=[["Älä soita, tulee vaan sanomista."]],
    )
    tasks: list[Task] = Field(
        default_factory=_default_tasks,
        description="Rastin tehtävät (oletus `ways`, `line`, `rate`). `ways` = valitse vaihtoehdoista, `line` = "
        "ryhmän oma lause, `rate` = yksi tai kaksi arviota 1–5, `order` = laita `order`-vaiheet järjestykseen. "
        "Kysymykset kirjoitetaan kohtaan `prompts`",
        examples=[["ways", "line", "rate", "order"]],
    )
    ways: list[Way] = Field(
        default_factory=list,
        description="Tämän rastin omat vaihtoehdot tehtävään `ways`, vaiheen `ways`-listan tilalla",
        examples=[[{"id": "ala-naura", "text": "Älä naura mukana"}, {"id": "viesti", "text": "Laita Ainolle viesti"}]],
    )
    prompts: Prompts = Field(
        default_factory=Prompts,
        description="Tämän rastin omat kysymykset ja otsikot: jokainen tässä annettu korvaa vaiheen vastaavan",
        examples=[{"rate": "Kuinka vaikeaa olisi olla nauramatta mukana?"}],
    )
    order: list[StationOrderStep] = Field(
        default_factory=list,
        description="Tehtävään `order`: vähintään 3 vaihetta OIKEASSA järjestyksessä (puhelimet sekoittavat ne)",
        examples=[
            [
                {"id": "tarkista", "text": "Tarkista, herääkö ja hengittääkö"},
                {"id": "kylki", "text": "Käännä kylkiasentoon"},
                {"id": "soita", "text": "Soita 112"},
            ]
        ],
    )
    order_prompt: Text | None = Field(
        default=None,
        description="Tehtävän `order` kysymys (sama kuin `prompts: order`, anna vain toinen)",
        examples=["Missä järjestyksessä toimit?"],
    )
    guide: Guide = Field(
        default_factory=Guide,
        description="Rastin vetäjän (esim. tukioppilaan) ohje: kysymykset, mitä kuunnella ja turvallisuus",
        examples=[{"questions": ["Miksi soittaminen voi tuntua vaikealta?"]}],
    )
    notes: Text | None = Field(
        default=None,
        description="Muistiinpanot vain ohjaajalle",
        examples=["Tämä rasti on raskain: käy katsomassa ryhmää."],
    )
    questions: list[Text] = Field(
        default_factory=list,
        description="Tämän rastin purkukysymykset koko luokalle",
        examples=[["Mikä auttoi soittamaan?"]],
    )

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

    model_config = schema_title(
        "Rastit (stations)", "Ryhmät kiertävät tilannerasteja ja tekevät tehtäviä; lopuksi luokka purkaa rastit"
    )

    kind: Literal["stations"] = Field(
        description="Vaiheen laji. stations = rastit: ryhmät kiertävät tilannerasteja ja tekevät tehtäviä puhelimilla",
        examples=["stations"],
    )
    intro: Text | None = Field(
        default=None,
        description="Aloitusteksti valkokankaalla ennen kuin ryhmät lähtevät rasteille",
        examples=["Kiertäkää rastit ryhmänä. Jokaisella rastilla on yksi tilanne."],
    )
    station_minutes: float = Field(
        default=7, ge=1, le=60, description="Minuutit kullakin rastilla (oletus 7)", examples=[5]
    )
    auto_rotate: bool = Field(
        default=False,
        description="true: ryhmät siirtyvät seuraavalle rastille itse, kun aika loppuu",
        examples=[True],
    )
    ways: list[Way] = Field(
        default_factory=list,
        description="Vaihtoehdot, joista ryhmät valitsevat tehtävässä `ways` (rastilla voi olla omansa)",
        examples=[[{"id": "ei", "text": "Sano selvästi ei"}, {"id": "syy", "text": "Kerro syy"}]],
    )
    prompts: Prompts = Field(
        default_factory=Prompts,
        description="Mitä jokaisen rastin tehtävät kysyvät ja miten loppukeskustelu otsikoi vastaukset. Rastin "
        "omat `prompts` korvaavat nämä yksi kerrallaan. Puuttuvien tilalla on työkalun neutraali teksti",
        examples=[{"ways": "Millä keinoilla ryhmänne kieltäytyisi? Valitse niin monta kuin haluat."}],
    )
    stations: list[Station] = Field(
        min_length=1,
        max_length=8,
        description="1–8 rastia, kullakin `id`, `title` ja `scenario`",
        examples=[[{"id": "puisto", "title": "Puisto", "scenario": "Kaveri on juonut liikaa eikä herää."}]],
    )
    debrief_questions: list[Text] = Field(
        default_factory=list,
        description="Koko luokan purkukysymykset rastien jälkeen",
        examples=[["Mikä rasti oli vaikein, ja miksi?"]],
    )

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
        missing = [i for i, s in enumerate(self.stations) if "ways" in s.tasks and not self.ways_for(s)]
        if missing:
            raise PydanticCustomError(
                "ways_missing",
                "station '{station}' has the `ways` task: list its options under the step's `ways:` "
                "or the station's own `ways:`",
                {"station": self.stations[missing[0]].id, "at": ("stations", missing[0], "tasks")},
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


#: the editor's ready stations step (the kind's `snippet`): one station with the default tasks
SNIPPET = {
    "label": "Rastit (stations)",
    "description": "Ryhmät kiertävät rasteja: tilanne, vaihtoehdot, oma lause ja arvio",
    "body": {
        "id": "rastit",
        "kind": "stations",
        "title": "Rastit",
        "minutes": 15,
        "station_minutes": 5,
        "ways": [
            {"id": "ei", "text": "Sano selvästi ei"},
            {"id": "syy", "text": "Kerro syy"},
            {"id": "muuta", "text": "Ehdota muuta tekemistä"},
        ],
        "stations": [
            {
                "id": "valitunti",
                "title": "Välitunti",
                "scenario": "Kaveri tarjoaa sinulle nuuskaa välitunnilla koulun takana.",
                "pressure": ["Älä oo tylsä, kaikki muutkin ottaa."],
            }
        ],
    },
}
