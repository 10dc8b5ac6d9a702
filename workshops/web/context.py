"""Shortcuts to the app's kit objects and its public address."""

from __future__ import annotations

from flask import current_app, request

from ..packs import PackLibrary
from ..sessions.manager import SessionManager


def manager() -> SessionManager:
    return current_app.extensions["workshops"]["manager"]


def library() -> PackLibrary:
    return current_app.extensions["workshops"]["library"]


def public_base() -> str:
    """The address phones use: the configured LAN/public address, else this request's host."""
    configured = current_app.config.get("PUBLIC_URL")
    return (configured or request.host_url).rstrip("/")


def join_url(code: str) -> str:
    return f"{public_base()}/j/{code}"
