"""What a load balancer in front of several workers needs from each (docs/deploy.md).

`GET /healthz`: 200 `ok` whenever this worker's event loop answers a request at all (the
proxy's health check: a worker that stops answering is marked down and its classes go
elsewhere). `GET /readyz`: 200 `ready` when the journal also answers a trivial query, 503
otherwise. Both are cheap and say nothing else: no session count, no version, no path.

Every response about a session this worker holds carries `X-Workshops-Code: <code>`. The
proxy routes by the session code in the path or the query (`deploy/haproxy.cfg`), and learns
which worker holds a code from this header (`stick store-response`): a new session is made
on whichever worker the home page's form reached, and the proxy knows it from the answer
to that very request, before the browser follows the redirect to `/host/<code>`.

Socket.IO requests name their session in the query (`/socket.io/?code=<code>&...`), and their
answers carry the header too (`SocketCode`, around the Socket.IO middleware): the polling
transport's answers through WSGI, the WebSocket's `101 Switching Protocols`, which eventlet
writes to the socket itself, by adding the line to that write. So a class that reconnects to
a worker that has taken its session over (docs/architecture.md, "Ownership and takeover")
moves the proxy's entry with its first reconnection, and never flips back to the old worker.

A request the proxy routed here for a session another live worker holds (HAProxy's table was
emptied by a restart, a worker was marked down by mistake, nginx hashes the code here): this
worker asks the owner to hand the session over and waits a few seconds for it
(sessions/handover.py); if it has not come by then, the answer is "one moment" (503 with
`Retry-After`, and a page that opens again by itself), never "not found". Socket.IO's client
retries a refused handshake by itself. Only requests that came through the proxy (they carry
`X-Forwarded-For`) ask: a look at a worker's own port (monitoring, an administrator) never pulls a
class to it. Nor does a client over its budget of wrong codes, which is told nothing about any code
(docs/security.md). The worker that lets a session go drops its connections (`moved_away`), so
they reconnect through the proxy to the new owner.

A code typed in another form (`/join?code=ab-cde`, `/j/abcde`) that this worker does not hold is
redirected to its canonical form first: nginx hashes the code as it is written, so only the
canonical form reaches the worker where the rest of the class goes.
"""

from __future__ import annotations

import contextlib
import re
import weakref
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from werkzeug.http import parse_cookie
from werkzeug.wrappers import Response as BaseResponse

from ..extensions import socketio
from ..sessions import handover
from ..sessions.fanout import Fanout
from ..sessions.keys import normalise_code
from ..sessions.manager import Live, SessionManager
from .context import kit, manager
from .guard import CLIENT_COOKIE, Guesses, client_address
from .uitext import ui_strings

bp = Blueprint("health", __name__)

#: the response header that names the session a worker served (read by the proxy, see above)
CODE_HEADER = "X-Workshops-Code"

_NEW_SESSION = re.compile(r"/host/([A-Z0-9]{1,16})")


def _plain(text: str, status: int = 200) -> Response:
    resp = Response(text + "\n", status=status, mimetype="text/plain")
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/healthz")
def healthz() -> Response:
    """This worker answers (its event loop runs)."""
    return _plain("ok")


@bp.get("/readyz")
def readyz() -> Response:
    """This worker answers and so does its journal (a trivial query, a few seconds at most)."""
    return _plain("ready") if kit().journal.ping() else _plain("not ready", 503)


def _served_code(resp: BaseResponse) -> str | None:
    """The code of the session this response served, if this worker holds that session."""
    if resp.status_code >= 400:
        return None
    raw = (request.view_args or {}).get("code")
    if raw is None and request.endpoint == "pages.create_session" and resp.location:
        made = _NEW_SESSION.fullmatch(urlsplit(resp.location).path)
        raw = made.group(1) if made else None
    if not isinstance(raw, str):
        return None
    live = manager().get(normalise_code(raw))
    return live.code if live is not None else None


# Each app's guess budget and proxy hops, by its manager: SocketCode sees the request before Flask.
_GUESSES: weakref.WeakKeyDictionary[SessionManager, tuple[Guesses, int]] = weakref.WeakKeyDictionary()


def _may_ask(environ: dict[str, Any], mgr: SessionManager) -> bool:
    """Whether this request may ask another worker for its session: it came through the proxy
    (which always sets X-Forwarded-For), and its client is not over its budget of wrong codes
    (such a client is told nothing about any code, "one moment" included: docs/security.md)."""
    if not environ.get("HTTP_X_FORWARDED_FOR"):
        return False
    found = _GUESSES.get(mgr)
    if found is None:
        return True
    guesses, hops = found
    return not guesses.blocked(client_address(environ, hops), parse_cookie(environ).get(CLIENT_COOKIE))


def _requested_code() -> str | None:
    """The session code a page request names, as the proxy reads it: in the path, or /join's query."""
    raw = (request.view_args or {}).get("code")
    if raw is None and request.endpoint == "pages.join_form":
        raw = request.args.get("code")
    return raw if isinstance(raw, str) else None


@bp.before_app_request
def _moving_class() -> BaseResponse | None:
    """A session another worker holds, asked for by a request the proxy routed here: taken over
    by hand-over if it comes within a few seconds, else "one moment" (see the module's notes)."""
    raw = _requested_code()
    mgr = manager()
    if raw is None or not mgr.shared or not _may_ask(request.environ, mgr):
        return None
    code = normalise_code(raw)
    if raw != code and request.method in ("GET", "HEAD") and all(live.code != code for live in mgr.all()):
        values: dict[str, Any] = {**request.args.to_dict(), **(request.view_args or {}), "code": code}
        return redirect(url_for(str(request.endpoint), **values))
    if mgr.get(code, ask=True) is not None or not mgr.moving(code):
        return None
    return _moving_answer()


