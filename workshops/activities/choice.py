"""A question with 2-6 options: a poll with no right answer, or a quiz with one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .base import (
    ActionModel,
    Activity,
    AuthorCheck,
    Ctx,
    Enter,
    KindError,
    OpenCloseReveal,
    Rejected,
    Says,
    Seat,
    StepBase,
)
from .text import Id, Image, RichText, Strict, Text, as_map, require_unique_ids, schema_title


class Option(Strict):
    model_config = schema_title("Vastausvaihtoehto (options)", "Kysymyksen vaihtoehto: tunnus ja teksti")

    id: Id = Field(description="Vaihtoehdon tunnus. Tietovisan `answer` viittaa tähän", examples=["hyvin", "n112"])
    text: Text = Field(
        description="Vaihtoehdon teksti valkokankaalla ja puhelimissa", examples=["Hyvin", "En osaa sanoa"]
    )


class ChoiceStep(StepBase):
    """A poll or quiz question answered on the phones."""

    model_config = schema_title(
        "Kysely tai tietovisa (choice)",
        "Kysymys, johon oppilaat vastaavat puhelimella: kysely ilman oikeaa vastausta tai tietovisa",
    )

    kind: Literal["choice"] = Field(
        description="Vaiheen laji. choice = kysely tai tietovisa, johon vastataan puhelimella", examples=["choice"]
    )
    question: Text = Field(description="Kysymys valkokankaalla ja puhelimissa", examples=["Miten nukuit viime yönä?"])
    options: list[Option] = Field(
        min_length=2,
        max_length=6,
        description="2–6 vaihtoehtoa, kullakin oma `id` ja `text`. Enintään neljä sopii paperisiin "
        "vastauskortteihin A–D",
        examples=[[{"id": "hyvin", "text": "Hyvin"}, {"id": "huonosti", "text": "Huonosti"}]],
    )
    mode: Literal["poll", "quiz"] = Field(
        default="poll",
        description="poll = kysely, ei oikeaa vastausta. quiz = tietovisa: `answer` kertoo oikean vaihtoehdon",
        examples=["quiz"],
    )
    answer: Id | list[Id] | None = Field(
        default=None,
        description="Vain tietovisassa: oikean vaihtoehdon `id`, tai lista, jos oikeita on monta (silloin myös "
        "`multiple: true`)",
        examples=["n112", ["puhelin-pois", "sama-aika"]],
    )
    explanation: RichText | None = Field(
        default=None,
        description="Selitys (”Miksi?”), joka näytetään tulosten kanssa valkokankaalla ja puhelimissa",
        examples=["112 on hätänumero. 116 111 on Lasten ja nuorten puhelin."],
    )
    multiple: bool = Field(default=False, description="true: oppilas saa valita monta vaihtoehtoa", examples=[True])
    timer: int | None = Field(
        default=None,
        ge=5,
        le=900,
        description="Vastausaika sekunteina (5–900). Kun aika loppuu, vastaaminen sulkeutuu. Ilman tätä aikaa ei "
        "rajoiteta",
        examples=[30],
    )
    answer_by: Literal["individual", "team"] = Field(
        default="individual",
        description="individual: jokainen vastaa itse. team: jokainen äänestää, ja tiimin vastaus on enemmistön "
        "valinta. Tiimi näkee jäsentensä valinnat",
        examples=["team"],
    )
    image: Image | None = Field(
        default=None,
        description="Kuva kysymyksen yhteydessä: tiedoston nimi paketin kansiossa",
        examples=["hatanumero.svg"],
    )

    @field_validator("options")
    @classmethod
    def _unique_options(cls, options: list[Option]) -> list[Option]:
        return require_unique_ids(options, "option")

    @field_validator("answer")
    @classmethod
    def _known_answer(cls, answer: str | list[str] | None, info: ValidationInfo) -> str | list[str] | None:
        options = info.data.get("options")
        if answer is None or options is None:
            return answer
        known = [o.id for o in options]
        for ref in [answer] if isinstance(answer, str) else answer:
            if ref not in known:
                raise PydanticCustomError(
                    "unknown_option",
                    "unknown option id '{id}'; the options are: {known}",
                    {"id": ref, "known": ", ".join(known)},
                )
        return answer

    @model_validator(mode="after")
    def _answer_fits_mode(self) -> ChoiceStep:
        if self.mode == "quiz" and not self.answer:
            raise PydanticCustomError("quiz_without_answer", "a quiz needs `answer`: the id of the right option")
        if self.mode == "poll" and self.answer:
            raise PydanticCustomError(
                "poll_with_answer", "a poll has no right answer: remove `answer` or set `mode: quiz`"
            )
        if isinstance(self.answer, list) and len(self.answer) > 1 and not self.multiple:
            raise PydanticCustomError("answers_need_multiple", "several right answers need `multiple: true`")
        return self

    @property
    def correct(self) -> frozenset[str]:
        if self.answer is None:
            return frozenset()
        return frozenset([self.answer] if isinstance(self.answer, str) else self.answer)


class Vote(ActionModel):
    type: Literal["vote"]
    options: Annotated[list[Annotated[str, Field(max_length=40)]], Field(min_length=1, max_length=6)]


@dataclass(frozen=True)
class ChoiceState:
    phase: Literal["open", "closed", "revealed"]
    votes: dict[str, tuple[str, ...]]  # seat id -> chosen option ids
    order: dict[str, int]  # seat id -> when it last voted, for tie-breaks
    seq: int
    closes_at: float | None
    paused_left: float | None = None  # seconds left when the facilitator moved to another step
    hands: dict[str, int] = field(default_factory=dict)  # option id -> raised hands the facilitator counted
    team_entered: dict[str, tuple[str, ...]] = field(default_factory=dict)  # team -> its answer, entered


def _option_ids(step: Mapping[str, Any]) -> dict[str, Any]:
    """The step's option ids as written, for the message that asks for the right one."""
    return {"ids": [o["id"] for o in step.get("options") or [] if isinstance(o, dict) and isinstance(o.get("id"), str)]}


