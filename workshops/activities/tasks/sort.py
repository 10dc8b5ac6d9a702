"""Sort into categories: every card into one of the categories."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from ..base import ActionModel, AuthorCheck, KindError, Rejected, Says
from ..text import Id, Strict, Text, as_map, require_unique_ids, schema_title
from .base import Ref, TaskKind, TaskStep, items_view


class Category(Strict):
    model_config = schema_title("Ryhmä (categories)", "Ryhmä, johon kortteja lajitellaan")

    id: Id = Field(description="Ryhmän tunnus. Kortin `category` viittaa tähän", examples=["ok"])
    text: Text = Field(description="Ryhmän nimi valkokankaalla ja puhelimissa", examples=["Turvallista jakaa"])


class SortItem(Strict):
    model_config = schema_title("Lajiteltava kortti (items)", "Kortti ja ryhmä, johon se oikeasti kuuluu")

    id: Id = Field(description="Kortin tunnus", examples=["salasana"])
    text: Text = Field(description="Kortin teksti puhelimissa", examples=["Salasana"])
    category: Id = Field(description="Ryhmä (`categories`-listan `id`), johon kortti oikeasti kuuluu", examples=["ei"])


class SortStep(TaskStep):
    """Sort cards into 2-4 categories by tapping (no dragging needed)."""

    model_config = schema_title("Lajittele (sort)", "Oppilas napauttaa jokaisen kortin oikeaan ryhmään")

    kind: Literal["sort"] = Field(
        description="Vaiheen laji. sort = lajittele: oppilas napauttaa jokaisen kortin oikeaan ryhmään",
        examples=["sort"],
    )
    question: Text = Field(
        description="Tehtävä valkokankaalla ja puhelimissa", examples=["Mitä netissä voi jakaa turvallisesti?"]
    )
    categories: list[Category] = Field(
        min_length=2,
        max_length=4,
        description="2–4 ryhmää, joihin kortit lajitellaan, kullakin `id` ja `text`",
        examples=[[{"id": "ok", "text": "Turvallista jakaa"}, {"id": "ei", "text": "Älä jaa"}]],
    )
    items: list[SortItem] = Field(
        min_length=2,
        max_length=12,
        description="2–12 lajiteltavaa korttia, kullakin oikea ryhmä `category`",
        examples=[
            [
                {"id": "etunimi", "text": "Etunimi", "category": "ok"},
                {"id": "salasana", "text": "Salasana", "category": "ei"},
            ]
        ],
    )

    @field_validator("categories")
    @classmethod
    def _unique_categories(cls, categories: list[Category]) -> list[Category]:
        return require_unique_ids(categories, "category")

    @field_validator("items")
    @classmethod
    def _known_categories(cls, items: list[SortItem], info) -> list[SortItem]:
        require_unique_ids(items, "item")
        known = [c.id for c in info.data.get("categories") or []]
        for i, item in enumerate(items):
            if known and item.category not in known:
                raise PydanticCustomError(
                    "unknown_category",
                    "item '{item}' names the unknown category '{id}'; the categories are: {known}",
                    {"item": item.id, "id": item.category, "known": known, "at": (i, "category")},
                )
        return items


class SortAnswer(ActionModel):
    type: Literal["answer"]
    placements: dict[Ref, Ref] = Field(max_length=12)


class Sort(TaskKind):
    kind = "sort"
    paced = True  # a self-paced session may use it (Activity.paced)
    config = SortStep
    snippet = {
        "label": "Lajittele (sort)",
        "description": "Kortit lajitellaan ryhmiin napauttamalla",
        "body": {
            "id": "saako-jakaa",
            "kind": "sort",
            "title": "Saako jakaa?",
            "minutes": 3,
            "question": "Mitä netissä voi jakaa turvallisesti?",
            "categories": [{"id": "ok", "text": "Turvallista jakaa"}, {"id": "ei", "text": "Älä jaa"}],
            "items": [
                {"id": "etunimi", "text": "Etunimi", "category": "ok"},
                {"id": "salasana", "text": "Salasana", "category": "ei"},
                {"id": "kotiosoite", "text": "Kotiosoite", "category": "ei"},
                {"id": "lempiruoka", "text": "Lempiruoka", "category": "ok"},
            ],
        },
    }
    author_checks = {
        "unknown_category": AuthorCheck(
            Says(
                en="item '{item}' names the unknown category '{id}'; write one of the categories: {known}",
                fi="kohta '{item}' mainitsee tuntemattoman ryhmän '{id}'; kirjoita jokin ryhmistä: {known}",
                sv="punkten '{item}' nämner den okända gruppen '{id}'; skriv en av grupperna: {known}",
            ),
            value=True,
        )
    }
    # docs/protocol.md's table of this kind's view fields (python3 -m workshops.protocol_doc)
    view_doc = """
