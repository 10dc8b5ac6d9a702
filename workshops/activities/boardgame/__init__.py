"""Arjen valinnat-style board game: teams play characters through one day on a shared board."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, ValidationError

from ...identity_cache import IdentityCache
from ..base import ActionModel, Activity, AuthorCheck, Ctx, Enter, KindError, Rejected, Says, Seat, timer_due
from ..text import as_map
from . import game as rules
from .config import SNIPPET, BoardGameStep, Card
from .game import Change, GameState, Token, Turn

Id = Annotated[str, Field(max_length=40)]


class Vote(ActionModel):
    type: Literal["vote"]
    choice: Id


class Command(ActionModel):
    type: Literal["start", "deal", "close", "reveal", "pause", "resume", "end"]


class Skip(ActionModel):
    type: Literal["skip"]
    team: Annotated[str, Field(pattern=r"^t\d{1,2}$")]


class Extend(ActionModel):
    type: Literal["extend"]
    seconds: int = Field(ge=5, le=600)


def _change_view(change: Change | None) -> dict[str, Any] | None:
    if change is None:
        return None
    return {
        "moved": change.moved,
        "meters": change.meters,
        "set": list(change.flags_set),
        "cleared": list(change.flags_cleared),
    }


class BoardGame(Activity[BoardGameStep, GameState]):
    kind = "boardgame"
    config = BoardGameStep
    snippet = SNIPPET
    author_checks = {
        "unknown_meter": AuthorCheck(
            Says(
                en="unknown meter '{id}'; declare it under `meters:` first, or write one of: {names}",
                fi="tuntematon mittari '{id}'; määrittele se ensin kohdassa `meters:`, "
                "tai kirjoita jokin näistä: {names}",
                sv="okänd mätare '{id}'; ange '{id}' först under `meters:`, eller skriv en av: {names}",
            ),
        ),
        "unknown_flag": AuthorCheck(
            Says(
                en="unknown flag '{id}'; declare it under `flags:` first, or write one of: {names}",
                fi="tuntematon merkki '{id}'; määrittele se ensin kohdassa `flags:`, "
                "tai kirjoita jokin näistä: {names}",
                sv="okänd flagga '{id}'; ange '{id}' först under `flags:`, eller skriv en av: {names}",
            ),
        ),
        "unknown_section": AuthorCheck(
            Says(
                en="unknown section '{id}'; declare it under `sections:` first, or write one of: {names}",
                fi="tuntematon osio '{id}'; määrittele se ensin kohdassa `sections:`, "
                "tai kirjoita jokin näistä: {names}",
                sv="okänt avsnitt '{id}'; ange '{id}' först under `sections:`, eller skriv en av: {names}",
            ),
        ),
        "unknown_effect": AuthorCheck(
            Says(
                en="an effect is one of: move:, meter: with change:, set:, clear:, others:, if: with then:",
                fi="vaikutus on jokin näistä: move:, meter: ja change:, set:, clear:, others:, if: ja then:",
                sv="en effekt är en av: move:, meter: med change:, set:, clear:, others:, if: med then:",
            ),
        ),
        "unknown_condition": AuthorCheck(
            Says(
                en="a condition is one of: flag:, not_flag:, meter: with below: or at_least:, section:, all:, any:",
                fi="ehto on jokin näistä: flag:, not_flag:, meter: ja below: tai at_least:, section:, all:, any:",
                sv="ett villkor är ett av: flag:, not_flag:, meter: med below: eller at_least:, section:, all:, any:",
            ),
        ),
        "meter_test_bound": AuthorCheck(
            Says(
                en="give exactly one of `below:` or `at_least:`",
                fi="anna tasan toinen: `below:` tai `at_least:`",
                sv="ge exakt ett av `below:` eller `at_least:`",
            ),
            "meter",
        ),
        "meter_range": AuthorCheck(
            Says(
                en="`start:` must be between `min:` and `max:`",
                fi="kohdan `start:` pitää olla kohtien `min:` ja `max:` välillä",
                sv="`start:` måste ligga mellan `min:` och `max:`",
            ),
            "start",
            value=True,
        ),
        "board_too_short": AuthorCheck(
            Says(
                en="the board needs at least 2 spaces: give the sections more `spaces:`",
                fi="pelilaudalla pitää olla vähintään 2 ruutua: anna osioille lisää ruutuja (`spaces:`)",
                sv="spelplanen behöver minst 2 rutor: ge avsnitten fler `spaces:`",
            ),
        ),
    }
    # docs/protocol.md's table of this kind's view fields (python3 -m workshops.protocol_doc)
    view_doc = """
