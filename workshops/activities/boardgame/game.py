"""The board game's state and pure rules: deal, vote, reveal, effects, the end.

Every random draw comes from the Random the session lends (seeded by the
session's seed and revision), so a game replays exactly from its journal.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Literal

from .config import (
    AllOf,
    AnyOf,
    BoardGameStep,
    Card,
    ChangeMeter,
    ClearFlag,
    Condition,
    Effect,
    HasFlag,
    IfThen,
    InSection,
    LacksFlag,
    MeterTest,
    Move,
    Others,
    SetFlag,
)

Phase = Literal["setup", "ready", "voting", "closed", "revealed", "ended"]


@dataclass(frozen=True)
class Change:
    """What happened to one character in one round: the journey's unit."""

    moved: int = 0
    meters: dict[str, int] = field(default_factory=dict)
    flags_set: tuple[str, ...] = ()
    flags_cleared: tuple[str, ...] = ()

    def plus(self, other: Change) -> Change:
        meters = dict(self.meters)
        for k, v in other.meters.items():
            meters[k] = meters.get(k, 0) + v
        return Change(
            self.moved + other.moved,
            {k: v for k, v in meters.items() if v},
            self.flags_set + other.flags_set,
            self.flags_cleared + other.flags_cleared,
        )


@dataclass(frozen=True)
class Turn:
    """One team's round: the card, the split of the vote, the choice and what it did."""

    round: int
    card: str
    choice: str | None  # None: nobody voted
    split: dict[str, int]
    own: Change
    from_others: tuple[tuple[str, Change], ...] = ()  # (team, change) caused by other teams' choices
    chance: str | None = None
    chance_change: Change | None = None
    entered: bool = False  # the facilitator entered the team's choice (said aloud, no device)


@dataclass(frozen=True)
class Token:
    character: str
    position: int
    meters: dict[str, int]
    flags: frozenset[str]
    seen: frozenset[str] = frozenset()
    journey: tuple[Turn, ...] = ()


@dataclass(frozen=True)
class GameState:
    phase: Phase = "setup"
    round: int = 0
    tokens: dict[str, Token] = field(default_factory=dict)  # team id -> token
    hands: dict[str, str] = field(default_factory=dict)  # team id -> card id this round
    votes: dict[str, str] = field(default_factory=dict)  # seat id -> choice id
    order: dict[str, int] = field(default_factory=dict)  # seat id -> when it voted (for ties)
    seq: int = 0
    closes_at: float | None = None
    paused_left: float | None = None  # seconds left on a paused vote
    end_reason: str | None = None
    entered: dict[str, str] = field(default_factory=dict)  # team id -> the choice the facilitator entered


# -- conditions and effects ---------------------------------------------------------------
def holds(cond: Condition | None, token: Token, game: BoardGameStep) -> bool:
    if cond is None:
        return True
    if isinstance(cond, HasFlag):
        return cond.flag in token.flags
    if isinstance(cond, LacksFlag):
        return cond.not_flag not in token.flags
    if isinstance(cond, MeterTest):
        value = token.meters[cond.meter]
        if cond.below is not None:
            return value < cond.below
        assert cond.at_least is not None  # the model holds exactly one of the two bounds
        return value >= cond.at_least
    if isinstance(cond, InSection):
        return game.section_at(token.position).id == cond.section
    if isinstance(cond, AllOf):
        return all(holds(c, token, game) for c in cond.all)
    if isinstance(cond, AnyOf):
        return any(holds(c, token, game) for c in cond.any)
    raise TypeError(type(cond).__name__)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def apply_effects(effects: list[Effect], token: Token, game: BoardGameStep) -> tuple[Token, Change, list[Effect]]:
    """Apply effects to one token; return it, what changed, and the effects meant for other teams.

    Moves stop at the ends of the board and meters at their bounds, and the
    recorded change is what really happened, not what was asked.
    """
    change = Change()
    for_others: list[Effect] = []
    for effect in effects:
        if isinstance(effect, Move):
            target = _clamp(token.position + effect.move, 0, game.spaces - 1)
            change = change.plus(Change(moved=target - token.position))
            token = replace(token, position=target)
        elif isinstance(effect, ChangeMeter):
            meter = game.meter(effect.meter)
            now = token.meters[meter.id]
            new = _clamp(now + effect.change, meter.min, meter.max)
            change = change.plus(Change(meters={meter.id: new - now}))
            token = replace(token, meters={**token.meters, meter.id: new})
        elif isinstance(effect, SetFlag):
            if effect.set not in token.flags:
                change = change.plus(Change(flags_set=(effect.set,)))
                token = replace(token, flags=token.flags | {effect.set})
        elif isinstance(effect, ClearFlag):
            if effect.clear in token.flags:
                change = change.plus(Change(flags_cleared=(effect.clear,)))
                token = replace(token, flags=token.flags - {effect.clear})
        elif isinstance(effect, Others):
            for_others.extend(effect.others)
        elif isinstance(effect, IfThen):
            branch = effect.then if holds(effect.if_, token, game) else effect.else_
            token, more, others = apply_effects(branch, token, game)
            change = change.plus(more)
            for_others.extend(others)
    return token, change, for_others


# -- setup and dealing -----------------------------------------------------------------------------
def start(game: BoardGameStep, teams: tuple[str, ...], rng: random.Random) -> GameState:
    """Give each team a character, drawn with the seeded random source (so every character gets played)."""
    characters = list(game.characters)
    rng.shuffle(characters)
    defaults = {m.id: m.start for m in game.meters}
    tokens = {}
    for i, team in enumerate(sorted(teams)):
        character = characters[i % len(characters)]
        meters = {**defaults, **character.meters}
        tokens[team] = Token(character.id, 0, meters, frozenset(character.flags))
    return GameState(phase="ready", tokens=tokens)


