"""Rate limits and who may open what: small, in memory, never logging who asked."""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import OrderedDict


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
