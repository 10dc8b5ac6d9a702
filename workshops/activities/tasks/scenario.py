"""What would you do: a branching story, one choice at each node."""

from __future__ import annotations

from collections import Counter
from typing import Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from ..base import ActionModel, AuthorCheck, Rejected, Says
from ..text import RICH_TEXT_FORMATTING, Id, RichText, Strict, Text, as_map, require_unique_ids, schema_title
from .base import Ref, TaskKind, TaskStep


class Branch(Strict):
    model_config = schema_title("Tarinan valinta (choices)", "Valinta, sen seuraus ja mihin tarina jatkuu")

    id: Id = Field(description="Valinnan tunnus", examples=["kerro"])
    text: Text = Field(description="Valinta puhelimissa", examples=["Kerron aikuiselle"])
    consequence: Text = Field(
        description="Mitä seuraa: näytetään heti valinnan jälkeen", examples=["Aikuinen auttoi, ja kuva poistettiin."]
    )
    next: Id | None = Field(
        default=None,
        description="Seuraavan tilanteen `id`. Ilman tätä tarina loppuu tähän valintaan",
        examples=["jatko"],
    )


class Node(Strict):
    model_config = schema_title("Tarinan tilanne (nodes)", "Tilanne tarinan kohdassa ja sen 2–4 valintaa")

    id: Id = Field(description="Tilanteen tunnus. Valinnan `next` viittaa tähän", examples=["alku"])
    text: RichText = Field(
        description="Tilanne tässä kohtaa tarinaa. " + RICH_TEXT_FORMATTING,
        examples=["Joku lähettää luokan chattiin ilkeän kuvan kaveristasi."],
    )
    choices: list[Branch] = Field(
        min_length=2,
        max_length=4,
        description="2–4 valintaa, kullakin seuraus",
        examples=[
            [
                {"id": "naura", "text": "Lähetän naurunaaman", "consequence": "Kaverille tuli paha mieli."},
                {"id": "kerro", "text": "Kerron aikuiselle", "consequence": "Aikuinen auttoi."},
            ]
        ],
    )

    @field_validator("choices")
    @classmethod
    def _unique_choices(cls, choices: list[Branch]) -> list[Branch]:
        return require_unique_ids(choices, "choice")


class ScenarioStep(TaskStep):
    """A story that branches: each choice has a consequence and may lead to another situation."""

    model_config = schema_title(
        "Mitä tekisit? -tarina (scenario)", "Tarina haarautuu: jokaisella valinnalla on seuraus ja ehkä jatko"
    )

    kind: Literal["scenario"] = Field(
        description="Vaiheen laji. scenario = mitä tekisit? -tarina, joka haarautuu valintojen mukaan",
        examples=["scenario"],
    )
    nodes: list[Node] = Field(
        min_length=1,
        max_length=12,
        description="Tarinan tilanteet (1–12). Ensimmäinen aloittaa tarinan",
        examples=[
            [
                {
                    "id": "alku",
                    "text": "Joku lähettää ilkeän viestin.",
                    "choices": [
                        {"id": "vastaa", "text": "Vastaan ilkeästi", "consequence": "Riita paheni."},
                        {"id": "kerro", "text": "Kerron aikuiselle", "consequence": "Aikuinen auttoi."},
                    ],
                }
            ]
        ],
    )

    @field_validator("nodes")
    @classmethod
    def _known_next(cls, nodes: list[Node]) -> list[Node]:
        require_unique_ids(nodes, "node")
        ids = [n.id for n in nodes]
        for n, node in enumerate(nodes):
            for c, choice in enumerate(node.choices):
                if choice.next is not None and choice.next not in ids:
                    raise PydanticCustomError(
                        "unknown_node",
                        "choice '{choice}' goes on to the unknown node '{id}'; the nodes are: {known}",
                        {"choice": choice.id, "id": choice.next, "known": ids, "at": (n, "choices", c, "next")},
                    )
        return nodes

    def node(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.id == node_id)


class ScenarioAnswer(ActionModel):
    type: Literal["answer"]
    node: Ref
    choice: Ref


