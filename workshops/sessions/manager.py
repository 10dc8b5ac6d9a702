"""The one authority per session: parse, apply, journal, then report what changed.

The manager is the only place that owns live state. It applies one action at a
time per session (a lock each), writes the journal before returning success,
and rebuilds every session from the journal on start-up. It knows nothing of
Flask or Socket.IO: the web layer turns its outcomes into messages.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ..activities import Rejected
from ..packs.models import Pack
from . import actions, rules
from .journal import Batch, Journal, JournalError
from .keys import Keyring, new_code
from .views import affected_seats

log = logging.getLogger(__name__)


@dataclass
class Live:
    """A session in memory: its state plus what only the running server needs."""

    id: str
    code: str
    state: rules.SessionState
    lock: threading.Lock = field(default_factory=threading.Lock)
    seen: dict[tuple[str, str], int] = field(default_factory=dict)  # (actor, client id) -> revision
    online: Counter[str] = field(default_factory=Counter)  # seat -> open connections
    presence: int = 0  # bumped whenever `online` changes: views built from it are cached by it
    journal_failed: bool = False
    deleted: bool = False  # erased by the facilitator or the retention time: refuse everything
    # The journal commits actions in groups: `state` may be ahead of what is saved by the
    # actions of the open group (`batch`); `committed` is the state as of the last saved one.
    committed: rules.SessionState | None = None
    batch: Batch | None = None

    def __post_init__(self) -> None:
        if self.committed is None:
            self.committed = self.state


@dataclass(frozen=True)
class Outcome:
    ok: bool
    rev: int
    error: str | None = None
    message: str | None = None
    duplicate: bool = False
    changed: bool = True  # False: accepted, but the state is as it was (nothing to send)
    affected: set[str] | None = field(default_factory=set)  # pupils whose own view changed; None: all
    seat: str | None = None  # for joins: the new seat

    def ack(self) -> dict[str, Any]:
        if self.ok:
            return {"ok": True, "rev": self.rev, **({"duplicate": True} if self.duplicate else {})}
        return {"ok": False, "error": self.error, "message": self.message, "rev": self.rev}


def _saved(live: Live, state: rules.SessionState) -> None:
    # Called by the journal as the group commits, in the order the actions were staged.
    if state.rev > live.committed.rev:
        live.committed = state


class SessionManager:
    def __init__(self, journal: Journal, keyring: Keyring, clock: Callable[[], float] = time.time):
        self.journal = journal
        self.keys = keyring
        self.clock = clock
        self._sessions: dict[str, Live] = {}
        self._lock = threading.Lock()

    # -- lifecycle ----------------------------------------------------------
    def create(self, pack: Pack, own_nicknames: bool | None = None) -> Live:
        with self._lock:
            code = new_code(set(self._sessions))
            sid = uuid.uuid4().hex
            seed = secrets.randbits(48)
            at = self.clock()
            state = rules.new_session(pack, seed, at, own_nicknames)
            self.journal.create_session(
                sid, code, pack.model_dump(mode="json", by_alias=True, exclude_none=True), seed, state.own_nicknames, at
            )
            live = Live(sid, code, state)
            self._sessions[code] = live
            return live

    def recover(self) -> int:
        """Rebuild every journaled session by replaying its actions; return how many."""
        count = 0
        for row in self.journal.sessions(open_only=False):
            try:
                pack = Pack.model_validate(row.pack, context={})
            except Exception:  # a snapshot no later version of the models accepts
                log.warning("session %s: its pack snapshot no longer validates; not recovered", row.code)
                continue
            state = rules.new_session(pack, row.seed, row.created_at, row.own_nicknames)
            live = Live(row.id, row.code, state)
            skipped = 0
            for rec in self.journal.actions(row.id):
                parsed = actions.parse(rec.actor, rec.action, pack) if rec.action is not None else None
                if parsed is None or isinstance(parsed, Rejected):
                    skipped += 1
                    continue
                result = rules.apply(live.state, rec.actor, parsed, rec.at)
                if isinstance(result, Rejected):
                    skipped += 1
                    continue
                live.state = result
                if rec.cid:
                    live.seen[(rec.actor, rec.cid)] = result.rev
            live.committed = live.state
            if skipped:
                log.warning("session %s: skipped %d unreadable journal record(s)", row.code, skipped)
            self._sessions[row.code] = live
            count += 1
        return count

    def get(self, code: str) -> Live | None:
        return self._sessions.get(code)

    def all(self) -> list[Live]:
        return list(self._sessions.values())

    # -- actions --------------------------------------------------------------
    def submit(self, live: Live, actor: str, payload: Any, cid: str | None = None, group: bool = True) -> Outcome:
        """Parse, apply and journal one action; return an outcome for the acknowledgement.

        The session's lock is held while the action is decided and added to the journal's open
        group, not while the group is committed: the other answers of the same moment join it.
        The outcome is returned only once the action is saved.
        """
        with live.lock:
            self._rewind_if_lost(live)
            state = live.state
            if live.deleted:
                return Outcome(False, state.rev, "not_found", "No workshop with that code.")
            if cid is not None and (actor, cid) in live.seen:
                if live.seen[(actor, cid)] <= live.committed.rev or live.batch is None:
                    return Outcome(True, state.rev, duplicate=True, changed=False)
                pending = live.batch  # a retry of an action whose group is still being saved
            else:
                pending = None
                parsed = actions.parse(actor, payload, state.pack)
                if isinstance(parsed, Rejected):
                    return Outcome(False, state.rev, parsed.code, parsed.message)
                at = self.clock()
                result = rules.apply(state, actor, parsed, at)
                if isinstance(result, Rejected):
                    return Outcome(False, state.rev, result.code, result.message)
                if result is state:
                    return Outcome(True, state.rev, changed=False)  # nothing to save or send
                try:
                    ends = result.ended and not state.ended
                    batch = self.journal.stage(live.id, at, actor, cid, actions.to_journal(parsed), ends=ends,
                                               after=live.batch, saved=partial(_saved, live, result))
                except JournalError as exc:
                    self._rewind_if_lost(live)
                    return self._not_saved(live, exc)
                live.state, live.batch = result, batch
                if cid is not None:
                    live.seen[(actor, cid)] = result.rev
                affected = affected_seats(result, actor, parsed.type)
                seat = rules.last_joined(result) if parsed.type == "join" else None
                rev = result.rev
                # Not kept while waiting: in a join storm hundreds wait on one group, and each
                # state holds its own copy of a 2,000-pupil mapping.
                del state, result
        try:
            self.journal.commit(batch if pending is None else pending, wait_for_others=group)
        except JournalError as exc:
            with live.lock:
                self._rewind_if_lost(live)
                return self._not_saved(live, exc)
        live.journal_failed = False
        if pending is not None:
            return Outcome(True, live.state.rev, duplicate=True, changed=False)
        return Outcome(True, rev, affected=affected, seat=seat)

    def _not_saved(self, live: Live, exc: JournalError) -> Outcome:
        live.journal_failed = True
        log.error("session %s: journal write failed: %s", live.code, exc)
        return Outcome(False, live.state.rev, "not_saved", "The server could not save this. Try again.")

    @staticmethod
    def _rewind_if_lost(live: Live) -> None:
        """Go back to the last saved state if the journal lost this session's open group.

        Everything after `committed` was in that group (a new group starts only after the
        previous one ended), so nothing saved is undone; retries of the lost actions are new.
        """
        if live.batch is None or not live.batch.failed:
            return
        live.batch = None
        live.state = live.committed
        for key in [k for k, rev in live.seen.items() if rev > live.committed.rev]:
            del live.seen[key]

    def join(self, live: Live, lang: str = "fi") -> Outcome:
        # A join does not wait for others to join its group: each waiting join would hold its
        # HTTP request, and a storm's peak memory grew by ~8 kB per pupil for little CPU.
        return self.submit(live, "system", {"type": "join", "lang": lang}, group=False)

    def due_timers(self) -> list[tuple[Live, Outcome]]:
        """Fire the `timer` action of every session whose step deadline has passed."""
        now = self.clock()
        fired = []
        for live in self.all():
            deadline = live.state.deadline()
            step = live.state.current
            if deadline is not None and step is not None and now >= deadline:
                outcome = self.submit(live, "system", {"type": "timer", "step": step.id})
                if outcome.ok:
                    fired.append((live, outcome))
        return fired

    def delete(self, live: Live) -> None:
        """Erase a session now: its journal records, its state, its code (raises JournalError)."""
        with live.lock:
            self.journal.delete_session(live.id)
            live.deleted = True
            self._sessions.pop(live.code, None)

    def purge(self, keep_seconds: float) -> list[Live]:
        """Delete the sessions that ended, or saw no action, more than `keep_seconds` ago."""
        cutoff = self.clock() - keep_seconds
        gone = []
        for live in self.all():
            if live.state.last_at < cutoff:
                try:
                    self.delete(live)
                except JournalError as exc:
                    log.error("session %s: could not delete its data: %s", live.code, exc)
                    continue
                gone.append(live)
        return gone

    # -- presence (not journaled: it is not part of the workshop) -------------
    def connected(self, live: Live, seat: str) -> None:
        live.online[seat] += 1
        live.presence += 1

    def disconnected(self, live: Live, seat: str) -> None:
        live.online[seat] -= 1
        live.presence += 1
        if live.online[seat] <= 0:
            del live.online[seat]
