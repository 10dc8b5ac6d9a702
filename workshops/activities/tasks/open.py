"""An open answer: a short text, moderated by the facilitator before the projector shows it."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import replace
from typing import Annotated, Any, Literal

from pydantic import Field

from ..base import ActionModel, Rejected, Says
from ..text import Text, as_map, schema_title
from .base import TaskKind, TaskState, TaskStep

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


def _alias(voter: str, ctx: Any) -> str:
    """An answer's name on a self-paced session's console: the same all session, not the seat."""
    key = ctx.seed.split(":", 1)[0].encode()[:64]  # the session's seed, without the revision
    return "k" + hashlib.blake2b(voter.encode(), key=key, digest_size=6).hexdigest()


class OpenStep(TaskStep):
    """An open answer. Answers reach the projector only once the facilitator approves them."""

    model_config = schema_title(
        "Avoin vastaus (open)", "Oppilaat kirjoittavat lyhyen vastauksen; valkokangas näyttää sen ohjaajan hyväksyttyä"
    )

    kind: Literal["open"] = Field(
        description="Vaiheen laji. open = avoin vastaus: oppilaat kirjoittavat lyhyen tekstin, joka näkyy "
        "valkokankaalla vasta, kun ohjaaja on hyväksynyt sen",
        examples=["open"],
    )
    question: Text = Field(
        description="Kysymys valkokankaalla ja puhelimissa", examples=["Mikä auttaa sinua rauhoittumaan illalla?"]
    )
    max_length: int = Field(
        default=140,
        ge=10,
        le=300,
        description="Vastauksen enimmäispituus merkkeinä (10–300, oletus 140)",
        examples=[140],
    )


class OpenAnswer(ActionModel):
    type: Literal["answer"]
    text: str = Field(max_length=600)


class Moderate(ActionModel):
    type: Literal["moderate"]
    # A seat, team or entry; or (a self-paced session's console) an answer's alias, `paced_console`.
    voter: Annotated[str, Field(pattern=r"^(p\d{1,6}|t\d{1,2}|e\d{1,4}|k[0-9a-f]{12})$")]
    status: Literal["approved", "hidden"]
    text: str | None = Field(default=None, max_length=600, description="the answer edited by the facilitator")


class Open(TaskKind):
    kind = "open"
    paced = True  # a self-paced session may use it (Activity.paced)
    config = OpenStep
    snippet = {
        "label": "Avoin vastaus (open)",
        "description": "Oppilaat kirjoittavat lyhyen vastauksen; hyväksyt sen ennen kuin se näkyy",
        "body": {
            "id": "ajatuksia",
            "kind": "open",
            "title": "Ajatuksia",
            "minutes": 3,
            "question": "Mikä auttaa sinua rauhoittumaan illalla?",
        },
    }
    # docs/protocol.md's table of this kind's view fields (python3 -m workshops.protocol_doc)
    view_doc = """
| field | `host_view` | `screen_view` | `pupil_view` | `own_view` | meaning |
| --- | --- | --- | --- | --- | --- |
| `question` | ✓ | ✓ | ✓ |  | text |
| `max_length` | ✓ | ✓ | ✓ |  | the longest answer kept (characters) |
| `results.approved` | ✓ | ✓ | ✓ |  | the approved answers' texts, no names |
| `results.words` | ✓ | ✓ | ✓ |  | the word cloud of the approved answers: `[word, count]` pairs, most frequent first (at most 30) |
| `entries` | ✓ |  |  |  | every answer, for moderation |
| `entries[].voter` | ✓ |  |  |  | the seat (or team) that answered: what `moderate.voter` takes |
| `entries[].text` | ✓ |  |  |  | the answer |
| `entries[].status` | ✓ |  |  |  | `"pending"`, `"approved"` or `"hidden"` |
| `entries[].shown` | ✓ |  |  |  | the text shown when approved (edited or not), else `null` |
| `mine` |  |  |  | ✓ | as stored: the cleaned text |
"""  # noqa: E501
    strings = {
        "none_approved": Says(
            en="Answers appear here once the facilitator has approved them.",
            fi="Vastaukset näkyvät tässä, kun ohjaaja on hyväksynyt ne.",
            sv="Svaren syns här när handledaren har godkänt dem.",
        ),
        "open_hint": Says(
            en="The facilitator reads the answers before any are shown. Don't write names.",
            fi="Ohjaaja lukee vastaukset ennen kuin niitä näytetään. Älä kirjoita nimiä.",
            sv="Handledaren läser svaren innan de visas. Skriv inga namn.",
        ),
        "moderate_answers": Says(
            en="Answers: approve before they are shown",
            fi="Vastaukset: hyväksy ennen kuin ne näytetään",
            sv="Svar: godkänn innan de visas",
        ),
    }
    answer = OpenAnswer
    entry = "many"
    extra_host_actions = {"moderate": Moderate}
    # Self-paced (a café's wishes): the facilitator approves what the report may show.
    paced_commands = frozenset({"moderate"})

    def _entered(self, state, key):
        # The facilitator typed it from what a pupil said: it is approved as it stands.
        moderation = {**state.extra.get("moderation", {}), key: {"status": "approved", "shown": state.answers[key]}}
        return replace(state, extra={**state.extra, "moderation": moderation})

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
        voter = action.voter
        if voter.startswith("k"):  # an alias from a self-paced session's console
            voter = next((v for v in state.answers if _alias(v, ctx) == voter), "")
        if action.type != "moderate" or voter not in state.answers:
            return Rejected("no_line", "There is no such answer.")
        shown = clean_text(action.text, step.max_length) if action.text is not None else state.answers[voter]
        if action.status == "approved" and shown is None:
            return Rejected("line_empty", "The edited answer is empty.")
        entry = {"status": action.status, "shown": shown if action.status == "approved" else None}
        moderation = {**state.extra.get("moderation", {}), voter: entry}
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
        view["entries"] = self._entries(state, [(v, v) for v in sorted(state.answers)])
        return view

    def paced_console(self, step, state, ctx):
        # Nobody's seat: each answer under an alias (a keyed hash with the session's seed), in the
        # aliases' order, not the seats' (p1, p2… is the order people came in). A row stays put
        # as new answers arrive; `moderate` takes the alias.
        aliases = {_alias(v, ctx): v for v in state.answers}
        return {"entries": self._entries(state, [(a, aliases[a]) for a in sorted(aliases)])}

    def _entries(self, state: TaskState, voters: list[tuple[str, str]]) -> list[dict[str, Any]]:
        """The answers for moderation: (the name the console uses, the voter) each."""
        moderation = state.extra.get("moderation", {})
        return [
            {
                "voter": shown_as,
                "text": state.answers[v],
                "status": moderation.get(v, {}).get("status", "pending"),
                "shown": moderation.get(v, {}).get("shown"),
            }
            for shown_as, v in voters
        ]

    # -- for tests and bots: what the views hide until the reveal, and sample moves ------------
    # The projector shows the approved answers before the reveal: no right answer to hide there.
    secret = TaskKind.secret - {"results"}

    def sample_moves(self, step, state, seat, ctx):
        texts = ["Kuvaa voi muokata.", "Kysyn aikuiselta.", "En jaa salasanaa kenellekään."]
        return [{"type": "answer", "text": ctx.rng.choice(texts)}]

    def sample_commands(self, step, state, ctx):
        commands = super().sample_commands(step, state, ctx)
        for voter in sorted(state.answers)[:3]:
            status = ctx.rng.choice(["approved", "hidden"])
            commands.append({"type": "moderate", "voter": voter, "status": status})
        return commands
