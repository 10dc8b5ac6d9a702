"""The closing barometer: a few statements, each answered with one of three faces, anonymously.

A pack adds it with one line (`barometer: true`); the loader appends the organisation's standard
statements from `_shared/barometri.yaml` as the last step (workshops/packs/shared.py), so every
workshop ends with the same questions and the statistics can follow them across a year.

Three faces, not five: a nine-year-old reads three at a glance ("no", "a bit", "yes"), a parent
answers as fast, and a class without devices counts three groups of hands per statement, not five.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from ..base import HOST, ActionModel, Ctx, Rejected, Says
from ..text import Id, Strict, Text, as_map, require_unique_ids, schema_title
from .base import Ref, TaskKind, TaskState, TaskStep, items_view

#: the faces' values: 1 sad ("no"), 2 so-so ("a bit"), 3 happy ("yes")
FACES = (1, 2, 3)
#: the standard statements and one of the pack's own
MAX_STATEMENTS = 4


class Statement(Strict):
    """One statement of the barometer, answered with a face."""

    model_config = schema_title(
        "Väittämä (statements)", "Yksi barometrin väittämä, johon vastataan kolmella naamalla: ei, vähän, kyllä"
    )

    id: Id = Field(
        description="Väittämän tunnus. Pidä sama vuodesta toiseen: tilastot laskevat vastaukset tunnuksen mukaan",
        examples=["opin"],
    )
    text: Text = Field(
        description="Väittämä minä-muodossa, lyhyt ja selvä: siihen vastataan ei, vähän tai kyllä",
        examples=["Opin jotain uutta."],
    )


class BarometerStep(TaskStep):
    """The closing barometer: statements answered with three faces, anonymous, always the last step."""

    model_config = schema_title(
        "Loppubarometri (barometer)",
        "Lyhyt nimetön palaute työpajan lopussa: muutama väittämä, joihin vastataan kolmella naamalla. Tavallisesti "
        "riittää paketin rivi `barometer: true`",
    )

    kind: Literal["barometer"] = Field(
        description="Vaiheen laji. barometer = loppubarometri: väittämiä, joihin vastataan naamoilla. Aina viimeinen "
        "vaihe",
        examples=["barometer"],
    )
    question: Text = Field(
        description="Ohje väittämien yläpuolella valkokankaalla ja puhelimissa",
        examples=["Mitä mieltä olet? Kukaan ei näe, mitä sinä vastasit."],
    )
    statements: list[Statement] = Field(
        min_length=1,
        max_length=MAX_STATEMENTS,
        description="1–4 väittämää, kullakin `id` ja `text`",
        examples=[[{"id": "opin", "text": "Opin jotain uutta."}]],
    )
    phone: Text | None = Field(
        default=None,
        description="Teksti puhelimissa väittämien alla, esim. mistä saa apua",
        examples=["Jos jokin jäi mietityttämään, puhu aikuiselle, johon luotat."],
    )
    answer_by: Literal["individual"] = Field(
        default="individual",
        description="Barometriin vastaa aina jokainen itse: individual",
        examples=["individual"],
    )

    @field_validator("statements")
    @classmethod
    def _unique_statements(cls, statements: list[Statement]) -> list[Statement]:
        return require_unique_ids(statements, "statement")


class BarometerAnswer(ActionModel):
    """Faces for some of the statements; the statements not named keep the faces given before."""

    type: Literal["answer"]
    faces: dict[Ref, Annotated[int, Field(ge=1, le=3)]] = Field(
        min_length=1,
        max_length=MAX_STATEMENTS,
        description="statement id → its face: 1 (no), 2 (a bit) or 3 (yes)",
    )


class Barometer(TaskKind):
    kind = "barometer"
    paced = True  # a self-paced session may use it (Activity.paced): each answers alone, no reveal needed
    config = BarometerStep
    answer = BarometerAnswer
    # Raised hands (or paper slips) counted per statement and face: each entry is one statement's
    # face with how many gave it.
    entry = "counts"
    snippet = {
        "label": "Loppubarometri (barometer)",
        "description": "Omat väittämät loppuun. Tavallisesti riittää paketin rivi `barometer: true`",
        "body": {
            "id": "oma-barometri",
            "kind": "barometer",
            "title": "Miltä tämä tuntui?",
            "minutes": 2,
            "question": "Mitä mieltä olet? Kukaan ei näe, mitä sinä vastasit.",
            "statements": [
                {"id": "opin", "text": "Opin jotain uutta."},
                {"id": "turvallinen", "text": "Minulla oli täällä turvallinen olo."},
                {"id": "apua", "text": "Tiedän, mistä saan apua."},
            ],
        },
    }
    # docs/protocol.md's table of this kind's view fields (python3 -m workshops.protocol_doc)
    view_doc = """
The console gets no `answered_by` here: who answered stays unknown even to the facilitator.

