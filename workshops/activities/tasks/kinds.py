"""The media-literacy task kinds: each a config model plus the hooks of TaskKind."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import replace
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ...packs.text import Id, Image, Strict, Text, as_map, require_unique_ids
from ..base import ActionModel, Ctx, Rejected
from .base import TaskKind, TaskState, TaskStep

Ref = Annotated[str, Field(max_length=40)]


def _items(items: list[Any], ctx: Ctx, *fields: str) -> list[dict[str, Any]]:
    return [{"id": i.id, **{f: as_map(getattr(i, f), ctx.language) for f in fields}} for i in items]


# -- true or false ----------------------------------------------------------------------------
class TrueFalseStep(TaskStep):
    """Totta vai tarua: a statement that is true or false, with an explanation."""

    kind: Literal["truefalse"]
    statement: Text
    answer: bool = Field(description="true if the statement is true")


class TrueFalseAnswer(ActionModel):
    type: Literal["answer"]
    value: bool


class TrueFalse(TaskKind):
    kind = "truefalse"
    config = TrueFalseStep
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


# -- scale ----------------------------------------------------------------------------------
class ScaleStep(TaskStep):
    """How much / how often: a scale of numbers or faces. No right answer."""

    kind: Literal["scale"]
    question: Text
    min: int = Field(default=1, ge=0, le=1)
    max: int = Field(default=5, ge=3, le=10)
    style: Literal["numbers", "faces"] = Field(default="numbers", description="faces: emoji faces (for 3-5 steps)")
    low: Text | None = Field(default=None, description="What the smallest value means")
    high: Text | None = Field(default=None, description="What the biggest value means")

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
    config = ScaleStep
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


# -- open answer ------------------------------------------------------------------------------
_WORD = re.compile(r"[\w'-]+", re.UNICODE)
# Small words that would fill a word cloud without saying anything.
STOPWORDS = set(
    "ja on ei se että ne mutta tai kun jos niin kuin myös vain voi sen sitä siitä olla oli ovat mä sä me te he "
    "hän minä sinä joka mitä mikä tää toi vaan kans eli sekä jo vielä nyt sit sitten ja en et emme "
    "och är inte det att de men eller när om så som också bara kan den vara var jag du vi ni han hon "
    "the and is not it that a an to of in for or but".split()
)


def words(texts: list[str], top: int = 30) -> list[list[Any]]:
    counts: Counter[str] = Counter()
    for text in texts:
        for word in _WORD.findall(text.lower()):
            if len(word) > 2 and word not in STOPWORDS and not word.isdigit():
                counts[word] += 1
    return [[w, n] for w, n in counts.most_common(top)]


def clean_text(text: str, limit: int) -> str | None:
    import unicodedata

    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = " ".join(text.split())[:limit].strip()
    return text if any(ch.isalnum() for ch in text) else None


class OpenStep(TaskStep):
    """An open answer. Answers reach the projector only once the facilitator approves them."""

    kind: Literal["open"]
    question: Text
    max_length: int = Field(default=140, ge=10, le=300)


class OpenAnswer(ActionModel):
    type: Literal["answer"]
    text: str = Field(max_length=600)


class Moderate(ActionModel):
    type: Literal["moderate"]
    voter: Annotated[str, Field(pattern=r"^(p\d{1,6}|t\d{1,2})$")]
    status: Literal["approved", "hidden"]
    text: str | None = Field(default=None, max_length=600, description="the answer edited by the facilitator")


class Open(TaskKind):
    kind = "open"
    config = OpenStep
    answer = OpenAnswer
    extra_host_actions = {"moderate": Moderate}

    def accept(self, step, action, previous):
        text = clean_text(action.text, step.max_length)
        return text if text is not None else Rejected("line_empty", "Write your answer first.")

    def pupil_move(self, step, state, seat, action, ctx):
        result = super().pupil_move(step, state, seat, action, ctx)
        if isinstance(result, Rejected) or result is state:
            return result
        voter = self.voter(step, seat)
        # A changed answer goes back to the facilitator before it can be shown again.
        moderation = {k: v for k, v in state.extra.get("moderation", {}).items() if k != voter}
        return replace(result, extra={**result.extra, "moderation": moderation})

    def host_move_extra(self, step, state, action, ctx):
        if action.type != "moderate" or action.voter not in state.answers:
            return Rejected("no_line", "There is no such answer.")
        shown = clean_text(action.text, step.max_length) if action.text is not None else state.answers[action.voter]
        if action.status == "approved" and shown is None:
            return Rejected("line_empty", "The edited answer is empty.")
        entry = {"status": action.status, "shown": shown if action.status == "approved" else None}
        moderation = {**state.extra.get("moderation", {}), action.voter: entry}
        return replace(state, extra={**state.extra, "moderation": moderation})

    def approved(self, state: TaskState) -> list[str]:
        moderation = state.extra.get("moderation", {})
        return [m["shown"] for v, m in sorted(moderation.items()) if m["status"] == "approved" and v in state.answers]

    def results(self, step, answers, state):
        shown = self.approved(state)
        return {"approved": shown, "words": words(shown)}

    def task(self, step, ctx):
        return {"question": as_map(step.question, ctx.language), "max_length": step.max_length}

    def screen_view(self, step, state, ctx):
        # The word cloud grows as the facilitator approves answers, before the reveal too.
        view = super().screen_view(step, state, ctx)
        return view | {"results": self.results(step, [], state)}

    def host_view(self, step, state, ctx):
        view = super().host_view(step, state, ctx)
        moderation = state.extra.get("moderation", {})
        view["entries"] = [
            {
                "voter": v,
                "text": text,
                "status": moderation.get(v, {}).get("status", "pending"),
                "shown": moderation.get(v, {}).get("shown"),
            }
            for v, text in sorted(state.answers.items())
        ]
        return view


# -- sort into categories ------------------------------------------------------------------------
class Category(Strict):
    id: Id
    text: Text


class SortItem(Strict):
    id: Id
    text: Text
    category: Id = Field(description="The id of the category this item belongs to")


class SortStep(TaskStep):
    """Sort cards into 2-4 categories by tapping (no dragging needed)."""

    kind: Literal["sort"]
    question: Text
    categories: list[Category] = Field(min_length=2, max_length=4)
    items: list[SortItem] = Field(min_length=2, max_length=12)

    @field_validator("categories")
    @classmethod
    def _unique_categories(cls, categories: list[Category]) -> list[Category]:
        return require_unique_ids(categories, "category")

    @field_validator("items")
    @classmethod
    def _known_categories(cls, items: list[SortItem], info) -> list[SortItem]:
        require_unique_ids(items, "item")
        known = [c.id for c in info.data.get("categories") or []]
        for item in items:
            if known and item.category not in known:
                raise PydanticCustomError(
                    "unknown_category",
                    "item '{item}' names the unknown category '{id}'; the categories are: {known}",
                    {"item": item.id, "id": item.category, "known": ", ".join(known)},
                )
        return items


class SortAnswer(ActionModel):
    type: Literal["answer"]
    placements: dict[Ref, Ref] = Field(max_length=12)


class Sort(TaskKind):
    kind = "sort"
    config = SortStep
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
            "categories": _items(step.categories, ctx, "text"),
            "items": _items(step.items, ctx, "text"),
        }

    def solution(self, step, ctx):
        return {"solution": {i.id: i.category for i in step.items}}


# -- put in order ------------------------------------------------------------------------------
class OrderItem(Strict):
    id: Id
    text: Text


class OrderStep(TaskStep):
    """Put 3-8 items in the right order by tapping them in turn."""

    kind: Literal["order"]
    question: Text
    items: list[OrderItem] = Field(min_length=3, max_length=8, description="The items in their RIGHT order")

    @field_validator("items")
    @classmethod
    def _unique_items(cls, items: list[OrderItem]) -> list[OrderItem]:
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
    config = OrderStep
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


# -- find in the picture ----------------------------------------------------------------------------
class Spot(Strict):
    """A rectangle on the image, in percent of its width and height from the top left corner."""

    id: Id
    label: Text = Field(description="What the spot gives away, shown at the reveal")
    x: float = Field(ge=0, le=100)
    y: float = Field(ge=0, le=100)
    w: float = Field(gt=0, le=100)
    h: float = Field(gt=0, le=100)

    def hit(self, tx: float, ty: float, slack: float = 3.0) -> bool:
        return self.x - slack <= tx <= self.x + self.w + slack and self.y - slack <= ty <= self.y + self.h + slack


class HotspotStep(TaskStep):
    """Tap the places in a picture that give something away (an ad, an edited photo, a fake profile)."""

    kind: Literal["hotspot"]
    question: Text
    image: Image = Field(description="The picture (required)")
    spots: list[Spot] = Field(min_length=1, max_length=8)
    max_taps: int | None = Field(
        default=None, ge=1, le=12, description="How many taps a pupil has (default: spots + 2)"
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


# -- what would you do --------------------------------------------------------------------------------
class Branch(Strict):
    id: Id
    text: Text = Field(description="The choice")
    consequence: Text = Field(description="What happens next, shown right after choosing")
    next: Id | None = Field(default=None, description="The id of the node the story goes on to (none: the end)")


class Node(Strict):
    id: Id
    text: Text = Field(description="The situation at this point of the story")
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


KINDS = (TrueFalse(), Scale(), Open(), Sort(), Order(), Hotspot(), Scenario())
