"""The application factory: Flask, Socket.IO and the session manager wired together."""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import time
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface

from .config import DEFAULTS, SHARE, default_data_dir
from .extensions import babel, socketio
from .packs import PackLibrary
from .sessions import nicknames
from .sessions.journal import Journal, JournalError
from .sessions.journaling import SessionJournal
from .sessions.keys import Keyring, load_secret
from .sessions.manager import SessionManager
from .sessions.statstore import StatError, open_store, recorder
from .web import live as _handlers  # noqa: F401  - registers Socket.IO handlers before any init_app
from .web.guard import HostCheck, quiet_library_loggers
from .web.health import SocketCode
from .web.wire import ViewPacket


def select_locale() -> str:
    from flask import current_app

    langs = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen and chosen in langs:
        return chosen
    # Finnish first: a browser may ask for Swedish, but English only by an explicit choice
    # (many Finnish pupils' phones are set to English).
    return request.accept_languages.best_match(("fi", "sv")) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _same_origin_check(hops: int):
    """Build the Socket.IO handshake's origin check: the page must come from this very server."""

    def forwarded(environ: dict[str, Any], name: str) -> str | None:
        values = [v.strip() for v in environ.get(name, "").split(",") if v.strip()]
        return values[-hops] if hops and len(values) >= hops else None

    def allowed(origin: str | None, environ: dict[str, Any]) -> bool:
        if origin is None:
            return True  # not a browser: the key or token still decides
        host = forwarded(environ, "HTTP_X_FORWARDED_HOST") or environ.get("HTTP_HOST", "")
        scheme = forwarded(environ, "HTTP_X_FORWARDED_PROTO") or environ.get("wsgi.url_scheme", "http")
        return origin == f"{scheme}://{host}"

    return allowed


