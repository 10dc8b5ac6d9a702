"""What would you do: a branching story, one choice at each node."""

from __future__ import annotations

from collections import Counter
from typing import Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from ..base import ActionModel, Rejected, Says
from ..text import RICH_TEXT_FORMATTING, Id, RichText, Strict, Text, as_map, require_unique_ids
from .base import Ref, TaskKind, TaskStep


class Branch(Strict):
    id: Id
    text: Text = Field(description="The choice")
    consequence: Text = Field(description="What happens next, shown right after choosing")
    next: Id | None = Field(default=None, description="The id of the node the story goes on to (none: the end)")


class Node(Strict):
    id: Id
    text: RichText = Field(description="The situation at this point of the story. " + RICH_TEXT_FORMATTING)
    choices: list[Branch] = Field(min_length=2, max_length=4)

    @field_validator("choices")
    @classmethod
    def _unique_choices(cls, choices: list[Branch]) -> list[Branch]:
        return require_unique_ids(choices, "choice")


class ScenarioStep(TaskStep):
    """A story that branches: each choice has a consequence and may lead to another situation."""

    kind: Literal["scenario"]
    nodes: list[Node] = Field(
        min_length=1, max_length=12, description="The story's situations; the first one starts it"
    )

    @field_validator("nodes")
    @classmethod
    def _known_next(cls, nodes: list[Node]) -> list[Node]:
        require_unique_ids(nodes, "node")
        ids = [n.id for n in nodes]
        for node in nodes:
            for choice in node.choices:
                if choice.next is not None and choice.next not in ids:
                    raise PydanticCustomError(
                        "unknown_node",
                        "choice '{choice}' goes on to the unknown node '{id}'; the nodes are: {known}",
                        {"choice": choice.id, "id": choice.next, "known": ", ".join(ids)},
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
