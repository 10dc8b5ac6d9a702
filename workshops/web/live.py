"""Socket.IO handlers: authenticate, rate-limit, validate, hand to the manager, emit views.

Rooms per session: `<code>:host`, `<code>:screen`, `<code>:pupils` and one per
seat `<code>:<seat>`, so a vote costs a message to its voter, the host and the
projector, not one to every phone.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, join_room
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..extensions import socketio
from ..sessions import views
from ..sessions.keys import normalise_code
from ..sessions.manager import Live, Outcome
from .context import manager
from .guard import CLIENT_COOKIE, NO_SESSION, RateLimiter, client_address, log_failure

log = logging.getLogger(__name__)


def _events() -> RateLimiter:
    return current_app.extensions["workshops"]["limits"]["events"]


@dataclass(frozen=True)
class Client:
    code: str
    role: str  # host | screen | pupil
    seat: str | None = None


class Auth(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    code: str = Field(max_length=16)
    role: str = Field(pattern="^(host|screen|pupil)$")
    key: str | None = Field(default=None, max_length=64)
    token: str | None = Field(default=None, max_length=64)


class Envelope(BaseModel):
    """What every client event carries: a client-made id (for retries) and the action."""

    model_config = ConfigDict(extra="forbid", strict=True)
    cid: str | None = Field(default=None, min_length=1, max_length=64)
    action: dict[str, Any]


def _sid() -> str:
    """The Socket.IO session id of the event being handled."""
    return request.sid  # type: ignore[attr-defined]  # Flask-SocketIO sets it; Flask's Request does not declare it


def _clients() -> dict[str, Client]:
    return current_app.extensions["workshops"].setdefault("clients", {})


def _error(code: str, message: str, rev: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"ok": False, "error": code, "message": message}
    if rev is not None:
        out["rev"] = rev
    return out


# -- views out ------------------------------------------------------------------
def _stamped(view: dict[str, Any]) -> dict[str, Any]:
    # The server's clock, so phones with a drifting clock show the right countdown.
    view["server_time"] = time.time()
    return view


@dataclass
class Sent:
    """What the edge remembers of one session's outgoing views, to send and build less.

    Only the latest of each: a session's views are asked for its current state (a reconnect
    storm asks for the shared pupil view N times), and keeping older ones would keep their
    states, with every pupil in them, alive.
    """

    last_common: dict[str, Any] | None = None  # the shared pupil view last sent, without rev
    pending: bool | None = None  # a coalesced console update is due (True: with the projector)
    common: tuple[Any, dict[str, Any]] | None = None  # (state, its shared pupil view)
    # (pupils, presence, the console's pupil list): it changes with pupils, not with answers
    host_pupils: tuple[Any, int, list[dict[str, Any]]] | None = None


def _sent(live: Live) -> Sent:
    return current_app.extensions["workshops"].setdefault("sent", {}).setdefault(live.code, Sent())


def _host_view(live: Live) -> dict[str, Any]:
    sent = _sent(live)
    pupils, presence = live.state.pupils, live.presence
    if sent.host_pupils is None or sent.host_pupils[0] is not pupils or sent.host_pupils[1] != presence:
        sent.host_pupils = (pupils, presence, views.host_pupils(live.state, live.online))
    view = views.host_view(live.state, live.online, sent.host_pupils[2])
    view["journal_failed"] = live.journal_failed
    return _stamped(view)


def send_full(live: Live, client: Client, to: str) -> None:
    """Send a client everything its role sees: on connect and after a refusal."""
    if client.role == "host":
        socketio.emit("host_view", _host_view(live), to=to)
    elif client.role == "screen":
        socketio.emit("screen_view", _stamped(views.screen_view(live.state)), to=to)
    else:
        assert client.seat is not None  # a pupil's client always has its seat
        socketio.emit("pupil_view", _stamped(dict(_common(live))), to=to)
        socketio.emit("own_view", _stamped(views.pupil_own(live.state, client.seat)), to=to)


def _common(live: Live) -> dict[str, Any]:
    """The view all pupils share, built once per state."""
    sent, state = _sent(live), live.state
    if sent.common is None or sent.common[0] is not state:
        sent.common = (state, views.pupil_common(state))
    return sent.common[1]


def _drop_seat(code: str, seat: str) -> None:
    """Close the sockets of a removed pupil: the kick holds on the server."""
    for sid, client in list(_clients().items()):
        if client.code == code and client.seat == seat:
            socketio.server.disconnect(sid, namespace="/")


def broadcast(live: Live, outcome: Outcome, urgent: bool = False) -> None:
    """Send each role the views an accepted action changed.

    `urgent`: the facilitator's own command (or a timer): their console and the projector
    follow at once, not at the end of a coalescing window; pupils' answers may wait.
    """
    if not outcome.ok or not outcome.changed or live.deleted:
        return
    state = live.state
    code = live.code
    if urgent:
        _emit_room_views(live, screen=True)
    else:
        _send_room_views(live)
    common = _common(live)
    seen = {k: v for k, v in common.items() if k != "rev"}  # compared as values: no encoding per answer
    sent = _sent(live)
    if sent.last_common != seen:
        sent.last_common = seen
        socketio.emit("pupil_view", _stamped(dict(common)), to=f"{code}:pupils")
    seats = state.pupils.keys() if outcome.affected is None else outcome.affected
    for seat in seats:
        socketio.emit("own_view", _stamped(views.pupil_own(state, seat)), to=f"{code}:{seat}")
        if outcome.affected is None and state.pupils[seat].kicked:
            _drop_seat(code, seat)


def close_session(live: Live) -> None:
    """Tell every page of an erased session so, and close their connections."""
    for room in ("host", "screen", "pupils"):
        socketio.emit("session_deleted", {}, to=f"{live.code}:{room}")
    for sid, client in list(_clients().items()):
        if client.code == live.code:
            _clients().pop(sid, None)
            socketio.server.disconnect(sid, namespace="/")
    current_app.extensions["workshops"].get("sent", {}).pop(live.code, None)


def presence_changed(live: Live) -> None:
    _send_room_views(live, screen=False)


def _emit_room_views(live: Live, screen: bool) -> None:
    socketio.emit("host_view", _host_view(live), to=f"{live.code}:host")
    if screen:
        socketio.emit("screen_view", _stamped(views.screen_view(live.state)), to=f"{live.code}:screen")


def _send_room_views(live: Live, screen: bool = True) -> None:
    """Send the facilitator's and the projector's views, at most once per coalescing window.

    Their views list every pupil: rebuilt on each of 2,000 simultaneous votes they would
    cost O(N²). Within the window the changes pile up and one view carries them all.
    """
    window = current_app.config["VIEW_COALESCE_SECONDS"]
    if window <= 0:
        _emit_room_views(live, screen)
        return
    sent = _sent(live)
    if sent.pending is not None:
        sent.pending = sent.pending or screen
        return
    sent.pending = screen
    # The app itself, not the context-bound proxy: the flush runs after this context ends.
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # Flask types the proxy as the app

    def flush() -> None:
        socketio.sleep(window)
        with app.app_context():
            with_screen, sent.pending = sent.pending is not False, None
            if not live.deleted:
                _emit_room_views(live, with_screen)

    socketio.start_background_task(flush)


# -- connect / disconnect ----------------------------------------------------------
def _refusal(code: str, message: str) -> ConnectionRefusedError:
    # Two arguments: python-socketio sends the second as the client's `err.data`.
    return ConnectionRefusedError(code, {"error": code, "message": message})


@socketio.on("connect")
def on_connect(auth: Any = None):
    try:
        creds = Auth.model_validate(auth if isinstance(auth, dict) else {})
    except ValidationError:
        raise _refusal("bad_auth", "Open the page again.") from None
    live = manager().get(normalise_code(creds.code))
    keys = manager().keys
    # An unknown code is checked against a stand-in session: the same HMAC work either way,
    # so the refusal's timing does not tell a right code from a wrong one.
    sid = live.id if live is not None else NO_SESSION
    if creds.role == "host":
        valid = keys.check_host(sid, creds.key)
    elif creds.role == "screen":
        valid = keys.check_screen(sid, creds.key)
    else:
        seat = keys.seat_of(sid, creds.token)
        valid = seat is not None and live is not None and seat in live.state.pupils
    if live is None or not valid:
        # A guess, like a wrong code on the join page, and from the same budget.
        who = client_address(request.environ, int(current_app.config.get("PROXY_HOPS") or 0))
        guesses = current_app.extensions["workshops"]["limits"]["misses"]
        browser = request.cookies.get(CLIENT_COOKIE)
        if guesses.blocked(who, browser):
            raise _refusal("rate_limited", "Too many tries. Wait a minute.")
        guesses.miss(who, browser)
        raise _refusal("not_found", "No workshop with that code, or the link is old.")
    if creds.role == "host":
        client = Client(live.code, "host")
        join_room(f"{live.code}:host")
    elif creds.role == "screen":
        client = Client(live.code, "screen")
        join_room(f"{live.code}:screen")
    else:
        assert seat is not None  # `valid` holds only for a token that names a seat
        pupil = live.state.pupils[seat]
        if pupil.kicked:
            raise _refusal("removed", "You are no longer in this workshop.")
        client = Client(live.code, "pupil", seat)
        if not _events().allow(_bucket(client, _sid()), cost=3):  # a connect sends full views: it costs more
            raise _refusal("rate_limited", "Slow down a little and try again.")
        join_room(f"{live.code}:pupils")
        join_room(f"{live.code}:{seat}")
        manager().connected(live, seat)
        presence_changed(live)
    _clients()[_sid()] = client
    send_full(live, client, _sid())
    return True


@socketio.on("disconnect")
def on_disconnect(*_args: Any):
    client = _clients().pop(_sid(), None)
    if client is not None and client.seat is None:
        _events().forget(_bucket(client, _sid()))
    if client is None or client.seat is None:
        return
    live = manager().get(client.code)
    if live is not None:
        manager().disconnected(live, client.seat)
        presence_changed(live)


def _bucket(client: Client, sid: str) -> str:
    return f"{client.code}:{client.seat}" if client.seat else f"{client.code}:{client.role}:{sid}"


# -- actions in ------------------------------------------------------------------
def _handle(role: str, sid: str, data: Any) -> dict[str, Any]:
    client = _clients().get(sid)
    if client is None:
        return _error("not_connected", "Reconnect first.")
    live = manager().get(client.code)
    rev = live.state.rev if live is not None else None  # every refusal in a known session carries it
    # Per seat, not per socket: reconnecting must not refill the bucket.
    if not _events().allow(_bucket(client, sid)):
        return _error("rate_limited", "Slow down a little and try again.", rev)
    if client.role != role:
        return _error("forbidden", "That command is not allowed for you.", rev)
    if live is None:
        return _error("not_found", "No workshop with that code.")
    try:
        env = Envelope.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(map(str, first["loc"]))
        return _error("bad_payload", f"Invalid message: {where}: {first['msg']}", live.state.rev)
    actor = "host" if role == "host" else client.seat
    assert actor is not None  # `client.role == role`: a pupil's client always has its seat
    outcome = manager().submit(live, actor, env.action, env.cid)
    if outcome.ok:
        broadcast(live, outcome, urgent=role == "host")
    else:
        if outcome.error == "not_saved":
            presence_changed(live)
        if outcome.error in ("stale", "not_current"):
            send_full(live, client, sid)
        if outcome.error == "not_in_session":
            socketio.server.disconnect(sid, namespace="/")
    return outcome.ack()


def _on_action(role: str, sid: str, *args: Any) -> dict[str, Any]:
    """Take one `pupil` or `host` event, in an application context only.

    Registered on python-socketio directly, not through `socketio.on`: Flask-SocketIO would
    build a Flask request context (URL matching, cookie session) for every event, which these
    handlers never read. The connection's environ names its app, as it does for Flask-SocketIO.
    """
    environ = socketio.server.get_environ(sid, namespace="/")
    if not environ:
        return _error("not_connected", "Reconnect first.")
    with environ["flask.app"].app_context():
        try:
            if len(args) != 1:
                return _error("bad_payload", "Invalid message: send one object.", _rev_of(sid))
            return _handle(role, sid, args[0])
        except Exception as exc:  # never a stack trace to a client
            _log_failure("socket handler failed", exc)
            return _error("server_error", "Something went wrong on the server. Try again.", _rev_of(sid))


def _rev_of(sid: str) -> int | None:
    """The revision of the session this connection belongs to, for a refusal; None if none."""
    client = _clients().get(sid)
    live = manager().get(client.code) if client is not None else None
    return live.state.rev if live is not None else None


def register_actions(server: Any) -> None:
    """Attach the action events to a freshly made python-socketio server."""
    server.on("pupil", partial(_on_action, "pupil"), namespace="/")
    server.on("host", partial(_on_action, "host"), namespace="/")


@socketio.on("*")
def on_unknown(event: str, *args: Any):
    return _error("unknown_event", "That message is not understood.", _rev_of(_sid()))


_log_failure = log_failure


@socketio.on_error_default
def on_error(exc: Exception):
    # Never send a stack trace to a client; log the kind of failure, not the payload.
    _log_failure("socket handler failed", exc)
    return _error("server_error", "Something went wrong on the server. Try again.", _rev_of(_sid()))


# -- timers ---------------------------------------------------------------------
def run_timers(app) -> None:
    """Turn passed deadlines into `timer` actions, for as long as the server runs."""
    interval = app.config["TIMER_INTERVAL"]
    keep = app.config["RETENTION_HOURS"] * 3600
    # Every ten minutes, or more often when the retention time is short.
    ticks_per_purge = max(1, int(min(600.0, keep / 4) / interval))
    ticks_per_checkpoint = max(1, int(30 / interval))
    tick = 0
    while True:
        socketio.sleep(interval)
        tick += 1
        with app.app_context():
            try:
                for live, outcome in manager().due_timers():
                    broadcast(live, outcome, urgent=True)
                # A deletion's scrub that a reader held up is retried on every tick (see Journal).
                if tick % ticks_per_checkpoint == 0 or manager().journal.scrub_owed:
                    manager().journal.checkpoint()
                if tick % ticks_per_purge == 0:
                    for live in manager().purge(keep):
                        close_session(live)
            except Exception as exc:
                _log_failure("timer loop", exc)
