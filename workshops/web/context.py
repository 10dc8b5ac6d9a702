"""The app's kit objects, as one typed record, and the public address."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request

from ..packs import PackLibrary
from ..sessions.fanout import Fanout
from ..sessions.journaling import SessionJournal
from ..sessions.manager import SessionManager
from ..sessions.statstore import StatStore
from .guard import Guesses, Logins, RateLimiter


@dataclass(frozen=True)
class Limits:
    """The rate limits of one app (see docs/security.md)."""

    misses: Guesses  # wrong join codes and keys, per browser and per address
    logins: Logins  # wrong facilitator passwords, per address and in all
    joins: RateLimiter  # new seats, per session: a class joins within a minute, a script is slowed down
    events: RateLimiter  # events, per pupil's seat or per facilitator or projector connection


@dataclass(frozen=True)
class Kit:
    """What one app runs on: `app.extensions["workshops"]`."""

    library: PackLibrary
    manager: SessionManager
    journal: SessionJournal
    limits: Limits
    fanout: Fanout
    stats: StatStore  # the statistics records (sessions/statstore.py)


def kit() -> Kit:
    return current_app.extensions["workshops"]


def manager() -> SessionManager:
    return kit().manager


def library() -> PackLibrary:
    return kit().library


def public_base() -> str:
    """The address phones use: the configured LAN/public address, else this request's host."""
    configured = current_app.config.get("PUBLIC_URL")
    return (configured or request.host_url).rstrip("/")


def join_url(code: str) -> str:
    return f"{public_base()}/j/{code}"
