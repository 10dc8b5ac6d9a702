"""Every event payload, fuzzed against the pure rules (issue #6, the trust suite).

For every shipped pack and every fixture pack, hypothesis drives long random sequences of
actions through `actions.parse` and `rules.apply` exactly as `SessionManager.submit` does,
from every kind of actor (the facilitator, the system's joins and timers, pupils, removed
and unknown seats, station leaders), mixing

  (a) well-formed actions built from the pack itself (its steps, options, cards, stations,
      items, categories, story nodes, picture spots), so that sessions reach deep states:
      teams made, the board game dealt and revealed, stations rotated and moderated, tasks
      answered and revealed, ideas reviewed;
  (b) near-misses of those: wrong types, extra or missing fields, out-of-range numbers,
      unknown ids, huge strings, nested junk, unicode oddities;
  (c) arbitrary JSON, as the whole payload and as an activity's inner action.

After every step: nothing escapes parse, apply or the views; a refusal has a code and a
message; a refusal or a no-op changes nothing; a change bumps the revision by one; the
step stays in range; teams exist; every view builds and is plain JSON; no right answer
reaches the pupils or the projector before the reveal. At the end of each example the
journal (each accepted action as the manager writes it) is replayed from a new session on
the pack's journaled snapshot, as `SessionManager.recover` does after kill -9, and must
rebuild the very same state.

Nothing here starts a server: the sequences run in-process, a few thousand per minute.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from workshops.activities import KIND_ERRORS, REGISTRY, Rejected, Seat
from workshops.packs import load_pack
from workshops.packs.models import Pack
from workshops.sessions import actions, rules, views
from workshops.sessions import manager as manager_module
from workshops.sessions.journal import Journal
from workshops.sessions.keys import Keyring
from workshops.sessions.manager import SessionManager

ROOT = Path(__file__).resolve().parents[2]
T0 = 1_800_000_000.0
SHIPPED = ("esittely", "arjen-valinnat", "jamakkyytta", "digitutkijat", "digitutkijat-tukioppilaat")


def _pack_dirs() -> dict[str, Path]:
    dirs = {name: ROOT / "content" / name for name in SHIPPED}
    for folder in sorted((ROOT / "tests" / "packs" / "good").iterdir()):
        if (folder / "pack.yaml").is_file():
            dirs[f"good/{folder.name}"] = folder
    return dirs


def _load(folder: Path) -> Pack:
    result = load_pack(folder)
    assert result.ok, [p.format() for p in result.errors]
    return result.pack


def _snapshot(pack: Pack) -> Pack:
    """The pack as the journal keeps it and `recover` reads it back."""
    raw = json.dumps(pack.model_dump(mode="json", by_alias=True, exclude_none=True), ensure_ascii=False)
    return Pack.model_validate(json.loads(raw), context={})


# Packs load once per module.
PACKS: dict[str, Pack] = {name: _load(folder) for name, folder in _pack_dirs().items()}
SNAPSHOTS: dict[str, Pack] = {name: _snapshot(pack) for name, pack in PACKS.items()}


# -- junk ---------------------------------------------------------------------------------------------
ODD_STRINGS = [
    "",
    " ",
    "\x00",
    "\ud800",
    "a\udfffb",
    "\u202eevil",
    "\u200b\u200d",
    "e\u0301\u0301\u0301\u0301",
    "💥" * 30,
    "ﬁ",
    "Ⅻ",
    "\n\t\r",
    "x" * 5000,
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "p1",
    "t1",
    "i1",
    "NaN",
    "null",
    "true",
    "0",
    "-1",
    "İı",
    "ß",
    "\uffff",
    "\U0010ffff",
    "\x1b[31m",
    "\uff30\uff11",
    "ok",
    "a/b",
    "t1/x",
]
FIELD_NAMES = [
    "type",
    "step",
    "expect",
    "action",
    "options",
    "choice",
    "seat",
    "team",
    "value",
    "text",
    "placements",
    "items",
    "taps",
    "x",
    "y",
    "node",
    "nick",
    "lang",
    "count",
    "locked",
    "on",
    "allowed",
    "approve",
    "seconds",
    "station",
    "group",
    "status",
    "voter",
    "index",
    "ways",
    "which",
    "steps",
    "idea",
    "question",
    "right",
    "explanation",
    "__proto__",
]
FLOATS = st.floats(allow_nan=True, allow_infinity=True)
JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-2, 1000),
    FLOATS,
    st.text(max_size=12),
    st.sampled_from(ODD_STRINGS),
)
JSON_KEYS = st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=6), st.sampled_from(ODD_STRINGS[:12]))
JSON = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(JSON_KEYS, inner, max_size=5),
    max_leaves=12,
)
JUNK_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1,
    2**63,
    -(2**70),
    1e308,
    -0.0,
    math.nan,
    math.inf,
    -math.inf,
    0.5,
    "",
    "x" * 100_000,
    [],
    {},
    [None],
    {"type": "x"},
    [[[[[]]]]],
    {"a": {"b": {"c": [1, {"d": None}]}}},
    "\ud800",
    "\u202e",
    "🙂",
]
TEXTS = [
    "Moi!",
    "Ei kiitos, mennään pelaamaan",
    "ok",
    "Sano suoraan ei",
    "  väli   lyönnit  ",
    "Kysy aikuiselta apua",
    "😀 hyvä",
    "nej tack",
    "e\u0301\u0301\u0301\u0301\u0301",
    "\u202ehidden",
    "x" * 600,
    "1234",
    "!!!",
    "Tosi kiva juttu",
    "\ud800ok",
]


class Draws:
    """Short-hands over hypothesis' `data.draw`."""

    def __init__(self, data: Any):
        self.data = data

    def pick(self, seq: Any) -> Any:
        seq = list(seq)
        return seq[self.data.draw(st.integers(0, len(seq) - 1))] if len(seq) > 1 else seq[0]

    def int(self, lo: int, hi: int) -> int:
        return self.data.draw(st.integers(lo, hi))

    def chance(self, percent: int) -> bool:
        return self.data.draw(st.integers(0, 99)) < percent

    def weighted(self, table: list[tuple[int, str]]) -> str:
        total = sum(w for w, _ in table)
        n = self.data.draw(st.integers(0, total - 1))
        for w, name in table:
            if n < w:
                return name
            n -= w
        raise AssertionError

    def subset(self, seq: list[Any], lo: int = 0, hi: int | None = None) -> list[Any]:
        hi = len(seq) if hi is None else min(hi, len(seq))
        return self.data.draw(st.lists(st.sampled_from(seq), min_size=lo, max_size=hi, unique=True)) if seq else []

    def perm(self, seq: list[Any]) -> list[Any]:
        return self.data.draw(st.permutations(seq))

    def text(self) -> str:
        return self.pick(TEXTS) if self.chance(80) else self.data.draw(st.text(max_size=30))

    def json(self) -> Any:
        return self.data.draw(JSON)


