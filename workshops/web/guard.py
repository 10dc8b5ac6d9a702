"""Rate limits and who may open what: small, in memory, never logging who asked."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import re
import socket
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from urllib.parse import urlsplit


class RateLimiter:
    """A token bucket per key (an address or a socket): `rate` per second, bursts of `burst`."""

    def __init__(self, rate: float, burst: float, max_keys: int = 50_000, clock=time.monotonic):
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str, cost: float = 1.0) -> bool:
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            ok = tokens >= cost
            if ok:
                tokens -= cost
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            return ok

    def blocked(self, key: str, cost: float = 1.0) -> bool:
        """Whether `allow(key, cost)` would refuse now; takes nothing."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            return min(self.burst, tokens + (now - last) * self.rate) < cost

    def forget(self, key: str) -> None:
        with self._lock:
            self._buckets.pop(key, None)


def is_local(addr: str | None) -> bool:
    """Whether a request comes from this machine (the facilitator's laptop)."""
    if not addr:
        return False
    try:
        return ipaddress.ip_address(addr.split("%")[0]).is_loopback
    except ValueError:
        return False


def same_secret(given: str, expected: str) -> bool:
    """Whether a password someone gave is the facilitator's: in constant time (for its length),
    so the time an answer takes does not tell how much of a guess was right. The login form
    and /metrics (HTTP Basic or a bearer token) compare with this."""
    return hmac.compare_digest(given.encode(), expected.encode())


# A browser's own guess budget (see Guesses): a random id, kept in memory only, linked to nobody.
CLIENT_COOKIE = "kit_client"
# Keys of an unknown code are still checked against something, so that a wrong code costs the
# same time as a right code with a wrong key: response times must not rank candidate codes.
NO_SESSION = "-"


class Guesses:
    """Wrong join codes and keys: a small budget per browser and a larger one per address.

    Behind one school NAT (hosted mode) every phone shares an address: one pupil typing wrong
    codes runs out of their own browser's budget (a cookie) long before the address's, so
    the rest of the school still joins. A script that drops its cookies meets the address's
    budget. While either is spent, even a right code answers "too many tries", so a guesser
    never learns which code works.
    """

    def __init__(self, per_client_minute: float, per_address_minute: float, clock=time.monotonic):
        self.clients = RateLimiter(per_client_minute / 60, per_client_minute, clock=clock)
        self.addresses = RateLimiter(per_address_minute / 60, per_address_minute, clock=clock)

    def blocked(self, address: str, client: str | None) -> bool:
        if self.addresses.blocked(address):
            return True
        return client is not None and self.clients.blocked(client)

    def miss(self, address: str, client: str | None) -> None:
        self.addresses.allow(address)
        if client is not None:
            self.clients.allow(client)


class Logins:
    """Wrong facilitator passwords: a budget per address and one for the whole server.

    The per-address budget keeps one person from slowing everyone's login; the server-wide
    one bounds a guesser who rotates forged X-Forwarded-For addresses past the first.
    """

    def __init__(self, per_address_minute: float, total_minute: float, clock=time.monotonic):
        self.addresses = RateLimiter(per_address_minute / 60, per_address_minute, clock=clock)
        self.total = RateLimiter(total_minute / 60, total_minute, clock=clock)

    def blocked(self, address: str) -> bool:
        return self.total.blocked("all") or self.addresses.blocked(address)

    def failed(self, address: str) -> None:
        self.total.allow("all")
        self.addresses.allow(address)


def client_address(environ: dict, hops: int) -> str:
    """The client's address: behind `hops` proxies, the one the nearest trusted proxy saw.

    The same rule as werkzeug's ProxyFix, for the Socket.IO handshake, which reaches the
    kit before ProxyFix does.
    """
    if hops:
        values = [v.strip() for v in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if v.strip()]
        if len(values) >= hops:
            return values[-hops]
    return environ.get("REMOTE_ADDR") or "?"


# Characters a browser drops from a URL or reads as a slash: `/\t/evil.example` is `//evil.example`.
_DROPPED = re.compile(r"[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]")


