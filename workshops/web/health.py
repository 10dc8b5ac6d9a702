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
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Blueprint, Response, request
from werkzeug.wrappers import Response as BaseResponse

from ..sessions.keys import normalise_code
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
