"""Matching pairs: join every item on the left to its partner on the right.

The phones show both columns in a fixed scrambled order, and the right column's items carry
ids of their own (not the pair's id), so neither the order nor an id gives a pair away.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ..base import ActionModel, AuthorCheck, KindError, Rejected, Says
from ..text import Id, Strict, Text, as_map, require_unique_ids, schema_title
from .base import Ref, TaskKind, TaskStep
from .order import shown_order


class Pair(Strict):
    model_config = schema_title("Pari (items)", "Vasemman ja oikean sarakkeen kohdat, jotka kuuluvat yhteen")

    id: Id = Field(description="Parin tunnus", examples=["mainos"])
    # The item in the left column (e.g. a kind of online content), and its partner on the right.
    left: Text = Field(description="Vasemman sarakkeen kohta: lyhyt sana tai kaksi", examples=["Mainos"])
    right: Text = Field(
        description="Sen pari oikeassa sarakkeessa: yksi lyhyt lause", examples=["Joku maksaa, että näet tämän."]
    )


class PairsStep(TaskStep):
    """Matching pairs: tap an item on the left, then its partner on the right."""

    model_config = schema_title(
        "Yhdistä parit (pairs)", "Oppilas yhdistää vasemman sarakkeen kohdat oikean sarakkeen pareihinsa"
    )

    kind: Literal["pairs"] = Field(
        description="Vaiheen laji. pairs = yhdistä parit: vasemman ja oikean sarakkeen kohdat yhdistetään",
        examples=["pairs"],
    )
    question: Text = Field(
        description="Tehtävä valkokankaalla ja puhelimissa", examples=["Yhdistä parit: mitä kukin kertoo sinulle?"]
    )
    # `items:`, as in sort and order steps.
    items: list[Pair] = Field(
        min_length=3,
        max_length=6,
        description="3–6 paria OIKEIN yhdistettyinä: puhelimet sekoittavat molemmat sarakkeet",
        examples=[
            [
                {"id": "mainos", "left": "Mainos", "right": "Joku maksaa, että näet tämän."},
                {"id": "huhu", "left": "Huhu", "right": "Kukaan ei ole tarkistanut, onko tämä totta."},
                {"id": "valeprofiili", "left": "Valeprofiili", "right": "Joku esittää olevansa joku toinen."},
            ]
        ],
    )

    @field_validator("items")
    @classmethod
    def _unique_pairs(cls, items: list[Pair]) -> list[Pair]:
        return require_unique_ids(items, "pair")

    @model_validator(mode="after")
    def _tell_apart(self) -> PairsStep:
        same = same_text([(p.id, p.left, p.right) for p in self.items])
        if same:
            first, second, side = same
            at = next(i for i, p in enumerate(self.items) if p.id == second)
            raise PydanticCustomError(
                "pairs_same_text",
                "pairs '{first}' and '{second}' have the same {side} text",
                {"first": first, "second": second, "side": side, "at": ("items", at, side)},
            )
        return self


def _texts(text: Any) -> dict[str, str]:
    """A Text value's texts by language, compared without case or extra spaces ('*': any language)."""
    values = {"*": text} if isinstance(text, str) else dict(text) if isinstance(text, Mapping) else {}
    return {lang: " ".join(str(v).split()).casefold() for lang, v in values.items() if isinstance(v, str)}


def _alike(a: Any, b: Any) -> bool:
    ta, tb = _texts(a), _texts(b)
    if "*" in ta or "*" in tb:
        return bool(set(ta.values()) & set(tb.values()))
    return any(ta[lang] == tb.get(lang) for lang in ta)


def same_text(pairs: list[tuple[Any, Any, Any]]) -> tuple[str, str, str] | None:
    """The first two pairs a pupil could not tell apart (the same left or right text): ids and side."""
    for i, (first, left_a, right_a) in enumerate(pairs):
        for second, left_b, right_b in pairs[i + 1 :]:
            if _alike(left_a, left_b):
                return str(first), str(second), "left"
            if _alike(right_a, right_b):
                return str(first), str(second), "right"
    return None


def right_id(step_id: str, pair_id: str) -> str:
    """The id of a pair's right item in the views: capital letters from a hash, so it neither is
    nor contains any pair id (ids are lower case) and does not say which left item it belongs to."""
    digest = int(hashlib.sha256(f"{step_id}:{pair_id}:right".encode()).hexdigest(), 16)
    letters = []
    for _ in range(8):
        digest, n = divmod(digest, 26)
        letters.append(string.ascii_uppercase[n])
    return "".join(letters)