class _SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signer made once instead of per request.

    Every Socket.IO event runs in a request context that opens the session: with 2,000
    phones answering at once, building the signer each time was measurable.
    """

    def get_signing_serializer(self, app: Flask):
        made = app.extensions.get("session_signer")
        if made is None:
            made = app.extensions["session_signer"] = super().get_signing_serializer(app)
        return made


def _host_names(app: Flask) -> set[str]:
    """The names this kit answers to besides loopback and its own IP addresses."""
    names = set(app.config.get("ALLOWED_HOSTS") or ())
    public = app.config.get("PUBLIC_URL")
    if public:
        names.add(urlsplit(str(public)).hostname or "")
    hostname = socket.gethostname()
    names |= {hostname, f"{hostname}.local"}  # mDNS names a laptop may be reached by
    return {n for n in names if n}


class DataDirError(Exception):
    """The data folder cannot hold the journal: the kit must not start and pretend to save."""


class DatabaseError(Exception):
    """The database named by DATABASE_URL cannot hold the journal: the kit must not start."""


def _open_database(url: str, run_blocking: Any = None) -> SessionJournal:
    """The PostgreSQL journal at `url`; `run_blocking` runs its database calls (see pgjournal)."""
    if urlsplit(url).scheme not in ("postgresql", "postgres"):
        raise DatabaseError("--database takes a PostgreSQL address: postgresql://user@host/database")
    try:
        from .sessions.pgjournal import PgJournal, url_problem
    except ImportError:  # psycopg, or its libpq, is missing
        raise DatabaseError(
            "A PostgreSQL journal needs the kit's postgres extra: python3 -m pip install 'workshops[postgres]'"
        ) from None
    problem = url_problem(url)
    if problem:
        raise DatabaseError(f"--database: {problem}")
    try:
        return PgJournal(url, run_blocking=run_blocking)
    except JournalError as exc:
        raise DatabaseError(f"Cannot open the journal in the database: {exc}") from None


def _check_writable(data_dir: Path) -> None:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe = data_dir / f".write-test-{os.getpid()}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        raise DataDirError(f"Cannot write to the data folder {data_dir}: {exc.strerror or exc}") from None


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the kit's Flask app; `config` overrides the defaults."""
    app = Flask(
        __name__,
        template_folder=str(SHARE / "templates"),
        static_folder=str(SHARE / "static"),
    )
    app.session_interface = _SessionCookies()
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    data_dir = Path(app.config["DATA_DIR"] or default_data_dir())
    app.config["DATA_DIR"] = data_dir
    _check_writable(data_dir)
    secret = load_secret(data_dir)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret.hex()

    if str(app.config.get("PUBLIC_URL") or "").startswith("https://"):
        # Behind TLS: the login cookie, like the key cookies, never travels over plain HTTP.
        app.config["SESSION_COOKIE_SECURE"] = True

    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    if app.config.get("PROXY_HOPS"):
        # Behind a reverse proxy: take the client's address and scheme from its headers.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    from flask_babel import get_locale

    app.jinja_env.globals["get_locale"] = get_locale
    # `{% do rows.append(...) %}`: the report's macros build a chart's rows from a step's config.
    app.jinja_env.add_extension("jinja2.ext.do")
    quiet_library_loggers()
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        max_http_buffer_size=app.config["MAX_MESSAGE_BYTES"],
        # Same origin only. Not python-engineio's default, which also believes any
        # X-Forwarded-Host a client sends; ours trusts it only behind a declared proxy.
        cors_allowed_origins=_same_origin_check(int(app.config.get("PROXY_HOPS") or 0)),
        logger=False,
        engineio_logger=False,
        serializer=ViewPacket,
    )

    hops = int(app.config.get("PROXY_HOPS") or 0)
    # Socket.IO answers name their session for the proxy too (X-Workshops-Code, web/health.py).
    app.wsgi_app = SocketCode(app.wsgi_app, lambda: app.extensions["workshops"].manager)  # type: ignore[method-assign]
    app.wsgi_app = HostCheck(app.wsgi_app, _host_names(app), hops)  # type: ignore[method-assign]

    content = app.config["CONTENT_DIR"]
    roots = [Path(p) for p in content] if isinstance(content, (list, tuple)) else [Path(content)]
    library = PackLibrary(roots)
    # Before the journal is replayed: replayed renames meet the same block list. The last
    # folder that has one wins (an organisation's own list replaces the shipped one).
    lists = [r / nicknames.BLOCKLIST_FILE for r in roots if (r / nicknames.BLOCKLIST_FILE).is_file()]
    nicknames.load_blocklist(lists[-1] if lists else None)
    journal: SessionJournal
    if app.config.get("DATABASE_URL"):
        journal = _open_database(str(app.config["DATABASE_URL"]), app.config.get("RUN_BLOCKING"))
    else:
        try:
            journal = Journal(data_dir / "journal.sqlite3")
        except sqlite3.Error as exc:
            raise DataDirError(f"Cannot open the journal in {data_dir}: {exc}") from None
    try:  # the statistics: a file of their own beside the journal, or the database's table
        stats = open_store(data_dir, app.config.get("DATABASE_URL"), app.config.get("RUN_BLOCKING"))
    except StatError as exc:
        journal.close()
        raise (DatabaseError if app.config.get("DATABASE_URL") else DataDirError)(str(exc)) from None
    manager = SessionManager(journal, Keyring(secret), clock=app.config.get("CLOCK") or time.time)
    manager.on_closing = recorder(stats)  # before the purge below: it writes the records first
    # One process and its own file: every session is rebuilt now. A database several workers
    # share: none is, each is taken over when a request first names it (docs/architecture.md).
    recovered = 0 if manager.shared else manager.recover()
    purged = manager.purge(app.config["RETENTION_HOURS"] * 3600)
    if purged:
        logging.getLogger(__name__).info("deleted %d session(s) past the retention time", len(purged))
    if recovered:
        logging.getLogger(__name__).info("recovered %d session(s) from the journal", recovered)
    from .web import register, rehearsing

    register(app, library, manager, journal, stats)
    rehearsing.resume(app)  # recovered rehearsals get their simulated pupils back
    manager.adopted = partial(_adopted, app)  # and so do rehearsals taken over
    return app


def _adopted(app: Flask, live: Any) -> None:
    """A session this worker has just taken over: a rehearsal gets its simulated pupils back."""
    if live.rehearsal is not None and not live.state.ended:
        from .web import rehearsing

        with app.app_context():
            rehearsing.start(app, live, resumed=True)