| field | `host_view` | `screen_view` | `pupil_view` | `own_view` | meaning |
| --- | --- | --- | --- | --- | --- |
| `sections` | ✓ | ✓ | ✓ |  | the board's sections, in order |
| `sections[].id` | ✓ | ✓ | ✓ |  | a section id |
| `sections[].name` | ✓ | ✓ | ✓ |  | text |
| `sections[].spaces` | ✓ | ✓ | ✓ |  | its spaces |
| `spaces` | ✓ | ✓ | ✓ |  | spaces on the board |
| `meters` | ✓ | ✓ | ✓ | ✓ | host, projector, phones: the meters (a list); own view: the team's meter values (`meters{}`) |
| `meters[].id` | ✓ | ✓ | ✓ |  | a meter id |
| `meters[].name` | ✓ | ✓ | ✓ |  | text |
| `meters[].min` | ✓ | ✓ | ✓ |  | its lowest value |
| `meters[].max` | ✓ | ✓ | ✓ |  | its highest value |
| `meters{}` |  |  |  | ✓ | meter id → the team's value |
| `rounds` | ✓ | ✓ | ✓ |  | rounds in the game |
| `intro` | ✓ | ✓ | ✓ |  | text |
| `phase` | ✓ | ✓ | ✓ |  | `"setup"` (before `start`), `"ready"`, `"voting"`, `"closed"`, `"revealed"` or `"ended"` |
| `round` | ✓ | ✓ | ✓ |  | rounds dealt so far |
| `closes_at` | ✓ | ✓ | ✓ |  | time the vote closes, or `null` |
| `paused` | ✓ | ✓ | ✓ |  | the vote is paused |
| `end_reason` | ✓ | ✓ | ✓ |  | `null`, or why the game ended: `"finish"`, `"rounds"`, `"cards"`, `"facilitator"` |
| `teams` | ✓ | ✓ |  |  | each playing team's token |
| `teams[].team` | ✓ | ✓ |  |  | the team id |
| `teams[].character` | ✓ | ✓ |  |  | the team's character (a *character*, below) |
| `teams[].position` | ✓ | ✓ |  |  | its space |
| `teams[].section` | ✓ | ✓ |  |  | the section id of that space |
| `teams[].meters{}` | ✓ | ✓ |  |  | meter id → value |
| `teams[].voted` | ✓ | ✓ |  |  | members who have voted on the team's card |
| `teams[].members` | ✓ | ✓ |  |  | members |
| `teams[].entered` | ✓ | ✓ |  |  | host: the choice id the facilitator entered for the team this round, or `null`; projector: whether one was entered |
| `teams[].split{}` | ✓ |  |  |  | choice id → members who voted for it |
| `teams[].card` | ✓ | ✓ |  |  | the team's card this round, if it has one (a *card*; the host's also has `questions` and `notes`) |
| `teams[].last` | ✓ | ✓ |  |  | once revealed or ended: the team's turn this round (a *turn*), or `null` |
| `teams[].journey` | ✓ | ✓ |  |  | every turn so far (projector: at the end) |
| `teams[].flags` | ✓ |  |  |  | the flag ids the team's character carries |
| `questions` | ✓ | ✓ |  |  | at the end: talking points of the cards played |
| `questions[].card` | ✓ | ✓ |  |  | text: the card's title |
| `questions[].questions` | ✓ | ✓ |  |  | texts |
| `votes` | ✓ |  |  |  | the votes of this round |
| `votes{}` | ✓ |  |  |  | seat → choice id |
| `answered_by` | ✓ |  |  |  | the seats that have voted |
| `flags` | ✓ |  |  |  | what the pack's flags mean |
| `flags{}` | ✓ |  |  |  | flag id → text |
| `playing` |  |  |  | ✓ | whether this pupil's team plays (`false`: nothing else is sent) |
| `team` |  |  |  | ✓ | the team id |
| `character` |  |  |  | ✓ | the team's character (a *character*) |
| `position` |  |  |  | ✓ | its space |
| `section` |  |  |  | ✓ | the section id of that space |
| `split{}` |  |  |  | ✓ | choice id → teammates who voted for it |
| `team_size` |  |  |  | ✓ | members |
| `entered` |  |  |  | ✓ | the facilitator entered the team's choice this round (it decides the turn) |
| `card` |  |  |  | ✓ | while voting or closed: the team's card (a *card*) |
| `last` |  |  |  | ✓ | once revealed or ended: the team's turn this round (a *turn*), or `null` |
| `journey` |  |  |  | ✓ | at the end: every turn |
| `mine` |  |  |  | ✓ | this pupil's vote (a choice id), or `null` |

