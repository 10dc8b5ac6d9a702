"""The bare Flask-SocketIO baseline: the kit's traffic with none of the kit's work.

`python3 -m bench.baseline --port P [--async-mode eventlet|gevent]` serves the same HTTP
calls and Socket.IO auth shape as the kit, so the same load generator drives both:

- `POST /sessions` -> 302 to `/host/<code>` with the `host_<code>` cookie;
  `GET /host/<code>` holds the link `/screen/<code>?k=<screen key>`;
- `POST /j/<code>/seat` (same-origin only) -> `{ok, token, seat}`;
- Socket.IO auth `{code, role: host|screen, key}` or `{code, role: pupil, token}`,
  events `host`/`pupil` with `{cid, action}`, acknowledged at once with `{ok, rev}`.

It joins the same rooms (`<code>:host`, `<code>:screen`, `<code>:pupils`, `<code>:<seat>`)
and sends the same number of messages to the same rooms as `workshops/web/live.py`'s
`broadcast` does for the same action (a vote: own view to the voter, or the voter's team on
a team step, plus the host and screen views; a facilitator action: host, screen and common
pupil views plus one own view per seat; a join: host and screen views and the newcomer's
own view; a pupil connecting: its two views plus the host view for presence). It computes
nothing. Before each phase the runner posts here (`POST /bench/sizes`) what the kit sent in
the same phase: the mean frame size of each event and, by default, one of the kit's own
messages of each event (the one nearest the mean size). The baseline then sends that message
with its own revision (`--baseline-payload copied`: the same JSON shape and size, so encoding
costs the same), or `{"rev": n, "pad": "xxx…"}` padded to the kit's size (`padded`: the bare
transport floor). On a team step the own view carries a card with choice ids, so the same
phones can vote.

The facilitator's and projector's views are coalesced the way the kit does it: after a pupil's
answer, a join or a presence change the first change schedules one view
`VIEW_COALESCE_SECONDS` later (read from the kit's defaults; 0 sends one per action) and the
changes before it ride along; after the facilitator's own command both follow at once.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from typing import Any


def build(async_mode: str, public_url: str, coalesce: float, wire: str = "default"):
    from flask import Flask, jsonify, make_response, redirect, request
    from flask_socketio import ConnectionRefusedError, SocketIO, join_room

    app = Flask(__name__)
    options: dict[str, Any] = {}
    if wire == "kit":
        from workshops.web.wire import ViewPacket

        options["serializer"] = ViewPacket
    socketio = SocketIO(
        app,
        async_mode=async_mode,
        max_http_buffer_size=16 * 1024,
        cors_allowed_origins=[public_url],
        logger=False,
        engineio_logger=False,
        **options,
    )
    sessions: dict[str, dict[str, Any]] = {}
    sizes: dict[str, int] = {"host_view": 2000, "screen_view": 1000, "pupil_view": 800, "own_view": 300}
    pads: dict[int, str] = {}
    clients: dict[str, tuple[str, str, str | None]] = {}  # sid -> (code, role, seat)

    payloads: dict[str, dict[str, Any]] = {}  # event -> one of the kit's own messages (copied mode)

    def view(event: str, rev: int, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        sample = payloads.get(event)
        if sample is not None:
            # The kit's own message: the same JSON shape and size, with this session's revision.
            body = dict(sample)
            body["rev"] = rev
            if extra and "activity" in extra and "activity" not in sample:
                body["activity"] = extra["activity"]
            return body
        body: dict[str, Any] = {"rev": rev}
        if extra:
            body.update(extra)
        # 42["event",{"rev":n,...,"pad":"…"}] (python-socketio writes compact JSON): the kit's frame size
        overhead = len(event) + 7 + len(json.dumps(body, separators=(",", ":"))) + len(',"pad":""')
        want = max(0, sizes.get(event, 0) - overhead)
        pad = pads.get(want)
        if pad is None:
            pad = pads[want] = "x" * want
        body["pad"] = pad
        return body

    def own(s: dict[str, Any], seat: str) -> dict[str, Any]:
        if s["phase"] == "voting":
            card = {"choices": [{"id": "a"}, {"id": "b"}]}
            return view("own_view", s["rev"], {"seat": seat, "activity": {"card": card}})
        return view("own_view", s["rev"], {"seat": seat})

    # -- the facilitator's and projector's views, coalesced as the kit's live.py does it ----
    def emit_console(code: str, s: dict[str, Any], screen: bool) -> None:
        socketio.emit("host_view", view("host_view", s["rev"]), to=f"{code}:host")
        if screen:
            socketio.emit("screen_view", view("screen_view", s["rev"]), to=f"{code}:screen")

    pending: dict[str, bool] = {}

    def send_console(code: str, s: dict[str, Any], screen: bool = True) -> None:
        if coalesce <= 0:
            emit_console(code, s, screen)
            return
        if code in pending:
            pending[code] = pending[code] or screen
            return
        pending[code] = screen

        def flush() -> None:
            socketio.sleep(coalesce)
            emit_console(code, s, pending.pop(code, True))

        socketio.start_background_task(flush)

    # -- HTTP ---------------------------------------------------------------------------
    @app.get("/healthz")
    def healthz():
        return jsonify(ok=True)

    @app.post("/bench/sizes")
    def set_sizes():
        body = request.get_json(silent=True) or {}
        sizes.update({k: int(v) for k, v in (body.get("sizes") or {}).items()})
        payloads.clear()
        payloads.update({k: v for k, v in (body.get("payloads") or {}).items() if isinstance(v, dict)})
        return jsonify(ok=True, sizes=sizes, copied=sorted(payloads))

    @app.post("/sessions")
    def create():
        code = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))
        sessions[code] = {
            "rev": 0,
            "host_key": secrets.token_urlsafe(16),
            "screen_key": secrets.token_urlsafe(16),
            "seats": [],
            "tokens": {},
            "teams": {},
            "phase": "lobby",
        }
        resp = make_response(redirect(f"/host/{code}"))
        resp.set_cookie(f"host_{code}", sessions[code]["host_key"])
        return resp

    @app.get("/host/<code>")
    def host_page(code: str):
        s = sessions[code]
        return f'<a href="/screen/{code}?k={s["screen_key"]}">screen</a>'

    @app.post("/j/<code>/seat")
    def seat(code: str):
        if request.headers.get("Origin") != public_url:
            return jsonify(ok=False, error="forbidden"), 403
        s = sessions.get(code)
        if s is None:
            return jsonify(ok=False, error="not_found"), 404
        seat_id = f"p{len(s['seats']) + 1}"
        token = secrets.token_urlsafe(24)
        s["seats"].append(seat_id)
        s["tokens"][token] = seat_id
        s["rev"] += 1
        send_console(code, s)
        socketio.emit("own_view", own(s, seat_id), to=f"{code}:{seat_id}")
        return jsonify(ok=True, token=token, seat=seat_id)

    # -- Socket.IO ------------------------------------------------------------------------
    @socketio.on("connect")
    def on_connect(auth: Any = None):
        auth = auth if isinstance(auth, dict) else {}
        code = auth.get("code")
        s = sessions.get(code)
        role = auth.get("role")
        if s is None:
            raise ConnectionRefusedError("not_found", {"error": "not_found", "message": "no such session"})
        if role == "host" and auth.get("key") == s["host_key"]:
            join_room(f"{code}:host")
            clients[request.sid] = (code, "host", None)
            socketio.emit("host_view", view("host_view", s["rev"]), to=request.sid)
        elif role == "screen" and auth.get("key") == s["screen_key"]:
            join_room(f"{code}:screen")
            clients[request.sid] = (code, "screen", None)
            socketio.emit("screen_view", view("screen_view", s["rev"]), to=request.sid)
        elif role == "pupil" and auth.get("token") in s["tokens"]:
            seat_id = s["tokens"][auth["token"]]
            join_room(f"{code}:pupils")
            join_room(f"{code}:{seat_id}")
            clients[request.sid] = (code, "pupil", seat_id)
            send_console(code, s, screen=False)  # presence
            socketio.emit("pupil_view", view("pupil_view", s["rev"]), to=request.sid)
            socketio.emit("own_view", own(s, seat_id), to=request.sid)
        else:
            raise ConnectionRefusedError("not_found", {"error": "not_found", "message": "no such session"})
        return True

    @socketio.on("disconnect")
    def on_disconnect(*_args: Any):
        client = clients.pop(request.sid, None)
        if client is not None and client[1] == "pupil" and client[0] in sessions:
            send_console(client[0], sessions[client[0]], screen=False)

    def handle(role: str, data: Any) -> dict[str, Any]:
        client = clients.get(request.sid)
        if client is None or client[1] != role or not isinstance(data, dict):
            return {"ok": False, "error": "forbidden"}
        code, _role, seat_id = client
        s = sessions[code]
        action = data.get("action") or {}
        s["rev"] += 1
        rev = s["rev"]
        if role == "pupil":
            send_console(code, s)
            team = s["teams"].get(seat_id)
            if team is not None and s["phase"] == "voting":
                members = [m for m, t in s["teams"].items() if t == team]
            else:
                members = [seat_id]
            for m in members:
                socketio.emit("own_view", own(s, m), to=f"{code}:{m}")
            return {"ok": True, "rev": rev}
        kind = action.get("type")
        if kind == "teams":
            count = int(action.get("count") or 0)
            s["teams"] = {m: f"t{i % count + 1}" for i, m in enumerate(s["seats"])} if count else {}
        elif kind == "act":
            inner = (action.get("action") or {}).get("type")
            s["phase"] = {"deal": "voting", "reveal": "revealed", "start": "ready"}.get(inner, s["phase"])
        emit_console(code, s, True)  # the facilitator's own command: console and projector at once
        socketio.emit("pupil_view", view("pupil_view", rev), to=f"{code}:pupils")
        for m in s["seats"]:
            socketio.emit("own_view", own(s, m), to=f"{code}:{m}")
        return {"ok": True, "rev": rev}

    @socketio.on("pupil")
    def on_pupil(data: Any = None):
        return handle("pupil", data)

    @socketio.on("host")
    def on_host(data: Any = None):
        return handle("host", data)

    return app, socketio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.baseline", description="bare Flask-SocketIO baseline server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--async-mode", default="eventlet", choices=["eventlet", "gevent", "threading"])
    parser.add_argument(
        "--coalesce",
        type=float,
        default=None,
        help="seconds between host/screen views (default: the kit's VIEW_COALESCE_SECONDS)",
    )
    parser.add_argument(
        "--wire",
        choices=["default", "kit"],
        default="default",
        help="default: python-socketio's packet writer; kit: workshops.web.wire.ViewPacket",
    )
    args = parser.parse_args(argv)
    if args.async_mode == "eventlet":
        import warnings

        warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
        import eventlet

        eventlet.monkey_patch()
    elif args.async_mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    coalesce = args.coalesce
    if coalesce is None:
        try:
            from workshops.config import DEFAULTS

            coalesce = float(DEFAULTS.get("VIEW_COALESCE_SECONDS") or 0.0)
        except (ImportError, TypeError, ValueError):
            coalesce = 0.0
    app, socketio = build(args.async_mode, f"http://{args.host}:{args.port}", coalesce, args.wire)
    print(
        f"baseline on {args.host}:{args.port} ({args.async_mode}, {args.wire} wire, views coalesced every "
        f"{coalesce:g} s)",
        flush=True,
    )
    try:  # the same listener and server options as `workshops serve`
        from workshops.server import BACKLOG, MAX_CONNECTIONS
    except ImportError:
        BACKLOG, MAX_CONNECTIONS = 2048, 5000
    max_connections = min(MAX_CONNECTIONS, max(16, resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 64))
    if args.async_mode == "eventlet":
        import eventlet
        import eventlet.wsgi

        listener = eventlet.listen((args.host, args.port), backlog=BACKLOG, reuse_port=False)
        eventlet.wsgi.server(
            listener, app, log_output=False, max_size=max_connections, keepalive=True, socket_timeout=60
        )
    elif args.async_mode == "gevent":
        from gevent import pywsgi

        pywsgi.WSGIServer((args.host, args.port), app, backlog=BACKLOG, log=None).serve_forever()
    else:
        socketio.run(app, host=args.host, port=args.port, allow_unsafe_werkzeug=True, log_output=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
