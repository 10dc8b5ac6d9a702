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
from ..text import Strict, Text, as_map


class Prompts(Strict):
    """The words of a station's tasks. Every field is optional: what is left out comes from the
    step's `prompts:` (for a station) or is the kit's neutral wording."""

    ways: Text | None = Field(
        default=None,
        description="The `ways` task's question on the phones and the wall card (choose several options), e.g. "
        "'Which ways of refusing would your group use? Pick any.' or 'What could you do instead of laughing "
        "along? Pick any.'",
    )
    ways_result: Text | None = Field(
        default=None,
        description="The debrief's heading over how many chose each option, e.g. 'Ways of refusing the groups "
        "chose' or 'What the groups would do instead of laughing along'",
    )
    line: Text | None = Field(
        default=None,
        description="The `line` task's heading: what the group writes together, e.g. 'Your group's own refusal "
        "line' or 'What could you write in the chat to stop it?'",
    )
    line_hint: Text | None = Field(
        default=None,
        description="The hint under the `line` task's heading (default: one line for the whole group; the "
        "facilitator checks it before it is shown), e.g. 'Write what you would say to the offerer' or 'Write a "
        "message you could send to the class chat'",
    )
    lines_result: Text | None = Field(
        default=None,
        description="The debrief's heading over the approved lines; the step's own is also the console's "
        "heading for approving them, e.g. 'The groups' refusal lines' or 'What the groups would write in the "
        "chat'",
    )
    rate_title: Text | None = Field(
        default=None,
        description="A heading over the `rate` task's questions (optional: without it the first question is "
        "the heading), e.g. 'How hard would refusing be?' or 'How hard would it be to stand up for them?'",
    )
    rate: Text | None = Field(
        default=None,
        description="The first rating question (1-5), also its heading in the debrief, e.g. 'How hard would "
        "refusing be, as written?' or 'How hard would it be not to laugh along?'",
    )
    rate_second: Text | None = Field(
        default=None,
        description="The second rating question; without it the station asks one rating. E.g. 'And if the "
        "offerer were your best friend?' or 'And if the one laughing were your best friend?'",
    )
    rate_low: Text | None = Field(
        default=None,
        description="What 1 means on the rating scale, e.g. 'easy' (refusing) or 'not at all' (how much it "
        "would hurt to be left out)",
    )
    rate_high: Text | None = Field(
        default=None,
        description="What 5 means on the rating scale, e.g. 'very hard' (refusing) or 'very much' (how much it "
        "would hurt to be left out)",
    )
    order: Text | None = Field(
        default=None,
        description="The `order` task's question (a station's `order_prompt` is the same), e.g. 'In what order "
        "would you give first aid?' or 'In what order would you step in?'",
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
