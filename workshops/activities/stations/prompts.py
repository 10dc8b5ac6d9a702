"""What a station's tasks ask and what the debrief calls the answers: the pack's words, else the kit's.

A stations step gives its `prompts:` for every station; a station's own `prompts:` replace
them one by one. What neither gives is the kit's neutral wording (`DEFAULTS`, which the
kind's page strings use too), except the second rating question: without `rate_second` a
station asks one rating.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ..base import Says
from ..text import Strict, Text, as_map, schema_title


class Prompts(Strict):
    """The words of a station's tasks. Every field is optional: what is left out comes from the
    step's `prompts:` (for a station) or is the kit's neutral wording."""

    model_config = schema_title(
        "Rastien kysymykset ja otsikot (prompts)",
        "Mitä rastin tehtävät kysyvät ja miten loppukeskustelu otsikoi vastaukset. Kaikki kentät ovat vapaaehtoisia",
    )

    ways: Text | None = Field(
        default=None,
        description="Tehtävän `ways` kysymys puhelimissa ja rastikortissa: ryhmä valitsee niin monta vaihtoehtoa "
        "kuin haluaa",
        examples=[
            "Millä keinoilla ryhmänne kieltäytyisi? Valitse niin monta kuin haluat.",
            "Mitä voisit tehdä sen sijaan, että nauraisit mukana?",
        ],
    )
    ways_result: Text | None = Field(
        default=None,
        description="Loppukeskustelun otsikko sille, montako ryhmää valitsi kunkin vaihtoehdon",
        examples=["Kieltäytymisen keinot, jotka ryhmät valitsivat", "Mitä ryhmät tekisivät"],
    )
    line: Text | None = Field(
        default=None,
        description="Tehtävän `line` otsikko: lause, jonka ryhmä kirjoittaa yhdessä",
        examples=["Ryhmänne oma kieltäytymislause", "Mitä kirjoittaisitte luokan chattiin?"],
    )
    line_hint: Text | None = Field(
        default=None,
        description="Vihje `line`-tehtävän otsikon alla. Oletus kertoo, että lause on koko ryhmän ja että ohjaaja "
        "tarkistaa sen ennen kuin se näytetään",
        examples=["Kirjoittakaa, mitä sanoisitte tarjoajalle.", "Kirjoittakaa viesti, jonka voisitte lähettää."],
    )
    lines_result: Text | None = Field(
        default=None,
        description="Loppukeskustelun otsikko hyväksytyille lauseille. Vaiheen oma on myös ohjaajan otsikko "
        "lauseiden hyväksymisessä",
        examples=["Ryhmien kieltäytymislauseet", "Ryhmien viestit chattiin"],
    )
    rate_title: Text | None = Field(
        default=None,
        description="Otsikko arviokysymysten yläpuolella. Ilman sitä otsikkona on ensimmäinen kysymys",
        examples=["Kuinka vaikeaa kieltäytyminen olisi?"],
    )
    rate: Text | None = Field(
        default=None,
        description="Ensimmäinen arviokysymys (1–5), myös sen otsikko loppukeskustelussa",
        examples=[
            "Kuinka vaikeaa kieltäytyminen olisi, kun tilanne on tällainen?",
            "Kuinka vaikeaa olisi olla nauramatta mukana?",
        ],
    )
    rate_second: Text | None = Field(
        default=None,
        description="Toinen arviokysymys. Ilman sitä rastilla arvioidaan vain yksi kysymys",
        examples=["Entä jos tarjoaja olisi paras kaverisi?", "Entä jos kuvan laittaja olisi paras kaverisi?"],
    )
    rate_low: Text | None = Field(
        default=None,
        description="Mitä 1 tarkoittaa arvioasteikolla (oletus ”helppoa”)",
        examples=["helppoa", "ei yhtään"],
    )
    rate_high: Text | None = Field(
        default=None,
        description="Mitä 5 tarkoittaa arvioasteikolla (oletus ”tosi vaikeaa”)",
        examples=["tosi vaikeaa", "tosi pahalta"],
    )
    order: Text | None = Field(
        default=None,
        description="Tehtävän `order` kysymys (sama kuin rastin `order_prompt`, anna vain toinen)",
        examples=["Missä järjestyksessä toimisit?", "Missä järjestyksessä antaisit ensiapua?"],
    )

    def over(self, base: Prompts) -> Prompts:
        """These prompts with `base`'s in the place of those not given here."""
        return base.model_copy(update={k: v for k, v in self if v is not None})

    def view(self, lang: str) -> dict[str, Any]:
        """Every prompt as a language map, or None where the kit's wording applies."""
        return {name: as_map(text, lang) for name, text in self}

    def text(self, name: str) -> Any:
        """A prompt as given, else the kit's wording as a language map (None: the second rating)."""
        given = getattr(self, name)
        if given is not None:
            return given
        default = DEFAULTS.get(name)
        return None if default is None else {"en": default.en, "fi": default.fi, "sv": default.sv}


#: the kit's neutral wording of the prompts a pack leaves out (no theme: any station fits)
DEFAULTS: dict[str, Says] = {
    "ways": Says(
        en="What would your group do? Pick as many as you like.",
        fi="Mitä ryhmänne tekisi? Valitse niin monta kuin haluat.",
        sv="Vad skulle er grupp göra? Välj så många du vill.",
    ),
    "ways_result": Says(en="What the groups chose", fi="Ryhmien valinnat", sv="Gruppernas val"),
    "line": Says(en="Your group's own line", fi="Ryhmänne oma lause", sv="Er grupps egen replik"),
    "line_hint": Says(
        en=(
            "One line for the whole group: anyone can write and edit it. The facilitator checks it before it is shown."
        ),
        fi=(
            "Yksi lause koko ryhmälle: kuka tahansa voi kirjoittaa ja muokata sitä. Ohjaaja tarkistaa sen ennen "
            "kuin se näytetään."
        ),
        sv=(
            "En replik för hela gruppen: vem som helst kan skriva och ändra den. Handledaren kollar den innan den "
            "visas."
        ),
    ),
    "lines_result": Says(en="The groups' lines", fi="Ryhmien lauseet", sv="Gruppernas repliker"),
    "rate": Says(en="How hard would this be?", fi="Kuinka vaikeaa tämä olisi?", sv="Hur svårt skulle det här vara?"),
    "rate_low": Says(en="easy", fi="helppoa", sv="lätt"),
    "rate_high": Says(en="very hard", fi="tosi vaikeaa", sv="väldigt svårt"),
    "order": Says(en="Put the steps in order", fi="Laita vaiheet järjestykseen", sv="Sätt stegen i ordning"),
}
