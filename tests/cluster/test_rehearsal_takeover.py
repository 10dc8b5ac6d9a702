"""A rehearsal whose worker dies is taken over with its simulated pupils (docs/architecture.md,
"Ownership and takeover"): two apps on one PostgreSQL journal play two workers, in this process,
with the rehearsal's driver ticked on the tests' clock (tests/protocol/test_rehearsal.py's
`Rehearsal`). The first worker's journal closes (its leases go, as with kill -9); the second
takes the rehearsal over when its console connects, and the simulated pupils go on there."""

from __future__ import annotations

import pytest

from tests.conftest import act, last
from tests.protocol.test_rehearsal import TICK, Rehearsal
from workshops.extensions import socketio
from workshops.sessions.manager import SessionManager

pytestmark = pytest.mark.cluster


def simulated_answers(manager: SessionManager, sid: str, simulated: set[str]) -> dict[str, int]:
    """The simulated pupils' journaled step actions, per step."""
    found: dict[str, int] = {}
    for rec in manager.journal.actions(sid):
        action = rec.action or {}
        if rec.actor in simulated and action.get("type") == "act":
            found[action["step"]] = found.get(action["step"], 0) + 1
    return found


def test_a_rehearsal_taken_over_gets_its_simulated_pupils_back(make_app, clock, database_url):
    first = make_app(DATABASE_URL=database_url)
    r = Rehearsal(first, clock, "esittely", pupils=6)
    r.wait(30)
    simulated = set(r.live.simulated)
    assert len(simulated) == 6
    r.console.do({"type": "goto", "step": 1, "expect": -1})
    r.wait(60)
    assert simulated_answers(r.manager, r.live.id, simulated).get("fiilis")

    second = make_app(DATABASE_URL=database_url)  # another worker on the same database
    manager = second.extensions["workshops"].manager
    assert manager.get(r.code) is None  # the first one holds it
    first.extensions["workshops"].journal.close()  # kill -9: its connections, and its leases, go
    manager._refused.clear()  # (a refused code is not asked about again for a second)
    host = socketio.test_client(
        second, auth={"code": r.code, "role": "host", "key": r.host_key}, flask_test_client=second.test_client()
    )
    live = manager.get(r.code)
    assert live is not None and live.rehearsal == 6 and live.simulated == simulated
    driver = second.extensions["rehearsals"][r.code]  # the driver started with the takeover
    assert driver.plan.joins_left == 0 and not driver.stopped
    view = last(host, "host_view")
    assert view["rehearsal"]["simulated"] == sorted(simulated)
    assert all(p["online"] for p in view["pupils"])  # the simulated pupils are "here" again

    # They answer the next step on the new owner.
    assert act(host, "host", {"type": "goto", "step": 2, "expect": 1})["ok"]
    step = live.state.current.id
    for _ in range(40):
        clock.advance(TICK)
        with second.app_context():
            assert driver.tick()
    assert simulated_answers(manager, live.id, simulated).get(step, 0) > 0
    second.extensions["workshops"].journal.close()