class Scenario(TaskKind):
    kind = "scenario"
    config = ScenarioStep
    snippet = {
        "label": "Mitä tekisit? (scenario)",
        "description": "Tarina, joka haarautuu valintojen mukaan",
        "body": {
            "id": "luokan-chatti",
            "kind": "scenario",
            "title": "Mitä tekisit?",
            "minutes": 4,
            "nodes": [
                {
                    "id": "alku",
                    "text": "Joku lähettää luokan chattiin ilkeän kuvan kaveristasi.",
                    "choices": [
                        {
                            "id": "naura",
                            "text": "Lähetän naurunaaman",
                            "consequence": "Kaverille tuli paha mieli, ja kuvaa jaettiin lisää.",
                            "next": "jatko",
                        },
                        {
                            "id": "kerro",
                            "text": "Kerron aikuiselle",
                            "consequence": "Aikuinen auttoi, ja kuva poistettiin.",
                        },
                    ],
                },
                {
                    "id": "jatko",
                    "text": "Kuva leviää, ja kaveri on seuraavana päivänä hiljainen.",
                    "choices": [
                        {
                            "id": "viesti",
                            "text": "Laitan kaverille oman viestin",
                            "consequence": "Kaveri ilahtui, että joku välittää.",
                        },
                        {
                            "id": "vaikene",
                            "text": "En tee mitään",
                            "consequence": "Kaveri jäi yksin, ja sinullekin jäi paha mieli.",
                        },
                    ],
                },
            ],
        },
    }
    author_checks = {
        "unknown_node": AuthorCheck(
            Says(
                en="choice '{choice}' goes on to the unknown node '{id}'; write one of the nodes' ids: {known}",
                fi="valinta '{choice}' vie tuntemattomaan tilanteeseen '{id}'; kirjoita jonkin tilanteen tunnus: "
                "{known}",
                sv="valet '{choice}' leder till den okända situationen '{id}'; skriv id för en av situationerna: "
                "{known}",
            ),
            value=True,
        )
    }
    # docs/protocol.md's table of this kind's view fields (python3 -m workshops.protocol_doc)
    view_doc = """
| field | `host_view` | `screen_view` | `pupil_view` | `own_view` | meaning |
| --- | --- | --- | --- | --- | --- |
| `nodes` | ✓ | ✓ | ✓ |  | the story's situations; the first one starts it |
| `nodes[].id` | ✓ | ✓ | ✓ |  | a node id |
| `nodes[].text` | ✓ | ✓ | ✓ |  | text |
| `nodes[].choices` | ✓ | ✓ | ✓ |  | its choices |
| `nodes[].choices[].id` | ✓ | ✓ | ✓ |  | a choice id |
| `nodes[].choices[].text` | ✓ | ✓ | ✓ |  | text |
| `results.nodes` | ✓ | ✓ | ✓ |  | how often each choice was taken |
| `results.nodes{}` | ✓ | ✓ | ✓ |  | node id → an object of choice id → count |
| `results.nodes{}{}` | ✓ | ✓ | ✓ |  | choice id → how many paths took it |
| `consequences` | ✓ | ✓ | ✓ |  | every choice's consequence; projector and phones: only once revealed |
| `consequences{}` | ✓ | ✓ | ✓ |  | node id → an object of choice id → text |
| `consequences{}{}` | ✓ | ✓ | ✓ |  | choice id → text |
| `path` |  |  |  | ✓ | the choices taken so far, in order |
| `path[].node` |  |  |  | ✓ | a node id |
| `path[].choice` |  |  |  | ✓ | the choice id taken there |
| `path[].consequence` |  |  |  | ✓ | text: what happened |
| `at` |  |  |  | ✓ | the node the story is at now (what `answer.node` must be), `null` at the end |
| `mine` |  |  |  | ✓ | as stored: the path so far as `[node, choice]` pairs |
"""
    strings = {
        "story_end": Says(
            en="The end of the story. Look at the screen.",
            fi="Tarina päättyi. Katso valkokangasta.",
            sv="Berättelsen är slut. Titta på duken.",
        ),
    }
    answer = ScenarioAnswer

    def _at(self, step: ScenarioStep, path: list[list[str]]) -> str | None:
        """The node a path has reached (None: the story is over)."""
        if not path:
            return step.nodes[0].id
        node, choice = path[-1]
        return next(c.next for c in step.node(node).choices if c.id == choice)

    def accept(self, step, action, previous):
        path = list(previous or [])
        if self._at(step, path) != action.node:
            return Rejected("not_current", "The story has moved on from there.")
        if action.choice not in {c.id for c in step.node(action.node).choices}:
            return Rejected("bad_option", "That choice is not in the story.")
        return path + [[action.node, action.choice]]

    def results(self, step, answers, state):
        counts = Counter((n, c) for path in answers for n, c in path)
        return {"nodes": {n.id: {c.id: counts.get((n.id, c.id), 0) for c in n.choices} for n in step.nodes}}

    def task(self, step, ctx):
        lang = ctx.language
        return {
            "nodes": [
                {
                    "id": n.id,
                    "text": as_map(n.text, lang),
                    "choices": [{"id": c.id, "text": as_map(c.text, lang)} for c in n.choices],
                }
                for n in step.nodes
            ]
        }

    def pupil_own(self, step, state, seat, ctx):
        own = super().pupil_own(step, state, seat, ctx)
        path = own.get("mine") or []
        lang = ctx.language
        own["path"] = [
            {
                "node": n,
                "choice": c,
                "consequence": as_map(next(b.consequence for b in step.node(n).choices if b.id == c), lang),
            }
            for n, c in path
        ]
        own["at"] = self._at(step, path)
        return own

    def solution(self, step, ctx):
        lang = ctx.language
        return {"consequences": {n.id: {c.id: as_map(c.consequence, lang) for c in n.choices} for n in step.nodes}}

    # -- for tests and bots: what the views hide until the reveal, and sample moves ------------
    secret = TaskKind.secret | {"consequences"}

    def sample_moves(self, step, state, seat, ctx):
        voter = self.voter(step, seat)
        at = self._at(step, list(state.answers.get(voter) or [])) if voter else step.nodes[0].id
        if at is None:
            return []  # the story has ended for this voter
        return [{"type": "answer", "node": at, "choice": c.id} for c in step.node(at).choices]
