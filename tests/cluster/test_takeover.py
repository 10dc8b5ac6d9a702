"""kill -9 of the worker that holds a class, in the middle of a vote, through the real HAProxy.

Three real `workshops serve` workers share one PostgreSQL journal and one secret (each its own
data folder with a copy of the same `secret.key`, as docs/deploy.md says), behind Debian's HAProxy
with the shipped configuration (test_routing.py's Farm). A class runs on one of them: its console,
its projector and ten phones, all Socket.IO through the proxy. The worker is killed with SIGKILL
while the phones' votes are on their way; its PostgreSQL connections close with it, and so does
its lease. The phones reconnect by themselves (python-socketio's reconnection, as the page's
socket.io client does), re-send every answer that was not acknowledged with the same client id
(as static/js does), and land on the worker the code hashes to, which takes the class over from
the journal. Every acknowledged vote is there once, nothing is applied twice, and the proxy's
table follows the new worker from the Socket.IO handshake alone, so the class does not flip
back when the killed worker returns.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
import requests

from tests.cluster.test_routing import WORKERS, Farm
from tests.trust.conftest import Client, goto, wait_until

pytestmark = pytest.mark.cluster

PHONES = 10
OPTIONS = ["pirtea", "ok", "vasyttaa", "en-tieda"]


@pytest.fixture
def shared_farm(tmp_path, database_url) -> Iterator[Farm]:
    farm = Farm(tmp_path)
    for worker in farm.workers.values():
        worker.args = (*worker.args, "--database", database_url)
    try:
        yield farm
    finally:
        farm.stop()


def journaled(url: str, cids: list[str]) -> Counter[str]:
    with psycopg.connect(url, autocommit=True) as db:
        found = db.execute("SELECT cid FROM actions WHERE cid = ANY(%s)", (cids,)).fetchall()
    return Counter(cid for (cid,) in found)


def direct(farm: Farm, name: str, code: str) -> int:
    """The status a worker answers for the class's phone page, asked directly (not through the proxy)."""
    return requests.get(f"{farm.workers[name].url}/j/{code}", timeout=10, allow_redirects=False).status_code