# -- well-formed actions, derived from the pack and the session's state ----------------------------------
def _seats(state: rules.SessionState) -> list[str]:
    return list(state.pupils) or ["p1"]


def _kind_ctx(d: Draws, state: rules.SessionState, step: Any) -> tuple[Any, Any, Any]:
    """The step's activity, its state (set up if never visited) and a context drawing from `d`."""
    activity = REGISTRY[step.kind]
    ctx = replace(state.ctx(T0), seed=f"fuzz:{d.int(0, 2**32)}")
    act = state.activities.get(step.id)
    return activity, (act if act is not None else activity.setup(step, ctx)), ctx


def _pupil_act(d: Draws, state: rules.SessionState, step: Any, actor: str) -> dict[str, Any]:
    """An activity action a pupil could send for `step`: one of the kind's sample moves."""
    activity, act, ctx = _kind_ctx(d, state, step)
    pupil = state.pupils.get(actor)
    seat = pupil.seat() if pupil is not None else Seat(actor, "?", None, "fi")
    moves = activity.sample_moves(step, act, seat, ctx)
    if not moves:  # a kind that takes nothing from pupils (a slide): a move of another kind
        return {"type": d.pick(["vote", "answer", "idea"]), "options": ["x"]}
    return d.pick(moves)


def _host_act(d: Draws, state: rules.SessionState, step: Any) -> dict[str, Any]:
    """A facilitator's command for `step`: one of the kind's sample commands, the first ones likelier."""
    activity, act, ctx = _kind_ctx(d, state, step)
    commands = activity.sample_commands(step, act, ctx)
    if not commands:  # a kind with no commands (a slide): a command of another kind
        return {"type": d.pick(["open", "reveal", "start"])}
    # Linear weights by position: the kinds list the command that moves the step on first.
    return commands[int(d.weighted([(len(commands) - i, str(i)) for i in range(len(commands))]))]


