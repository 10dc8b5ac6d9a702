"""Who gets which view, and when: rooms, the connected clients, view caches and coalescing.

No Flask and no Socket.IO here: the edge passes in how to send a message (`emit`), close a
connection, sleep and start a background task, so this is tested and benchmarked as plain
Python. Rooms per session: `<code>:host`, `<code>:screen`, `<code>:pupils` and one per seat
`<code>:<seat>`, so a vote costs a message to its voter, the host and the projector, not one
to every phone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import views
from .manager import Live, Outcome

Emit = Callable[[str, Any, str], None]  # (event, data, room or connection id)


@dataclass(frozen=True)
class Client:
    """One accepted connection: its session, its role and, for a pupil, the seat."""

    code: str
    role: str  # host | screen | pupil
    seat: str | None = None


def room(code: str, name: str) -> str:
    """A session's room: `host`, `screen`, `pupils`, or a seat id."""
    return f"{code}:{name}"


@dataclass
class Sent:
    """What is remembered of one session's outgoing views, to send and build less.

    Only the latest of each: a session's views are asked for its current state (a reconnect
    storm asks for the shared pupil view N times), and keeping older ones would keep their
    states, with every pupil in them, alive.
    """

    last_common: dict[str, Any] | None = None  # the shared pupil view last sent, without rev
    pending: bool | None = None  # a coalesced console update is due (True: with the projector)
    common: tuple[Any, dict[str, Any]] | None = None  # (state, its shared pupil view)
    # (pupils, presence, the console's pupil list): it changes with pupils, not with answers
    host_pupils: tuple[Any, int, list[dict[str, Any]]] | None = None


class Fanout:
    """Send each role the views an accepted action changed, from one registry of clients."""

    def __init__(
        self,
        emit: Emit,
        disconnect: Callable[[str], None],
        start_task: Callable[[Callable[[], None]], Any],
        sleep: Callable[[float], None],
        coalesce_seconds: float,
        clock: Callable[[], float] = time.time,
    ):
        self.emit = emit
        self.disconnect = disconnect
        self.start_task = start_task
        self.sleep = sleep
        self.coalesce_seconds = coalesce_seconds
        self.clock = clock
        self.clients: dict[str, Client] = {}  # connection id -> client
        self._sent: dict[str, Sent] = {}  # session code -> what was sent

    # -- views ------------------------------------------------------------------------
    def stamped(self, view: dict[str, Any]) -> dict[str, Any]:
        # The server's clock, so phones with a drifting clock show the right countdown.
        view["server_time"] = self.clock()
        return view

    def sent(self, live: Live) -> Sent:
        return self._sent.setdefault(live.code, Sent())

    def host_view(self, live: Live) -> dict[str, Any]:
        sent = self.sent(live)
        pupils, presence = live.state.pupils, live.presence
        if sent.host_pupils is None or sent.host_pupils[0] is not pupils or sent.host_pupils[1] != presence:
            sent.host_pupils = (pupils, presence, views.host_pupils(live.state, live.online))
        view = views.host_view(live.state, live.online, sent.host_pupils[2])
        view["journal_failed"] = live.journal_failed
        view["qr_since"] = live.qr_since  # the facilitator's only: the console's connection doctor
        if live.rehearsal is not None:  # the console marks the simulated pupils (docs/protocol.md)
            view["rehearsal"] = {"pupils": live.rehearsal, "simulated": sorted(live.simulated)}
        return self.stamped(view)

    def common(self, live: Live) -> dict[str, Any]:
        """The view all pupils share, built once per state."""
        sent, state = self.sent(live), live.state
        if sent.common is None or sent.common[0] is not state:
            sent.common = (state, views.pupil_common(state))
        return sent.common[1]

    def send_full(self, live: Live, client: Client, to: str) -> None:
        """Send a client everything its role sees: on connect and after a refusal."""
        if client.role == "host":
            self.emit("host_view", self.host_view(live), to)
        elif client.role == "screen":
            self.emit("screen_view", self.stamped(views.screen_view(live.state)), to)
        else:
            assert client.seat is not None  # a pupil's client always has its seat
            self.emit("pupil_view", self.stamped(dict(self.common(live))), to)
            self.emit("own_view", self.stamped(views.pupil_own(live.state, client.seat)), to)

    # -- what changed -----------------------------------------------------------------
    def broadcast(self, live: Live, outcome: Outcome, urgent: bool = False) -> None:
        """Send each role the views an accepted action changed.

        `urgent`: the facilitator's own command (or a timer): their console and the projector
        follow at once, not at the end of a coalescing window; pupils' answers may wait.
        """
        if not outcome.ok or not outcome.changed or live.deleted:
            return
        state = live.state
        code = live.code
        if urgent:
            self._emit_room_views(live, screen=True)
        else:
            self._send_room_views(live)
        common = self.common(live)
        seen = {k: v for k, v in common.items() if k != "rev"}  # compared as values: no encoding per answer
        sent = self.sent(live)
        if sent.last_common != seen:
            sent.last_common = seen
            self.emit("pupil_view", self.stamped(dict(common)), room(code, "pupils"))
        seats = state.pupils.keys() if outcome.affected is None else outcome.affected
        for seat in seats:
            self.emit("own_view", self.stamped(views.pupil_own(state, seat)), room(code, seat))
            if outcome.affected is None and state.pupils[seat].kicked:
                self._drop_seat(code, seat)

    def presence_changed(self, live: Live) -> None:
        self._send_room_views(live, screen=False)

    def close_session(self, live: Live) -> None:
        """Tell every page of an erased session so, and close their connections."""
        for name in ("host", "screen", "pupils"):
            self.emit("session_deleted", {}, room(live.code, name))
        for sid, client in list(self.clients.items()):
            if client.code == live.code:
                self.clients.pop(sid, None)
                self.disconnect(sid)
        self._sent.pop(live.code, None)

    def _drop_seat(self, code: str, seat: str) -> None:
        """Close the connections of a removed pupil: the kick holds on the server."""
        for sid, client in list(self.clients.items()):
            if client.code == code and client.seat == seat:
                self.disconnect(sid)

    def _emit_room_views(self, live: Live, screen: bool) -> None:
        self.emit("host_view", self.host_view(live), room(live.code, "host"))
        if screen:
            self.emit("screen_view", self.stamped(views.screen_view(live.state)), room(live.code, "screen"))

    def _send_room_views(self, live: Live, screen: bool = True) -> None:
        """Send the facilitator's and the projector's views, at most once per coalescing window.

        Their views list every pupil: rebuilt on each of 2,000 simultaneous votes they would
        cost O(N²). Within the window the changes pile up and one view carries them all.
        """
        window = self.coalesce_seconds
        if window <= 0:
            self._emit_room_views(live, screen)
            return
        sent = self.sent(live)
        if sent.pending is not None:
            sent.pending = sent.pending or screen
            return
        sent.pending = screen

        def flush() -> None:
            self.sleep(window)
            with_screen, sent.pending = sent.pending is not False, None
            if not live.deleted:
                self._emit_room_views(live, with_screen)

        self.start_task(flush)
