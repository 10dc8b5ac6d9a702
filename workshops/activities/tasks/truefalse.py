"""True or false: a statement, answered true or false, with an explanation at the reveal."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..base import ActionModel, Says
from ..text import Text, as_map, schema_title
from .base import TaskKind, TaskStep


class TrueFalseStep(TaskStep):
    """Totta vai tarua: a statement that is true or false, with an explanation."""

    model_config = schema_title(
        "Totta vai tarua (truefalse)", "Väite, johon oppilaat vastaavat totta tai tarua; selitys paljastuksen jälkeen"
    )

    kind: Literal["truefalse"] = Field(
        description="Vaiheen laji. truefalse = totta vai tarua: väite, johon vastataan totta tai tarua",
        examples=["truefalse"],
    )
    statement: Text = Field(
        description="Väite valkokankaalla ja puhelimissa",
        examples=["Kaikki, mikä netissä näyttää uutiselta, on totta."],
    )
    answer: bool = Field(
        description="true, jos väite on totta, false, jos tarua. Näkyy vasta, kun ohjaaja paljastaa vastauksen",
        examples=[False],
    )


class TrueFalseAnswer(ActionModel):
    type: Literal["answer"]
    value: bool


class TrueFalse(TaskKind):
    kind = "truefalse"
    paced = True  # a self-paced session may use it (Activity.paced)
    config = TrueFalseStep
    snippet = {
        "label": "Totta vai tarua (truefalse)",
        "description": "Väite, johon vastataan totta tai tarua, ja selitys",
        "body": {
            "id": "totta-vai-tarua",
            "kind": "truefalse",
            "title": "Totta vai tarua?",
            "minutes": 2,
            "statement": "Kaikki, mikä netissä näyttää uutiselta, on totta.",
            "answer": False,
            "explanation": "Netissä on myös vääriä uutisia. Tarkista, kuka tiedon on kirjoittanut.",
        },
    }
    # docs/protocol.md's table of this kind's view fields (python3 -m workshops.protocol_doc)
    view_doc = """
| field | `host_view` | `screen_view` | `pupil_view` | `own_view` | meaning |
| --- | --- | --- | --- | --- | --- |
| `statement` | ✓ | ✓ | ✓ |  | text |
| `results.true` | ✓ | ✓ | ✓ |  | answers "true" |
| `results.false` | ✓ | ✓ | ✓ |  | answers "false" |
| `answer` | ✓ | ✓ | ✓ |  | whether the statement is true; projector and phones: only once revealed |
| `mine` |  |  |  | ✓ | as stored: `true` or `false` |
"""
    strings = {
        "true": Says(en="True", fi="Totta", sv="Sant"),
        "false": Says(en="False", fi="Tarua", sv="Falskt"),
    }
    entry = "counts"
    answer = TrueFalseAnswer

    def accept(self, step, action, previous):
        return action.value

    def is_right(self, step, value):
        return value == step.answer

    def results(self, step, answers, state):
        return {"true": sum(1 for a in answers if a is True), "false": sum(1 for a in answers if a is False)}

    def task(self, step, ctx):
        return {"statement": as_map(step.statement, ctx.language)}

    def solution(self, step, ctx):
        return {"answer": step.answer}

    # -- for tests and bots: what the views hide until the reveal, and sample moves ------------
    secret = TaskKind.secret | {"answer"}

    def sample_moves(self, step, state, seat, ctx):
        return [{"type": "answer", "value": step.answer}, {"type": "answer", "value": not step.answer}]