def _act_step(d: Draws, state: rules.SessionState) -> Any:
    """Mostly the running step; sometimes another one (refused as not_current)."""
    if state.current is not None and d.chance(90):
        return state.current
    return d.pick(state.pack.agenda)


def well_formed(d: Draws, state: rules.SessionState, late: bool = False) -> tuple[str, Any]:
    """An action its actor may send now, aimed at moving the session somewhere interesting."""
    pack = state.pack
    active = list(state.active)
    joins = 12 if len(active) < 4 else (3 if len(active) < 10 else 1)
    at_step = state.current is not None and state.current.kind != "slide"
    who = d.weighted([(joins, "system"), (14, "host"), (20 if active and at_step else 4, "pupil"), (1, "timer")])
    if who == "system":
        join = {"type": "join", "lang": d.pick(["fi", "sv", "en"])}
        if d.chance(15):  # a team's shared device, for a named team or the next without one
            join |= {"device": "team", "team": d.pick([None, "t1", "t2", "t9"])}
        return "system", join
    if who == "timer":
        return "system", {"type": "timer", "step": _act_step(d, state).id}
    if who == "pupil":
        actor = d.pick(active) if active and d.chance(92) else d.pick(_seats(state) + ["p0", f"p{state.next_seat}"])
        what = d.weighted([(1, "reroll"), (1, "rename"), (1, "lang"), (1, "talk"), (16, "act")])
        if what == "rename":
            return actor, {"type": "rename", "nick": d.text()[:200]}
        if what == "lang":
            return actor, {"type": "lang", "lang": d.pick(["fi", "sv", "en"])}
        if what in ("reroll", "talk"):
            return actor, {"type": what}
        step = _act_step(d, state)
        if d.chance(5):  # a facilitator's entry sent from a phone: refused, but for a station leader's
            return actor, {"type": "act", "step": step.id, "action": _host_act(d, state, step)}
        return actor, {"type": "act", "step": step.id, "action": _pupil_act(d, state, step, actor)}
    no_teams = not state.teams
    leaderless = at_step and state.current.kind == "stations" and not any(p.mentor for p in state.active.values())
    what = d.weighted(
        [
            (2 if at_step else 10, "goto"),
            (1, "lock"),
            (1, "kick"),
            (1, "readmit"),
            (6 if no_teams else 1, "teams"),
            (3, "move"),
            (1, "own_nicknames"),
            (1, "nick"),
            (6 if leaderless else 2, "mentor"),
            (1, "talk_seen"),
            (1 if late else 0, "end"),
            (16 if at_step else 1, "act"),
        ]
    )
    seat = d.pick(_seats(state))
    if what == "goto":
        expect = state.step if d.chance(90) else d.int(-1, len(pack.agenda))
        # The long-lived kinds get most visits: they have the deepest states.
        weights = {"slide": 1, "boardgame": 12, "stations": 12}
        table = [(weights.get(s.kind, 3), str(i)) for i, s in enumerate(pack.agenda)]
        target = int(d.weighted(table)) if d.chance(90) else d.int(-1, len(pack.agenda) - 1)
        return "host", {"type": "goto", "step": target, "expect": expect}
    if what == "lock":
        return "host", {"type": "lock", "locked": d.chance(30)}
    if what in ("kick", "readmit", "talk_seen"):
        return "host", {"type": what, "seat": seat}
    if what == "teams":
        return "host", {"type": "teams", "count": d.pick([0, 2, 2, 3, 3, 4, 5, 8])}
    if what == "move":
        return "host", {"type": "move", "seat": seat, "team": d.pick([*state.teams, None, "t9"])}
    if what == "own_nicknames":
        return "host", {"type": "own_nicknames", "allowed": d.chance(70)}
    if what == "nick":
        pending = [p.id for p in state.pupils.values() if p.pending]
        return "host", {"type": "nick", "seat": d.pick(pending) if pending else seat, "approve": d.chance(60)}
    if what == "mentor":
        return "host", {"type": "mentor", "seat": seat, "on": d.chance(60)}
    if what == "end":
        return "host", {"type": "end"}
    step = _act_step(d, state)
    return "host", {"type": "act", "step": step.id, "action": _host_act(d, state, step)}