Where a table says *character*, *card* or *turn*, the object has these fields, under that path
(`teams[].card.id`, `last.change.moved`, `teams[].journey[].from_others[].team`, …):

| field | `host_view` | `screen_view` | `pupil_view` | `own_view` | meaning |
| --- | --- | --- | --- | --- | --- |
| `character.id`, `character.name`, `character.age`, `character.story`, `character.image` | ✓ | ✓ |  | ✓ | a *character*: its id, name, age, text, and image file name (or `null`) |
| `card.id`, `card.title`, `card.text`, `card.image`, `card.section` | ✓ | ✓ |  | ✓ | a *card*: its id, title and text (texts), image (or `null`) and section id (or `null`) |
| `card.choices`, `card.choices[].id`, `card.choices[].text` | ✓ | ✓ |  | ✓ | its choices: what `vote.choice` takes, with their texts |
| `card.questions`, `card.notes` | ✓ |  |  |  | the facilitator's talking points (texts) and notes (text) |
| `turn.round` | ✓ | ✓ |  | ✓ | a *turn*: the round |
| `turn.card` | ✓ | ✓ |  | ✓ | the card played (a *card*), or `null` |
| `turn.choice` | ✓ | ✓ |  | ✓ | the team's choice id, `null` if nobody voted |
| `turn.split{}` | ✓ | ✓ |  | ✓ | choice id → votes |
| `turn.entered` | ✓ | ✓ |  | ✓ | the choice was entered by the facilitator (said aloud), not voted on devices |
| `turn.change` | ✓ | ✓ |  | ✓ | what the choice did to the token (a *change*), or `null` |
| `turn.choice_text`, `turn.consequence` | ✓ | ✓ |  | ✓ | when a choice was made: its text and consequence (texts) |
| `turn.from_others`, `turn.from_others[].team`, `turn.from_others[].change` | ✓ | ✓ |  | ✓ | what other teams' choices did to this token: the team and a *change* |
| `turn.chance`, `turn.chance.title`, `turn.chance.text`, `turn.chance.change` | ✓ | ✓ |  | ✓ | a chance card drawn this round: title, text and a *change* |
| `change.moved`, `change.meters{}`, `change.set`, `change.cleared` | ✓ | ✓ |  | ✓ | a *change*: spaces moved (negative: back), meter id → change, flag ids set, flag ids cleared |
"""  # noqa: E501
    strings = {
        "board": Says(en="The board", fi="Pelilauta", sv="Spelplanen"),
        "round_of": Says(en="Round {n} of {total}", fi="Kierros {n}/{total}", sv="Omgång {n}/{total}"),
        "first_card": Says(
            en="The first card is coming", fi="Ensimmäinen kortti tulossa", sv="Det första kortet kommer snart"
        ),
        "by_team": Says(en="{team}'s choice", fi="{team}:n valinta", sv="Valet av {team}"),
        "moved_forward": Says(en="{n} forward", fi="{n} eteenpäin", sv="{n} framåt"),
        "moved_back": Says(en="{n} back", fi="{n} taaksepäin", sv="{n} bakåt"),
        "stayed": Says(en="Stayed in place", fi="Pysyi paikallaan", sv="Stod kvar"),
        "because_of": Says(
            en="Another team's choice ({team})", fi="Toisen tiimin valinta ({team})", sv="Ett annat lags val ({team})"
        ),
        "chance": Says(en="Chance", fi="Sattuma", sv="Slumpen"),
        "no_decision": Says(en="No decision", fi="Ei päätöstä", sv="Inget beslut"),
        "voted_n": Says(en="{n} / {total} voted", fi="{n}/{total} äänestänyt", sv="{n}/{total} har röstat"),
        "team_voted": Says(
            en="{n} / {total} of your team have voted",
            fi="Tiimistäsi {n}/{total} on äänestänyt",
            sv="{n}/{total} i ditt lag har röstat",
        ),
        "wait_game": Says(
            en="The game starts soon. Wait for the facilitator.",
            fi="Peli alkaa pian. Odota ohjaajaa.",
            sv="Spelet börjar snart. Vänta på handledaren.",
        ),
        "wait_round": Says(en="Wait for the next round.", fi="Odota seuraavaa kierrosta.", sv="Vänta på nästa omgång."),
        "no_card": Says(
            en="No card for your team this round.",
            fi="Tiimillenne ei ole korttia tällä kierroksella.",
            sv="Ert lag har inget kort den här omgången.",
        ),
        "your_character": Says(en="Your character", fi="Hahmosi", sv="Din rollfigur"),
        "game_over": Says(en="The game is over", fi="Peli on päättynyt", sv="Spelet är slut"),
        "journey": Says(en="Your team's day", fi="Tiiminne päivä", sv="Ert lags dag"),
        "start_game": Says(en="Start the game", fi="Aloita peli", sv="Starta spelet"),
        "deal": Says(en="Deal the next round", fi="Jaa seuraava kierros", sv="Dela ut nästa omgång"),
        "skip_card": Says(en="Skip this card", fi="Ohita tämä kortti", sv="Hoppa över kortet"),
        "end_game": Says(en="End the game", fi="Lopeta peli", sv="Avsluta spelet"),
        "end_game_confirm": Says(
            en="End the game now and show the day's story?",
            fi="Lopetetaanko peli nyt ja näytetään päivän tarina?",
            sv="Avsluta spelet nu och visa dagens berättelse?",
        ),
        "game_needs_teams": Says(
            en=(
                "Split the class into teams in the pupil list, then start the game. "
                "A team without a device plays too: you enter its choices."
            ),
            fi=(
                "Jaa luokka tiimeihin oppilaslistassa ja aloita sitten peli. "
                "Myös tiimi ilman laitetta pelaa: syötät sen valinnat itse."
            ),
            sv=(
                "Dela in klassen i lag i elevlistan och starta sedan spelet. "
                "Också ett lag utan enhet spelar: du för in dess val själv."
            ),
        ),
    }
    errors = {
        "round_open": KindError(
            meaning="`deal` while a round is voting or closed: reveal it first.",
            says=Says(
                en="Reveal this round before dealing the next one.",
                fi="Näytä tämän kierroksen tulokset ennen kuin jaat seuraavan.",
                sv="Visa den här omgångens resultat innan du delar ut nästa.",
            ),
        ),
        "nothing_to_reveal": KindError(
            meaning="`reveal` with no round voting or closed.",
            says=Says(en="Deal a round first.", fi="Jaa ensin kierros.", sv="Dela först ut en omgång."),
        ),
        "paused": KindError(
            meaning="A vote while the game is paused.",
            says=Says(en="The game is paused.", fi="Peli on tauolla.", sv="Spelet har paus."),
        ),
        "no_card": KindError(
            meaning="`skip` for a team that has no card in a voting round.",
            says=Says(
                en="That team has no card to skip.",
                fi="Tiimillä ei ole ohitettavaa korttia.",
                sv="Laget har inget kort att hoppa över.",
            ),
        ),
        "no_cards_left": KindError(
            meaning="`skip`: no other card fits this team now.",
            says=Says(
                en="No other card fits this team now.",
                fi="Tälle tiimille ei nyt sovi muuta korttia.",
                sv="Inget annat kort passar det här laget nu.",
            ),
        ),
    }
    # A team's shared own-view part per (state, seats, team); see _team_part.
    _shared: ClassVar[IdentityCache[tuple[dict[str, Any], frozenset[str]]]] = IdentityCache(512)
    pupil_actions = {"vote": Vote}
    host_actions = {
        "start": Command,
        "deal": Command,
        "close": Command,
        "reveal": Command,
        "pause": Command,
        "resume": Command,
        "end": Command,
        "skip": Skip,
        "extend": Extend,
        "enter": Enter,
    }

    def setup(self, step: BoardGameStep, ctx: Ctx) -> GameState:
        return GameState()

    def affects_team(self, step: BoardGameStep) -> bool:
        return True

    # -- moves ----------------------------------------------------------------------------
    def pupil_move(self, step: BoardGameStep, state: GameState, seat: Seat, action: Vote, ctx: Ctx):
        if state.phase != "voting":
            return Rejected("closed", "Voting is not open right now.")
        if state.paused_left is not None:
            return Rejected("paused", "The game is paused.")
        if state.closes_at is not None and ctx.now >= state.closes_at:
            return Rejected("closed", "Voting is not open right now.")
        if seat.team is None or seat.team not in state.hands:
            return Rejected("no_team", "You are not in a playing team: ask the facilitator.")
        card = step.card(state.hands[seat.team])
        if action.choice not in {c.id for c in card.choices}:
            return Rejected("bad_option", "That choice is not on your team's card.")
        if state.votes.get(seat.id) == action.choice:
            return state
        return replace(
            state,
            votes={**state.votes, seat.id: action.choice},
            order={**state.order, seat.id: state.seq},
            seq=state.seq + 1,
        )

    def host_move(self, step: BoardGameStep, state: GameState, action: Any, ctx: Ctx):
        kind = action.type
        if kind == "start":
            if state.phase != "setup":
                return Rejected("started", "The game has already started.")
            # Every team the facilitator made plays: one without a device says its choice aloud
            # and the facilitator enters it.
            playing = tuple(ctx.team_ids)
            if not playing:
                return Rejected("no_teams", "Split the class into teams first.")
            return rules.start(step, playing, ctx.rng)
        if state.phase == "setup":
            return Rejected("not_started", "Start the game first.")
        if state.phase == "ended":
            return Rejected("ended", "The game has ended.")
        if kind == "deal":
            if state.phase not in ("ready", "revealed"):
                return Rejected("round_open", "Reveal this round before dealing the next one.")
            dealt = rules.deal(step, state, ctx.now, ctx.rng)
            if not dealt.hands:
                return replace(state, phase="ended", end_reason="cards")
            return dealt
        if kind == "close":
            if state.phase != "voting":
                return Rejected("closed", "Voting is not open.")
            return replace(state, phase="closed", closes_at=None, paused_left=None)
        if kind == "reveal":
            if state.phase not in ("voting", "closed"):
                return Rejected("nothing_to_reveal", "Deal a round first.")
            teams = {t: ctx.team_members(t) for t in state.tokens}
            return rules.reveal(step, state, teams, ctx.rng)
        if kind == "pause":
            if state.phase != "voting" or state.paused_left is not None:
                return Rejected("not_running", "Nothing to pause.")
            left = max(0.0, state.closes_at - ctx.now) if state.closes_at else None
            return replace(state, paused_left=left if left is not None else -1.0, closes_at=None)
        if kind == "resume":
            if state.paused_left is None:
                return Rejected("not_paused", "The game is not paused.")
            closes = ctx.now + state.paused_left if state.paused_left >= 0 else None
            return replace(state, paused_left=None, closes_at=closes)
        if kind == "extend":
            if state.phase != "voting" or state.closes_at is None:
                return Rejected("no_timer", "No vote timer is running.")
            return replace(state, closes_at=max(state.closes_at, ctx.now) + action.seconds)
        if kind == "enter":
            return self._enter(step, state, action)
        if kind == "skip":
            if state.phase != "voting" or action.team not in state.hands:
                return Rejected("no_card", "That team has no card to skip.")
            redealt = rules.redeal(step, state, action.team, ctx.rng)
            if redealt is None:
                return Rejected("no_cards_left", "No other card fits this team now.")
            members = set(ctx.team_members(action.team))
            votes = {s: v for s, v in redealt.votes.items() if s not in members}
            entered = {t: c for t, c in redealt.entered.items() if t != action.team}
            return replace(redealt, votes=votes, entered=entered)
        if kind == "end":
            return replace(state, phase="ended", closes_at=None, paused_left=None, end_reason="facilitator")
        return Rejected("unknown_action", "This step has no such command.")

    def _enter(self, step: BoardGameStep, state: GameState, action: Enter) -> GameState | Rejected:
        """A team's choice said aloud: it decides the team's turn, whatever its phones voted."""
        if state.phase not in ("voting", "closed"):
            return Rejected("closed", "Voting is not open right now.")
        if action.team is None or action.team not in state.hands:
            return Rejected("no_card", "That team has no card to answer.")
        if action.count == 0 or action.answer is None:
            return replace(state, entered={t: c for t, c in state.entered.items() if t != action.team})
        try:
            vote = Vote.model_validate(action.answer, strict=True)
        except ValidationError:
            return Rejected("bad_payload", "That answer does not fit this card.")
        if vote.choice not in {c.id for c in step.card(state.hands[action.team]).choices}:
            return Rejected("bad_option", "That choice is not on the team's card.")
        return replace(state, entered={**state.entered, action.team: vote.choice})

    def timer(self, step: BoardGameStep, state: GameState, ctx: Ctx):
        refused = timer_due(state.closes_at if state.phase == "voting" else None, ctx.now)
        return refused or replace(state, phase="closed", closes_at=None)

    def deadline(self, step: BoardGameStep, state: GameState) -> float | None:
        return state.closes_at if state.phase == "voting" else None

    def leave(self, step: BoardGameStep, state: GameState, ctx: Ctx) -> GameState:
        # Leaving the board mid-vote pauses it; the facilitator continues it on return.
        if state.phase == "voting" and state.paused_left is None:
            left = max(0.0, state.closes_at - ctx.now) if state.closes_at else -1.0
            return replace(state, paused_left=left, closes_at=None)
        return state

    # -- views ----------------------------------------------------------------------------
    def _board(self, step: BoardGameStep, ctx: Ctx) -> dict[str, Any]:
        lang = ctx.language
        return {
            "sections": [{"id": s.id, "name": as_map(s.name, lang), "spaces": s.spaces} for s in step.sections],
            "spaces": step.spaces,
            "meters": [{"id": m.id, "name": as_map(m.name, lang), "min": m.min, "max": m.max} for m in step.meters],
            "rounds": step.rounds,
            "intro": as_map(step.intro, lang),
        }

    def _character(self, step: BoardGameStep, char_id: str, ctx: Ctx) -> dict[str, Any]:
        c = next(ch for ch in step.characters if ch.id == char_id)
        return {"id": c.id, "name": c.name, "age": c.age, "story": as_map(c.story, ctx.language), "image": c.image}

    def _card(self, step: BoardGameStep, card_id: str, ctx: Ctx, *, secrets: bool = False) -> dict[str, Any]:
        card = step.card(card_id)
        lang = ctx.language
        view: dict[str, Any] = {
            "id": card.id,
            "title": as_map(card.title, lang),
            "text": as_map(card.text, lang),
            "image": card.image,
            "section": card.section,
            "choices": [{"id": c.id, "text": as_map(c.text, lang)} for c in card.choices],
        }
        if secrets:
            view["questions"] = [as_map(q, lang) for q in card.questions]
            view["notes"] = as_map(card.notes, lang)
        return view

    def _turn(self, step: BoardGameStep, turn: Turn, ctx: Ctx) -> dict[str, Any]:
        lang = ctx.language
        view: dict[str, Any] = {
            "round": turn.round,
            "card": self._card(step, turn.card, ctx) if turn.card else None,
            "choice": turn.choice,
            "split": turn.split,
            "change": _change_view(turn.own),
            "from_others": [{"team": team, "change": _change_view(ch)} for team, ch in turn.from_others],
            "entered": turn.entered,
        }
        if turn.card and turn.choice:
            choice = next(c for c in step.card(turn.card).choices if c.id == turn.choice)
            view["choice_text"] = as_map(choice.text, lang)
            view["consequence"] = as_map(choice.consequence, lang)
        if turn.chance:
            chance = step.chance_card(turn.chance)
            view["chance"] = {
                "title": as_map(chance.title, lang),
                "text": as_map(chance.text, lang),
                "change": _change_view(turn.chance_change),
            }
        return view

    def _token(self, step: BoardGameStep, team: str, token: Token, ctx: Ctx) -> dict[str, Any]:
        return {
            "team": team,
            "character": self._character(step, token.character, ctx),
            "position": token.position,
            "section": step.section_at(token.position).id,
            "meters": token.meters,
        }

    def _hand(self, step: BoardGameStep, state: GameState, team: str) -> Card | None:
        return step.card(state.hands[team]) if team in state.hands else None

    def _last_turn(self, token: Token, state: GameState) -> Turn | None:
        if token.journey and token.journey[-1].round == state.round:
            return token.journey[-1]
        return None

    def _public(self, step: BoardGameStep, state: GameState, ctx: Ctx, *, secrets: bool) -> dict[str, Any]:
        teams = []
        for team, token in sorted(state.tokens.items()):
            entry = self._token(step, team, token, ctx)
            members = ctx.team_members(team)
            split = rules.split(state, members, self._hand(step, state, team))
            entry["voted"] = sum(split.values())
            entry["members"] = len(members)
            entry["entered"] = state.entered.get(team) if secrets else team in state.entered
            if secrets:
                entry["split"] = split
            if team in state.hands:
                entry["card"] = self._card(step, state.hands[team], ctx, secrets=secrets)
            if state.phase in ("revealed", "ended"):
                turn = self._last_turn(token, state)
                entry["last"] = self._turn(step, turn, ctx) if turn else None
            if state.phase == "ended" or secrets:
                entry["journey"] = [self._turn(step, t, ctx) for t in token.journey]
            teams.append(entry)
        view = self._board(step, ctx) | {
            "phase": state.phase,
            "round": state.round,
            "closes_at": state.closes_at,
            "paused": state.paused_left is not None,
            "end_reason": state.end_reason,
            "teams": teams,
        }
        if state.phase == "ended":
            played = {t.card for tok in state.tokens.values() for t in tok.journey if t.card}
            view["questions"] = [
                {"card": as_map(c.title, ctx.language), "questions": [as_map(q, ctx.language) for q in c.questions]}
                for c in step.cards
                if c.id in played and c.questions
            ]
        return view

    def screen_view(self, step: BoardGameStep, state: GameState, ctx: Ctx) -> dict[str, Any]:
        return self._public(step, state, ctx, secrets=False)

    def host_view(self, step: BoardGameStep, state: GameState, ctx: Ctx) -> dict[str, Any]:
        view = self._public(step, state, ctx, secrets=True)
        view["votes"] = dict(state.votes)
        view["answered_by"] = sorted(s for s in state.votes if s in ctx.seats)
        view["flags"] = {f.id: as_map(f.description, ctx.language) for f in step.flags}
        for entry in view["teams"]:
            entry["flags"] = sorted(state.tokens[entry["team"]].flags)
        return view

    def pupil_view(self, step: BoardGameStep, state: GameState, ctx: Ctx) -> dict[str, Any]:
        return self._board(step, ctx) | {
            "phase": state.phase,
            "round": state.round,
            "closes_at": state.closes_at,
            "paused": state.paused_left is not None,
            "end_reason": state.end_reason,
        }

    def pupil_own(self, step: BoardGameStep, state: GameState, seat: Seat, ctx: Ctx) -> dict[str, Any]:
        team = seat.team
        token = state.tokens.get(team) if team else None
        if not team or token is None:
            return {"playing": False}
        shared, choices = self._team_part(step, state, team, token, ctx)
        own = dict(shared)
        mine = state.votes.get(seat.id)
        own["mine"] = mine if mine in choices else None
        return own

    def _team_part(
        self, step: BoardGameStep, state: GameState, team: str, token: Any, ctx: Ctx
    ) -> tuple[dict[str, Any], frozenset[str]]:
        """What every member of a team sees alike, built once per state and team.

        A vote changes the whole team's own views: without this, a team of seven got
        seven identical boards, cards and splits built one by one.
        """

        def build() -> tuple[dict[str, Any], frozenset[str]]:
            part: dict[str, Any] = {"playing": True} | self._token(step, team, token, ctx)
            hand = self._hand(step, state, team)
            members = ctx.team_members(team)
            part["split"] = rules.split(state, members, hand)
            part["team_size"] = len(members)
            part["entered"] = team in state.entered
            if team in state.hands and state.phase in ("voting", "closed"):
                part["card"] = self._card(step, state.hands[team], ctx)
            if state.phase in ("revealed", "ended"):
                turn = self._last_turn(token, state)
                part["last"] = self._turn(step, turn, ctx) if turn else None
            if state.phase == "ended":
                part["journey"] = [self._turn(step, t, ctx) for t in token.journey]
            return part, frozenset(c.id for c in hand.choices) if hand is not None else frozenset()

        return self._shared.get((state, ctx.seats), build, plain=(team, ctx.language))

    def summary(self, step: BoardGameStep, state: GameState, ctx: Ctx) -> dict[str, Any]:
        return {
            "rounds": state.round,
            "teams": [
                {"team": team, "character": token.character, "position": token.position, "turns": len(token.journey)}
                for team, token in sorted(state.tokens.items())
            ],
            # Turns whose choice the facilitator entered (said aloud by a team without a device).
            "entered": sum(1 for token in state.tokens.values() for turn in token.journey if turn.entered),
        }

    # -- for tests and bots: what the views hide, and sample moves ------------------------------
    # The facilitator's notes and a card's rules never reach a phone or the projector: the teams
    # see what happened (`turn`, with the chosen option's consequence once the round is revealed).
    # A card's own consequences and discussion questions: tests/trust/test_fuzz_events.py.
    secret = frozenset({"notes", "effects"})

    def revealed(self, step: BoardGameStep, state: GameState) -> bool:
        return False

    def sample_moves(self, step, state, seat, ctx):
        if state.phase != "voting" or seat.team not in state.hands:
            return []  # nothing to vote on now
        return [{"type": "vote", "choice": c.id} for c in step.card(state.hands[seat.team]).choices]

    def sample_commands(self, step, state, ctx):
        skip = {"type": "skip", "team": ctx.rng.choice(sorted(state.hands) or ["t1"])}
        extend = {"type": "extend", "seconds": ctx.rng.randint(5, 600)}
        pause = {"type": "resume" if state.paused_left is not None else "pause"}
        entries = [
            {
                "type": "enter",
                "team": team,
                "answer": {"type": "vote", "choice": ctx.rng.choice(step.card(card).choices).id},
            }
            for team, card in sorted(state.hands.items())[:2]
        ]
        by_phase: dict[str, list[dict[str, Any]]] = {
            "setup": [{"type": "start"}, {"type": "deal"}, {"type": "reveal"}],
            "ready": [{"type": "deal"}, {"type": "start"}, {"type": "reveal"}],
            "voting": [{"type": "reveal"}, {"type": "close"}, *entries, pause, skip, extend, {"type": "end"}],
            "closed": [{"type": "reveal"}, *entries, skip, {"type": "deal"}],
            "revealed": [{"type": "deal"}, {"type": "reveal"}, {"type": "end"}],
        }
        return by_phase.get(state.phase, [{"type": "deal"}, {"type": "start"}, {"type": "resume"}])
