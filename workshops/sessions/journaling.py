"""What the manager and the server need of a journal, whichever database keeps it.

Two journals keep this contract: `journal.Journal` (SQLite, a laptop's file, the default) and
`pgjournal.PgJournal` (PostgreSQL, a district server). Both hand out `journal.Batch` objects and
raise `journal.JournalError`, so the manager does not know which one it writes to.

`SharedJournal` is the PostgreSQL journal's more: several workers share it, and each session is
owned by the one worker that holds its lease (docs/architecture.md, "Ownership and takeover").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol, runtime_checkable

from .journal import ActionRow, Batch, SessionRow


class SessionJournal(Protocol):
    """Sessions and their accepted actions, saved before anyone is told they happened."""

    #: Called after each `commit` with the seconds it waited and whether it failed (None: nobody).
    on_commit_waited: Callable[[float, bool], None] | None

    @property
    def scrub_owed(self) -> bool:
        """Whether a deletion's clean-up (SQLite's log truncation, PostgreSQL's VACUUM) is still
        to be done: `checkpoint` retries it."""
        ...

    def ping(self, timeout: float = 2.0) -> bool:
        """Whether the journal answers a trivial query within about `timeout` seconds (`/readyz`)."""
        ...

    def create_session(
        self, sid: str, code: str, pack: dict[str, Any], seed: int, own_nicknames: bool, at: float
    ) -> None: ...

    def stage(
        self,
        sid: str,
        at: float,
        actor: str,
        cid: str | None,
        action: dict[str, Any],
        ends: bool = False,
        after: Batch | None = None,
        saved: Callable[[], None] | None = None,
    ) -> Batch: ...

    def commit(self, batch: Batch, wait_for_others: bool = True) -> None: ...

    def checkpoint(self) -> None: ...

    def delete_session(self, sid: str) -> None: ...

    def sessions(self, open_only: bool = True) -> list[SessionRow]: ...

    def actions(self, sid: str) -> Iterator[ActionRow]: ...

    def close(self) -> None: ...


@runtime_checkable
class SharedJournal(SessionJournal, Protocol):
    """A journal several workers share: a worker writes only to the sessions it holds.

    `create_session` holds the new session at once. Staging, ending or deleting a session this
    worker does not hold (never took, or another worker has taken over since) raises
    JournalError, and nothing of it is written.
    """

    def holds(self, sid: str) -> bool:
        """Whether this worker still holds the session (no database call)."""
        ...

    def claim(self, code: str) -> SessionRow | None:
        """Take over the session with this code, to replay it: None if there is none, or
        another worker holds it."""
        ...

    def take(self, sid: str) -> bool:
        """Take over a session by its id: whether this worker holds it now."""
        ...

    def release(self, sid: str) -> None: ...

    def renew(self, force: bool = False) -> set[str]:
        """Keep the leases alive (called often; cheap when nothing is due): the sessions found
        taken over by another worker since the last call."""
        ...

    def expired(self, cutoff: float) -> list[tuple[str, str]]:
        """(id, code) of every session, held or not, with nothing newer than `cutoff`."""
        ...