# -- near-misses and junk ---------------------------------------------------------------------------------
def _wrong_value(d: Draws, value: Any) -> Any:
    """A value of the wrong type, out of range, or odd."""
    options: list[Any] = list(JUNK_VALUES)
    if isinstance(value, bool):
        options += [int(value), str(value).lower(), [value]]
    elif isinstance(value, int):
        options += [value + 1000, value - 1000, -value - 1, float(value), str(value), value + 0.5, [value]]
    elif isinstance(value, float):
        options += [value + 1e6, -value - 1, str(value), int(value), [value]]
    elif isinstance(value, str):
        options += [value * 200, value.upper(), value + "x", value[:-1], " " + value, [value], {value: value}]
        options += ODD_STRINGS
    elif isinstance(value, list):
        options += [
            value * 20,
            value[:1],
            list(reversed(value)) + value[:1],
            [value],
            [None] * 3,
            tuple(value),
            {str(i): v for i, v in enumerate(value)},
        ]
    elif isinstance(value, dict):
        options += [list(value.items()), [value], {**value, "": None}, dict(list(value.items())[:1])]
    return d.pick(options) if d.chance(85) else d.json()


def near_miss(d: Draws, payload: Any) -> Any:
    """A well-formed payload bent a little: a field added, dropped or given a wrong value."""
    target = payload
    if isinstance(payload, dict) and isinstance(payload.get("action"), dict) and d.chance(60):
        target = payload["action"] = dict(payload["action"])
    if isinstance(target, dict) and target.get("taps") and d.chance(50):
        taps = target["taps"] = [dict(t) for t in target["taps"]]
        target = d.pick(taps)
    if not isinstance(target, dict):
        return _wrong_value(d, payload)
    what = d.weighted([(3, "extra"), (2, "drop"), (6, "value"), (2, "type"), (1, "whole")])
    keys = list(target)
    if what == "extra" or not keys:
        target[d.pick(FIELD_NAMES + ["zzz", "Type", " type"])] = d.pick(JUNK_VALUES) if d.chance(70) else d.json()
    elif what == "drop":
        del target[d.pick(keys)]
    elif what == "value":
        key = d.pick(keys)
        target[key] = _wrong_value(d, target[key])
    elif what == "type":
        target["type"] = d.pick(
            [
                "vote",
                "answer",
                "idea",
                "review",
                "goto",
                "act",
                "join",
                "timer",
                "start",
                "moderate",
                "lead",
                "VOTE",
                "",
                None,
                1,
                ["vote"],
            ]
        )
    else:
        return _wrong_value(d, payload)
    return payload


def arbitrary(d: Draws, state: rules.SessionState) -> Any:
    """Any JSON at all: as the whole payload, as an act's inner action, or under a real type."""
    where = d.pick(["whole", "inner", "typed"])
    if where == "whole":
        return d.json()
    if where == "inner":
        step = _act_step(d, state)
        return {"type": "act", "step": step.id, "action": d.json()}
    junk = d.json()
    body = junk if isinstance(junk, dict) else {"value": junk}
    kind_types = [
        "vote",
        "answer",
        "idea",
        "review",
        "start",
        "deal",
        "moderate",
        "lead",
        "ways",
        "line",
        "rate",
        "order",
    ]
    if d.chance(50):
        step = _act_step(d, state)
        return {"type": "act", "step": step.id, "action": {**body, "type": d.pick(kind_types)}}
    return {
        **body,
        "type": d.pick(
            [
                "join",
                "timer",
                "goto",
                "teams",
                "move",
                "kick",
                "rename",
                "lang",
                "nick",
                "mentor",
                "act",
                "end",
                "lock",
                "talk",
                "talk_seen",
                "reroll",
                "own_nicknames",
            ]
        ),
    }