def _moving_answer() -> BaseResponse:
    """503 "one moment": the page opens again by itself; a form or a seat is tried again."""
    again = request.method in ("GET", "HEAD")
    message = (
        _("The workshop is moving to another server. This page opens again by itself in a moment.")
        if again
        else _("The workshop is moving to another server. Try again in a moment.")
    )
    resp: BaseResponse
    if request.path.endswith("/seat") or request.mimetype == "application/json":
        resp = jsonify(ok=False, error="not_saved", message=message)
    else:
        resp = Response(render_template("error.html", strings=ui_strings(), title=_("Just a moment"), message=message))
        if again:
            resp.headers["Refresh"] = str(handover.RETRY_AFTER)
    resp.status_code = 503
    resp.headers["Retry-After"] = str(handover.RETRY_AFTER)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.record_once
def _close_moved_sessions(state: BlueprintSetupState) -> None:
    kit_ = state.app.extensions["workshops"]
    kit_.manager.moved_away = partial(_close_connections, socketio.server, kit_.fanout)
    _GUESSES[kit_.manager] = (kit_.limits.misses, int(state.app.config.get("PROXY_HOPS") or 0))


def _close_connections(server: Any, fanout: Fanout, live: Live) -> None:
    """Close every connection of a session this worker lets go: its pages reconnect through the
    proxy, to the worker that holds the session now, and re-send what was not acknowledged.

    The transport is dropped (Engine.IO's socket closed without a goodbye), as when a worker dies:
    a Socket.IO client reconnects by itself after that. A Socket.IO disconnect would not do: the
    client takes it for the server's "leave" (the page says the pupil was removed) and never
    reconnects. Nor would Engine.IO's own `disconnect`, which waits for the socket's queue to
    drain, for ever if the connection is already broken."""
    for sid, client in list(fanout.clients.items()):
        if client.code != live.code:
            continue
        eio_sid = server.manager.eio_sid_from_sid(sid, "/")
        sock = server.eio.sockets.pop(eio_sid, None) if eio_sid is not None else None
        if sock is not None:
            sock.close(wait=False, abort=True)  # the `disconnect` handler runs now, and forgets the client
        else:  # gone already
            fanout.clients.pop(sid, None)
    # What was last sent to it: if the session comes back here, its views start afresh.
    fanout._sent.pop(live.code, None)


@bp.after_app_request
def _name_the_session(resp: BaseResponse) -> BaseResponse:
    code = _served_code(resp)
    if code is not None:
        resp.headers[CODE_HEADER] = code
    return resp


class SocketCode:
    """WSGI: the answers to Socket.IO requests of a session this worker holds (or takes over
    now) carry `X-Workshops-Code`, as the pages' answers do (see the module's notes)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], manager: Callable[[], SessionManager]):
        self.app = app
        self.manager = manager

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        code = self._code(environ)
        if code is _MOVING:  # Socket.IO's client retries a failed handshake by itself
            start_response(
                "503 Service Unavailable",
                [
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Retry-After", str(handover.RETRY_AFTER)),
                    ("Cache-Control", "no-store"),
                ],
            )
            return [b"moving\n"]
        if code is None:
            return self.app(environ, start_response)
        line = (CODE_HEADER, code)

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if status[:3] in ("200", "101"):
                headers = [*headers, line]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        sock = _upgrade_socket(environ)
        if sock is None or not _name_in_upgrade(sock, code):
            return self.app(environ, start)
        try:
            return self.app(environ, start)
        finally:  # eventlet never wrote a 101 (a refused handshake): the socket is as it was
            with contextlib.suppress(AttributeError):
                del sock.sendall

    def _code(self, environ: dict[str, Any]) -> str | None:
        if not environ.get("PATH_INFO", "").startswith("/socket.io"):
            return None
        try:
            raw = parse_qs(environ.get("QUERY_STRING", ""), max_num_fields=20).get("code")
        except ValueError:  # more fields than any client sends: Engine.IO answers it
            return None
        if not raw:
            return None
        mgr, code = self.manager(), normalise_code(raw[0])
        ask = mgr.shared and _may_ask(environ, mgr)
        live = mgr.get(code, ask=ask)
        if live is None and ask and mgr.moving(code):
            return _MOVING
        return live.code if live is not None else None


#: `SocketCode._code`'s answer for a session on its way to this worker (see the module's notes).
_MOVING = "\x00moving"


def _upgrade_socket(environ: dict[str, Any]) -> Any:
    """The client's socket of a WebSocket upgrade under eventlet (None otherwise)."""
    if environ.get("HTTP_UPGRADE", "").lower() != "websocket":
        return None
    stream = environ.get("eventlet.input")
    return stream.get_socket() if stream is not None and hasattr(stream, "get_socket") else None


def _name_in_upgrade(sock: Any, code: str) -> bool:
    """Add the header to eventlet's `101 Switching Protocols`, its first write to the socket.

    eventlet's WebSocket handler writes the whole answer with one `sendall` on the client's
    socket, not through start_response: this socket's `sendall` adds the line to that write,
    then is the socket's own again. False if the socket cannot take it."""
    own = sock.sendall

    def sendall(data: bytes, *args: Any) -> Any:
        with contextlib.suppress(AttributeError):
            del sock.sendall
        if data.startswith(b"HTTP/1.1 101 ") and data.endswith(b"\r\n\r\n"):
            data = data[:-2] + f"{CODE_HEADER}: {code}\r\n\r\n".encode("ascii")
        return own(data, *args)

    try:
        sock.sendall = sendall
    except (AttributeError, TypeError):  # not eventlet's Python socket: the 101 goes without it
        return False
    return True
