"""The trust suite's faults on the cluster: three workers on one PostgreSQL behind HAProxy.

The faults of tests/trust/test_faults.py that a district server meets too run here unchanged,
with `server` a `ProxiedServer` (proxied.py): every page and socket goes through the proxy,
the journal is the shared database.

- the classroom's network: 30 phones losing the Wi-Fi at once and reconnecting together, a phone
  that reloads or moves to mobile data, two facilitator tabs pressing "next" at once;
- the journal that cannot be written: on a laptop a full disk, here the database out of reach
  (its connections cut, new ones refused); then the owner is killed, and the class taken over.

And one of the cluster's own: PostgreSQL restarted while a class votes.

Not here: kill -9 mid vote, rotation and round (test_takeover.py runs them as takeovers, with the
same bursts and journal checks); the torn SQLite record and log frame and the read-only data
folder (SQLite's own); the phone asleep for two minutes (its wait is the server's ping timeout,
the same on every worker; test_takeover.py has a phone asleep through a takeover instead).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.cluster.proxied import ProxiedServer, farm_on, journaled, start
from tests.trust import conftest as trust
from tests.trust import test_faults as faults
from tests.trust.conftest import Client, goto

pytestmark = pytest.mark.cluster

# The trust suite's fixtures, for its tests below (they name them).
rooms = trust.rooms
networks = trust.networks
ledger = trust.ledger

OPTIONS = ["pirtea", "ok", "vasyttaa", "en-tieda"]


@pytest.fixture(scope="module")
def farm(cluster, tmp_path_factory) -> Iterator[ProxiedServer]:
    """One farm for the module's tests (starting three workers is most of a test's time): each
    test's class is the newest session; a worker one test kills stays dead for the others."""
    with cluster.database() as name, farm_on(tmp_path_factory.mktemp("farm"), cluster.url(name)) as server:
        start(server)
        yield server


@pytest.fixture
def server(farm: ProxiedServer) -> ProxiedServer:
    return farm


class DatabaseGone:
    """The journal cannot be written: the test's database cuts every connection and refuses new ones."""

    what = "journal cannot be written (database out of reach)"

    def __init__(self, admin: Any, database: str):
        self.admin = admin
        self.database = database

    def fail(self) -> None:
        with self.admin() as db:
            db.execute(f"ALTER DATABASE {self.database} ALLOW_CONNECTIONS false")
            db.execute(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = %s", (self.database,)
            )

    def repair(self) -> None:
        with self.admin() as db:
            db.execute(f"ALTER DATABASE {self.database} ALLOW_CONNECTIONS true")


@pytest.fixture
def unwritable(cluster, server: ProxiedServer) -> Iterator[DatabaseGone]:
    fault = DatabaseGone(cluster.admin, server.database_url.rsplit("/", 1)[1])
    yield fault
    fault.repair()
    server.ready()  # for the module's next test


test_thirty_phones_lose_the_wifi_behind_the_proxy_and_are_back_within_seconds = (
    faults.test_thirty_phones_lose_the_wifi_at_once_and_are_back_within_seconds
)
test_a_phone_that_reloads_or_switches_network_keeps_its_seat_behind_the_proxy = (
    faults.test_a_phone_that_reloads_or_switches_network_keeps_its_seat
)
test_two_facilitator_tabs_behind_the_proxy_advance_exactly_once = (
    faults.test_two_facilitator_tabs_pressing_next_at_once_advance_exactly_once
)
test_the_database_out_of_reach_gives_an_error_never_a_false_success = (
    faults.test_a_full_disk_gives_an_error_never_a_false_success
)


def _keep_voting(phone: Client, first: int, until: threading.Event, sent: list[tuple[str, dict[str, Any]]]) -> None:
    """Vote again and again, as a pupil changing their mind, until `until`; an answer that is not
    acknowledged is sent again with the same id until it is, as static/js does."""
    k = first
    while not until.is_set():
        vote = {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": [OPTIONS[k % 4]]}}
        cid = uuid.uuid4().hex
        while True:
            ack = phone.send("pupil", vote, cid=cid, timeout=5)
            sent.append((cid, ack))
            if ack["ok"]:
                break
            time.sleep(0.05)
        k += 1
        time.sleep(0.02)


def test_postgresql_restarts_while_a_class_votes(server: ProxiedServer, cluster, rooms, ledger):
    room = rooms(server)
    host = room.host()
    phones = room.phones(12)
    goto(host, "fiilis")
    owner = server.owner()
    sent: list[list[tuple[str, dict[str, Any]]]] = [[] for _ in phones]
    done = threading.Event()
    voters = [threading.Thread(target=_keep_voting, args=(p, i, done, sent[i])) for i, p in enumerate(phones)]

    def acknowledged(n: int) -> None:
        trust.wait_until(lambda: sum(a["ok"] for s in sent for _c, a in s) >= n, 20, f"{n} acknowledged votes")

    for t in voters:
        t.start()
    try:
        acknowledged(24)
        ledger.fault("PostgreSQL restarted mid vote")
        cluster.restart()
        acknowledged(sum(a["ok"] for s in sent for _c, a in s) + 24)  # and the class goes on
        server.ready()  # and every worker reaches the database again
    finally:
        done.set()
        for t in voters:
            t.join(30)

    # Answers that could not be saved were told so, and sent again until they were.
    errors = [a["error"] for s in sent for _c, a in s if not a["ok"]]
    assert errors and set(errors) == {"not_saved"}, errors
    # Every vote is in the journal exactly once, and the class is still on its worker.
    cids = [cid for s in sent for cid in dict.fromkeys(c for c, _a in s)]
    saved = journaled(server.database_url, cids)
    ledger.loss("votes across a database restart", sum(1 for cid in cids if saved[cid] == 0))
    assert saved == dict.fromkeys(cids, 1)
    assert server.owner() == owner
    # Each phone's last vote counts, once.
    last = [OPTIONS[(i + len(dict.fromkeys(c for c, _a in s)) - 1) % 4] for i, s in enumerate(sent)]
    counts = {option: last.count(option) for option in OPTIONS}
    view = host.wait_view("host_view", lambda v: v["activity"]["counts"] == counts)
    assert view["activity"]["answered"] == len(phones) and len(view["pupils"]) == len(phones)