def _any_actor(d: Draws, state: rules.SessionState) -> str:
    return d.pick(["host", "system", *_seats(state), "p0", f"p{state.next_seat}", "p999999"])


# -- what must hold ----------------------------------------------------------------------------------------
def dumps(view: Any) -> str:
    """A view as the wire carries it: strict JSON (no NaN), encodable as UTF-8."""
    text = json.dumps(view, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    text.encode("utf-8")
    return text


def _keys(value: Any) -> set[str]:
    """Every key anywhere in a JSON-like value."""
    found: set[str] = set()
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            found.update(map(str, v))
            stack.extend(v.values())
        elif isinstance(v, list | tuple):
            stack.extend(v)
    return found


def check_secrets(state: rules.SessionState, built: dict[str, Any]) -> None:
    step = state.current
    screen, common = built["screen"], built["common"]
    for public in (screen, common):
        assert not {"talk", "pupils", "notes", "agenda"} & set(public), sorted(public)
    nicks = {p.nick for p in state.active.values()}
    pending = {p.pending for p in state.pupils.values() if p.pending} - nicks
    assert not pending & {n["nick"] for n in screen["nicks"]}  # a typed nickname waits for approval
    for pid, own in built["own"].items():
        pupil = state.pupils.get(pid)
        if pupil is None or pupil.kicked:
            assert own == {"rev": state.rev, "seat": pid, "removed": True}
    if step is None:
        return
    activity, act = REGISTRY[step.kind], state.activities[step.id]
    if not activity.revealed(step, act):
        # What the kind declares secret is in no pupil's view and not on the projector (station
        # leaders lead: their phones show the station's guide).
        leaders = {p.id for p in state.pupils.values() if p.mentor}
        shown = [screen["activity"], common["activity"]]
        shown += [own.get("activity", {}) for pid, own in built["own"].items() if pid not in leaders]
        for view in shown:
            leaked = activity.secret & _keys(view)
            assert not leaked, (step.kind, sorted(leaked), view)
    extra = KIND_CHECKS.get(step.kind)
    if extra is not None:
        extra(step, act, screen["activity"], common["activity"], built["own"])


# Checks beyond the declared secrets, for kinds with more to hide: a new kind needs none.
def _order_check(step: Any, act: Any, s_act: dict, c_act: dict, own: dict) -> None:
    if act.phase != "revealed":
        assert [i["id"] for i in c_act["items"]] != [i.id for i in step.items]  # never the answer's order


def _open_check(step: Any, act: Any, s_act: dict, c_act: dict, own: dict) -> None:
    moderation = act.extra.get("moderation", {})
    approved = {m["shown"] for v, m in moderation.items() if m["status"] == "approved" and v in act.answers}
    assert set(s_act["results"]["approved"]) <= approved  # only approved answers reach the projector
    if "results" in c_act:
        assert set(c_act["results"]["approved"]) <= approved


def _boardgame_check(step: Any, act: Any, s_act: dict, c_act: dict, own: dict) -> None:
    assert not {"votes", "flags", "answered_by"} & set(s_act)
    assert all("split" not in team for team in s_act["teams"])
    assert "teams" not in c_act and "votes" not in c_act
    # A card shows its options, not what each leads to; its questions are for the debrief.
    cards = [t["card"] for t in s_act["teams"] if "card" in t]
    cards += [v["activity"]["card"] for v in own.values() if v.get("activity", {}).get("card") is not None]
    assert not any({"questions", "consequence"} & _keys(card) for card in cards)


def _stations_check(step: Any, act: Any, s_act: dict, c_act: dict, own: dict) -> None:
    for view in (s_act, c_act):
        # moderation and progress are for the console
        assert not {"calls", "lines", "progress", "stations", "leads", "answered_by"} & set(view), sorted(view)
    if "debrief" in s_act:
        shown = {w.shown for w in act.work.values() if w.line_status == "approved"}
        assert set(s_act["debrief"]["lines"]) <= shown
    for view in own.values():
        a = view.get("activity", {})
        station = a.get("station") if a.get("role") == "member" else None
        if station and len(station["order"]) >= 2:
            assert [o["id"] for o in station["order"]] != [o.id for o in step.station(station["id"]).order]


def _invent_check(step: Any, act: Any, s_act: dict, c_act: dict, own: dict) -> None:
    approved = {i for i, idea in act.ideas.items() if idea["status"] == "approved"}
    assert {i["id"] for i in s_act["approved"]} <= approved
    assert "ideas" not in c_act


KIND_CHECKS = {
    "order": _order_check,
    "open": _open_check,
    "boardgame": _boardgame_check,
    "stations": _stations_check,
    "invent": _invent_check,
}


def build_views(state: rules.SessionState) -> dict[str, Any]:
    seats = [*state.pupils, "p0", f"p{state.next_seat}"]
    return {
        "host": views.host_view(state, online=set(list(state.pupils)[::2])),
        "screen": views.screen_view(state),
        "common": views.pupil_common(state),
        "own": {pid: views.pupil_own(state, pid) for pid in seats},
        "report": views.report(state),
    }


def check_state(state: rules.SessionState, journal_len: int) -> dict[str, Any]:
    pack = state.pack
    assert state.rev == journal_len  # one journal record per revision
    assert -1 <= state.step <= len(pack.agenda)
    assert (state.step == len(pack.agenda)) == state.ended
    assert all(p.team is None or p.team in state.teams for p in state.pupils.values())
    assert set(state.activities) <= {s.id for s in pack.agenda}
    assert state.deadline() is None or isinstance(state.deadline(), float | int)
    built = build_views(state)
    for name in ("host", "screen", "common"):
        assert built[name]["rev"] == state.rev
    assert all(own["rev"] == state.rev for own in built["own"].values())
    dumps(built)
    check_secrets(state, built)
    return built


# The refusal codes the pages have a translated text for (`err_<code>` in the UI strings).
UI_CODES = set(re.findall(r'"err_([a-z_]+)"', (ROOT / "workshops" / "web" / "uitext.py").read_text(encoding="utf-8")))
UI_CODES |= set(KIND_ERRORS)  # the kinds bring their own texts


def check_rejected(result: Rejected) -> None:
    assert isinstance(result.code, str) and result.code, result
    assert isinstance(result.message, str) and result.message, result
    assert result.code in UI_CODES, f"no translated text for the refusal code {result.code!r}"


@dataclass
class Session:
    """One session driven as the manager drives it, with the journal it would write."""

    name: str
    seed: int
    state: rules.SessionState
    at: float = T0
    journal: list[tuple[str, float, str]] = field(default_factory=list)  # (actor, at, JSON text)
    states: list[rules.SessionState] = field(default_factory=list)
    last_views: str = ""
    own: dict[str, str] = field(default_factory=dict)  # each seat's own view as last sent, without `rev`
    tried: int = 0
    accepted: int = 0

    def submit(self, actor: str, payload: Any) -> None:
        self.tried += 1
        state = self.state
        shown = repr(payload)
        note(f"{self.tried:3} at +{self.at - T0:<6g} {actor:>8} {shown if len(shown) < 400 else shown[:400] + '...'}")
        parsed = actions.parse(actor, payload, state.pack)
        if isinstance(parsed, Rejected):
            check_rejected(parsed)
            return
        assert isinstance(parsed, BaseModel), parsed
        result = rules.apply(state, actor, parsed, self.at)
        if isinstance(result, Rejected) or result is state:
            # Refused, or accepted but changed nothing (not journaled, not sent): the state is
            # the same object at the same revision, and (checked now and then) was not touched.
            if isinstance(result, Rejected):
                check_rejected(result)
            assert self.state is state and state.rev == len(self.journal)
            if self.tried % 8 == 0:
                touched = f"{actor} {payload!r:.200} changed the state in place"
                assert dumps(build_views(state)) == self.last_views, touched
            return
        assert isinstance(result, rules.SessionState)
        assert result.rev == state.rev + 1, (state.rev, result.rev)
        # The journal's text, exactly as Journal.stage writes it to SQLite (which needs UTF-8).
        text = json.dumps(actions.to_journal(parsed), ensure_ascii=False, separators=(",", ":"))
        text.encode("utf-8")
        self.journal.append((actor, self.at, text))
        self.states.append(result)
        self.state = result
        self.accepted += 1
        built = check_state(result, len(self.journal))
        self.last_views = dumps(built)
        # Only the affected pupils get a new own_view: everyone else's must not have changed.
        affected = views.affected_seats(result, actor, parsed.type)
        own = {pid: dumps({k: v for k, v in view.items() if k != "rev"}) for pid, view in built["own"].items()}
        if affected is not None:
            stale = [pid for pid in state.pupils if pid not in affected and own[pid] != self.own[pid]]
            assert not stale, f"{actor} {parsed.type}: the own views of {stale} changed but were not sent"
        self.own = own

    def replay(self) -> None:
        """Rebuild the session from its journal on the pack's snapshot, as `recover` does."""
        snapshot = SNAPSHOTS[self.name]
        state = rules.new_session(snapshot, self.seed, T0)
        for i, (actor, at, text) in enumerate(self.journal):
            parsed = actions.parse(actor, json.loads(text), snapshot)
            assert not isinstance(parsed, Rejected), (i, actor, text, parsed)
            result = rules.apply(state, actor, parsed, at)
            assert not isinstance(result, Rejected), (i, actor, text, result)
            assert result is not state and result.rev == i + 1, (i, actor, text)
            live = self.states[i]
            if replace(result, pack=live.pack) != live:
                raise AssertionError(f"replay differs after record {i}: {actor} {text}")
            state = result
        assert dumps(build_views(replace(state, pack=self.state.pack))) == dumps(build_views(self.state))


def draw_event(d: Draws, state: rules.SessionState, at: float, late: bool) -> tuple[float, tuple[str, Any] | None]:
    """The next moment and what happens then: an actor and its payload, or nothing."""
    at += d.pick([0, 0.5, 1, 3, 7, 20, 45, 120, 700])
    mode = d.weighted([(70, "well"), (14, "near"), (8, "json"), (5, "tick"), (3, "wrong_actor")])
    if mode == "tick":
        # The manager's timer loop: when the deadline has passed, the system's `timer`.
        deadline = state.deadline()
        if deadline is None or state.current is None:
            return at, None
        return max(at, deadline + d.pick([0, 0.1, 3])), ("system", {"type": "timer", "step": state.current.id})
    actor, payload = well_formed(d, state, late)
    if mode == "near":
        payload = near_miss(d, payload)
    elif mode == "json":
        payload = arbitrary(d, state)
    elif mode == "wrong_actor":
        actor = _any_actor(d, state)
    return at, (actor, payload)


def run_session(data: Any, name: str, steps: int) -> Session:
    d = Draws(data)
    pack = PACKS[name]
    seed = d.int(0, 2**48)
    session = Session(name, seed, rules.new_session(pack, seed, T0))
    session.last_views = dumps(check_state(session.state, 0))
    for i in range(steps):
        session.at, event = draw_event(d, session.state, session.at, late=steps - i <= 10)
        if event is not None:
            session.submit(*event)
    # Nothing refused or unchanged after the last change touched the state in place.
    assert dumps(build_views(session.state)) == session.last_views
    session.replay()
    return session


# About half a minute on two cores; TRUST_FUZZ_EXAMPLES=500 (per pack) for a long hunt.
EXAMPLES = int(os.environ.get("TRUST_FUZZ_EXAMPLES", "16"))
STEPS = int(os.environ.get("TRUST_FUZZ_STEPS", "90"))

# No shrinking: a session of a hundred actions shrinks for minutes. A failure prints every
# payload of its session instead (hypothesis' `note`), and a blob to replay it with.
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
    phases=[Phase.explicit, Phase.generate],
    print_blob=True,
)


