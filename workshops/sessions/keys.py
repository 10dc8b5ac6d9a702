"""Join codes, and the keys and tokens that let a client into a session.

Keys are derived from a server secret with HMAC instead of stored, so the
journal holds no credentials and a restarted server recognises them all.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

# No 0/O, 1/I/L: a code is read off a projector across a classroom.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 5


def new_code(taken: set[str] | frozenset[str] = frozenset()) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


def normalise_code(raw: str) -> str:
    """Accept what a pupil types: lower case, spaces and dashes."""
    return "".join(ch for ch in raw.upper() if ch not in " -\t")[:16]


def load_secret(data_dir: Path) -> bytes:
    """Read the server secret from the data dir, creating it (mode 600) on first run."""
    path = Path(data_dir) / "secret.key"
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    data = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return data


class Keyring:
    def __init__(self, secret: bytes):
        self._secret = secret

    def _mac(self, *parts: str, length: int = 22) -> str:
        digest = hmac.new(self._secret, ":".join(parts).encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:length]

    def host_key(self, session_id: str) -> str:
        return self._mac("host", session_id)

    def screen_key(self, session_id: str) -> str:
        return self._mac("screen", session_id)

    def pupil_token(self, session_id: str, seat: str) -> str:
        return f"{seat}.{self._mac('pupil', session_id, seat)}"

    def check_host(self, session_id: str, key: object) -> bool:
        return isinstance(key, str) and hmac.compare_digest(key, self.host_key(session_id))

    def check_screen(self, session_id: str, key: object) -> bool:
        return isinstance(key, str) and hmac.compare_digest(key, self.screen_key(session_id))

    def seat_of(self, session_id: str, token: object) -> str | None:
        """Return the seat a pupil token belongs to, or None if it is forged."""
        if not isinstance(token, str) or "." not in token or len(token) > 64:
            return None
        seat = token.split(".", 1)[0]
        if hmac.compare_digest(token, self.pupil_token(session_id, seat)):
            return seat
        return None