def test_kill9_of_the_owner_mid_vote_the_class_is_taken_over_and_never_flips_back(shared_farm: Farm, database_url):
    farm, proxy = shared_farm, shared_farm.proxy
    farm.start(*WORKERS)
    proxy.start()
    for name in WORKERS:
        proxy.wait_status(name, "UP")
    http = farm.facilitator()
    code = farm.new_session(http)
    owner = proxy.table()[code]
    console_page = http.get(f"{farm.url}/host/{code}", timeout=10).text
    screen_key = re.search(r"/screen/\w+\?k=([\w-]+)", console_page)
    assert screen_key is not None
    host = farm.socket(code, {"role": "host", "key": http.cookies[f"host_{code}"]}, "websocket")
    screen = farm.socket(code, {"role": "screen", "key": screen_key.group(1)}, "websocket")
    phones: list[Client] = []
    for _ in range(PHONES):
        seat = farm.seat(code)
        assert seat.status_code == 200, seat.text
        phones.append(farm.socket(code, {"role": "pupil", "token": seat.json()["token"]}, "websocket"))
    seats = [phone.wait_view("own_view", lambda v: bool(v.get("seat")))["seat"] for phone in phones]
    goto(host, "fiilis")
    screen.wait_view("screen_view", lambda v: (v.get("step") or {}).get("index") == 1)

    # Every phone votes at the same moment; the owner is killed once four votes are acknowledged.
    votes = [
        ({"type": "act", "step": "fiilis", "action": {"type": "vote", "options": [OPTIONS[i % 4]]}}, uuid.uuid4().hex)
        for i in range(PHONES)
    ]
    acks: list[Any] = [None] * PHONES
    start = threading.Barrier(PHONES + 1)

    def send(i: int) -> None:
        start.wait()
        try:
            acks[i] = phones[i].send("pupil", votes[i][0], cid=votes[i][1], timeout=4)
        except Exception as exc:  # the worker died before answering: never acknowledged
            acks[i] = exc

    senders = [threading.Thread(target=send, args=(i,), daemon=True) for i in range(PHONES)]
    for t in senders:
        t.start()
    connects = [phone.connects for phone in phones]
    own_views = [phone.received["own_view"] for phone in phones]
    start.wait()
    wait_until(lambda: sum(isinstance(a, dict) for a in acks) >= 4, 20, "the first acknowledgements")
    farm.workers[owner].kill9()
    killed = time.monotonic()
    down = None
    while down is None:  # HAProxy's health checks notice (at most ~2.5 s with the shipped settings)
        if proxy.stats()[owner]["status"].startswith("DOWN"):
            down = time.monotonic()
        assert time.monotonic() - killed < 15, "HAProxy did not mark the killed worker down"
        time.sleep(0.02)

    def back(i: int) -> bool:
        # Reconnected, and the new worker sent this phone its own view again: its seat.
        phone = phones[i]
        return phone.connected and phone.connects > connects[i] and phone.received["own_view"] > own_views[i]

    while not all(back(i) for i in range(PHONES)):
        assert time.monotonic() - killed < 20, f"phones not back: {[i for i in range(PHONES) if not back(i)]}"
        time.sleep(0.02)
    seated = time.monotonic()
    assert [phone.view("own_view")["seat"] for phone in phones] == seats  # each in its own seat
    for t in senders:
        t.join(10)
    print(
        f"\ntakeover: kill -9 -> HAProxy marks it down {down - killed:.2f} s; kill -9 -> all {PHONES} phones "
        f"back in their seats {seated - killed:.2f} s (= {seated - down:+.2f} s after marked down)"
    )
    assert seated - down <= 5.0

    # The class is on exactly one other worker now, and the proxy learnt it from the sockets'
    # handshakes alone (no page of the class has been asked for since the kill).
    new_owner = proxy.table()[code]
    assert new_owner != owner
    assert {name: direct(farm, name, code) for name in WORKERS if name != owner} == {
        name: 200 if name == new_owner else 404 for name in WORKERS if name != owner
    }

    # Every acknowledged vote survived, before anyone re-sent anything; then every phone re-sends
    # what was not acknowledged with the same id, and each acknowledged one is a duplicate.
    acked = [votes[i][1] for i in range(PHONES) if isinstance(acks[i], dict) and acks[i].get("ok")]
    assert 4 <= len(acked) <= PHONES
    cids = [cid for _, cid in votes]
    saved = journaled(database_url, cids)
    assert all(saved[cid] == 1 for cid in acked) and all(n == 1 for n in saved.values()), saved
    host.wait_connected()
    host.wait_view("host_view", lambda v: v["activity"].get("answered", -1) >= len(acked))
    for i, phone in enumerate(phones):
        again = phone.send("pupil", votes[i][0], cid=votes[i][1])
        assert again["ok"], again
        if votes[i][1] in acked:
            assert again.get("duplicate"), f"an acknowledged vote was applied twice: {i}"
    view = host.wait_view("host_view", lambda v: v["activity"]["answered"] == PHONES)
    assert len(view["pupils"]) == PHONES and sum(view["activity"]["counts"].values()) == PHONES
    assert sorted(view["activity"]["answered_by"]) == sorted(seats)
    screen.wait_connected()
    assert journaled(database_url, cids) == Counter(dict.fromkeys(cids, 1))

    # The killed worker comes back: the class stays where it was taken over (no flip back).
    farm.start(owner)
    proxy.wait_status(owner, "UP")
    before = proxy.answered()
    assert requests.get(f"{farm.url}/j/{code}", timeout=10).status_code == 200
    late = farm.seat(code)
    assert late.status_code == 200, late.text
    newcomer = farm.socket(code, {"role": "pupil", "token": late.json()["token"]}, "websocket")
    newcomer.wait_view("own_view", lambda v: bool(v.get("seat")))
    after = proxy.answered()
    assert after[owner] == before[owner]
    assert after[new_owner]["2xx"] - before[new_owner]["2xx"] >= 2
    assert proxy.table()[code] == new_owner
    assert direct(farm, owner, code) == 404  # it cannot take the class: the new owner holds it
    host.wait_view("host_view", lambda v: len(v["pupils"]) == PHONES + 1)
    assert all(phone.connected for phone in phones)