@pytest.mark.parametrize("name", list(PACKS))
@FUZZ
@given(data=st.data())
def test_fuzzed_events_keep_the_invariants_and_replay(ledger, name, data):
    session = None
    try:
        session = run_session(data, name, steps=STEPS)
    finally:
        if session is not None:
            ledger.bad_input("fuzzed event payloads", session.tried)


@settings(
    max_examples=max(4, EXAMPLES),
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
@given(data=st.data())
def test_the_manager_journals_to_sqlite_and_recovers_the_same_sessions(ledger, data):
    """The same fuzz through the real SessionManager and SQLite journal, retried client ids
    included; then a new manager on the same file (a restart after kill -9) recovers it."""
    d = Draws(data)
    name = d.pick(list(PACKS))
    clock = [T0]
    seed = d.int(0, 2**48)
    tried = 0
    with tempfile.TemporaryDirectory() as tmp, mock.patch.object(manager_module.secrets, "randbits", return_value=seed):
        path = Path(tmp) / "journal.sqlite3"
        keys = Keyring(b"k" * 32)
        journal = Journal(path)
        manager = SessionManager(journal, keys, clock=lambda: clock[0])
        live = manager.create(PACKS[name])
        cids: list[str] = []
        try:
            for i in range(60):
                state = live.state
                clock[0], event = draw_event(d, state, clock[0], late=i >= 55)
                if event is None:
                    continue
                actor, payload = event
                cid = d.pick(cids) if cids and d.chance(5) else f"c{i}"  # sometimes a retry after a reconnect
                cids.append(cid)
                tried += 1
                note(f"{tried:3} at +{clock[0] - T0:<6g} {actor:>8} {cid:>4} {repr(payload)[:400]}")
                outcome = manager.submit(live, actor, payload, cid)
                ack = outcome.ack()
                json.dumps(ack, allow_nan=False)
                if not outcome.ok:
                    assert outcome.error and outcome.message and ack["rev"] == state.rev, ack
                    assert live.state is state
                elif outcome.duplicate or not outcome.changed:
                    assert live.state is state and ack["rev"] == state.rev, ack
                else:
                    assert live.state.rev == state.rev + 1 == ack["rev"], ack
        finally:
            journal.close()
            ledger.bad_input("fuzzed event payloads", tried)
        again = Journal(path)
        try:
            restarted = SessionManager(again, keys, clock=lambda: clock[0])
            assert restarted.recover() == 1
            back = restarted.get(live.code)
            assert back.seen == live.seen
            assert replace(back.state, pack=live.state.pack) == live.state
            assert dumps(build_views(back.state)) == dumps(build_views(live.state))
        finally:
            again.close()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(data=st.data())
def test_arbitrary_json_is_refused_cleanly_by_every_role(ledger, data):
    """Any JSON value, as the payload or as an act's inner action, from any actor, for any pack."""
    d = Draws(data)
    pack = PACKS[d.pick(list(PACKS))]
    step = d.pick(pack.agenda)
    actor = d.pick(["host", "system", "p1", "p0", "x", ""])
    payloads = [d.json(), {"type": "act", "step": step.id, "action": d.json()}]
    for payload in payloads:
        parsed = actions.parse(actor, payload, pack)
        if isinstance(parsed, Rejected):
            check_rejected(parsed)
        else:
            json.dumps(actions.to_journal(parsed), ensure_ascii=False).encode("utf-8")
    ledger.bad_input("fuzzed event payloads", len(payloads))


def test_an_approved_nickname_never_duplicates_a_generated_one():
    """A typed nickname waiting for approval can be drawn for a newcomer, and then approved."""
    import random

    from workshops.sessions import nicknames

    state = rules.new_session(PACKS["esittely"], 11, T0)
    for actor, payload in (("system", {"type": "join"}), ("host", {"type": "own_nicknames", "allowed": True})):
        state = rules.apply(state, actor, actions.parse(actor, payload, state.pack), T0)
    # The nickname the next join draws: the session's Random is seeded by its seed and revision.
    taken = {p.nick for p in state.pupils.values()}
    upcoming = nicknames.generate(random.Random(f"{state.seed}:{state.rev + 1}"), taken)
    for actor, payload in (
        ("p1", {"type": "rename", "nick": upcoming}),
        ("system", {"type": "join"}),
        ("host", {"type": "nick", "seat": "p1", "approve": True}),
    ):
        state = rules.apply(state, actor, actions.parse(actor, payload, state.pack), T0)
        assert not isinstance(state, Rejected), state
    nicks = [p.nick.casefold() for p in state.pupils.values()]
    assert len(set(nicks)) == len(nicks), nicks
