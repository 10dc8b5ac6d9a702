"""Rehearsal mode's driver: a rehearsal's simulated pupils, run as a background task.

The plan (`sessions/rehearsal.py`) decides; this module only asks it, on the session's clock,
every TICK_SECONDS, and sends what it says the way a phone's would arrive: joins through the
manager's `join`, answers through the manager's `submit` and the fan-out, as the `pupil` event
handler sends them (validation, rules, journal, views). It stops when the session ends or is
deleted; after a restart `resume` starts the drivers of the rehearsals still running.
"""

from __future__ import annotations

import logging
import os
import random
import secrets
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from ..extensions import socketio
from ..sessions.manager import Live
from ..sessions.rehearsal import Rehearsal
from .context import Kit
from .live import Envelope, broadcast

log = logging.getLogger(__name__)

#: how often the driver looks (real seconds)
TICK_SECONDS = 0.25
#: simulated pupils of running rehearsals on one server at most: the oldest drivers stop first
MAX_SIMULATED_ON_SERVER = 120
#: a test's or a demo's time scale (`WORKSHOPS_REHEARSAL_SPEED=10`): every wait divided by it
SPEED_VARIABLE = "WORKSHOPS_REHEARSAL_SPEED"


def speed_of(app: Flask) -> float:
    """The time scale of this app's rehearsals: 1 (real time) unless a test sets it."""
    raw = app.config.get("REHEARSAL_SPEED") or os.environ.get(SPEED_VARIABLE) or 1.0
    try:
        return min(1000.0, max(0.01, float(raw)))
    except ValueError:
        return 1.0


@dataclass
class Driver:
    """One rehearsal's simulated pupils, sent by one background task."""

    app: Flask
    code: str
    pack_id: str
    plan: Rehearsal
    stopped: bool = False
    sent: int = 0  # simulated answers sent (their client ids)
    joined: int = 0  # simulated pupils sent to join (their languages)
    prefix: str = field(default_factory=lambda: secrets.token_hex(4))  # this driver's client ids
    refused: dict[str, int] = field(default_factory=dict)  # refusal code -> how often (a race with the facilitator)

    def _kit(self) -> Kit:
        return self.app.extensions["workshops"]

    def _live(self) -> Live | None:
        live = self._kit().manager.get(self.code)
        return None if live is None or live.deleted else live

    def tick(self) -> bool:
        """Send what is due now; False once the rehearsal is over (ended, deleted or stopped)."""
        live = self._live()
        if self.stopped or live is None or live.state.ended:
            self.stopped = True
            return False
        manager = self._kit().manager
        now = manager.clock()
        for _ in range(self.plan.joins_due(now)):
            outcome = manager.join(live, self.language(live), simulated=True)
            if not outcome.ok or outcome.seat is None:
                continue  # locked or full: that pupil stays home
            self.plan.joined(outcome.seat)
            manager.connected(live, outcome.seat)  # shown online: it is "here", only simulated
            broadcast(live, outcome)
        for seat, action in self.plan.due(now, live.state):
            self.send(live, seat, action)
        return True

    def language(self, live: Live) -> str:
        """The next simulated pupil's language: a bilingual pack gets phones in each, every third in the second."""
        langs = [lang for lang in live.state.pack.languages if lang in ("fi", "sv", "en")] or ["fi"]
        self.joined += 1
        return langs[1] if len(langs) > 1 and self.joined % 3 == 0 else langs[0]

    def send(self, live: Live, seat: str, action: dict[str, Any]) -> None:
        """Send one simulated pupil's action as a phone's `pupil` event would arrive."""
        self.sent += 1
        # A prefix of this driver's own: after a restart the count starts again, and an id a seat
        # used before would be taken for a retry of that answer and dropped.
        env = Envelope.model_validate({"cid": f"sim-{self.prefix}-{self.sent}", "action": action})
        outcome = self._kit().manager.submit(live, seat, env.action, env.cid)
        if outcome.ok:
            broadcast(live, outcome)
        elif outcome.error:
            # Only the code, never the answer: the facilitator closed the question meanwhile, say.
            self.refused[outcome.error] = self.refused.get(outcome.error, 0) + 1

    def run(self) -> None:
        """Tick until the rehearsal is over (the background task's body)."""
        failures = 0
        while not self.stopped:
            with self.app.app_context():
                try:
                    if not self.tick():
                        break
                    failures = 0
                except Exception as exc:  # one line, the kind of failure only; never the answers
                    failures += 1
                    log.error("rehearsal %s: driver failed: %s", self.code, type(exc).__name__)
                    if failures >= 3:  # something is broken for good: the simulated pupils go quiet
                        self.stop()
            socketio.sleep(TICK_SECONDS)
        if drivers(self.app).get(self.code) is self:
            drivers(self.app).pop(self.code, None)

    def stop(self) -> None:
        """Stop the simulated pupils: they go quiet and are no longer shown online."""
        if self.stopped:
            return
        self.stopped = True
        live = self._live()
        if live is not None:
            manager = self._kit().manager
            for seat in list(live.simulated):
                while seat in live.online:
                    manager.disconnected(live, seat)


def drivers(app: Flask) -> dict[str, Driver]:
    """This app's rehearsal drivers by session code."""
    found: dict[str, Driver] = app.extensions.setdefault("rehearsals", {})
    return found


def _make_room(app: Flask, pack_id: str, pupils: int) -> None:
    """Stop the drivers a new rehearsal replaces: the same pack's, then the oldest over the cap."""
    running = [d for d in drivers(app).values() if not d.stopped]
    for d in running:
        if d.pack_id == pack_id:
            d.stop()
            log.info("rehearsal %s: stopped, another rehearsal of its pack started", d.code)
    running = [d for d in running if not d.stopped]
    while running and sum(d.plan.pupils for d in running) + pupils > MAX_SIMULATED_ON_SERVER:
        oldest = running.pop(0)
        oldest.stop()
        log.info("rehearsal %s: stopped, too many simulated pupils on this server", oldest.code)


def start(app: Flask, live: Live, resumed: bool = False) -> Driver | None:
    """Start the driver of a rehearsal (a new one, or one recovered from the journal)."""
    if live.rehearsal is None:
        return None
    manager = app.extensions["workshops"].manager
    now = manager.clock()
    state = live.state
    joins = (
        None if not resumed else (live.rehearsal - len(live.simulated) if state.step < 0 and not state.locked else 0)
    )
    plan = Rehearsal(live.rehearsal, random.Random(), now, speed_of(app), live.simulated, joins)
    if resumed:
        plan.settle(now, state)
        for seat in live.simulated:
            if seat in state.pupils and not state.pupils[seat].kicked:
                manager.connected(live, seat)
    _make_room(app, state.pack.id, plan.pupils)
    driver = Driver(app, live.code, state.pack.id, plan)
    drivers(app)[live.code] = driver
    # Tests without the server's loops tick the driver themselves, on their own clock.
    if app.config.get("TIMER_LOOP", True):
        socketio.start_background_task(driver.run)
    return driver


def resume(app: Flask) -> int:
    """After a restart: start the drivers of the rehearsals still running; return how many."""
    started = 0
    with app.app_context():
        for live in app.extensions["workshops"].manager.all():
            if live.rehearsal is not None and not live.state.ended and start(app, live, resumed=True):
                started += 1
    return started
