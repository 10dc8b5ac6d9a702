"""Put in order: the items dragged into the right order."""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import Field, field_validator

from ..base import ActionModel, Rejected
from ..text import Id, Strict, Text, as_map, require_unique_ids, schema_title
from .base import Ref, TaskKind, TaskStep


class OrderItem(Strict):
    model_config = schema_title("Järjestettävä kohta (items)", "Kohta, jonka oppilas laittaa paikalleen")

    id: Id = Field(description="Kohdan tunnus", examples=["kuvakaappaus"])
    text: Text = Field(description="Kohdan teksti puhelimissa", examples=["Ota kuvakaappaus"])


class OrderStep(TaskStep):
    """Put 3-8 items in the right order by tapping them in turn."""

    model_config = schema_title(
        "Järjestä oikeaan järjestykseen (order)", "Oppilas laittaa 3–8 kohtaa oikeaan järjestykseen napauttamalla"
    )

    kind: Literal["order"] = Field(
        description="Vaiheen laji. order = järjestä: oppilas laittaa kohdat oikeaan järjestykseen napauttamalla",
        examples=["order"],
    )
    question: Text = Field(
        description="Tehtävä valkokankaalla ja puhelimissa",
        examples=["Missä järjestyksessä toimit, kun saat ilkeän viestin?"],
    )
    items: list[OrderItem] = Field(
        min_length=3,
        max_length=8,
        description="3–8 kohtaa OIKEASSA järjestyksessä: puhelimet sekoittavat ne",
        examples=[
            [
                {"id": "kuvakaappaus", "text": "Ota kuvakaappaus"},
                {"id": "esta", "text": "Estä lähettäjä"},
                {"id": "kerro", "text": "Kerro aikuiselle"},
            ]
        ],
    )

    @field_validator("items")
    @classmethod
    def _uniqueitems_view(cls, items: list[OrderItem]) -> list[OrderItem]:
        return require_unique_ids(items, "item")


class OrderAnswer(ActionModel):
    type: Literal["answer"]
    items: list[Ref] = Field(max_length=8)


def shown_order(step_id: str, ids: list[str]) -> list[str]:
    """The same scrambled order for every phone and on every replay (derived from the ids, not random)."""
    keyed = sorted(ids, key=lambda i: hashlib.sha256(f"{step_id}:{i}".encode()).hexdigest())
    return keyed if keyed != ids else keyed[1:] + keyed[:1]


class Order(TaskKind):
    kind = "order"
    paced = True  # a self-paced session may use it (Activity.paced)
    config = OrderStep
    snippet = {
        "label": "Järjestä (order)",
        "description": "Kohdat laitetaan oikeaan järjestykseen; kirjoita ne oikeassa järjestyksessä",
        "body": {
            "id": "ilkea-viesti",
            "kind": "order",
            "title": "Ilkeä viesti",
            "minutes": 3,
            "question": "Missä järjestyksessä toimit, kun saat ilkeän viestin?",
            "items": [
                {"id": "kuvakaappaus", "text": "Ota kuvakaappaus"},
                {"id": "esta", "text": "Estä lähettäjä"},
                {"id": "kerro", "text": "Kerro aikuiselle"},
            ],
        },
    }
    # docs/protocol.md's table of this kind's view fields (python3 -m workshops.protocol_doc)
    view_doc = """
| field | `host_view` | `screen_view` | `pupil_view` | `own_view` | meaning |
| --- | --- | --- | --- | --- | --- |
| `question` | ✓ | ✓ | ✓ |  | text |
| `items` | ✓ | ✓ | ✓ |  | the items, in a fixed scrambled order (never the right one) |
| `items[].id` | ✓ | ✓ | ✓ |  | an item id |
| `items[].text` | ✓ | ✓ | ✓ |  | text |
| `results.right` | ✓ | ✓ | ✓ |  | answers in the right order |
| `results.answers` | ✓ | ✓ | ✓ |  | answers |
| `solution` | ✓ | ✓ | ✓ |  | the item ids in the right order; projector and phones: only once revealed |
| `mine` |  |  |  | ✓ | as stored: the item ids, in this pupil's (or team's) order |
"""
    answer = OrderAnswer

    def accept(self, step, action, previous):
        if sorted(action.items) != sorted(i.id for i in step.items):
            return Rejected("bad_order", "Put every item in the list once.")
        return list(action.items)

    def is_right(self, step, value):
        return value == [i.id for i in step.items]

    def results(self, step, answers, state):
        return {"right": sum(1 for a in answers if self.is_right(step, a)), "answers": len(answers)}

    def task(self, step, ctx):
        by_id = {i.id: i for i in step.items}
        order = shown_order(step.id, list(by_id))
        return {
            "question": as_map(step.question, ctx.language),
            "items": [{"id": i, "text": as_map(by_id[i].text, ctx.language)} for i in order],
        }

    def solution(self, step, ctx):
        return {"solution": [i.id for i in step.items]}

    # -- for tests and bots: what the views hide until the reveal, and sample moves ------------
    def sample_moves(self, step, state, seat, ctx):
        right = [i.id for i in step.items]
        shuffled = ctx.rng.sample(right, len(right))
        return [{"type": "answer", "items": right}, {"type": "answer", "items": shuffled}]
