"""A session handed over on request: when a class's requests reach a worker other than its owner.

The proxy routes every request of a class by its code (docs/deploy.md). Usually that reaches the
worker that holds the session, but not always: HAProxy's code -> worker table is empty after a
restart (its codes hash to any worker), HAProxy may mark a live worker down by mistake (a health
check that timed out under load), and nginx has no table at all (a code always hashes to the same
worker, so a session made elsewhere, or taken over while its worker was away, is asked for there).
The worker a request reaches cannot take a session another live worker holds (its lease), so it
asks that worker to hand it over, and answers "one moment" until it can take it.

How the asking works (`pgjournal.PgJournal`): the asking worker sends `NOTIFY` on `CHANNEL` with
the session's id, from its lease connection; every worker LISTENs on its own lease connection and
reads what it heard on each tick of its timer loop (every 0.5 s), without a query. A notification
costs nothing when nobody holds the session, is never stored, and reaches the owner within a tick
while the owner runs (a polled column would cost a query per worker and tick, and writing it would
wait for the session row's lock, which each group of answers holds). If the owner is hung, the
request goes unheard and nothing else happens: its lease ends within LEASE_TIMEOUT and the session
is taken over the ordinary way.

The owner lets the session go cleanly (`SessionManager.hand_over`): its connections dropped first
(they reconnect through the proxy, and re-send what was not acknowledged), its open group of
answers committed, its copy dropped, its lease released. The asking worker then takes it over
through the ordinary takeover path: a new epoch, a replay of the journal. Nothing acknowledged is
lost (it was committed before the lease went) or applied twice (the replay refills the client
ids, so a phone's retry is a duplicate).

Against ping-pong (two routes that disagree, a worker that flaps), `Handovers` keeps three rules:

- a worker that handed a session over neither takes nor asks for it for QUIET seconds: the
  disconnects of its own clients and its late requests do not pull it back while the asking
  worker has yet to take it (its lease is free meanwhile);
- nor does it ask for it again for GUARD seconds; it may still take it over if nobody holds it
  (its new owner is gone);
- a worker that received a session by hand-over does not hand it over again for GUARD seconds.

So a session changes hands on request at most once per GUARD seconds between two workers, and a
class whose requests reach the wrong worker meanwhile is told "one moment", never "not found".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from .journal import SessionRow
from .journaling import SharedJournal

#: The PostgreSQL notification channel of hand-over requests (the payload: a session's id).
CHANNEL = "workshops_handover"
#: Seconds a worker that handed a session over neither takes nor asks for it.
QUIET = 2.0
#: Seconds between two hand-overs on request of one session by the same worker (see the notes).
GUARD = 10.0
#: Seconds a request waits for the owner to let its session go before it is told "one moment".
#: The owner hears the request within a tick of its timer loop (0.5 s).
WAIT = 3.0
#: Seconds between two tries to take the session while waiting.
POLL = 0.2
#: Seconds after which a request that still waits asks again (the first request may have been
#: sent while the owner was opening a new lease connection, and not heard).
ASK_AGAIN = 1.0
#: The `Retry-After` of a "one moment" answer, in seconds.
RETRY_AFTER = 1


@runtime_checkable
class HandoverJournal(SharedJournal, Protocol):
    """A shared journal through which workers ask each other for sessions."""

    def claim_or_ask(self, code: str, ask: bool = True) -> SessionRow | bool:
        """Take over the session with this code (as `claim`): its row if this worker holds it now;
        True if another worker holds it (asked to hand it over, with `ask`); False if there is no
        such session (or it cannot be taken now)."""
        ...

    def handover_requests(self) -> set[str]:
        """The ids of the sessions this worker holds that another worker has asked for since the
        last call (cheap: no query)."""
        ...


class Handovers:
    """Which sessions this worker handed over, and which it received by hand-over, and when: the
    three rules against ping-pong (see the module's notes). `clock` is monotonic seconds."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, quiet: float = QUIET, guard: float = GUARD):
        self.clock = clock
        self.quiet = quiet
        self.guard = guard
        self._gave: dict[str, float] = {}  # code -> when this worker handed it over
        self._received: dict[str, float] = {}  # session id -> when it was received by hand-over

    def gave(self, code: str) -> None:
        """Record that this worker handed the session over to a worker that asked for it."""
        self._prune()
        self._gave[code] = self.clock()

    def received(self, sid: str) -> None:
        """Record that this worker took the session over from a worker that handed it over."""
        self._prune()
        self._received[sid] = self.clock()

    def may_take(self, code: str) -> bool:
        """Whether this worker may take the session over (its quiet time after handing it over is over)."""
        gave = self._gave.get(code)
        return gave is None or self.clock() - gave >= self.quiet

    def may_ask(self, code: str) -> bool:
        """Whether this worker may ask another for the session (it did not hand it over lately)."""
        gave = self._gave.get(code)
        return gave is None or self.clock() - gave >= self.guard

    def may_give(self, sid: str) -> bool:
        """Whether this worker may hand the session over (it did not receive it so lately)."""
        got = self._received.get(sid)
        return got is None or self.clock() - got >= self.guard

    def _prune(self) -> None:
        # Bounded by the sessions that moved within GUARD seconds: forget the older ones.
        horizon = self.clock() - max(self.guard, self.quiet)
        if len(self._gave) > 1000:
            self._gave = {c: t for c, t in self._gave.items() if t > horizon}
        if len(self._received) > 1000:
            self._received = {s: t for s, t in self._received.items() if t > horizon}
