"""A slide: something for the projector, with a short prompt for the phones."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .base import Activity, Ctx, Says, StepBase
from .text import Image, RichText, Text, as_map, schema_title


class SlideStep(StepBase):
    """A title, text and an optional image on the projector."""

    model_config = schema_title("Dia (slide)", "Otsikko, teksti ja kuva valkokankaalle, puhelimiin lyhyt kehotus")

    kind: Literal["slide"] = Field(
        description="Vaiheen laji. slide = dia: otsikko, teksti ja kuva valkokankaalle", examples=["slide"]
    )
    text: RichText | None = Field(
        default=None,
        description="Leipäteksti valkokankaalla. Muotoilu: tyhjä rivi aloittaa kappaleen, '- ' luettelon, "
        "**lihavointi**",
        examples=["Tänään puhutaan unesta ja jaksamisesta."],
    )
    image: Image | None = Field(
        default=None, description="Kuva valkokankaalla: tiedoston nimi paketin kansiossa", examples=["kuu.svg"]
    )
    image_alt: Text | None = Field(
        default=None,
        description="Mitä kuvassa näkyy, yhdellä lauseella ruudunlukijaa varten",
        examples=["Kuu ja tähtiä yötaivaalla."],
    )
    phone: Text | None = Field(
        default=None,
        description="Lyhyt teksti puhelimiin dian ajaksi. Ilman tätä puhelimissa lukee ”Katso valkokangasta”",
        examples=["Katso valkokangasta ja mieti hetki omaa iltaasi."],
    )


class Slide(Activity[SlideStep, None]):
    kind = "slide"
    paced = True  # a self-paced session may use it (Activity.paced)
    config = SlideStep
    # docs/protocol.md's table of this kind's view fields (python3 -m workshops.protocol_doc)
    view_doc = """
| field | `host_view` | `screen_view` | `pupil_view` | `own_view` | meaning |
| --- | --- | --- | --- | --- | --- |
| `text` | ✓ | ✓ |  |  | text for the projector |
| `image` | ✓ | ✓ |  |  | an image file name, or `null` |
| `image_alt` | ✓ | ✓ |  |  | text: what the image shows |
| `phone` | ✓ |  | ✓ |  | text for the phones (`null`: "look at the screen") |

The own view's `activity` is `{}`.
"""
    strings = {"phone_shows": Says(en="Phones show", fi="Puhelimissa näkyy", sv="Telefonerna visar")}
    snippet = {
        "label": "Dia (slide)",
        "description": "Otsikko ja teksti valkokankaalle, puhelimiin lyhyt kehotus",
        "body": {
            "id": "tervetuloa",
            "kind": "slide",
            "title": "Tervetuloa!",
            "minutes": 2,
            "text": "Tänään puhutaan unesta ja jaksamisesta.",
            "phone": "Katso valkokangasta!",
        },
    }

    def screen_view(self, step: SlideStep, state: None, ctx: Ctx) -> dict[str, Any]:
        return {
            "text": as_map(step.text, ctx.language),
            "image": step.image,
            "image_alt": as_map(step.image_alt, ctx.language),
        }

    def host_view(self, step: SlideStep, state: None, ctx: Ctx) -> dict[str, Any]:
        return self.screen_view(step, state, ctx) | {"phone": as_map(step.phone, ctx.language)}

    def pupil_view(self, step: SlideStep, state: None, ctx: Ctx) -> dict[str, Any]:
        return {"phone": as_map(step.phone, ctx.language)}
