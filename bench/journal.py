"""What the journal's commit path costs a worker: `python3 -m bench.journal` (docs/performance.md).

Under eventlet, as `workshops serve` runs (monkey patched; PostgreSQL's calls in eventlet's thread
pool), K green threads each stage and commit actions one after another, as K phones answering at
once do, so the groups hold about K actions. The figure is the process's CPU (user + system, every
thread) per action, for the SQLite journal and the PostgreSQL one (a throwaway server from
tests/cluster/conftest.py, `fsync=off`: no disk flushes measured, as in `--cluster`), pinned to
one core. It isolates the journal: no Socket.IO, no views, no rules.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

VOTE = {"type": "act", "step": "game", "action": {"type": "vote", "choice": "c1"}}


def cpu_seconds() -> float:
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def drive(journal, sids: list[str], k: int, actions: int) -> float:
    """CPU microseconds per action, with `k` green threads staging and committing `actions` in all."""
    import eventlet

    per = max(1, actions // k)

    def phone(i: int) -> None:
        sid = sids[i % len(sids)]
        for _ in range(per):
            journal.commit(journal.stage(sid, time.time(), f"p{i}", uuid.uuid4().hex, VOTE))
            eventlet.sleep(0)  # as a handler sends its acknowledgement

    pool = eventlet.GreenPool(k)
    started = cpu_seconds()
    for i in range(k):
        pool.spawn(phone, i)
    pool.waitall()
    return (cpu_seconds() - started) / (per * k) * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=2400, help="actions per measurement")
    parser.add_argument("--phones", default="1,4,40", help="green threads answering at once (about the group size)")
    parser.add_argument("--repeat", type=int, default=3, help="measurements per journal and size; the median is shown")
    opts = parser.parse_args(argv)

    import warnings

    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()
    from eventlet import tpool

    from tests.cluster.conftest import Cluster
    from workshops.sessions.journal import Journal
    from workshops.sessions.pgjournal import PgJournal

    server = Cluster()  # on every core, as in `--cluster`; this process then on one
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    try:
        with server.admin() as db:
            db.execute("CREATE DATABASE bench_journal")
        with tempfile.TemporaryDirectory(prefix="bench-journal-") as tmp:
            journals = {
                "sqlite": lambda: Journal(Path(tmp) / "journal.sqlite3"),
                "postgres": lambda: PgJournal(server.url("bench_journal"), run_blocking=tpool.execute),
            }
            print("| journal | phones at once | CPU µs per action (median) | each measurement |")
            print("|---|---|---|---|")
            for name, make in journals.items():
                journal = make()
                sids = [uuid.uuid4().hex for _ in range(20)]
                for sid in sids:
                    journal.create_session(sid, sid[:6].upper(), {"id": "bench"}, 1, False, time.time())
                for k in (int(x) for x in opts.phones.split(",")):
                    drive(journal, sids, k, opts.actions // 4)  # warm: connections, prepared statements
                    got = sorted(drive(journal, sids, k, opts.actions) for _ in range(opts.repeat))
                    each = ", ".join(f"{x:.1f}" for x in got)
                    print(f"| {name} | {k} | {got[len(got) // 2]:.1f} | {each} |", flush=True)
                journal.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
