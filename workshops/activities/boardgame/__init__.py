"""Arjen valinnat-style board game: teams play characters through one day on a shared board."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field

from ...identity_cache import IdentityCache
from ..base import ActionModel, Activity, Ctx, Rejected, Seat, timer_due
from ..text import as_map
from . import game as rules
from .config import BoardGameStep, Card
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
            playing = tuple(t for t in ctx.team_ids if ctx.team_members(t))
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
        if kind == "skip":
            if state.phase != "voting" or action.team not in state.hands:
                return Rejected("no_card", "That team has no card to skip.")
            redealt = rules.redeal(step, state, action.team, ctx.rng)
            if redealt is None:
                return Rejected("no_cards_left", "No other card fits this team now.")
            members = set(ctx.team_members(action.team))
            votes = {s: v for s, v in redealt.votes.items() if s not in members}
            return replace(redealt, votes=votes)
        if kind == "end":
            return replace(state, phase="ended", closes_at=None, paused_left=None, end_reason="facilitator")
        return Rejected("unknown_action", "This step has no such command.")

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
        }
