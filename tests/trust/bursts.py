"""Many clients acting at the same moment with a fault in the middle, and what was acknowledged.

Shared by the trust suite's kill -9 tests (test_faults.py: the server killed and started again)
and the cluster's (tests/cluster: the worker that holds the class killed and the class taken
over, or the database restarted under the workers). `server` is anything with `journal_rows`
(and `kill9` for `fire_and_kill`): a `ServerProcess` reads its SQLite journal, the cluster's
stand-in the shared PostgreSQL one.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

from .conftest import Client, Ledger, wait_until

Item = tuple[Client, str, dict[str, Any], str]  # client, event, action, client id


class Burst:
    """Send many actions at once from many clients, and remember what was acknowledged."""

    def __init__(self) -> None:
        self.items: list[Item] = []
        self.acks: list[Any] = []
        self._threads: list[threading.Thread] = []

    def add(self, client: Client, event: str, action: dict[str, Any]) -> None:
        self.items.append((client, event, action, uuid.uuid4().hex))

    def fire(self, fault: Callable[[], None], after: int) -> None:
        """Send everything at the same moment; call `fault` once `after` acks are in. Returns
        right after the fault: the other answers are still on their way (`settle` waits)."""
        self.acks = [None] * len(self.items)
        start = threading.Barrier(len(self.items) + 1)

        def run(i: int) -> None:
            client, event, action, cid = self.items[i]
            start.wait()
            try:
                self.acks[i] = client.send(event, action, cid=cid, timeout=4)
            except Exception as exc:  # the server died before answering: never acknowledged
                self.acks[i] = exc

        self._threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(self.items))]
        for t in self._threads:
            t.start()
        start.wait()
        wait_until(lambda: sum(isinstance(a, dict) for a in self.acks) >= after, 20, "the first acknowledgements")
        fault()

    def settle(self) -> None:
        """Wait until every action has its answer, or has given up waiting for one."""
        for t in self._threads:
            t.join(15)

    def fire_and_kill(self, server: Any, kill_after: int) -> None:
        """Send everything at the same moment; kill -9 the server when `kill_after` acks are in."""
        self.fire(server.kill9, kill_after)
        self.settle()

    def acknowledged(self) -> list[Item]:
        pairs = zip(self.items, self.acks, strict=True)
        return [item for item, ack in pairs if isinstance(ack, dict) and ack.get("ok")]

    def retry_all(self) -> list[dict[str, Any]]:
        """Every client sends its action again with the same id, as a page does after a reconnect."""
        out = []
        for (client, event, action, cid), before in zip(self.items, self.acks, strict=True):
            client.wait_connected()
            again = client.send(event, action, cid=cid)
            assert again["ok"], again
            if isinstance(before, dict) and before.get("ok"):
                assert again.get("duplicate"), f"an acknowledged action was applied twice: {action}"
            out.append(again)
        return out


def check_journal(server: Any, burst: Burst, ledger: Ledger, what: str, retried: bool = False) -> None:
    """Every acknowledged action is journaled exactly once; after the retries, every action is."""
    rows = server.journal_rows("SELECT cid, count(*) FROM actions WHERE cid IS NOT NULL GROUP BY cid")
    cids = {row[0]: row[1] for row in rows}
    lost = [cid for _c, _e, _a, cid in burst.acknowledged() if cids.get(cid) != 1]
    ledger.loss(what, len(lost))
    assert lost == []
    counts = [cids.get(cid, 0) for _c, _e, _a, cid in burst.items]
    assert all(n == 1 for n in counts) if retried else all(n <= 1 for n in counts), counts