def _draw(game: BoardGameStep, token: Token, rng: random.Random, exclude: frozenset[str]) -> Card | None:
    """A card for where the token stands: unseen, fitting its part of the day, its `when` true.

    If its part of the day has none left, look at the parts ahead, then behind.
    """
    here = game.section_at(token.position).id
    ids = [s.id for s in game.sections]
    start_at = ids.index(here)
    search = ids[start_at:] + list(reversed(ids[:start_at]))
    for section in search:
        fits = [
            c
            for c in game.cards
            if c.section == section and c.id not in token.seen and c.id not in exclude and holds(c.when, token, game)
        ]
        if fits:
            # Cards that react to earlier choices come first: they are why the choice mattered.
            reacting = [c for c in fits if c.when is not None]
            return rng.choice(reacting or fits)
    return None


def deal(game: BoardGameStep, state: GameState, now: float, rng: random.Random) -> GameState:
    hands = {}
    tokens = dict(state.tokens)
    for team in sorted(tokens):
        card = _draw(game, tokens[team], rng, frozenset())
        if card is not None:
            hands[team] = card.id
            tokens[team] = replace(tokens[team], seen=tokens[team].seen | {card.id})
    closes = now + game.vote_seconds if game.vote_seconds else None
    return replace(
        state,
        phase="voting",
        round=state.round + 1,
        tokens=tokens,
        hands=hands,
        votes={},
        order={},
        entered={},
        closes_at=closes,
        paused_left=None,
    )


def redeal(game: BoardGameStep, state: GameState, team: str, rng: random.Random) -> GameState | None:
    """Skip a team's card: give it another one and forget the votes on the skipped one."""
    token = state.tokens[team]
    card = _draw(game, token, rng, frozenset({state.hands.get(team, "")}))
    if card is None:
        return None
    return replace(
        state,
        hands={**state.hands, team: card.id},
        tokens={**state.tokens, team: replace(token, seen=token.seen | {card.id})},
    )


# -- voting and the reveal --------------------------------------------------------------------
def split(state: GameState, members: list[str], card: Card | None) -> dict[str, int]:
    """How a team's members voted on its card. A vote for a choice the card does not have
    (cast on another team's card by a pupil the facilitator then moved) does not count."""
    if card is None:
        return {}
    choices = {c.id for c in card.choices}
    return dict(Counter(state.votes[m] for m in members if state.votes.get(m) in choices))


def decide(
    game: BoardGameStep, state: GameState, card: Card, members: list[str], rng: random.Random, team: str = ""
) -> str | None:
    """The team's choice: what the facilitator entered for it, else the majority; a tie goes by the pack's rule."""
    if state.entered.get(team) in {c.id for c in card.choices}:
        return state.entered[team]
    counts = split(state, members, card)
    if not counts:
        return None
    best = max(counts.values())
    tied = [c.id for c in card.choices if counts.get(c.id) == best]
    if len(tied) == 1 or game.tie == "first":
        return tied[0]
    return rng.choice(tied)


def reveal(game: BoardGameStep, state: GameState, teams: dict[str, list[str]], rng: random.Random) -> GameState:
    """Apply every team's choice, then the effects their choices have on other teams."""
    tokens = dict(state.tokens)
    turns: dict[str, Turn] = {}
    outgoing: list[tuple[str, list[Effect]]] = []
    for team in sorted(state.hands):
        card = game.card(state.hands[team])
        members = teams.get(team, [])
        choice_id = decide(game, state, card, members, rng, team)
        change = Change()
        if choice_id is not None:
            choice = next(c for c in card.choices if c.id == choice_id)
            tokens[team], change, for_others = apply_effects(choice.effects, tokens[team], game)
            if for_others:
                outgoing.append((team, for_others))
        entered = state.entered.get(team) == choice_id and choice_id is not None
        turns[team] = Turn(state.round, card.id, choice_id, split(state, members, card), change, entered=entered)
    incoming: dict[str, list[tuple[str, Change]]] = {}
    for source, effects in outgoing:
        for team in sorted(tokens):
            if team == source:
                continue
            tokens[team], change, _ = apply_effects(effects, tokens[team], game)
            incoming.setdefault(team, []).append((source, change))
    draw_chance = bool(game.chance) and game.chance_every and state.round % game.chance_every == 0
    for team in sorted(tokens):
        turn = turns.get(team) or Turn(state.round, "", None, {}, Change())  # "": no card was left
        turn = replace(turn, from_others=tuple(incoming.get(team, ())))
        if draw_chance:
            fits = [c for c in game.chance if holds(c.when, tokens[team], game)]
            if fits:
                chance = rng.choice(fits)
                tokens[team], change, _ = apply_effects(chance.effects, tokens[team], game)
                turn = replace(turn, chance=chance.id, chance_change=change)
        if turn.card or turn.from_others or turn.chance:
            tokens[team] = replace(tokens[team], journey=tokens[team].journey + (turn,))
    finished = any(t.position >= game.spaces - 1 for t in tokens.values())
    out_of_rounds = state.round >= game.rounds
    phase: Phase = "ended" if finished or out_of_rounds else "revealed"
    reason = "finish" if finished else ("rounds" if out_of_rounds else None)
    return replace(state, phase=phase, tokens=tokens, closes_at=None, paused_left=None, end_reason=reason)
