"""The one authority per session: parse, apply, journal, then report what changed.

The manager is the only place that owns live state. It applies one action at a
time per session (a lock each), writes the journal before returning success,
and rebuilds every session from the journal on start-up. It knows nothing of
Flask or Socket.IO: the web layer turns its outcomes into messages.

On a journal several workers share (PostgreSQL, `SharedJournal`) the manager holds only the
sessions this worker owns: those it made, and those it took over when a request named one
it did not hold (`get`), replaying it from the journal then. Nothing is replayed at start.
A session another worker has taken over is let go the moment the journal says so (a refused
write, or `keep_leases`), and one another worker asks for is handed over to it (`hand_over`,
sessions/handover.py). See docs/architecture.md, "Ownership and takeover".
"""

from __future__ import annotations

import contextlib
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
from . import actions, handover, rehearsal, rules, statistics
from .journal import Batch, JournalError, SessionRow
from .journaling import SessionJournal, SharedJournal
from .keys import CODE_ALPHABET, CODE_LENGTH, Keyring, new_code
from .views import affected_seats

log = logging.getLogger(__name__)

# The journal record of an action that changed nothing (the same vote again) but came with a
# client id: the id is remembered for the session's life, also after a restart, so a retry
# of it after a newer action is a duplicate, not applied again. It has no `type`, so no
# version of the action models takes it for an action; replay recognises it and applies nothing.
NO_OP = {"no_op": True}
# A code whose session could not be taken over (no such session, or another worker holds it)
# is not asked about again for this long: a class reconnecting at once asks the database once.
_REFUSED_FOR = 1.0
# How long a request waits for another request's takeover of the same session.
_CLAIM_WAIT = 30.0


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
    # When the first projector connected while the session was in the lobby (the manager's clock):
    # the join QR has been up since then. Not journaled: after a restart it starts again.
    qr_since: float | None = None
    deleted: bool = False  # erased by the facilitator or the retention time: refuse everything
    # The journal commits actions in groups. `state` is what is saved: every view is built
    # from it, so nobody sees an action that might still be lost. `head` is `state` plus the
    # actions of the open group (`batch`): only `submit` decides on it.
    head: rules.SessionState = field(init=False)
    batch: Batch | None = None
    # A rehearsal (see sessions/rehearsal.py): its planned simulated pupils, None for a real
    # session; and its simulated seats (each marked in its own join, so also after a restart).
    rehearsal: int | None = None
    simulated: set[str] = field(default_factory=set)
    # Statistics (sessions/statistics.py): the record's random id and the facilitator's labels, both
    # journaled in the session's statistics mark; `recorded`: its record was written when it ended.
    stats_id: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    recorded: bool = False

    def __post_init__(self) -> None:
        self.head = self.state


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


_CODE_LETTERS = frozenset(CODE_ALPHABET)


def _saved(live: Live, state: rules.SessionState) -> None:
    # Called by the journal as the group commits: the session's last action in it.
    if state.rev > live.state.rev:
        live.state = state


