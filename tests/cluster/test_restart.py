"""A server on PostgreSQL restarts (or a second one starts on the same database): every session
is rebuilt exactly, views and all, when it is first asked for, and a retry of an acknowledged
action stays a duplicate. While the first server holds a session, the second cannot take it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Classroom, act, last
from workshops.activities import REGISTRY
from workshops.sessions import views
from workshops.sessions.manager import SessionManager

pytestmark = pytest.mark.cluster


def play(manager: SessionManager, live: Any, clock: Any, rounds: int = 2) -> list[tuple[str, str]]:
    """Walk every step of the session's pack: each pupil sends the kind's first sample move and
    the facilitator its likeliest command, `rounds` times. Returns the acknowledged (seat, cid)."""
    acked = []
    for index, step in enumerate(live.state.pack.agenda):
        assert manager.submit(live, "host", {"type": "goto", "step": index, "expect": live.state.step}).ok
        activity = REGISTRY[step.kind]
        for r in range(rounds):
            clock.advance(7)
            for seat in sorted(live.state.active):
                state = live.state
                moves = activity.sample_moves(
                    step, state.activities[step.id], state.pupils[seat].seat(), state.ctx(clock())
                )
                if moves:
                    cid = f"{seat}-{index}-{r}"
                    out = manager.submit(live, seat, {"type": "act", "step": step.id, "action": moves[0]}, cid=cid)
                    if out.ok:
                        acked.append((seat, cid))
            state = live.state
            commands = activity.sample_commands(step, state.activities[step.id], state.ctx(clock()))
            if commands:
                manager.submit(live, "host", {"type": "act", "step": step.id, "action": commands[0]})
    return acked


def every_view(state: Any) -> dict[str, Any]:
    seen = {
        "host": views.host_view(state),
        "screen": views.screen_view(state),
        "pupils": views.pupil_common(state),
        "report": views.report(state),
    }
    for seat in state.pupils:
        seen[f"own:{seat}"] = views.pupil_own(state, seat)
    return seen


def test_a_second_server_on_the_database_rebuilds_every_session_exactly(make_app, database_url, clock, tmp_path):
    first = make_app(DATABASE_URL=database_url)
    manager = first.extensions["workshops"].manager
    room = Classroom(first)
    host = room.host()
    pupils = [room.pupil() for _ in range(4)]
    assert act(host, "host", {"type": "teams", "count": 2})["ok"]
    assert act(pupils[0], "pupil", {"type": "rename", "nick": "Aino"}, cid="r1")["error"] == "own_nicknames_off"
    acked = play(manager, room.live, clock)
    assert len(acked) > 8, acked  # the sample moves were accepted
    other = Classroom(first)  # a second class, left in its lobby
    other.pupil()
    assert not (tmp_path / "data" / "journal.sqlite3").exists()  # the journal is in PostgreSQL

    second = make_app(DATABASE_URL=database_url)  # kill -9 and start again, or another worker
    again = second.extensions["workshops"].manager
    assert again.all() == []  # nothing is replayed at start: each session when it is asked for
    assert again.get(room.code) is None and again.get(other.code) is None  # the first one holds them
    first.extensions["workshops"].journal.close()  # its leases go with its connections
    again._refused.clear()  # (a refused code is not asked about again for a second)
    for code in (room.code, other.code):
        before, after = manager.get(code), again.get(code)
        assert after is not None and after.state == before.state
        assert every_view(after.state) == every_view(before.state)
        assert after.seen == before.seen
    # Phones find their seats on the rebuilt server, and a retry of an acknowledged answer is a duplicate.
    room.app = second
    for pupil in pupils:
        before_own = last(pupil, "own_view") or {}
        own = last(room.connect("pupil", token=pupil.token), "own_view")
        assert own["seat"] and own["nick"] == manager.get(room.code).state.pupils[own["seat"]].nick
        assert not before_own or before_own["seat"] == own["seat"]
    live = again.get(room.code)
    for seat, cid in dict(acked).items():  # each seat's last acknowledged answer
        retry = again.submit(live, seat, {"type": "anything"}, cid=cid)
        assert retry.ok and retry.duplicate
    second.extensions["workshops"].journal.close()
    first.extensions["workshops"].journal.close()
