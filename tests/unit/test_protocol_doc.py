"""docs/protocol.md is the contract a third party writes a client from: it must not drift.

- its generated sections (the action schemas, the error table) are up to date;
- every error code the kit's source can answer with is in the registry, in the document and
  has a translated text for the pages;
- every field of every view, seen while every shipped pack is played through at random, is
  described in the document's view tables, for the view that carries it.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.trust.test_fuzz_events import PACKS, SHIPPED, TEXTS, Draws, well_formed
from workshops import protocol_doc
from workshops.activities import REGISTRY, Rejected
from workshops.activities.tasks import KINDS as TASK_KINDS
from workshops.app import create_app
from workshops.errors import every_error
from workshops.sessions import actions, rules, views
from workshops.web.uitext import ui_strings

ERRORS = every_error()

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "protocol.md"


# -- the generated sections -------------------------------------------------------------------------
def test_the_generated_sections_are_up_to_date():
    text = DOC.read_text(encoding="utf-8")
    assert protocol_doc.render(text) == text, "docs/protocol.md is stale: run python3 -m workshops.protocol_doc"
    assert protocol_doc.main(["--check"]) == 0


def test_every_action_model_is_in_the_document():
    text = DOC.read_text(encoding="utf-8")
    for kind, activity in REGISTRY.items():
        assert f"#### `{kind}`" in text, kind
        for name in (*activity.pupil_actions, *activity.host_actions):
            assert f"| `{name}` |" in text, (kind, name)


# -- error codes ------------------------------------------------------------------------------------------
# Every way the source answers with a code: a rule's refusal, a nickname's, the edge's (ack,
# connect refusal), the manager's outcomes and the join endpoint's JSON.
_CODE_PATTERNS = (
    re.compile(r'\b(?:Rejected|_refusal|_error|NicknameError)\(\s*"([a-z_]+)"'),
    re.compile(r'\bOutcome\(\s*False,\s*[^,()]+(?:\([^()]*\))?[^,()]*,\s*"([a-z_]+)"'),
    re.compile(r'\berror="([a-z_]+)"'),
)


def source_codes() -> dict[str, str]:
    """Every error code in the kit's source, with a file that answers it."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "workshops").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for pattern in _CODE_PATTERNS:
            for code in pattern.findall(text):
                found.setdefault(code, str(path.relative_to(ROOT)))
    return found


def test_the_source_scan_finds_the_codes_of_every_layer():
    codes = source_codes()
    # one of each: rules, activities, nicknames, manager, the socket edge, connect, the join endpoint
    assert {"stale", "bad_sort", "nick_blocked", "not_saved", "forbidden", "bad_auth", "locked"} <= set(codes)
    assert len(codes) > 50


def test_every_error_code_the_kit_answers_with_is_registered_and_documented():
    text = DOC.read_text(encoding="utf-8")
    codes = source_codes()
    unregistered = sorted(f"{code} ({where})" for code, where in codes.items() if code not in ERRORS)
    assert unregistered == [], (
        "add these codes to workshops/errors.py (or to the kind's `errors`), then run python3 -m workshops.protocol_doc"
    )
    undocumented = sorted(code for code in codes if f"| `{code}` |" not in text)
    assert undocumented == [], "docs/protocol.md's error table lacks: " + ", ".join(undocumented)
    # ...and the registry names no code the kit never answers with.
    assert sorted(set(ERRORS) - set(codes)) == []


def test_every_registered_code_has_a_translated_text_for_the_pages(tmp_path):
    app = create_app({"DATA_DIR": tmp_path, "TIMER_LOOP": False, "TESTING": True})
    for lang in ("fi", "sv", "en"):
        with app.test_request_context(f"/?lang={lang}"):
            strings = ui_strings()
        missing = sorted(code for code in ERRORS if f"err_{code}" not in strings)
        assert missing == [], f"add err_<code> texts to workshops/web/uitext.py: {missing}"
    with app.test_request_context("/?lang=sv"):
        swedish = ui_strings()
    with app.test_request_context("/?lang=en"):
        english = ui_strings()
    # The catalogues translate them (tests/unit/test_translations.py checks every message; this
    # is the error texts' share of it): Swedish differs from the English source.
    untranslated = sorted(code for code in ERRORS if swedish[f"err_{code}"] == english[f"err_{code}"])
    assert untranslated == []


