"""Default settings; `workshops serve` and tests override them."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
# What the kit needs to run besides its code: templates/, static/ and the shipped packs in
# content/. In a checkout (and an editable install) they are the repository's own top-level
# folders; a built wheel carries copies of them in workshops/_share (see setup.py).
SHARE = _PACKAGE / "_share" if (_PACKAGE / "_share" / "templates").is_dir() else _PACKAGE.parent
SHIPPED_CONTENT = SHARE / "content"
# The repository's root, for the tools that only make sense in a checkout (docs, schema).
PROJECT_ROOT = _PACKAGE.parent


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "workshops"


DEFAULTS = {
    # Folders of packs, later ones adding packs or replacing those of the same id: a path or a list.
    "CONTENT_DIR": SHIPPED_CONTENT,
    "DATA_DIR": None,  # default_data_dir() unless set
    # Where sessions are journaled: None, the SQLite file in DATA_DIR; or a PostgreSQL database,
    # postgresql://user@host/db (needs the [postgres] extra; see docs/architecture.md).
    "DATABASE_URL": None,
    "ASYNC_MODE": "threading",
    # Where phones reach the kit, e.g. http://192.168.1.20:5000; None: the request's own host.
    "PUBLIC_URL": None,
    # A password opens the home page (creating sessions) to other machines; None: this machine only.
    "FACILITATOR_PASSWORD": None,
    # Where the accessibility statement (/accessibility) sends feedback: the organisation's
    # e-mail address or web address (a form). None: not set, and the statement asks readers
    # to tell the facilitator and says it is incomplete until an address is set.
    "ACCESSIBILITY_CONTACT": None,
    # How many reverse proxies stand in front of the kit (0: none); their X-Forwarded-* headers are trusted.
    "PROXY_HOPS": 0,
    "MAX_MESSAGE_BYTES": 16 * 1024,
    "TIMER_INTERVAL": 0.5,
    # The facilitator's and projector's views are sent at most this often per session
    # (0: after every action, as the in-process tests want).
    "VIEW_COALESCE_SECONDS": 0.1,
    # Session data (journal, answers, nicknames) is deleted this long after the last action.
    "RETENTION_HOURS": 24,
    # Wrong join codes or keys: per browser (a cookie), and per address. None: 20 on a LAN,
    # where every phone has its own address, and 300 behind a proxy, where a whole school
    # may share one (see docs/security.md).
    "JOIN_MISSES_PER_MINUTE": 20,
    "JOIN_MISSES_PER_ADDRESS_PER_MINUTE": None,
    # Wrong facilitator passwords: per address, and for the whole server (forged addresses).
    "LOGIN_FAILURES_PER_MINUTE": 10,
    "LOGIN_FAILURES_TOTAL_PER_MINUTE": 30,
    # Request bodies: the largest real one (a login form) is well under 1 kB.
    "MAX_CONTENT_LENGTH": 32 * 1024,
    # More host names this kit answers to, besides loopback, its own addresses and the public URL's.
    "ALLOWED_HOSTS": (),
    # An Engine.IO connection that has not sent its Socket.IO CONNECT by then is closed.
    "CONNECT_GRACE_SECONDS": 5.0,
    "JOINS_PER_SECOND": 5.0,
    "JOIN_BURST": 40,  # seats at once per session (scaled up for sessions of more pupils)
    "EVENTS_PER_SECOND": 10.0,
    "EVENT_BURST": 30,
    "BABEL_DEFAULT_LOCALE": "fi",
    "LANGUAGES": ("fi", "sv", "en"),
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "SEND_FILE_MAX_AGE_DEFAULT": 3600,
}
