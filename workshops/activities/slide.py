"""A slide: something for the projector, with a short prompt for the phones."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .base import Activity, Ctx, Says, StepBase
from .text import Image, RichText, Text, as_map


class SlideStep(StepBase):
    """A title, text and an optional image on the projector."""

    kind: Literal["slide"]
    text: RichText | None = Field(default=None, description="Body text shown on the projector")
    image: Image | None = None
    image_alt: Text | None = Field(default=None, description="What the image shows, for screen readers")
    phone: Text | None = Field(
        default=None, description="A short prompt for the phones; by default they say 'look at the screen'"
    )


class Slide(Activity[SlideStep, None]):
    kind = "slide"
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
