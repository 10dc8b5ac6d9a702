"""Invent an exercise: media mentors send quiz ideas from their phones; the facilitator
reviews them and downloads the approved ones as a draft content pack."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Literal

import yaml
from pydantic import Field, ValidationError

from ..base import HOST, ActionModel, Activity, Ctx, Download, Enter, KindError, Rejected, Says, Seat, StepBase
from ..text import Text, as_map, resolve, schema_title
from .open import clean_text

MAX_IDEAS = 5


class InventStep(StepBase):
    """Mentors invent quiz questions of their own; approved ones become a draft pack."""

    model_config = schema_title(
        "Keksi tehtävä (invent)",
        "Tukioppilaat keksivät puhelimilla omia visakysymyksiä; hyväksytyt voi ladata paketin luonnokseksi",
    )

    kind: Literal["invent"] = Field(
        description="Vaiheen laji. invent = keksi tehtävä: oppilaat keksivät omia visakysymyksiä, ja ohjaaja "
        "lataa hyväksytyt paketin luonnokseksi",
        examples=["invent"],
    )
    prompt: Text = Field(
        description="Mitä keksitään: ohje valkokankaalla ja puhelimissa",
        examples=["Keksi nelosluokkalaisille kysymys turvallisesta jakamisesta."],
    )


class Idea(ActionModel):
    type: Literal["idea"]
    question: str = Field(max_length=400)
    options: list[Annotated[str, Field(max_length=160)]] = Field(min_length=2, max_length=4)
    right: int = Field(ge=0, le=3, description="the index of the right option")
    explanation: str = Field(default="", max_length=600)


class Review(ActionModel):
    type: Literal["review"]
    idea: Annotated[str, Field(pattern=r"^i\d{1,5}$")]
    status: Literal["approved", "rejected", "pending"]


@dataclass(frozen=True)
class InventState:
    ideas: dict[str, dict[str, Any]] = field(default_factory=dict)  # idea id -> {seat, question, options, ...}
    next: int = 1


class Invent(Activity[InventStep, InventState]):
    kind = "invent"
    config = InventStep
    snippet = {
        "label": "Keksi tehtävä (invent)",
        "description": "Oppilaat keksivät visakysymyksiä; hyväksytyt saat ladattua paketin luonnokseksi",
        "body": {
            "id": "keksi",
            "kind": "invent",
            "title": "Keksi tehtävä",
            "minutes": 10,
            "prompt": "Keksi nelosluokkalaisille kysymys turvallisesta jakamisesta.",
        },
    }
    # docs/protocol.md's table of this kind's view fields (python3 -m workshops.protocol_doc)
    view_doc = """
| field | `host_view` | `screen_view` | `pupil_view` | `own_view` | meaning |
| --- | --- | --- | --- | --- | --- |
| `prompt` | ✓ | ✓ | ✓ |  | text: what to invent |
| `max_ideas` |  |  | ✓ |  | ideas a pupil may send |
| `count` |  | ✓ |  |  | ideas sent |
| `approved` |  | ✓ |  |  | the approved ideas (an *idea* each), without names |
| `ideas` | ✓ |  |  | ✓ | host: every idea, with `nick`; own: this pupil's ideas |

An *idea* (`approved[]`, `ideas[]`) has these fields:

| field | `host_view` | `screen_view` | `pupil_view` | `own_view` | meaning |
| --- | --- | --- | --- | --- | --- |
| `idea.id` | ✓ | ✓ |  | ✓ | `i1`, `i2`, …: what `review.idea` takes |
| `idea.question` | ✓ | ✓ |  | ✓ | the question (cleaned) |
| `idea.options` | ✓ | ✓ |  | ✓ | the options (cleaned) |
| `idea.right` | ✓ | ✓ |  | ✓ | the index of the right option |
| `idea.explanation` | ✓ | ✓ |  | ✓ | the explanation, or `null` |
| `idea.status` | ✓ | ✓ |  | ✓ | `"pending"`, `"approved"` or `"rejected"` |
| `idea.nick` | ✓ |  |  |  | the nickname of who sent it (`""` if they were removed or the facilitator entered it) |
| `idea.entered` | ✓ | ✓ |  | ✓ | the facilitator entered it (said aloud by the class; approved as entered) |
"""
    strings = {
        "ideas_in": Says(en="{n} ideas sent", fi="{n} ideaa lähetetty", sv="{n} idéer skickade"),
        "download_ideas": Says(
            en="Download the approved ideas as a draft pack",
            fi="Lataa hyväksytyt ideat luonnospakettina",
            sv="Ladda ner de godkända idéerna som ett utkast till paket",
        ),
        "idea_question": Says(en="Your question", fi="Kysymyksesi", sv="Din fråga"),
        "idea_option": Says(en="Option {n}", fi="Vaihtoehto {n}", sv="Alternativ {n}"),
        "idea_right": Says(
            en="Mark the right option with the dot.",
            fi="Merkitse oikea vaihtoehto pallolla.",
            sv="Markera rätt alternativ med pricken.",
        ),
        "idea_explanation": Says(
            en="Why is it right? (shown after the answer)",
            fi="Miksi se on oikein? (näytetään vastaamisen jälkeen)",
            sv="Varför är det rätt? (visas efter svaret)",
        ),
        "idea_sent": Says(
            en="Thank you! Your idea was sent.", fi="Kiitos! Ideasi lähti.", sv="Tack! Din idé har skickats."
        ),
        "idea_pending": Says(en="waiting", fi="odottaa", sv="väntar"),
        "idea_approved": Says(en="approved", fi="hyväksytty", sv="godkänd"),
        "idea_rejected": Says(en="not used", fi="ei käytetä", sv="används inte"),
    }
    errors = {
        "idea_incomplete": KindError(
            meaning=(
                "An idea needs a question, every option filled in and different, and `right` the index of one of them."
            ),
            says=Says(
                en="Write the question and every option, and mark the right one.",
                fi="Kirjoita kysymys ja kaikki vaihtoehdot ja merkitse oikea.",
                sv="Skriv frågan och alla alternativ och markera det rätta.",
            ),
        ),
        "too_many_ideas": KindError(
            meaning="A pupil sends at most five ideas per step.",
            says=Says(
                en="You have sent five ideas already: thank you!",
                fi="Olet jo lähettänyt viisi ideaa – kiitos!",
                sv="Du har redan skickat fem idéer – tack!",
            ),
        ),
        "no_idea": KindError(
            meaning="`review`: no idea with that id.",
            says=Says(en="There is no such idea.", fi="Tällaista ideaa ei ole.", sv="Den idén finns inte."),
        ),
    }
    pupil_actions = {"idea": Idea}
    host_actions = {"review": Review, "enter": Enter}

    def setup(self, step: InventStep, ctx: Ctx) -> InventState:
        return InventState()

    def pupil_move(self, step: InventStep, state: InventState, seat: Seat, action: Idea, ctx: Ctx):
        if sum(1 for i in state.ideas.values() if i["seat"] == seat.id) >= MAX_IDEAS:
            return Rejected("too_many_ideas", "You have sent five ideas already: thank you!")
        return self._add(state, seat.id, action)

    def _add(self, state: InventState, seat: str, action: Idea) -> InventState | Rejected:
        question = clean_text(action.question, 200)
        options = [clean_text(o, 80) for o in action.options]
        explanation = clean_text(action.explanation, 300) if action.explanation else None
        if question is None or any(o is None for o in options):
            return Rejected("idea_incomplete", "Write the question and every option.")
        if action.right >= len(options) or len(set(options)) != len(options):
            return Rejected("idea_incomplete", "Mark one right option; the options must differ.")
        idea = {
            "seat": seat,
            "question": question,
            "options": options,
            "right": action.right,
            "explanation": explanation,
            # An idea the facilitator typed as the class said it needs no second look.
            "status": "approved" if seat == HOST else "pending",
        }
        return replace(state, ideas={**state.ideas, f"i{state.next}": idea}, next=state.next + 1)

    def host_move(self, step: InventStep, state: InventState, action: Any, ctx: Ctx):
        if action.type == "enter":
            if action.count == 0:  # an entered idea is taken back like any other: review it as rejected
                return Rejected("bad_payload", "Reject the idea instead.")
            try:
                typed = Idea.model_validate(action.answer, strict=True)
            except ValidationError:
                return Rejected("bad_payload", "That idea is not complete.")
            return self._add(state, HOST, typed)
        idea = state.ideas.get(action.idea)
        if idea is None:
            return Rejected("no_idea", "There is no such idea.")
        return replace(state, ideas={**state.ideas, action.idea: {**idea, "status": action.status}})

    def _public(self, idea_id: str, idea: dict[str, Any]) -> dict[str, Any]:
        keep = ("question", "options", "right", "explanation", "status")
        return {"id": idea_id, **{k: idea[k] for k in keep}, "entered": idea["seat"] == HOST}

    def host_view(self, step: InventStep, state: InventState, ctx: Ctx) -> dict[str, Any]:
        return {
            "prompt": as_map(step.prompt, ctx.language),
            "ideas": [
                self._public(i, idea) | {"nick": ctx.seats[idea["seat"]].nick if idea["seat"] in ctx.seats else ""}
                for i, idea in state.ideas.items()
            ],
        }

    def screen_view(self, step: InventStep, state: InventState, ctx: Ctx) -> dict[str, Any]:
        # Free text reaches the projector only once approved, and without names.
        approved = [self._public(i, idea) for i, idea in state.ideas.items() if idea["status"] == "approved"]
        return {"prompt": as_map(step.prompt, ctx.language), "count": len(state.ideas), "approved": approved}

    def pupil_view(self, step: InventStep, state: InventState, ctx: Ctx) -> dict[str, Any]:
        return {"prompt": as_map(step.prompt, ctx.language), "max_ideas": MAX_IDEAS}

    def pupil_own(self, step: InventStep, state: InventState, seat: Seat, ctx: Ctx) -> dict[str, Any]:
        return {"ideas": [self._public(i, idea) for i, idea in state.ideas.items() if idea["seat"] == seat.id]}

    def summary(self, step: InventStep, state: InventState, ctx: Ctx) -> dict[str, Any]:
        approved = sum(1 for i in state.ideas.values() if i["status"] == "approved")
        return {"ideas": len(state.ideas), "approved": approved}

    def export(self, step: InventStep, state: InventState, code: str, language: str) -> Download | None:
        """The approved ideas as a draft pack (none approved: nothing to download)."""
        ideas = [i for i in state.ideas.values() if i["status"] == "approved"]
        if not ideas:
            return None
        pack_id = f"ideat-{code.lower()}"
        body = draft_pack(pack_id, resolve(step.title, language), ideas, language)
        return Download(f"{pack_id}.yaml", "application/yaml; charset=utf-8", body)

    # -- for tests and bots: sample moves ------------------------------------------------------
    def sample_moves(self, step, state, seat, ctx):
        if sum(1 for i in state.ideas.values() if i["seat"] == seat.id) >= MAX_IDEAS:
            return []  # five sent: thank you
        idea = {
            "type": "idea",
            "question": "Voiko kuvaa muokata?",
            "options": ["Kyllä", "Ei"],
            "right": 0,
            "explanation": "Kuvia muokataan usein.",
        }
        return [idea, {**idea, "question": "Kuka näkee julkisen kuvan?", "options": ["Kaikki", "Vain kaverit"]}]

    def sample_commands(self, step, state, ctx):
        status = ctx.rng.choice(["approved", "rejected", "pending"])
        entered = {"type": "enter", "answer": self.sample_moves(step, InventState(), None, ctx)[0]}
        return [{"type": "review", "idea": idea, "status": status} for idea in list(state.ideas)[-3:]] + [entered]


# The draft's own words, in the pack's language (the facilitator saves and edits the file).
DRAFT = {
    "save": Says(
        en="# Save this file as content/{id}/pack.yaml and check it: workshops check content/{id}",
        fi="# Tallenna tämä tiedosto nimellä content/{id}/pack.yaml ja tarkista: workshops check content/{id}",
        sv="# Spara filen som content/{id}/pack.yaml och kontrollera den: workshops check content/{id}",
    ),
    "question": Says(en="Question {n}", fi="Kysymys {n}", sv="Fråga {n}"),
    "description": Says(
        en="Draft: tasks the media mentors invented. Check and edit before use.",
        fi="Luonnos: mediamentoreiden keksimät tehtävät. Tarkista ja muokkaa ennen käyttöä.",
        sv="Utkast: uppgifter som mediementorerna hittat på. Granska och redigera före användning.",
    ),
}


def draft_pack(pack_id: str, title: str, ideas: list[dict[str, Any]], language: str = "fi") -> str:
    """The approved ideas as a content pack an author can check, edit and run as it is."""
    agenda = []
    for n, idea in enumerate(ideas, 1):
        options = [{"id": f"v{i + 1}", "text": text} for i, text in enumerate(idea["options"])]
        step: dict[str, Any] = {
            "id": f"idea-{n}",
            "kind": "choice",
            "title": DRAFT["question"].get(language).format(n=n),
            "minutes": 3,
            "mode": "quiz",
            "question": idea["question"],
            "options": options,
            "answer": options[idea["right"]]["id"],
        }
        if idea.get("explanation"):
            step["explanation"] = idea["explanation"]
        agenda.append(step)
    pack = {
        "id": pack_id,
        "title": title,
        "description": DRAFT["description"].get(language),
        "audience": {"min_age": 9, "max_age": 12},
        "minutes": 3 * len(agenda),
        "language": language,
        "agenda": agenda,
    }
    header = DRAFT["save"].get(language).format(id=pack_id) + "\n# yaml-language-server: $schema=../pack.schema.json\n"
    return header + yaml.safe_dump(pack, allow_unicode=True, sort_keys=False, width=100)