class PairsAnswer(ActionModel):
    type: Literal["answer"]
    pairs: dict[Ref, Ref] = Field(max_length=6, description="left item id → right item id, every left item once")


class Pairs(TaskKind):
    kind = "pairs"
    config = PairsStep
    snippet = {
        "label": "Yhdistä parit (pairs)",
        "description": "3–6 paria, jotka oppilas yhdistää; kirjoita parit oikein yhdistettyinä",
        "body": {
            "id": "sanakirja",
            "kind": "pairs",
            "title": "Digitutkijan sanakirja",
            "minutes": 3,
            "question": "Yhdistä parit. Mitä kukin kertoo sinulle?",
            "items": [
                {"id": "mainos", "left": "Mainos", "right": "Joku maksaa, että näet tämän."},
                {"id": "huhu", "left": "Huhu", "right": "Kukaan ei ole tarkistanut, onko tämä totta."},
                {"id": "valeprofiili", "left": "Valeprofiili", "right": "Joku esittää olevansa joku toinen."},
            ],
        },
    }
    answer = PairsAnswer
    strings = {
        "pairs_hint": Says(
            en="Tap a word on the left, then its partner on the right. Tap a pair again to undo it.",
            fi="Napauta kohtaa vasemmalla ja sitten sen paria oikealla. Jos haluat purkaa parin, napauta sitä.",
            sv="Tryck på något till vänster och sedan på dess par till höger. Tryck på ett par igen så tas det isär.",
        ),
        "pairs_pick_right": Says(
            en="Now tap its partner on the right.",
            fi="Napauta nyt sen paria oikealta.",
            sv="Tryck nu på dess par till höger.",
        ),
        "pairs_pick_left": Says(
            en="Now tap its partner on the left.",
            fi="Napauta nyt sen paria vasemmalta.",
            sv="Tryck nu på dess par till vänster.",
        ),
        "pairs_to_go": Says(en="{n} still to match", fi="Vielä {n} yhdistämättä", sv="{n} kvar att para ihop"),
        "pairs_all_done": Says(
            en="Every item has a pair. Send your answer!",
            fi="Jokaisella kohdalla on pari. Lähetä vastaus!",
            sv="Allt har ett par. Skicka ditt svar!",
        ),
        "pairs_pair_n": Says(en="pair {n}", fi="pari {n}", sv="par {n}"),
        "pairs_undo": Says(
            en="Undo pair {n}",
            fi="Pura pari {n}",
            sv="Ta isär par {n}",
        ),
        "pairs_clear": Says(en="Start over", fi="Aloita alusta", sv="Börja om"),
        "pairs_solution": Says(en="The right pairs", fi="Oikeat parit", sv="De rätta paren"),
        "pairs_got_right": Says(en="you got this right", fi="sinulla oikein", sv="du hade rätt"),
        "pairs_got_wrong": Says(en="you chose another", fi="sinulla eri pari", sv="du valde ett annat"),
        "pairs_matched_by": Says(en="{n} of {total} right", fi="{n}/{total} oikein", sv="{n} av {total} rätt"),
    }
    errors = {
        "bad_pairs": KindError(
            meaning="A `pairs` answer must join every left item to a right item, each right item at most once.",
            says=Says(
                en="Match every item with one partner.",
                fi="Yhdistä jokainen kohta yhteen pariin.",
                sv="Para ihop varje sak med ett eget par.",
            ),
        ),
    }
    author_checks = {
        "pairs_same_text": AuthorCheck(
            Says(
                en="pairs '{first}' and '{second}' have the same `{side}:` text, so a pupil could not tell which one "
                "is meant; write a different `{side}:` text for one of them, or remove one of the pairs",
                fi="pareilla '{first}' ja '{second}' on sama `{side}:`-teksti, joten oppilas ei voi tietää, kumpaa "
                "tarkoitetaan; kirjoita toiselle eri `{side}:`-teksti, tai poista toinen pari",
                sv="paren '{first}' och '{second}' har samma `{side}:`-text, så en elev kan inte veta vilket "
                "som menas; skriv en annan `{side}:`-text för det ena, eller ta bort ett av paren",
            ),
        )
    }
    view_doc = """
| field | `host_view` | `screen_view` | `pupil_view` | `own_view` | meaning |
| --- | --- | --- | --- | --- | --- |
| `question` | ✓ | ✓ | ✓ |  | text |
| `left_items` | ✓ | ✓ | ✓ |  | the left column, in a fixed scrambled order (never the pack's) |
| `left_items[].id` | ✓ | ✓ | ✓ |  | a left item id (the pair's id): a key of `answer.pairs` |
| `left_items[].text` | ✓ | ✓ | ✓ |  | text |
| `right_items` | ✓ | ✓ | ✓ |  | the right column, in another fixed scrambled order |
| `right_items[].id` | ✓ | ✓ | ✓ |  | a right item id (capital letters, not the pair's id): a value of `answer.pairs` |
| `right_items[].text` | ✓ | ✓ | ✓ |  | text |
| `results.pairs` | ✓ | ✓ | ✓ |  | how often each pair was matched |
| `results.pairs{}` | ✓ | ✓ | ✓ |  | left item id → answers that joined it to its right partner |
| `results.right` | ✓ | ✓ | ✓ |  | answers with every pair right |
| `results.answers` | ✓ | ✓ | ✓ |  | answers |
| `solution` | ✓ | ✓ | ✓ |  | the right pairs; projector and phones: only once revealed |
| `solution{}` | ✓ | ✓ | ✓ |  | left item id → right item id |
| `mine` |  |  |  | ✓ | as stored: left item id → right item id (see `mine{}`) |
| `mine{}` |  |  |  | ✓ | left item id → the right item id this pupil (or team) joined it to |
"""

    # -- rules -----------------------------------------------------------------------------
    def right_ids(self, step: PairsStep) -> dict[str, str]:
        """Pair id (the left item's id) → its right item's id."""
        return {p.id: right_id(step.id, p.id) for p in step.items}

    def accept(self, step, action, previous):
        right = self.right_ids(step)
        chosen = list(action.pairs.values())
        if set(action.pairs) != set(right) or not set(chosen) <= set(right.values()) or len(set(chosen)) < len(chosen):
            return Rejected("bad_pairs", "Match every item on the left with a different item on the right.")
        return dict(sorted(action.pairs.items()))

    def is_right(self, step, value):
        return value == self.right_ids(step)

    def results(self, step, answers, state):
        right = self.right_ids(step)
        return {
            "pairs": {p: sum(1 for a in answers if a.get(p) == r) for p, r in right.items()},
            "right": sum(1 for a in answers if a == right),
            "answers": len(answers),
        }

    # -- views -----------------------------------------------------------------------------
    def task(self, step, ctx):
        lang = ctx.language
        by_left = {p.id: p for p in step.items}
        right = self.right_ids(step)
        by_right = {right[p.id]: p for p in step.items}
        left_order = shown_order(step.id, list(by_left))
        right_order = shown_order(step.id, list(by_right))
        if right_order == [right[i] for i in left_order]:  # the rows would give the pairs away: turn one column
            turned = right_order[1:] + right_order[:1]
            right_order = turned if turned != list(by_right) else right_order[-1:] + right_order[:-1]
        return {
            "question": as_map(step.question, lang),
            # Not `left`/`right`: `right` is the own view's verdict, a secret until the reveal.
            "left_items": [{"id": i, "text": as_map(by_left[i].left, lang)} for i in left_order],
            "right_items": [{"id": i, "text": as_map(by_right[i].right, lang)} for i in right_order],
        }

    def solution(self, step, ctx):
        return {"solution": self.right_ids(step)}

    # -- for tests and bots: what the views hide until the reveal, and sample moves ------------
    secret = TaskKind.secret | {"solution"}

    def sample_moves(self, step, state, seat, ctx):
        right = self.right_ids(step)
        lefts, rights = list(right), list(right.values())
        shifted = dict(zip(lefts, rights[1:] + rights[:1], strict=True))  # every pair wrong
        swapped = dict(zip(lefts, [rights[1], rights[0], *rights[2:]], strict=True))  # two pairs wrong
        drawn = dict(zip(lefts, ctx.rng.sample(rights, len(rights)), strict=True))  # any matching
        return [{"type": "answer", "pairs": p} for p in (right, shifted, swapped, drawn)]
