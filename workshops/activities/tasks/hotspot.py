"""Find in the picture: taps on a picture, counted against the spots to find."""

from __future__ import annotations

from collections import Counter
from typing import Literal

from pydantic import Field, field_validator

from ..base import ActionModel, KindError, Rejected, Says
from ..text import Id, Image, Strict, Text, as_map, require_unique_ids, schema_title
from .base import TaskKind, TaskStep


class Spot(Strict):
    """A rectangle on the image, in percent of its width and height from the top left corner."""

    model_config = schema_title(
        "Löydettävä kohta (spots)", "Suorakulmio kuvassa prosentteina kuvan leveydestä ja korkeudesta"
    )

    id: Id = Field(description="Kohdan tunnus", examples=["merkinta"])
    label: Text = Field(
        description="Mitä kohta paljastaa: näytetään, kun ohjaaja paljastaa vastaukset",
        examples=["Kaupallinen yhteistyö -merkintä"],
    )
    x: float = Field(
        ge=0, le=100, description="Kohdan vasen reuna prosentteina kuvan leveydestä (0 = vasen reuna)", examples=[5]
    )
    y: float = Field(
        ge=0, le=100, description="Kohdan yläreuna prosentteina kuvan korkeudesta (0 = yläreuna)", examples=[7]
    )
    w: float = Field(gt=0, le=100, description="Kohdan leveys prosentteina kuvan leveydestä", examples=[20])
    h: float = Field(gt=0, le=100, description="Kohdan korkeus prosentteina kuvan korkeudesta", examples=[13])

    def hit(self, tx: float, ty: float, slack: float = 3.0) -> bool:
        return self.x - slack <= tx <= self.x + self.w + slack and self.y - slack <= ty <= self.y + self.h + slack


class HotspotStep(TaskStep):
    """Tap the places in a picture that give something away (an ad, an edited photo, a fake profile)."""

    model_config = schema_title(
        "Etsi kuvasta (hotspot)", "Oppilas napauttaa kuvasta kohdat, jotka paljastavat jotain (mainos, muokattu kuva)"
    )

    kind: Literal["hotspot"] = Field(
        description="Vaiheen laji. hotspot = etsi kuvasta: oppilas napauttaa kuvasta kohdat, jotka paljastavat jotain",
        examples=["hotspot"],
    )
    question: Text = Field(
        description="Tehtävä valkokankaalla ja puhelimissa", examples=["Mistä huomaat, että tämä on mainos?"]
    )
    image: Image = Field(
        description="Kuva, josta kohdat etsitään (pakollinen): tiedoston nimi paketin kansiossa",
        examples=["somepostaus.png"],
    )
    spots: list[Spot] = Field(
        min_length=1,
        max_length=8,
        description="1–8 löydettävää kohtaa: suorakulmiot `x`, `y`, `w`, `h` prosentteina kuvan leveydestä ja "
        "korkeudesta vasemmasta yläkulmasta",
        examples=[[{"id": "merkinta", "label": "Kaupallinen yhteistyö -merkintä", "x": 5, "y": 7, "w": 20, "h": 13}]],
    )
    max_taps: int | None = Field(
        default=None,
        ge=1,
        le=12,
        description="Montako napautusta oppilaalla on (oletus: kohtien määrä + 2)",
        examples=[5],
    )

    @field_validator("spots")
    @classmethod
    def _unique_spots(cls, spots: list[Spot]) -> list[Spot]:
        return require_unique_ids(spots, "spot")

    @property
    def taps_allowed(self) -> int:
        return self.max_taps or len(self.spots) + 2


class Tap(ActionModel):
    x: float = Field(ge=0, le=100)
    y: float = Field(ge=0, le=100)


class HotspotAnswer(ActionModel):
    type: Literal["answer"]
    taps: list[Tap] = Field(max_length=12)


