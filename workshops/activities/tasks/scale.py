"""A scale: a question answered with a number between two labelled ends."""

from __future__ import annotations

from collections import Counter
from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from ..base import ActionModel, AuthorCheck, Rejected, Says
from ..text import Text, as_map, schema_title
from .base import TaskKind, TaskStep


class ScaleStep(TaskStep):
    """How much / how often: a scale of numbers or faces. No right answer."""

    model_config = schema_title(
        "Asteikko (scale)", "Kuinka paljon tai kuinka usein: vastaus numerona tai hymiönä. Ei oikeaa vastausta"
    )

    kind: Literal["scale"] = Field(
        description="Vaiheen laji. scale = asteikko: vastaus numerona tai hymiönä kahden ääripään väliltä",
        examples=["scale"],
    )
    question: Text = Field(
        description="Kysymys valkokankaalla ja puhelimissa",
        examples=["Kuinka paljon käytät somea koulupäivän jälkeen?"],
    )
    min: int = Field(default=1, ge=0, le=1, description="Asteikon pienin arvo: 0 tai 1 (oletus 1)", examples=[1])
    max: int = Field(default=5, ge=3, le=10, description="Asteikon suurin arvo: 3–10 (oletus 5)", examples=[5])
    style: Literal["numbers", "faces"] = Field(
        default="numbers",
        description="numbers = numerot, faces = hymiöt (kun asteikossa on enintään 5 porrasta)",
        examples=["faces"],
    )
    low: Text | None = Field(
        default=None, description="Mitä pienin arvo tarkoittaa, esim. ”ei yhtään”", examples=["en yhtään"]
    )
    high: Text | None = Field(
        default=None, description="Mitä suurin arvo tarkoittaa, esim. ”tosi paljon”", examples=["tosi paljon"]
    )

    @model_validator(mode="after")
    def _faces_fit(self) -> ScaleStep:
        if self.style == "faces" and self.max - self.min + 1 > 5:
            raise PydanticCustomError("faces_scale", "a scale of faces has at most 5 steps (e.g. min: 1, max: 5)")
        return self


class ScaleAnswer(ActionModel):
    type: Literal["answer"]
    value: int = Field(ge=0, le=10)


class Scale(TaskKind):
    kind = "scale"
    paced = True  # a self-paced session may use it (Activity.paced)
    config = ScaleStep
    snippet = {
        "label": "Asteikko (scale)",
        "description": "Kysymys, johon vastataan asteikolla 1–5; ei oikeaa vastausta",
        "body": {
            "id": "somen-kaytto",
            "kind": "scale",
            "title": "Somen käyttö",
            "minutes": 2,
            "question": "Kuinka paljon käytät somea koulupäivän jälkeen?",
            "low": "en yhtään",
            "high": "tosi paljon",
        },
    }
    author_checks = {
        "faces_scale": AuthorCheck(
            Says(
                en="a scale of faces has at most 5 steps: write e.g. min: 1 and max: 5, or `style: numbers`",
                fi="kasvoasteikossa on enintään 5 askelta: kirjoita esim. min: 1 ja max: 5, tai `style: numbers`",
                sv="en skala med ansikten har högst 5 steg: skriv t.ex. min: 1 och max: 5, eller `style: numbers`",
            ),
            "max",
            value=True,
        )
    }
    # docs/protocol.md's table of this kind's view fields (python3 -m workshops.protocol_doc)
    view_doc = """
| field | `host_view` | `screen_view` | `pupil_view` | `own_view` | meaning |
| --- | --- | --- | --- | --- | --- |
| `question` | ✓ | ✓ | ✓ |  | text |
| `min` | ✓ | ✓ | ✓ |  | the smallest value (0 or 1) |
| `max` | ✓ | ✓ | ✓ |  | the biggest value (3–10) |
| `style` | ✓ | ✓ | ✓ |  | `"numbers"` or `"faces"` |
| `low` | ✓ | ✓ | ✓ |  | text: what `min` means |
| `high` | ✓ | ✓ | ✓ |  | text: what `max` means |
| `results.counts` | ✓ | ✓ | ✓ |  | answers per value, from `min` to `max` |
| `results.average` | ✓ | ✓ | ✓ |  | the average, one decimal (`null`: no answers) |
| `mine` |  |  |  | ✓ | as stored: the number |
"""
    strings = {
        "average": Says(en="Average {n}", fi="Keskiarvo {n}", sv="Medelvärde {n}"),
    }
    entry = "counts"
    answer = ScaleAnswer

    def accept(self, step, action, previous):
        if not step.min <= action.value <= step.max:
            return Rejected("bad_option", "That value is not on the scale.")
        return action.value

    def results(self, step, answers, state):
        counts = Counter(answers)
        return {
            "counts": [counts.get(v, 0) for v in range(step.min, step.max + 1)],
            "average": round(sum(answers) / len(answers), 1) if answers else None,
        }

    def task(self, step, ctx):
        lang = ctx.language
        return {
            "question": as_map(step.question, lang),
            "min": step.min,
            "max": step.max,
            "style": step.style,
            "low": as_map(step.low, lang),
            "high": as_map(step.high, lang),
        }

    # -- for tests and bots: what the views hide until the reveal, and sample moves ------------
    def sample_moves(self, step, state, seat, ctx):
        values = [step.min, step.max, ctx.rng.randint(step.min, step.max)]
        return [{"type": "answer", "value": v} for v in values]