| field | `host_view` | `screen_view` | `pupil_view` | `own_view` | meaning |
| --- | --- | --- | --- | --- | --- |
| `question` | ✓ | ✓ | ✓ |  | text |
| `categories` | ✓ | ✓ | ✓ |  | the categories |
| `categories[].id` | ✓ | ✓ | ✓ |  | a category id |
| `categories[].text` | ✓ | ✓ | ✓ |  | text |
| `items` | ✓ | ✓ | ✓ |  | the items to sort |
| `items[].id` | ✓ | ✓ | ✓ |  | an item id |
| `items[].text` | ✓ | ✓ | ✓ |  | text |
| `results.items` | ✓ | ✓ | ✓ |  | how the items were placed |
| `results.items{}` | ✓ | ✓ | ✓ |  | item id → an object of category id → count |
| `results.items{}{}` | ✓ | ✓ | ✓ |  | category id → how many placed the item there |
| `results.right` | ✓ | ✓ | ✓ |  | answers with every item right |
| `results.answers` | ✓ | ✓ | ✓ |  | answers |
| `solution` | ✓ | ✓ | ✓ |  | the right placements; projector and phones: only once revealed |
| `solution{}` | ✓ | ✓ | ✓ |  | item id → category id |
| `mine` |  |  |  | ✓ | as stored: item id → category id (see `mine{}`) |
| `mine{}` |  |  |  | ✓ | item id → the category id this pupil (or team) placed it in |
"""
    strings = {
        "sort_hint": Says(
            en="Tap a card, then tap the group it belongs to.",
            fi="Napauta korttia ja sitten ryhmää, johon se kuuluu.",
            sv="Tryck på ett kort och sedan på gruppen där det hör hemma.",
        ),
    }
    errors = {
        "bad_sort": KindError(
            meaning="A `sort` answer must place every item, each in one of the categories.",
            says=Says(
                en="Put every card in one of the groups.",
                fi="Laita jokainen kortti johonkin ryhmään.",
                sv="Lägg varje kort i någon grupp.",
            ),
        ),
    }
    answer = SortAnswer

    def accept(self, step, action, previous):
        items = {i.id for i in step.items}
        cats = {c.id for c in step.categories}
        if set(action.placements) != items or not set(action.placements.values()) <= cats:
            return Rejected("bad_sort", "Put every card in one of the groups.")
        return dict(sorted(action.placements.items()))

    def is_right(self, step, value):
        return all(value.get(i.id) == i.category for i in step.items)

    def results(self, step, answers, state):
        return {
            "items": {
                i.id: {c.id: sum(1 for a in answers if a.get(i.id) == c.id) for c in step.categories}
                for i in step.items
            },
            "right": sum(1 for a in answers if self.is_right(step, a)),
            "answers": len(answers),
        }

    def task(self, step, ctx):
        return {
            "question": as_map(step.question, ctx.language),
            "categories": items_view(step.categories, ctx, "text"),
            "items": items_view(step.items, ctx, "text"),
        }

    def solution(self, step, ctx):
        return {"solution": {i.id: i.category for i in step.items}}

    # -- for tests and bots: what the views hide until the reveal, and sample moves ------------
    def sample_moves(self, step, state, seat, ctx):
        right = {i.id: i.category for i in step.items}
        cats = [c.id for c in step.categories]
        mixed = {i.id: ctx.rng.choice(cats) for i in step.items}
        return [{"type": "answer", "placements": right}, {"type": "answer", "placements": mixed}]
