"""Socket.IO handlers: authenticate, rate-limit, validate, hand to the manager, send views.

Which views go to whom, the client registry and the coalescing live in
sessions/fanout.py, with Socket.IO's emit passed in; this module only speaks Socket.IO.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, join_room
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..extensions import socketio
from ..sessions.fanout import Client, Fanout, room
from ..sessions.keys import normalise_code
from ..sessions.manager import Live, Outcome
from .context import kit, manager
from .guard import CLIENT_COOKIE, NO_SESSION, RateLimiter, client_address, log_failure

log = logging.getLogger(__name__)


def _events() -> RateLimiter:
    return kit().limits.events


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
    return kit().fanout.clients


def _error(code: str, message: str, rev: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"ok": False, "error": code, "message": message}
    if rev is not None:
        out["rev"] = rev
    return out


# -- views out (the fanout decides who gets what; see sessions/fanout.py) -------------
def _fanout() -> Fanout:
    return kit().fanout


def broadcast(live: Live, outcome: Outcome, urgent: bool = False) -> None:
    """Send each role the views an accepted action changed (see Fanout.broadcast)."""
    _fanout().broadcast(live, outcome, urgent)


def close_session(live: Live) -> None:
    """Tell every page of an erased session so, and close their connections."""
    _fanout().close_session(live)


def presence_changed(live: Live) -> None:
    _fanout().presence_changed(live)


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
        guesses = kit().limits.misses
        browser = request.cookies.get(CLIENT_COOKIE)
        if guesses.blocked(who, browser):
            raise _refusal("rate_limited", "Too many tries. Wait a minute.")
        guesses.miss(who, browser)
        raise _refusal("not_found", "No workshop with that code, or the link is old.")
    if creds.role == "host":
        client = Client(live.code, "host")
        join_room(room(live.code, "host"))
    elif creds.role == "screen":
        client = Client(live.code, "screen")
        join_room(room(live.code, "screen"))
        if manager().screen_connected(live):  # the join QR is up: the console's doctor counts from now
            presence_changed(live)
    else:
        assert seat is not None  # `valid` holds only for a token that names a seat
        pupil = live.state.pupils[seat]
        if pupil.kicked:
            raise _refusal("removed", "You are no longer in this workshop.")
        client = Client(live.code, "pupil", seat)
        if not _events().allow(_bucket(client, _sid()), cost=3):  # a connect sends full views: it costs more
            raise _refusal("rate_limited", "Slow down a little and try again.")
        join_room(room(live.code, "pupils"))
        join_room(room(live.code, seat))
        manager().connected(live, seat)
        presence_changed(live)
    _clients()[_sid()] = client
    _fanout().send_full(live, client, _sid())
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
            _fanout().send_full(live, client, sid)
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