class Choice(OpenCloseReveal, Activity[ChoiceStep, ChoiceState]):
    kind = "choice"
    paced = True  # a self-paced session may use it (Activity.paced)
    config = ChoiceStep
    snippet = {
        "label": "Kysely (choice)",
        "description": "Kysymys ja vaihtoehdot puhelimiin; tulokset valkokankaalle, kun painat Näytä tulokset",
        "body": {
            "id": "fiilis",
            "kind": "choice",
            "title": "Fiiliskysely",
            "minutes": 3,
            "question": "Miten nukuit viime yönä?",
            "options": [
                {"id": "hyvin", "text": "Hyvin"},
                {"id": "huonosti", "text": "Huonosti"},
                {"id": "en-tieda", "text": "En osaa sanoa"},
            ],
        },
    }
    # docs/protocol.md's table of this kind's view fields (python3 -m workshops.protocol_doc)
    view_doc = """
| field | `host_view` | `screen_view` | `pupil_view` | `own_view` | meaning |
| --- | --- | --- | --- | --- | --- |
| `question` | ✓ | ✓ | ✓ |  | text |
| `options` | ✓ | ✓ | ✓ |  | the options, in order |
| `options[].id` | ✓ | ✓ | ✓ |  | what `vote.options` takes |
| `options[].text` | ✓ | ✓ | ✓ |  | text |
| `multiple` | ✓ | ✓ | ✓ |  | several options may be picked |
| `mode` | ✓ | ✓ | ✓ |  | `"poll"` (no right answer) or `"quiz"` |
| `answer_by` | ✓ | ✓ | ✓ |  | `"individual"` or `"team"` |
| `image` | ✓ | ✓ | ✓ |  | an image file name, or `null` |
| `phase` | ✓ | ✓ | ✓ |  | `"open"`, `"closed"` or `"revealed"` |
| `closes_at` | ✓ | ✓ | ✓ |  | time the answering closes, or `null` (no timer running) |
| `answered` | ✓ | ✓ |  |  | how many have answered (teams with an answer, for a team question) |
| `total` | ✓ | ✓ |  |  | how many can (pupils plus hands entered, or teams with members or an entered answer) |
| `entered` | ✓ | ✓ |  |  | how many of the answers the facilitator entered (hands counted, or teams' answers) |
| `hands` | ✓ |  |  |  | the raised hands the facilitator entered |
| `hands{}` | ✓ |  |  |  | option id → hands |
| `team_entered` | ✓ |  |  |  | team questions: the answers the facilitator entered for teams |
| `team_entered{}` | ✓ |  |  |  | team id → option ids |
| `counts` | ✓ | ✓ | ✓ |  | the votes per option (teams' answers for a team question); projector and phones: only once revealed |
| `counts{}` | ✓ | ✓ | ✓ |  | option id → count |
| `correct` | ✓ | ✓ | ✓ |  | the right option ids (`[]` for a poll); projector and phones: only once revealed |
| `explanation` | ✓ | ✓ | ✓ |  | text; projector and phones: only once revealed |
| `answered_by` | ✓ |  |  |  | the seats that have voted |
| `team_answers` | ✓ |  |  |  | team questions: each team's answer |
| `team_answers{}` | ✓ |  |  |  | team id → option ids |
| `mine` |  |  |  | ✓ | the option ids this pupil picked (`[]`: none yet) |
| `team_votes` |  |  |  | ✓ | team questions, pupils in a team: how the team voted |
| `team_votes{}` |  |  |  | ✓ | a teammate's nickname → their option ids |
| `team_answer` |  |  |  | ✓ | team questions: the team's answer so far (option ids) |
| `right` |  |  |  | ✓ | quizzes, once revealed: whether this pupil's (or team's) answer is exactly the right one |
| `entered` |  |  |  | ✓ | team questions: the facilitator entered this team's answer |
"""  # noqa: E501
    strings = {
        "pick_one": Says(en="Pick one", fi="Valitse yksi", sv="Välj ett"),
        "pick_many": Says(
            en="Pick one or more, then send",
            fi="Valitse yksi tai useampi ja lähetä",
            sv="Välj ett eller flera och skicka",
        ),
        "team_votes": Says(en="Your team's votes", fi="Tiimisi äänet", sv="Ditt lags röster"),
        "team_answer": Says(en="Your team's answer", fi="Tiiminne vastaus", sv="Ert lags svar"),
        "team_mode": Says(en="Answered as teams", fi="Tiimit vastaavat yhdessä", sv="Lagen svarar tillsammans"),
        # the phone's reveal, in words beside the colours
        "your_answer": Says(en="Your answer", fi="Sinun vastauksesi", sv="Ditt svar"),
        "right_answer": Says(en="Right answer", fi="Oikea vastaus", sv="Rätt svar"),
    }
    errors = {
        "one_option": KindError(
            meaning="Several options for a question that takes one.",
            says=Says(en="Pick just one option.", fi="Valitse vain yksi vaihtoehto.", sv="Välj bara ett alternativ."),
        ),
    }
    pupil_actions = {"vote": Vote}
    host_actions = {**OpenCloseReveal.question_commands, "enter": Enter}
    author_checks = {
        "quiz_without_answer": AuthorCheck(
            Says(
                en="this step is a quiz (mode: quiz) but has no `answer:`; add `answer:` with the id of the right "
                "option (the options are: {ids})",
                fi="tämä vaihe on tietovisa (mode: quiz), mutta siltä puuttuu `answer:`; lisää `answer:` ja oikean "
                "vaihtoehdon tunnus (vaihtoehdot ovat: {ids})",
                sv="det här steget är en frågesport (mode: quiz) men saknar `answer:`; lägg till `answer:` med id för "
                "rätt alternativ (alternativen är: {ids})",
            ),
            "mode",
            args=_option_ids,
        ),
        "poll_with_answer": AuthorCheck(
            Says(
                en="a poll has no right answer: remove `answer:`, or add `mode: quiz` to make this step a quiz",
                fi="kyselyssä ei ole oikeaa vastausta: poista `answer:`, tai lisää `mode: quiz`, "
                "jos vaihe on tietovisa",
                sv="en enkät har inget rätt svar: ta bort `answer:`, eller lägg till `mode: quiz` om steget är en "
                "frågesport",
            ),
            "answer",
        ),
        "answers_need_multiple": AuthorCheck(
            Says(
                en="several right answers need `multiple: true`: add it to this step, or keep only one answer",
                fi="useampi oikea vastaus vaatii kohdan `multiple: true`: lisää se tähän vaiheeseen, tai jätä vain "
                "yksi vastaus",
                sv="flera rätta svar kräver `multiple: true`: lägg till det i steget, eller behåll bara ett svar",
            ),
            "answer",
        ),
    }

    def setup(self, step: ChoiceStep, ctx: Ctx) -> ChoiceState:
        return ChoiceState("open", {}, {}, 0, self.closes(step, ctx))

    def affects_team(self, step: ChoiceStep) -> bool:
        return step.answer_by == "team"

    # -- moves ------------------------------------------------------------
    def pupil_move(self, step: ChoiceStep, state: ChoiceState, seat: Seat, action: Vote, ctx: Ctx):
        if not self.answering_open(state, ctx):
            return Rejected("closed", "Answering has closed for this question.")
        chosen = tuple(dict.fromkeys(action.options))
        known = {o.id for o in step.options}
        if any(c not in known for c in chosen):
            return Rejected("bad_option", "That option is not in this question.")
        if len(chosen) > 1 and not step.multiple:
            return Rejected("one_option", "Pick just one option.")
        if step.answer_by == "team" and seat.team is None:
            return Rejected("no_team", "You are not in a team yet: wait for the facilitator.")
        if state.votes.get(seat.id) == chosen:
            return state  # the same answer again changes nothing
        # A member's vote ends what the facilitator entered for the team: the phones answer again.
        team_entered = state.team_entered
        if step.answer_by == "team" and seat.team in team_entered:
            team_entered = {t: a for t, a in team_entered.items() if t != seat.team}
        return replace(
            state,
            votes={**state.votes, seat.id: chosen},
            order={**state.order, seat.id: state.seq},
            seq=state.seq + 1,
            team_entered=team_entered,
        )

    def host_move(self, step: ChoiceStep, state: ChoiceState, action: Any, ctx: Ctx):
        if action.type == "enter":
            return self.enter(step, state, action, ctx)
        result = self.question_command(step, state, action, ctx)
        return result if result is not None else Rejected("unknown_action", "This step has no such command.")

    def enter(self, step: ChoiceStep, state: ChoiceState, action: Enter, ctx: Ctx) -> ChoiceState | Rejected:
        """Raised hands per option, or a team's answer said aloud, beside the phones' votes."""
        if step.answer_by == "team" and (action.team is None or action.team not in ctx.team_ids):
            return Rejected("no_such_team", "Pick the team whose answer this is.")
        if step.answer_by != "team" and action.team is not None:
            return Rejected("not_team_task", "This question is answered by everyone: enter the class's hands.")
        chosen: tuple[str, ...] = ()
        if action.answer is not None:
            try:
                vote = Vote.model_validate(action.answer, strict=True)
            except ValidationError:
                return Rejected("bad_payload", "That answer does not fit this question.")
            chosen = tuple(dict.fromkeys(vote.options))
            if any(c not in {o.id for o in step.options} for c in chosen):
                return Rejected("bad_option", "That option is not in this question.")
        if action.team is not None:
            if action.count == 0 or not chosen:
                return replace(state, team_entered={t: a for t, a in state.team_entered.items() if t != action.team})
            if len(chosen) > 1 and not step.multiple:
                return Rejected("one_option", "Pick just one option.")
            return replace(state, team_entered={**state.team_entered, action.team: chosen})
        if not chosen:
            return Rejected("bad_payload", "Enter the option the hands were raised for.")
        # Each option's hands are counted on their own: the count replaces the earlier one.
        hands = {o: n for o, n in state.hands.items() if o not in chosen}
        if action.count:
            hands |= {o: action.count for o in chosen}
        return replace(state, hands=hands)

    def _entered(self, step: ChoiceStep, state: ChoiceState, ctx: Ctx) -> int:
        """Answers the facilitator entered: hands counted (on a question of several picks, a hand
        raised for two options is one pupil: the largest option's hands), or teams' answers."""
        if step.answer_by == "team":
            return len([t for t in state.team_entered if t in ctx.team_ids])
        return max(state.hands.values(), default=0) if step.multiple else sum(state.hands.values())

    # -- tallies ----------------------------------------------------------
    def _active_votes(self, state: ChoiceState, ctx: Ctx) -> dict[str, tuple[str, ...]]:
        return {sid: v for sid, v in state.votes.items() if sid in ctx.seats}

    def team_answers(self, step: ChoiceStep, state: ChoiceState, ctx: Ctx) -> dict[str, tuple[str, ...]]:
        """Each team's answer: the options picked by its majority (ties: the earlier vote)."""
        votes = self._active_votes(state, ctx)
        answers: dict[str, tuple[str, ...]] = {}
        for team in ctx.team_ids:
            members = [sid for sid in ctx.team_members(team) if sid in votes]
            if not members:
                continue
            if step.multiple:
                # An option is the team's when more than half of its voters picked it.
                counts = Counter(o for sid in members for o in votes[sid])
                picked = tuple(o.id for o in step.options if counts[o.id] > len(members) / 2)
                if picked:
                    answers[team] = picked
            else:
                counts = Counter(votes[sid][0] for sid in members)
                first_seen: dict[str, int] = {}
                for sid in sorted(members, key=lambda s: state.order[s]):
                    first_seen.setdefault(votes[sid][0], state.order[sid])
                best = max(counts, key=lambda o: (counts[o], -first_seen[o]))
                answers[team] = (best,)
        # What the facilitator entered for a team is that team's answer: it was said aloud.
        return answers | {t: a for t, a in state.team_entered.items() if t in ctx.team_ids}

    def counts(self, step: ChoiceStep, state: ChoiceState, ctx: Ctx) -> dict[str, int]:
        if step.answer_by == "team":
            ballots = self.team_answers(step, state, ctx).values()
        else:
            ballots = self._active_votes(state, ctx).values()
        counts = {o.id: 0 for o in step.options}
        for ballot in ballots:
            for o in ballot:
                counts[o] += 1
        if step.answer_by != "team":
            for o, n in state.hands.items():
                counts[o] += n
        return counts

    # -- views -------------------------------------------------------------
    def _question(self, step: ChoiceStep, ctx: Ctx) -> dict[str, Any]:
        return {
            "question": as_map(step.question, ctx.language),
            "options": [{"id": o.id, "text": as_map(o.text, ctx.language)} for o in step.options],
            "multiple": step.multiple,
            "mode": step.mode,
            "answer_by": step.answer_by,
            "image": step.image,
        }

    def _results(self, step: ChoiceStep, state: ChoiceState, ctx: Ctx) -> dict[str, Any]:
        return {
            "counts": self.counts(step, state, ctx),
            "correct": sorted(step.correct),
            "explanation": as_map(step.explanation, ctx.language),
        }

    def _progress(self, step: ChoiceStep, state: ChoiceState, ctx: Ctx) -> dict[str, Any]:
        entered = self._entered(step, state, ctx)
        if step.answer_by == "team":
            answers = self.team_answers(step, state, ctx)
            answered = len(answers)
            total = len([t for t in ctx.team_ids if ctx.team_members(t) or t in answers])
        else:
            answered = len(self._active_votes(state, ctx)) + entered
            total = len(ctx.seats) + entered
        return {
            "phase": state.phase,
            "closes_at": state.closes_at,
            "answered": answered,
            "total": total,
            "entered": entered,
        }

    def screen_view(self, step: ChoiceStep, state: ChoiceState, ctx: Ctx) -> dict[str, Any]:
        view = self._question(step, ctx) | self._progress(step, state, ctx)
        if state.phase == "revealed":
            view |= self._results(step, state, ctx)
        return view

    def host_view(self, step: ChoiceStep, state: ChoiceState, ctx: Ctx) -> dict[str, Any]:
        view = self._question(step, ctx) | self._progress(step, state, ctx) | self._results(step, state, ctx)
        view["answered_by"] = sorted(self._active_votes(state, ctx))
        if step.answer_by == "team":
            view["team_answers"] = {t: list(a) for t, a in self.team_answers(step, state, ctx).items()}
        view["hands"] = dict(state.hands)
        view["team_entered"] = {t: list(a) for t, a in state.team_entered.items()}
        return view

    def pupil_view(self, step: ChoiceStep, state: ChoiceState, ctx: Ctx) -> dict[str, Any]:
        view = self._question(step, ctx) | {"phase": state.phase, "closes_at": state.closes_at}
        if state.phase == "revealed":
            view |= self._results(step, state, ctx)
        return view

    def pupil_own(self, step: ChoiceStep, state: ChoiceState, seat: Seat, ctx: Ctx) -> dict[str, Any]:
        own: dict[str, Any] = {"mine": list(state.votes.get(seat.id, ()))}
        if step.answer_by == "team" and seat.team is not None:
            members = ctx.team_members(seat.team)
            own["team_votes"] = {ctx.seats[m].nick: list(state.votes[m]) for m in members if m in state.votes}
            own["team_answer"] = list(self.team_answers(step, state, ctx).get(seat.team, ()))
            if seat.team in state.team_entered:
                own["entered"] = True
        if state.phase == "revealed" and step.mode == "quiz":
            ballot = own.get("team_answer", []) if step.answer_by == "team" else own["mine"]
            own["right"] = bool(ballot) and set(ballot) == set(step.correct)
        return own

    def summary(self, step: ChoiceStep, state: ChoiceState, ctx: Ctx) -> dict[str, Any]:
        return self._results(step, state, ctx) | self._progress(step, state, ctx)

    # -- for tests and bots: what the views hide until the reveal, and sample moves ------------
    secret = frozenset({"correct", "explanation", "counts", "right"})

    def sample_moves(self, step, state, seat, ctx):
        ids = [o.id for o in step.options]
        right = sorted(step.correct) if step.correct else []
        moves = [{"type": "vote", "options": right}] if right and (step.multiple or len(right) == 1) else []
        moves += [{"type": "vote", "options": [i]} for i in ids]
        if step.multiple:
            moves.append({"type": "vote", "options": ctx.rng.sample(ids, 2)})
        return moves

    def sample_commands(self, step, state, ctx):
        team = ctx.team_ids[0] if step.answer_by == "team" and ctx.team_ids else None
        extra = {"team": team} if team else {}
        entries = [
            {"type": "enter", "answer": {"type": "vote", "options": [o.id]}, "count": ctx.rng.randint(0, 30), **extra}
            for o in step.options
        ]
        return super().sample_commands(step, state, ctx) + entries