class Hotspot(TaskKind):
    kind = "hotspot"
    config = HotspotStep
    snippet = {
        "label": "Etsi kuvasta (hotspot)",
        "description": "Kohdat napautetaan kuvasta; laita kuva somepostaus.svg paketin kansioon",
        "body": {
            "id": "etsi-mainos",
            "kind": "hotspot",
            "title": "Etsi mainos",
            "minutes": 3,
            "question": "Mistä huomaat, että tämä postaus on mainos?",
            "image": "somepostaus.svg",
            "spots": [{"id": "merkinta", "label": "Kaupallinen yhteistyö -merkintä", "x": 5, "y": 5, "w": 40, "h": 10}],
        },
    }
    # docs/protocol.md's table of this kind's view fields (python3 -m workshops.protocol_doc)
    view_doc = """
| field | `host_view` | `screen_view` | `pupil_view` | `own_view` | meaning |
| --- | --- | --- | --- | --- | --- |
| `question` | ✓ | ✓ | ✓ |  | text |
| `max_taps` | ✓ | ✓ | ✓ |  | taps a pupil has |
| `spot_count` | ✓ | ✓ | ✓ |  | how many spots there are to find |
| `results.spots` | ✓ | ✓ | ✓ |  | how often each spot was found |
| `results.spots{}` | ✓ | ✓ | ✓ |  | spot id → answers that found it |
| `results.answers` | ✓ | ✓ | ✓ |  | answers |
| `spots` | ✓ | ✓ | ✓ |  | the spots; projector and phones: only once revealed |
| `spots[].id` | ✓ | ✓ | ✓ |  | a spot id |
| `spots[].label` | ✓ | ✓ | ✓ |  | text: what the spot gives away |
| `spots[].x` | ✓ | ✓ | ✓ |  | its left edge, percent of the picture's width |
| `spots[].y` | ✓ | ✓ | ✓ |  | its top edge, percent of the height |
| `spots[].w` | ✓ | ✓ | ✓ |  | its width, percent |
| `spots[].h` | ✓ | ✓ | ✓ |  | its height, percent |
| `found` |  |  |  | ✓ | once revealed, if answered: the spot ids this pupil's (or team's) taps found |
| `mine` |  |  |  | ✓ | as stored: the taps as `[x, y]` pairs (percent, one decimal) |
"""
    strings = {
        "taps_left": Says(
            en="Find {spots} things. Tap the picture ({n} taps left); tap a marker to take it back.",
            fi="Etsi {spots} asiaa. Napauta kuvaa ({n} napautusta jäljellä). Napauta merkkiä, jos haluat perua sen.",
            sv="Hitta {spots} saker. Tryck på bilden ({n} tryck kvar). Tryck på en markering för att ta bort den.",
        ),
        "remove_tap": Says(en="Take this tap back", fi="Peru tämä napautus", sv="Ta bort den här markeringen"),
        "found_by": Says(en="found by {n} of {total}", fi="löysi {n}/{total}", sv="hittades av {n} av {total}"),
    }
    errors = {
        "too_many_taps": KindError(
            meaning="More taps than the picture allows (`max_taps`).",
            says=Says(
                en="No more taps left: take one back first.",
                fi="Napautukset loppuivat: peru ensin jokin.",
                sv="Inga tryck kvar: ta först bort en markering.",
            ),
        ),
    }
    answer = HotspotAnswer

    def accept(self, step, action, previous):
        if len(action.taps) > step.taps_allowed:
            return Rejected("too_many_taps", "No more taps left: take one back first.")
        return [[round(t.x, 1), round(t.y, 1)] for t in action.taps]

    def found(self, step: HotspotStep, taps: list[list[float]]) -> list[str]:
        return [s.id for s in step.spots if any(s.hit(x, y) for x, y in taps)]

    def is_right(self, step, value):
        return len(self.found(step, value)) == len(step.spots)

    def results(self, step, answers, state):
        found = Counter(s for taps in answers for s in self.found(step, taps))
        return {"spots": {s.id: found.get(s.id, 0) for s in step.spots}, "answers": len(answers)}

    def task(self, step, ctx):
        return {
            "question": as_map(step.question, ctx.language),
            "max_taps": step.taps_allowed,
            "spot_count": len(step.spots),
        }

    def solution(self, step, ctx):
        return {
            "spots": [
                {"id": s.id, "label": as_map(s.label, ctx.language), "x": s.x, "y": s.y, "w": s.w, "h": s.h}
                for s in step.spots
            ]
        }

    def pupil_own(self, step, state, seat, ctx):
        own = super().pupil_own(step, state, seat, ctx)
        if state.phase == "revealed" and own.get("mine"):
            own["found"] = self.found(step, own["mine"])
        return own

    # -- for tests and bots: what the views hide until the reveal, and sample moves ------------
    secret = TaskKind.secret | {"spots", "found"}

    def sample_moves(self, step, state, seat, ctx):
        centres = [{"x": min(100.0, s.x + s.w / 2), "y": min(100.0, s.y + s.h / 2)} for s in step.spots]
        anywhere = [{"x": float(ctx.rng.randint(0, 100)), "y": float(ctx.rng.randint(0, 100))} for _ in range(2)]
        return [
            {"type": "answer", "taps": centres[: step.taps_allowed]},
            {"type": "answer", "taps": anywhere},
            {"type": "answer", "taps": []},
        ]
