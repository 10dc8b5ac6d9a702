"""Every task pack through Socket.IO: teams and individuals answer every step, then the reveal."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ROOT, Classroom, act, last, shipped_or_fixture
from workshops.activities import REGISTRY

PACKS = shipped_or_fixture(
    ("minitehtavat", ROOT / "tests" / "packs" / "good" / "minitehtavat"),
    ("digitutkijat", ROOT / "content" / "digitutkijat"),
    ("digitutkijat-tukioppilaat", ROOT / "content" / "digitutkijat-tukioppilaat"),
    ("hyvinvointipuntari", ROOT / "content" / "hyvinvointipuntari"),
)


def payload(room: Classroom, step: Any, seat: str, n: int) -> dict | None:
    """The kind's n-th sample move for this pupil now (they list right answers first)."""
    state = room.live.state
    activity = REGISTRY[step.kind]
    moves = activity.sample_moves(step, state.activities[step.id], state.pupils[seat].seat(), state.ctx(0.0))
    return moves[n % len(moves)] if moves else None


@pytest.mark.parametrize("pack_room", PACKS, ids=[p[0] for p in PACKS], indirect=True)
def test_every_step_with_teams_and_individuals(pack_room: Classroom):
    room = pack_room
    # This test presses buttons far faster than a facilitator can (22 steps in a second).
    room.app.extensions["workshops"].limits.events.rate = 1000
    host, screen = room.host(), room.screen()
    pupils = [room.pupil() for _ in range(6)]
    seats = [last(p, "own_view")["seat"] for p in pupils]
    assert act(host, "host", {"type": "teams", "count": 2})["ok"]
    agenda = room.live.state.pack.agenda
    answered = set()
    for index, step in enumerate(agenda):
        assert act(host, "host", {"type": "goto", "step": index, "expect": index - 1})["ok"]
        common = last(pupils[0], "pupil_view")
        task = common["activity"] if common else room_view(room, pupils[0])
        for secret in REGISTRY[step.kind].secret:
            assert secret not in task, (step.id, secret)
            assert secret not in (last(screen, "screen_view") or {}).get("activity", {}), (step.id, secret)
        for n, (pupil, seat) in enumerate(zip(pupils, seats, strict=True)):
            action = payload(room, step, seat, n)
            if action is None:
                continue
            ack = act(pupil, "pupil", {"type": "act", "step": step.id, "action": action})
            assert ack["ok"], (step.id, action, ack)
            answered.add(step.kind)
        if step.kind not in ("slide", "invent"):
            reveal = act(host, "host", {"type": "act", "step": step.id, "action": {"type": "reveal"}})
            assert reveal["ok"], (step.id, reveal)
            revealed = last(screen, "screen_view")["activity"]
            assert "results" in revealed or "counts" in revealed, step.id
        if step.kind == "open":
            entries = last(host, "host_view")["activity"]["entries"]
            assert entries and all(e["status"] == "pending" for e in entries)
    assert answered  # the pack had tasks to answer
    assert act(host, "host", {"type": "end"})["ok"]
    assert last(pupils[0], "pupil_view")["phase"] == "ended"


def room_view(room: Classroom, pupil) -> dict:
    """The pupil's common view when none was sent (it did not change): ask the rules directly."""
    from workshops.sessions import views

    return views.pupil_common(room.live.state).get("activity", {})
