"""Every registered kind, played over Socket.IO with its own sample moves (issue #14).

A new kind is tested here by being registered and used in a pack: pupils send the kind's
first sample move, the facilitator its likeliest command, round after round; every refusal
carries a registered code, and until the kind says the reveal has come, nothing it declares
secret reaches the projector or a pupil's phone.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Classroom, act, last
from tests.trust.test_fuzz_events import _keys
from workshops.activities import REGISTRY
from workshops.errors import every_error
from workshops.packs import load_pack

FOLDERS = [
    *sorted(p for p in (ROOT / "content").iterdir() if (p / "pack.yaml").is_file()),
    *sorted(p for p in (ROOT / "tests" / "packs" / "good").iterdir() if (p / "pack.yaml").is_file()),
]
CODES = set(every_error())


# Each pack folder read once: (folder, its steps' kinds and ids), the shipped packs first.
AGENDAS = [(f, [(s.kind, s.id) for s in r.pack.agenda]) for f in FOLDERS if (r := load_pack(f)).ok]


def _pack_using(kind: str) -> tuple[Path, str] | None:
    """The first shipped (else fixture) pack with a step of this kind, and that step's id."""
    return next(((f, sid) for f, steps in AGENDAS for k, sid in steps if k == kind), None)


def test_every_kind_is_used_by_a_pack():
    unused = [kind for kind in REGISTRY if _pack_using(kind) is None]
    assert unused == [], "use these kinds in a shipped pack or in tests/packs/good/: " + ", ".join(unused)


@pytest.mark.parametrize("kind", list(REGISTRY))
def test_a_kind_plays_through_its_sample_moves_and_keeps_its_secrets(kind, make_app, tmp_path, clock):
    found = _pack_using(kind)
    assert found is not None, kind
    folder, step_id = found
    pack_id = load_pack(folder).pack.id  # the folder may be named otherwise
    shutil.copytree(folder, tmp_path / "content" / pack_id)
    room = Classroom(make_app(CONTENT_DIR=tmp_path / "content"), pack_id)
    room.app.extensions["workshops"].limits.events.rate = 1000  # faster than any facilitator
    host, screen = room.host(), room.screen()
    pupils = [room.pupil() for _ in range(4)]
    seats = [last(p, "own_view")["seat"] for p in pupils]
    assert act(host, "host", {"type": "teams", "count": 2})["ok"]
    index = next(i for i, s in enumerate(room.live.state.pack.agenda) if s.id == step_id)
    assert act(host, "host", {"type": "goto", "step": index, "expect": -1})["ok"]
    activity = REGISTRY[kind]
    step = room.live.state.pack.agenda[index]
    accepted = {"pupil": 0, "host": 0}

    def now() -> tuple[Any, Any]:
        state = room.live.state
        return state, state.ctx(clock())

    for _ in range(12):
        state, ctx = now()
        if not activity.revealed(step, state.activities[step.id]):
            shown = [(last(screen, "screen_view") or {}).get("activity", {})]
            for pupil in pupils:
                shown.append((last(pupil, "pupil_view") or {}).get("activity", {}))
                shown.append((last(pupil, "own_view") or {}).get("activity", {}))
            leaked = activity.secret & set().union(*map(_keys, shown))
            assert not leaked, f"{kind}: {sorted(leaked)} reached a phone or the projector before the reveal"
        for pupil, seat in zip(pupils, seats, strict=True):
            state, ctx = now()
            moves = activity.sample_moves(step, state.activities[step.id], state.pupils[seat].seat(), ctx)
            if moves:
                ack = act(pupil, "pupil", {"type": "act", "step": step.id, "action": moves[0]})
                assert ack["ok"] or ack["error"] in CODES, ack
                accepted["pupil"] += ack["ok"]
        state, ctx = now()
        if activity.revealed(step, state.activities[step.id]):
            break
        commands = activity.sample_commands(step, state.activities[step.id], ctx)
        if not commands:
            continue
        ack = act(host, "host", {"type": "act", "step": step.id, "action": commands[0]})
        assert ack["ok"] or ack["error"] in CODES, ack
        accepted["host"] += ack["ok"]
    if activity.pupil_actions:
        assert accepted["pupil"] > 0, f"{kind}: no sample move was accepted"
    if activity.host_actions and kind != "invent":  # invent's commands review ideas sent meanwhile
        assert accepted["host"] > 0, f"{kind}: no sample command was accepted"
    state, _ = now()
    if "reveal" in activity.host_actions and kind not in ("boardgame",):
        assert activity.revealed(step, state.activities[step.id]), f"{kind}: the sample commands never revealed"