| field | `host_view` | `screen_view` | `pupil_view` | `own_view` | meaning |
| --- | --- | --- | --- | --- | --- |
| `question` | ✓ | ✓ | ✓ |  | text |
| `statements` | ✓ | ✓ | ✓ |  | the statements, in the pack's order |
| `statements[].id` | ✓ | ✓ | ✓ |  | the statement's id (the same in every pack that uses the standard statements) |
| `statements[].text` | ✓ | ✓ | ✓ |  | text |
| `phone` | ✓ | ✓ | ✓ |  | text under the statements on a phone (where to get help), or `null` |
| `results.counts{}` | ✓ | ✓ | ✓ |  | statement id → how many chose each face: `[no, a bit, yes]` |
| `mine{}` |  |  |  | ✓ | as stored: statement id → the face chosen, 1 (no), 2 (a bit) or 3 (yes); statements not answered are left out |
"""  # noqa: E501
    strings = {
        "barometer_face_1": Says(en="No", fi="Ei", sv="Nej"),
        "barometer_face_2": Says(en="A bit", fi="Vähän", sv="Lite"),
        "barometer_face_3": Says(en="Yes", fi="Kyllä", sv="Ja"),
        # read aloud with the statements (play.js reads `.hint`)
        "barometer_hint": Says(
            en="Pick a face for each sentence: no, a bit or yes.",
            fi="Valitse jokaiseen lauseeseen naama: ei, vähän vai kyllä.",
            sv="Välj ett ansikte för varje mening: nej, lite eller ja.",
        ),
        "barometer_thanks": Says(
            en="Thank you for answering! You can still change your answers.",
            fi="Kiitos, että vastasit! Voit vielä muuttaa vastauksiasi.",
            sv="Tack för att du svarade! Du kan fortfarande ändra dina svar.",
        ),
        "barometer_none": Says(en="No answers", fi="Ei vastauksia", sv="Inga svar"),
        "barometer_entry_hint": Says(
            en="No devices? Ask with eyes closed, so nobody sees another's hand, or collect paper slips: enter "
            "how many chose each face, one statement at a time.",
            fi="Ei laitteita? Kysy silmät kiinni, niin kukaan ei näe toisten käsiä, tai kerää paperilaput: kirjoita, "
            "moniko valitsi kunkin naaman, väittämä kerrallaan.",
            sv="Inga enheter? Fråga med slutna ögon, så att ingen ser de andras händer, eller samla in lappar: skriv "
            "hur många som valde varje ansikte, ett påstående i taget.",
        ),
    }

    def accept(self, step: BarometerStep, action: BarometerAnswer, previous: Any) -> Any:
        known = {s.id for s in step.statements}
        if not set(action.faces) <= known:
            return Rejected("bad_option", "That statement is not in this barometer.")
        # A tap sends one statement's face: the others keep theirs, whatever order the taps arrive in.
        merged = {**(previous or {}), **action.faces}
        return {s.id: merged[s.id] for s in step.statements if s.id in merged}

    def results(self, step: BarometerStep, answers: list[Any], state: TaskState) -> dict[str, Any]:
        return {"counts": {sid: [faces[f] for f in FACES] for sid, faces in self._tally(step, answers).items()}}

    def task(self, step: BarometerStep, ctx: Ctx) -> dict[str, Any]:
        return {
            "question": as_map(step.question, ctx.language),
            "statements": items_view(step.statements, ctx, "text"),
            "phone": as_map(step.phone, ctx.language),
        }

    # -- anonymous: the people entered, and no trace of who answered -----------------------------
    def _progress(self, step: Any, state: TaskState, ctx: Ctx) -> dict[str, Any]:
        # An entry is one statement's face with its hands: the people entered are the most hands
        # any one statement got, not the sum over statements (that counts everyone three times).
        active = self._active(step, state, ctx)
        hands: Counter[str] = Counter()
        for voter in active:
            if state.by.get(voter) == HOST:
                for sid in state.answers[voter]:
                    hands[sid] += state.weights.get(voter, 1)
        entered = max(hands.values(), default=0)
        phones = sum(1 for voter in active if state.by.get(voter) != HOST)
        pupils = len([s for s in ctx.seats.values() if not s.mentor])
        return {"answered": phones + entered, "total": pupils + entered, "entered": entered}

    def host_view(self, step: Any, state: TaskState, ctx: Ctx) -> dict[str, Any]:
        view = super().host_view(step, state, ctx)
        # The console marks who answered on other tasks; here a mark beside a name, appearing as
        # a count moves, would tell the facilitator who felt unsafe.
        del view["answered_by"]
        return view

    def summary(self, step: Any, state: TaskState, ctx: Ctx) -> dict[str, Any]:
        active = self._active(step, state, ctx)
        answers = [a for v, a in active.items() for _ in range(state.weights.get(v, 1))]
        tally = self._tally(step, answers)
        return self._progress(step, state, ctx) | {
            "barometer": {sid: {str(f): faces[f] for f in FACES} for sid, faces in tally.items()},
            "statements": items_view(step.statements, ctx, "text"),
        }

    def _tally(self, step: BarometerStep, answers: list[dict[str, int]]) -> dict[str, Counter[int]]:
        """Per statement, in the pack's order, how many chose each face."""
        tally: dict[str, Counter[int]] = {s.id: Counter() for s in step.statements}
        for answer in answers:
            for sid, face in answer.items():
                if sid in tally:
                    tally[sid][face] += 1
        return tally

    # -- for tests and bots -----------------------------------------------------------------------
    def sample_moves(self, step: Any, state: TaskState, seat: Any, ctx: Ctx) -> list[dict[str, Any]]:
        ids = [s.id for s in step.statements]
        drawn = {sid: ctx.rng.choice(FACES) for sid in ids}
        one = ctx.rng.choice(ids)
        return [
            {"type": "answer", "faces": {sid: 3 for sid in ids}},
            {"type": "answer", "faces": drawn},
            {"type": "answer", "faces": {one: ctx.rng.choice(FACES)}},  # one tap: the others stay
            {"type": "answer", "faces": {sid: 1 for sid in ids}},
        ]

    def sample_entries(self, step: Any, state: TaskState, ctx: Ctx) -> list[dict[str, Any]]:
        # The console enters one statement's face at a time, as hands (or slips) are counted.
        sid = ctx.rng.choice([s.id for s in step.statements])
        face = ctx.rng.choice(FACES)
        entries = [
            {"type": "enter", "answer": {"type": "answer", "faces": {sid: face}}, "count": ctx.rng.randint(0, 30)}
        ]
        return entries + super().sample_entries(step, state, ctx)


__all__ = ["Barometer", "BarometerStep", "Statement"]