# -- view fields --------------------------------------------------------------------------------------------
EVENTS = ("host_view", "screen_view", "pupil_view", "own_view")
TASKS = {k.kind for k in TASK_KINDS}
_ROW = re.compile(r"^\|\s*(`[^|]+`)\s*\|((?:[^|]*\|){4})")
_HEADING = re.compile(r"^### (.*)$")

# Sub-objects the document describes once under a type name (*card*, *turn*, *work*…): the
# paths at which each kind's views hold them.
ALIASES: dict[str, dict[str, str]] = {
    "boardgame": {
        "teams[].card": "card",
        "card": "card",
        "turn.card": "card",
        "teams[].character": "character",
        "character": "character",
        "teams[].last": "turn",
        "last": "turn",
        "teams[].journey[]": "turn",
        "journey[]": "turn",
        "turn.change": "change",
        "turn.from_others[].change": "change",
        "turn.chance.change": "change",
    },
    "stations": {"work": "work", "groups[].work": "work", "entry[].station": "station"},
    "invent": {"approved[]": "idea", "ideas[]": "idea"},
}


# Values whose form the doc gives by reference to another field (an entered answer is stored as
# the kind's `mine` is), not field by field again.
# A self-paced step's `summary` is its kind's own `summary()`, the report's (no view of its own).
OPAQUE = {
    "entered_answers[].value",
    "entered_answers[].own",
    "team_own{}",
    "paced.steps[].summary",
    "paced.steps[].console",
}


def documented_fields() -> dict[str, dict[str, set[str]]]:
    """scope ("top", "tasks" or a kind) -> view event -> the field paths documented for it."""
    scopes: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    scope = None
    in_views = False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            in_views = line.startswith("## Views")
            scope = None
            continue
        heading = _HEADING.match(line)
        if heading and in_views:
            title = heading.group(1)
            kind = re.match(r"`(\w+)`", title)
            scope = (
                "top"
                if title == "Fields of every view"
                else "tasks"
                if title.startswith("Tasks")
                else (kind.group(1) if kind else None)
            )
            continue
        row = _ROW.match(line)
        if not row or scope is None:
            continue
        paths = re.findall(r"`([^`]+)`", row.group(1))
        marks = [cell.strip() for cell in row.group(2).split("|")[:4]]
        for event, mark in zip(EVENTS, marks, strict=False):
            if mark == "✓":
                scopes[scope][event].update(paths)
    return scopes


LANGS = {"fi", "sv", "en"}


def _is_text(value: dict[str, Any]) -> bool:
    return bool(value) and set(value) <= LANGS and all(isinstance(v, str) for v in value.values())


def undocumented(view: Any, documented: set[str], aliases: dict[str, str], seen: set[str], path: str = "") -> set[str]:
    """The paths in `view` that `documented` does not describe (see the notation in the doc);
    every documented path met is added to `seen`."""
    if isinstance(view, list):
        return {p for item in view for p in undocumented(item, documented, aliases, seen, f"{path}[]")}
    if not isinstance(view, dict) or _is_text(view) or path in OPAQUE:
        return set()
    path = aliases.get(path, path)
    if f"{path}{{}}" in documented:  # keys are data: describe the values
        seen.add(f"{path}{{}}")
        return {p for item in view.values() for p in undocumented(item, documented, aliases, seen, f"{path}{{}}")}
    missing = set()
    for key, value in view.items():
        sub = f"{path}.{key}" if path else key
        if sub not in documented and f"{sub}{{}}" not in documented:  # `a{}` says that `a` is there
            missing.add(sub)
        else:
            seen.add(sub)
            missing |= undocumented(value, documented, aliases, seen, sub)
    return missing


