"""The PostgreSQL journal under eventlet, as `workshops serve` runs it: monkey patched, every
database call in eventlet's thread pool. A commit that waits for the database must not stop
the other greenlets (every phone of every class), and a burst of handlers shares transactions.

Monkey patching changes the whole process, so the scenario runs in a child process."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.cluster

SCENARIO = textwrap.dedent(
    """
    import warnings
    warnings.filterwarnings("ignore", message=r"\\s*Eventlet is deprecated")
    import eventlet
    eventlet.monkey_patch()

    import json, sys, time
    import psycopg
    from workshops.server import blocking_runner
    from workshops.sessions.pgjournal import PgJournal

    url = sys.argv[1]
    journal = PgJournal(url, run_blocking=blocking_runner("eventlet"))
    journal.create_session("s1", "ABCDE", {"id": "x"}, 1, False, 0.0)

    ticks = []
    def ticker():
        while True:
            ticks.append(time.monotonic())
            eventlet.sleep(0.01)
    eventlet.spawn(ticker)

    # Another program holds the table: the journal's next commit waits 0.5 s for it.
    other = psycopg.connect(url, autocommit=True)
    other.execute("BEGIN")
    other.execute("LOCK TABLE actions IN EXCLUSIVE MODE")
    eventlet.spawn_after(0.5, other.execute, "COMMIT")
    started = time.monotonic()
    journal.commit(journal.stage("s1", 1.0, "p1", "a", {"type": "reroll"}))
    waited = time.monotonic() - started
    during = len([t for t in ticks if started < t < started + waited])

    # A burst: 60 handlers woken together, each staging and committing one answer.
    def handler(n):
        journal.commit(journal.stage("s1", 2.0, f"p{n}", f"c{n}", {"type": "reroll"}))
    pool = eventlet.GreenPool()
    for n in range(60):
        pool.spawn(handler, n)
    pool.waitall()
    with psycopg.connect(url) as db:
        groups = db.execute("SELECT count(DISTINCT xmin::text) FROM actions WHERE cid LIKE 'c%'").fetchone()[0]
        saved = db.execute("SELECT count(*) FROM actions").fetchone()[0]
    journal.close()
    print(json.dumps({"waited": waited, "ticks": during, "groups": groups, "saved": saved}))
    """
)


def test_a_waiting_commit_lets_every_other_greenlet_run_and_a_burst_shares_transactions(cluster, database):
    url = cluster.url(database, host="localhost")  # a name to resolve, as a district server's is
    done = subprocess.run([sys.executable, "-c", SCENARIO, url], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["waited"] >= 0.4  # the commit did wait for the lock
    assert result["ticks"] >= 0.5 * result["waited"] / 0.01  # and the hub ran meanwhile
    assert result["saved"] == 61
    assert result["groups"] <= 5, result  # 60 handlers of one burst: a few transactions