def safe_next(target: str | None) -> str:
    """A redirect target on this site, or `/`: never another host, whatever the encoding."""
    if not target:
        return "/"
    cleaned = _DROPPED.sub("", target)
    if cleaned != target or not cleaned.startswith("/") or cleaned.startswith("//") or "\\" in cleaned:
        return "/"
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc:
        return "/"
    return cleaned


class HostCheck:
    """WSGI middleware: answer 400 to a Host that is not this kit's (DNS rebinding).

    A page on evil.example whose name an attacker re-points at this laptop sends
    `Host: evil.example`; a browser that really came here names one of our own: a loopback
    name, an IP address of this machine, its host name, or the public URL's host. Outermost,
    so it covers the Socket.IO handshake too. Behind a proxy the forwarded host counts.
    """

    LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})

    def __init__(self, app: Callable, names: set[str], hops: int = 0):
        self.app = app
        self.names = {n.lower().rstrip(".") for n in names if n} | self.LOCAL_NAMES
        self.hops = hops
        self._ours: dict[str, bool] = {}

    def __call__(self, environ: dict, start_response: Callable):
        host = environ.get("HTTP_HOST", "")
        if self.hops:
            forwarded = [v.strip() for v in environ.get("HTTP_X_FORWARDED_HOST", "").split(",") if v.strip()]
            if len(forwarded) >= self.hops:
                host = forwarded[-self.hops]
        if self.allowed(host):
            return self.app(environ, start_response)
        body = (
            "Tuntematon osoite. Avaa osoite, jonka työpajapakki näytti käynnistyessään.\n"
            "Unknown host name. Open the address the kit printed when it started"
            " (or start it with --allow-host NAME).\n"
        ).encode()
        start_response(
            "400 Bad Request",
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Connection", "close"),
            ],
        )
        return [body]

    def allowed(self, host: str) -> bool:
        name = _host_name(host)
        if name is None:
            return False
        if name in self.names:
            return True
        try:
            addr = ipaddress.ip_address(name)
        except ValueError:
            return False
        # An address literal is no rebinding: a browser sends one only when the page's address
        # was that very IP. Still, only this machine's own addresses are ours.
        if addr.is_loopback:
            return True
        known = self._ours.get(name)
        if known is None:
            known = self._ours[name] = _is_own_address(addr)
            if len(self._ours) > 256:
                self._ours.clear()
        return known


def _host_name(host: str) -> str | None:
    """`Host` without its port, lower case; None when it is not a plausible host."""
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        return host[1:end] if end > 0 else None
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    name = name.rstrip(".")
    if not name or len(name) > 253 or not re.fullmatch(r"[a-z0-9.\-_:]+", name):
        return None
    return name


def _is_own_address(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether `addr` belongs to this machine: only then can a socket be bound to it."""
    family = socket.AF_INET6 if addr.version == 6 else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as s:
            s.bind((str(addr), 0))
        return True
    except OSError:
        return False


_log = logging.getLogger("workshops")


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f"{os.sep}workshops{os.sep}" in f.filename]
    place = ours[-1] if ours else (frames[-1] if frames else None)
    return f" at {os.path.basename(place.filename)}:{place.lineno} in {place.name}" if place else ""


class OneLineFailures(logging.Filter):
    """Turn a library's logged exception (python-socketio's "message handler error" for a packet
    nested 5,000 deep, say) into one line: its kind and place, no traceback, no packet."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            record.msg = f"{record.getMessage()}: {type(exc).__name__}{_where(exc)}"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def quiet_library_loggers() -> None:
    """Make the Socket.IO libraries' error records one line each (see OneLineFailures)."""
    for name in ("engineio.server", "socketio.server", "engineio.client", "socketio.client"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, OneLineFailures) for f in logger.filters):
            logger.addFilter(OneLineFailures())


def log_failure(what: str, exc: BaseException) -> None:
    """Log a failure in one line: its kind and where it happened, never its text or a traceback.

    An exception's text may quote what a client sent (a pupil's words, a key, a packet), and a
    traceback's lines may too; the kind and the place are enough to find the bug.
    """
    _log.error("%s: %s%s", what, type(exc).__name__, _where(exc))