class RandomDraws(Draws):
    """The fuzz suite's move generator, driven by a seeded Random instead of hypothesis."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def pick(self, seq: Any) -> Any:
        return self.rng.choice(list(seq))

    def int(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def chance(self, percent: int) -> bool:
        return self.rng.randrange(100) < percent

    def weighted(self, table: list[tuple[int, str]]) -> str:
        return self.rng.choices([name for _, name in table], weights=[w for w, _ in table])[0]

    def subset(self, seq: list[Any], lo: int = 0, hi: int | None = None) -> list[Any]:
        hi = len(seq) if hi is None else min(hi, len(seq))
        return self.rng.sample(list(seq), self.rng.randint(min(lo, len(seq)), hi)) if seq else []

    def perm(self, seq: list[Any]) -> list[Any]:
        return self.rng.sample(list(seq), len(seq))

    def text(self) -> str:
        return self.rng.choice(TEXTS)

    def json(self) -> Any:
        return {}


def played_views(name: str, seeds: int = 3, moves: int = 30):
    """Every view of a pack's sessions played at random, every step visited in turn for `moves`
    random actions (the fuzz suite's, aimed at the state), and the workshop ended: (kind or
    None, event, view) as the edge sends them (stamped; the console's with `journal_failed` and `qr_since`)."""
    pack = PACKS[name]
    for seed in range(seeds):
        d = RandomDraws(random.Random(f"{name}:{seed}"))
        state = rules.new_session(pack, seed, 1_800_000_000.0)
        at = state.created_at
        script: list[tuple[str, Any] | None] = [None] * moves
        for index, step in enumerate(pack.agenda):
            long_lived = step.kind in ("boardgame", "stations")  # their deepest states take many moves
            script += [("host", {"type": "goto", "step": index, "expect": None})] + [None] * moves * (
                10 if long_lived else 1
            )
        script += [("host", {"type": "end"})]
        for planned in script:
            at += d.pick([0, 1, 3, 20, 120])
            actor, payload = planned or well_formed(d, state)
            if payload.get("expect", 0) is None:
                payload = {**payload, "expect": state.step}
            parsed = actions.parse(actor, payload, state.pack)
            if isinstance(parsed, Rejected):
                continue
            result = rules.apply(state, actor, parsed, at)
            if isinstance(result, Rejected) or result is state:
                continue
            state = result
            kind = state.current.kind if state.current is not None else None
            online = set(list(state.pupils)[::2])
            edge = {"journal_failed": False, "qr_since": None, "server_time": at}
            yield kind, "host_view", views.host_view(state, online) | edge
            yield kind, "screen_view", views.screen_view(state) | {"server_time": at}
            yield kind, "pupil_view", views.pupil_common(state) | {"server_time": at}
            for seat in state.pupils:
                yield kind, "own_view", views.pupil_own(state, seat) | {"server_time": at}


def paced_views(name: str, participants: int = 6):
    """Every view of a self-paced session of a pack that lists `self_paced` steps: participants
    join, answer each page with one of its kind's sample moves (or not) and turn the pages."""
    pack = PACKS[name]
    if not pack.self_paced:
        return
    rng = random.Random(name)
    at = 1_800_000_000.0
    state = rules.new_session(pack, 7, at)

    def step(actor: str, payload: dict[str, Any]) -> bool:
        nonlocal state, at
        at += rng.choice([1, 20, 3600])
        parsed = actions.parse(actor, payload, state.pack)
        result = parsed if isinstance(parsed, Rejected) else rules.apply(state, actor, parsed, at)
        if isinstance(result, Rejected) or result is state:
            return False
        state = result
        return True

    assert step("system", {"type": "pace", "until": at + 7 * 86400})
    for _ in range(participants):
        step("system", {"type": "join", "lang": rng.choice(["fi", "sv"])})
    for page in range(len(state.paced) + 1):
        for seat in state.pupils:
            current = state.paced_step(seat)
            if current is not None and rng.random() < 0.8:
                kind = REGISTRY[current.kind]
                ctx = state.ctx(at)
                moves = kind.sample_moves(current, state.activities[current.id], state.pupils[seat].seat(), ctx)
                if moves:
                    step(seat, {"type": "act", "step": current.id, "action": rng.choice(moves)})
            step(seat, {"type": "page", "to": page + 1})
            edge = {"journal_failed": False, "qr_since": None, "server_time": at}
            yield None, "host_view", views.host_view(state, set(state.pupils)) | edge
            yield None, "screen_view", views.screen_view(state) | {"server_time": at}
            yield None, "pupil_view", views.pupil_common(state) | {"server_time": at}
            own = views.pupil_own(state, seat) | {"server_time": at}
            yield own.get("head", {}).get("kind"), "own_view", own
    step("system", {"type": "timer", "step": rules.PERIOD})
    yield None, "host_view", views.host_view(state) | {"journal_failed": False, "qr_since": None, "server_time": at}


# Packs only a self-paced session plays here (the shipped ones are played both ways).
PACED_ONLY = tuple(name for name, pack in PACKS.items() if pack.self_paced and name not in SHIPPED)


@pytest.fixture(scope="module")
def plays() -> tuple[dict[str, dict[str, list[str]]], dict[tuple[str, str], set[str]]]:
    """Every shipped pack played: the undocumented fields per pack, and the documented ones met."""
    docs = documented_fields()
    missing: dict[str, dict[str, list[str]]] = {}
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for name in (*SHIPPED, *PACED_ONLY):
        found: dict[str, set[str]] = defaultdict(set)
        led = played_views(name) if name in SHIPPED else ()
        for kind, event, view in (*led, *paced_views(name)):
            top = {k: v for k, v in view.items() if k not in ("activity", "view")}
            found[f"top {event}"] |= undocumented(top, docs["top"][event], {}, seen[("top", event)])
            # A self-paced page's own view carries its step's pupil_view part as `view`.
            parts = [("activity", event), ("view", "pupil_view")]
            for field, as_event in parts:
                if field in view:
                    seen[("top", event)].add(field)
                if kind is not None and field in view:
                    scope = docs[kind][as_event] | (docs["tasks"][as_event] if kind in TASKS else set())
                    met: set[str] = set()
                    found[f"{kind} {as_event}"] |= undocumented(view[field], scope, ALIASES.get(kind, {}), met)
                    seen[(kind, as_event)] |= met
                    if kind in TASKS:
                        seen[("tasks", as_event)] |= met
        missing[name] = {where: sorted(paths) for where, paths in found.items() if paths}
    return missing, seen


@pytest.mark.parametrize("name", (*SHIPPED, *PACED_ONLY))
def test_every_view_field_of_a_played_pack_is_documented(plays, name):
    missing, _seen = plays
    assert missing[name] == {}, "describe these view fields in docs/protocol.md (## Views to clients)"


# Documented fields a short random play seldom reaches (a chance card every third round of the
# board game, another team's choice moving this team's token): checked by longer runs by hand.
RARE = {
    ("boardgame", p)
    for p in (
        "turn.chance",
        "turn.chance.title",
        "turn.chance.text",
        "turn.chance.change",
        "turn.from_others[].team",
        "turn.from_others[].change",
    )
} | {
    # A rating entered for a group without a device: one task of one station, entered by hand.
    ("stations", f"{where}.entered.ratings.{which}")
    for where in ("entry[]", "groups[]")
    for which in ("as_written", "best_friend")
}


def test_every_documented_view_field_is_met_in_play(plays):
    """The other way round: a documented field that no view has is a typo, or a field gone."""
    _missing, seen = plays
    unmet = sorted(
        (scope, event, path)
        for scope, by_event in documented_fields().items()
        for event, paths in by_event.items()
        for path in paths
        if path not in seen[(scope, event)] and (scope, path) not in RARE
    )
    assert unmet == []


def test_the_view_tables_are_read():
    docs = documented_fields()
    assert {"top", "tasks", *REGISTRY} <= set(docs)
    assert "server_time" in docs["top"]["own_view"] and "journal_failed" in docs["top"]["host_view"]
    assert "map[].leads" in docs["stations"]["screen_view"] and "leads{}" not in docs["stations"]["screen_view"]
    assert "card.id" in docs["boardgame"]["own_view"] and "mine{}" in docs["sort"]["own_view"]
