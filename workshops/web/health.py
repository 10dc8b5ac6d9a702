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
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Blueprint, Response, request
from werkzeug.wrappers import Response as BaseResponse

from ..sessions.keys import normalise_code
from ..sessions.manager import SessionManager
from .context import kit, manager

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
        live = self.manager().get(normalise_code(raw[0]))
        return live.code if live is not None else None


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
