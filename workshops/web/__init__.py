"""The thin edge: HTTP pages and Socket.IO handlers."""

from __future__ import annotations

from flask import Flask, Response, request

from ..extensions import socketio
from ..packs import PackLibrary
from ..sessions.fanout import Fanout
from ..sessions.journaling import SessionJournal
from ..sessions.manager import SessionManager
from ..sessions.statstore import StatStore

# The pages load nothing from any other host; inline scripts are not needed either.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def _security_headers(resp: Response) -> Response:
    resp.headers.setdefault("Content-Security-Policy", CSP)
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    # Host and projector addresses carry keys: a Referer never leaves this server
    # (same-origin, not no-referrer, which would blank the Origin of form posts).
    resp.headers.setdefault("Referrer-Policy", "same-origin")
    resp.headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        # Reached over TLS (directly or through the proxy): browsers keep to HTTPS from now on.
        resp.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return resp


def register(
    app: Flask, library: PackLibrary, manager: SessionManager, journal: SessionJournal, stats: StatStore
) -> None:
    """Bind the edge to a freshly made app: limits, the fanout of views, pages, handlers, timers."""
    from . import assets, handshakes, live, metrics, preview, printing
    from .context import Kit, Limits
    from .guard import Guesses, Logins, RateLimiter
    from .health import bp as health_bp
    from .pages import bp
    from .schema_route import bp as schema_bp
    from .stats import bp as stats_bp

    cfg = app.config
    per_address = cfg["JOIN_MISSES_PER_ADDRESS_PER_MINUTE"] or (300 if cfg.get("PROXY_HOPS") else 20)
    limits = Limits(
        misses=Guesses(cfg["JOIN_MISSES_PER_MINUTE"], per_address),
        logins=Logins(cfg["LOGIN_FAILURES_PER_MINUTE"], cfg["LOGIN_FAILURES_TOTAL_PER_MINUTE"]),
        joins=RateLimiter(rate=cfg["JOINS_PER_SECOND"], burst=cfg["JOIN_BURST"]),
        events=RateLimiter(rate=cfg["EVENTS_PER_SECOND"], burst=cfg["EVENT_BURST"]),
    )
    fanout = Fanout(
        emit=lambda event, data, to: socketio.emit(event, data, to=to),
        disconnect=lambda sid: socketio.server.disconnect(sid, namespace="/"),
        start_task=socketio.start_background_task,
        sleep=socketio.sleep,
        coalesce_seconds=cfg["VIEW_COALESCE_SECONDS"],
    )
    app.extensions["workshops"] = Kit(library, manager, journal, limits, fanout, stats)
    metrics.init_app(app, manager, journal)  # /metrics; counts actions and times commits from now on
    live.register_actions(socketio.server)
    app.register_blueprint(health_bp)
    app.register_blueprint(bp)
    app.register_blueprint(printing.bp)
    app.register_blueprint(schema_bp)
    app.register_blueprint(preview.bp)
    app.register_blueprint(stats_bp)  # /stats: the statistics page, its exports and import
    assets.init_app(app)
    app.after_request(_security_headers)
    if app.config.get("TIMER_LOOP", True):
        socketio.start_background_task(live.run_timers, app)
        handshakes.watch(socketio.server, cfg["CONNECT_GRACE_SECONDS"])