class SessionManager:
    def __init__(self, journal: SessionJournal, keyring: Keyring, clock: Callable[[], float] = time.time):
        self.journal = journal
        self.keys = keyring
        self.clock = clock
        self._sessions: dict[str, Live] = {}
        self._lock = threading.Lock()
        # Shared journal only: takeovers under way (code -> set when done), codes refused lately.
        self._shared: SharedJournal | None = journal if isinstance(journal, SharedJournal) else None
        self._claims: dict[str, threading.Event] = {}
        self._refused: dict[str, float] = {}
        # Called with each session taken over (the web layer restarts a rehearsal's pupils).
        self.adopted: Callable[[Live], None] | None = None
        # Called with each action `submit` accepted (saved, or found to change nothing; not a
        # duplicate), with its actor and outcome: web/metrics.py counts them.
        self.on_accepted: Callable[[Live, str, Outcome], None] | None = None
        # Called when this worker lets a session go to another (handed over on request, or found
        # taken over): the web layer closes its connections, which reconnect through the proxy.
        self.moved_away: Callable[[Live], None] | None = None
        # Hand-overs on request (sessions/handover.py): the journal that carries the requests,
        # the rules against ping-pong, and the codes a request is told "one moment" for (until when).
        self._handover = journal if isinstance(journal, handover.HandoverJournal) else None
        self.handovers = handover.Handovers()
        self._moving: dict[str, float] = {}
        # Called with a session that has just ended, and with one about to be deleted (the
        # facilitator's deletion, the retention purge): its statistics record is written then
        # (statstore.recorder). False: not written, tried again before the deletion. A deletion goes
        # on whatever it does.
        self.on_closing: Callable[[Live], bool | None] | None = None

    @property
    def shared(self) -> bool:
        """Whether the journal is shared by several workers (sessions are held, taken over lazily)."""
        return self._shared is not None

    # -- lifecycle ----------------------------------------------------------
    def create(
        self,
        pack: Pack,
        own_nicknames: bool | None = None,
        rehearsal_pupils: int | None = None,
        labels: dict[str, str] | None = None,
    ) -> Live:
        """Start a session; with `rehearsal_pupils`, a rehearsal with that many simulated pupils.

        `labels`: the facilitator's labels for the statistics (place, grade, district), kept with
        a random statistics id in the session's statistics mark. A rehearsal has neither.
        """
        try:
            return self._create(pack, own_nicknames, rehearsal_pupils, labels)
        except JournalError:
            # Once more, on new connections: the first use of a PostgreSQL journal after its
            # server restarted finds the old connection gone (a full disk fails again).
            return self._create(pack, own_nicknames, rehearsal_pupils, labels)

    def _create(
        self,
        pack: Pack,
        own_nicknames: bool | None,
        rehearsal_pupils: int | None,
        labels: dict[str, str] | None,
    ) -> Live:
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
            if rehearsal_pupils is not None:  # its first record makes it one, also after a restart
                live.rehearsal = rehearsal.clamp_pupils(rehearsal_pupils)
                try:
                    self._mark(live, rehearsal.rehearsal_record(live.rehearsal))
                except JournalError:
                    # Not a rehearsal without its mark: its simulated pupils would count as real.
                    with contextlib.suppress(JournalError):
                        self.journal.delete_session(sid)
                    raise
            else:  # its statistics mark: the record's id and labels, also after a restart or takeover
                live.stats_id = secrets.token_hex(16)
                live.labels = statistics.clean_labels(labels or {})
                try:
                    self._mark(live, statistics.mark(live.stats_id, live.labels))
                except JournalError:
                    with contextlib.suppress(JournalError):
                        self.journal.delete_session(sid)
                    raise
            self._sessions[code] = live
            return live

    def recover(self) -> int:
        """Rebuild every journaled session by replaying its actions; return how many.

        On a shared journal, only the sessions no other worker holds, each taken over first
        (`workshops serve` does not call this then: sessions are taken over when asked for).
        """
        count = 0
        for row in self.journal.sessions(open_only=False):
            if self._shared is not None and not self._shared.take(row.id):
                continue
            live = self._replay(row)
            if live is None:
                if self._shared is not None:
                    self._shared.release(row.id)
                continue
            self._sessions[row.code] = live
            count += 1
        return count

    def _replay(self, row: SessionRow) -> Live | None:
        """A journaled session rebuilt by replaying its actions; None if its pack no longer validates."""
        try:
            pack = Pack.model_validate(row.pack, context={})
        except Exception:  # a snapshot no later version of the models accepts
            log.warning("session %s: its pack snapshot no longer validates; not recovered", row.code)
            return None
        state = rules.new_session(pack, row.seed, row.created_at, row.own_nicknames)
        live = Live(row.id, row.code, state)
        skipped = 0
        for rec in self.journal.actions(row.id):
            if rec.action == NO_OP:
                if rec.cid:
                    live.seen[(rec.actor, rec.cid)] = live.state.rev
                continue
            if rec.action is not None and rehearsal.is_mark(rec.action):
                live.rehearsal = rehearsal.read_mark(rec.action)
                continue
            if rec.action is not None and statistics.is_mark(rec.action):
                live.stats_id, live.labels = statistics.read_mark(rec.action)
                continue
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
        live.head = live.state
        live.simulated = {pid for pid, pupil in live.state.pupils.items() if pupil.simulated}
        if skipped:
            log.warning("session %s: skipped %d unreadable journal record(s)", row.code, skipped)
        return live

    def get(self, code: str, ask: bool = False) -> Live | None:
        """The session with this code, if this worker holds it. On a shared journal a code this
        worker does not hold is taken over from the journal if no other worker holds it.

        `ask`: the request was routed here by the proxy, so the class belongs here now. If another
        worker holds the session, it is asked to hand it over, and this waits a few seconds for
        that (sessions/handover.py); None if it did not happen in time, and `moving(code)` then
        says that the session exists and is on its way."""
        live = self._sessions.get(code)
        if live is None and self._shared is not None:
            return self._take_over(code, ask)
        return live

    def moving(self, code: str) -> bool:
        """Whether the session with this code was found held by another worker (or being handed
        over) a moment ago: a request for it is told to come back in a moment, not that there is
        no such session."""
        return self._moving.get(code, 0.0) > time.monotonic()

    def _mark_moving(self, code: str) -> None:
        now = time.monotonic()
        if len(self._moving) > 10_000:
            self._moving = {c: t for c, t in self._moving.items() if t > now}
        self._moving[code] = now + handover.QUIET

    def _take_over(self, code: str, ask: bool = False) -> Live | None:
        if len(code) != CODE_LENGTH or not set(code) <= _CODE_LETTERS:
            return None  # no session has such a code: no need to ask the database
        if not self.handovers.may_take(code):  # handed over a moment ago: not pulled back by its own stragglers
            self._mark_moving(code)
            return None
        # A code refused a moment ago is not asked about again, unless this request may ask for
        # the session: a refusal without asking (a look at this worker's own port) must not
        # hold up the class's first request routed here.
        if self._refused.get(code, 0.0) > time.monotonic() and not (ask and self.moving(code)):
            return None
        with self._lock:
            live = self._sessions.get(code)
            if live is not None:
                return live
            claim = self._claims.get(code)
            mine = claim is None
            if claim is None:
                claim = self._claims[code] = threading.Event()
        if not mine:  # another request is taking it over: its outcome is ours
            claim.wait(_CLAIM_WAIT)
            return self._sessions.get(code)
        try:
            live = self._claim(code, ask)
        finally:
            with self._lock:
                self._claims.pop(code, None)
            claim.set()
        if live is None:
            now = time.monotonic()
            if len(self._refused) > 10_000:
                self._refused = {c: t for c, t in self._refused.items() if t > now}
            self._refused[code] = now + _REFUSED_FOR
        return live

    def _claim(self, code: str, ask: bool = False) -> Live | None:
        assert self._shared is not None
        try:
            row, handed = self._claim_row(code, ask)
        except JournalError as exc:
            log.error("session %s: could not take it over: %s", code, exc)
            return None
        if row is None:
            return None  # no such session, or another worker holds it (the proxy will route there)
        try:
            live = self._replay(row)
        except JournalError as exc:  # its actions could not be read: another request tries again
            log.error("session %s: could not replay it: %s", code, exc)
            live = None
        if live is None:
            self._shared.release(row.id)
            return None
        with self._lock:
            self._sessions[row.code] = live
        self._refused.pop(code, None)
        self._moving.pop(code, None)
        if handed:
            self.handovers.received(row.id)
        how = "handed over by its worker" if handed else "from the journal"
        log.info("session %s: taken over %s (rev %d)", code, how, live.state.rev)
        if self.adopted is not None:
            self.adopted(live)
        return live

    def _claim_row(self, code: str, ask: bool) -> tuple[SessionRow | None, bool]:
        """The session's row if this worker takes it over now, and whether its worker handed it
        over on this worker's request (sessions/handover.py); raises JournalError."""
        assert self._shared is not None
        if self._handover is None:
            return self._shared.claim(code), False
        ask = ask and self.handovers.may_ask(code)
        start = time.monotonic()
        asked: float | None = None  # when the owner was last asked
        while True:
            now = time.monotonic()
            again = ask and (asked is None or now - asked >= handover.ASK_AGAIN)
            found = self._handover.claim_or_ask(code, again)
            if not isinstance(found, bool):
                return found, asked is not None
            if not found:
                return None, False  # no such session
            self._mark_moving(code)  # another worker holds it
            if not ask or now - start >= handover.WAIT:
                return None, False
            asked = now if again else asked
            time.sleep(handover.POLL)  # the owner hears the request within a tick of its timer loop

    def _let_go(self, live: Live) -> None:
        """Forget a session another worker has taken over: nothing of it is written here again,
        and its connections are closed, so that they reconnect through the proxy."""
        with self._lock:
            if self._sessions.get(live.code) is live:
                del self._sessions[live.code]
            else:
                return
        self._mark_moving(live.code)
        log.warning("session %s: taken over by another worker; let go here", live.code)
        if self.moved_away is not None:
            self.moved_away(live)

    def hand_over(self, live: Live) -> None:
        """Let a session go to the worker that asked for it (sessions/handover.py): its
        connections closed first, so that no new answer arrives over them, then its open group of
        answers committed, its copy dropped and its lease released; the other worker takes it over
        with everything acknowledged here, and the closed connections reconnect to it."""
        assert self._shared is not None
        if self.moved_away is not None:
            self.moved_away(live)
        with live.lock:
            with self._lock:
                if self._sessions.get(live.code) is not live:
                    return
                del self._sessions[live.code]
            self.handovers.gave(live.code)
            self._mark_moving(live.code)
            batch = live.batch
        if batch is not None:
            with contextlib.suppress(JournalError):  # a lost group's waiters are told: nothing of it was acknowledged
                self.journal.commit(batch, wait_for_others=False)
        self._shared.release(live.id)
        log.info("session %s: handed over to the worker that asked for it (rev %d)", live.code, live.state.rev)
        if self.moved_away is not None:
            self.moved_away(live)  # and any connection made meanwhile

    def keep_leases(self, force: bool = False) -> None:
        """Keep this worker's leases (shared journal; the timer loop, through `due_timers`), let
        go the sessions another worker has taken over, and hand over those another worker asked for."""
        if self._shared is None:
            return
        lost = self._shared.renew(force)
        if lost:
            for live in self.all():
                if live.id in lost:
                    self._let_go(live)
        if self._handover is not None:
            asked = self._handover.handover_requests()
            for live in self.all():
                if live.id in asked and self.handovers.may_give(live.id):
                    self.hand_over(live)

    def all(self) -> list[Live]:
        return list(self._sessions.values())

    # -- actions --------------------------------------------------------------
    def submit(self, live: Live, actor: str, payload: Any, cid: str | None = None, group: bool = True) -> Outcome:
        """Parse, apply and journal one action; return an outcome for the acknowledgement.

        The session's lock is held while the action is decided (on `head`) and added to the
        journal's open group, not while the group is committed: the other answers of the same
        moment join it. An outcome decided on unsaved actions waits for their group too, so
        nothing is acknowledged, refused or called unchanged on the strength of a lost action.
        """
        with live.lock:
            self._rewind_if_lost(live)
            if live.deleted:
                return Outcome(False, live.head.rev, "not_found", "No workshop with that code.")
            outcome, wait = self._decide(live, actor, payload, cid)
        if wait is not None:  # also when done: a group lost meanwhile raises here
            try:
                self.journal.commit(wait, wait_for_others=group)
            except JournalError as exc:
                with live.lock:
                    self._rewind_if_lost(live)
                    if cid is not None:  # its first try (or its no-op record) was lost with the group
                        live.seen.pop((actor, cid), None)
                    return self._not_saved(live, exc)
        if live.deleted:  # erased while the group was being saved: no views, no answers
            return Outcome(False, live.state.rev, "not_found", "No workshop with that code.")
        if wait is not None and outcome.ok and outcome.changed:
            live.journal_failed = False
        if live.state.ended and not live.recorded:  # saved as ended: its statistics now
            self._closing(live)
        if outcome.ok and not outcome.duplicate and self.on_accepted is not None:
            self.on_accepted(live, actor, outcome)
        return outcome

    def _closing(self, live: Live) -> None:
        """Hand a session that ended, or is about to be deleted, to `on_closing` (its statistics)."""
        live.recorded = True  # first: an answer of the same moment does not start a second one
        if self.on_closing is not None:
            try:
                done = self.on_closing(live)
            except Exception as exc:  # never in the way of an answer or a deletion; no pupil data logged
                log.error("session %s: its statistics failed: %s", live.code, type(exc).__name__)
                done = False
            if done is False:
                live.recorded = False

    def _decide(self, live: Live, actor: str, payload: Any, cid: str | None) -> tuple[Outcome, Batch | None]:
        """Decide on `head` (the caller holds the lock): the outcome, and the group to wait for."""
        head = live.head
        # What this decision rests on that is not saved yet: the open group, if head is ahead.
        unsaved = live.batch if head is not live.state else None
        if cid is not None and (actor, cid) in live.seen:
            # Applied (or found to change nothing) before: never again. The ack's `rev` is a
            # saved revision that includes the first try: once its group is saved, the current one.
            if live.seen[(actor, cid)] > live.state.rev:
                return Outcome(True, head.rev, duplicate=True, changed=False), unsaved
            return Outcome(True, live.state.rev, duplicate=True, changed=False), None
        parsed = actions.parse(actor, payload, head.pack)
        if isinstance(parsed, Rejected):
            return Outcome(False, head.rev, parsed.code, parsed.message), None  # the payload alone
        at = self.clock()
        result = rules.apply(head, actor, parsed, at)
        if isinstance(result, Rejected):
            return Outcome(False, head.rev, result.code, result.message), unsaved
        if result is head:  # nothing to apply or send
            if cid is None:
                return Outcome(True, head.rev, changed=False), unsaved
            # The id is remembered all the same (and journaled, for after a restart): a retry of
            # it after a newer action must not apply this one again over that.
            try:
                batch = self.journal.stage(live.id, at, actor, cid, NO_OP, after=live.batch)
            except JournalError as exc:
                self._rewind_if_lost(live)
                return self._not_saved(live, exc), None
            live.batch = batch
            live.seen[(actor, cid)] = head.rev
            return Outcome(True, head.rev, changed=False), batch
        try:
            ends = result.ended and not head.ended
            batch = self.journal.stage(
                live.id,
                at,
                actor,
                cid,
                actions.to_journal(parsed),
                ends=ends,
                after=live.batch,
                saved=partial(_saved, live, result),
            )
        except JournalError as exc:
            self._rewind_if_lost(live)
            return self._not_saved(live, exc), None
        live.head, live.batch = result, batch
        if cid is not None:
            live.seen[(actor, cid)] = result.rev
        seat = rules.last_joined(result) if parsed.type == "join" else None
        return Outcome(True, result.rev, affected=affected_seats(result, actor, parsed.type), seat=seat), batch

    def _not_saved(self, live: Live, exc: JournalError) -> Outcome:
        if self._shared is not None and not self._shared.holds(live.id):
            self._let_go(live)  # another worker took it over: this worker's view of it is stale
        live.journal_failed = True
        log.error("session %s: journal write failed: %s", live.code, exc)
        return Outcome(False, live.state.rev, "not_saved", "The server could not save this. Try again.")

    @staticmethod
    def _rewind_if_lost(live: Live) -> None:
        """Go back to the saved state if the journal lost this session's open group.

        Everything after `state` was in that group (a new group starts only after the previous
        one ended), so nothing saved is undone; retries of the lost actions are new.
        """
        if live.batch is None or not live.batch.failed:
            return
        live.batch = None
        live.head = live.state
        for key in [k for k, rev in live.seen.items() if rev > live.state.rev]:
            del live.seen[key]

    def join(
        self, live: Live, lang: str = "fi", device: str = "phone", team: str | None = None, simulated: bool = False
    ) -> Outcome:
        # A join does not wait for others to join its group: each waiting join would hold its
        # HTTP request, and a storm's peak memory grew by ~8 kB per pupil for little CPU.
        action: dict[str, Any] = {"type": "join", "lang": lang}
        if device != "phone":
            action |= {"device": device, "team": team}
        if simulated:  # a rehearsal's simulated pupil: marked in its own join, so never without the mark
            action["simulated"] = True
        outcome = self.submit(live, "system", action, group=False)
        if simulated and outcome.ok and outcome.seat is not None:
            live.simulated.add(outcome.seat)
        return outcome

    def _mark(self, live: Live, record: dict[str, Any]) -> None:
        """Journal a rehearsal's mark (not an action: recovery reads it back); raise JournalError if lost."""
        with live.lock:
            if live.deleted:  # its rows are gone: a record now would fail the whole open group
                raise JournalError("the session was deleted")
            batch = self.journal.stage(live.id, self.clock(), "system", None, record, after=live.batch)
            live.batch = batch
        self.journal.commit(batch, wait_for_others=False)

    def due_timers(self) -> list[tuple[Live, Outcome]]:
        """Fire the `timer` action of every session whose step deadline has passed (of the
        sessions this worker holds: on a shared journal, its leases are kept first)."""
        self.keep_leases()
        now = self.clock()
        fired = []
        for live in self.all():
            due = live.state.timer_due(now)
            if due is not None:
                outcome = self.submit(live, "system", due)
                if outcome.ok:
                    fired.append((live, outcome))
        return fired

    def open_paced(self, live: Live, until: float) -> Outcome:
        """Open a new session self-paced until `until`: its first action, so a replay opens it too."""
        return self.submit(live, "system", {"type": "pace", "until": until}, group=False)

    def delete(self, live: Live) -> None:
        """Erase a session now: its journal records, its state, its code (raises JournalError).

        Its statistics record is written first, if it was not when the session ended.
        """
        if not live.recorded:
            self._closing(live)
        with live.lock:
            try:
                self.journal.delete_session(live.id)
            except JournalError:
                if self._shared is not None and not self._shared.holds(live.id):
                    self._let_go(live)  # another worker's now, and theirs to delete
                raise
            live.deleted = True
            self._sessions.pop(live.code, None)
        if self.journal.scrub_owed:
            log.warning(
                "session %s: deleted; another program is reading the journal, so its write-ahead log "
                "is emptied as soon as that program lets go",
                live.code,
            )

    def purge(self, keep_seconds: float) -> list[Live]:
        """Delete the sessions that ended, or saw no action, more than `keep_seconds` ago.

        Returns the ones this worker held. On a shared journal it also deletes those that no
        worker holds (their worker stopped): any worker may, and two that try at once take turns
        on the session's lease; a session another worker holds is that worker's to delete.
        """
        cutoff = self.clock() - keep_seconds
        gone = []
        for live in self.all():
            # A self-paced session is kept while it is open, however long nobody answers.
            if max(live.state.last_at, live.state.until or 0.0) < cutoff:
                try:
                    self.delete(live)
                except JournalError as exc:
                    log.error("session %s: could not delete its data: %s", live.code, exc)
                    continue
                gone.append(live)
        if self._shared is not None:
            self._purge_unheld(self._shared, cutoff)
        return gone

    def _purge_unheld(self, shared: SharedJournal, cutoff: float) -> None:
        try:
            expired = shared.expired(cutoff)
        except JournalError as exc:
            log.error("could not list the sessions past the retention time: %s", exc)
            return
        held = {live.id for live in self.all()}
        held_codes = {live.code for live in self.all()}
        for sid, code in expired:
            if sid in held or code in held_codes:
                continue
            try:
                row = shared.claim(code)  # its lease taken, to replay it for its statistics first
                if row is not None and row.id != sid:  # the code is another session's now
                    shared.release(row.id)
                    row = None
                if row is not None:
                    self._close_unheld(row)
                    shared.delete_session(sid)
                    log.info("session %s: deleted, past the retention time (no worker held it)", code)
            except JournalError as exc:
                log.error("session %s: could not delete its data: %s", code, exc)

    def _close_unheld(self, row: SessionRow) -> None:
        """A session no worker held, about to be purged: replayed, and handed to `on_closing`."""
        if self.on_closing is None:
            return
        try:
            live = self._replay(row)
        except Exception as exc:  # a replay that fails must not keep the data past its time
            log.error("session %s: could not be replayed for its statistics: %s", row.code, type(exc).__name__)
            return
        if live is not None:
            self._closing(live)

    # -- presence (not journaled: it is not part of the workshop) -------------
    def connected(self, live: Live, seat: str) -> None:
        live.online[seat] += 1
        live.presence += 1

    def disconnected(self, live: Live, seat: str) -> None:
        live.online[seat] -= 1
        live.presence += 1
        if live.online[seat] <= 0:
            del live.online[seat]

    def screen_connected(self, live: Live) -> bool:
        """A projector connected: the first one in the lobby starts `qr_since`; True if it did.

        Kept as it is afterwards: a projector that reconnects, or a second one, changes nothing.
        """
        state = live.state
        if live.qr_since is not None or state.step >= 0 or state.ended:
            return False
        live.qr_since = self.clock()
        return True
