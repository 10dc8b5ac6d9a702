"""`GET /metrics`: Prometheus's text format, numbers that move with the class, no pupil's data in
it, and the home page's guard (docs/deploy.md, monitoring)."""

from __future__ import annotations

import base64
import re
import shutil
import sqlite3

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import ORIGIN, ROOT, Classroom, act
from workshops.sessions.journal import Journal

PASSWORD = "sala-sana"
SCHOOL = {"REMOTE_ADDR": "203.0.113.7"}  # a machine other than the kit's own
# Every label value /metrics may show besides the histogram's bucket bounds: a few fixed words.
WORDS = {"pupil", "simulated", "host", "system", "open", "ended", "phone", "console", "projector", "broken", "stale"}
SECRET_NICK = "Salainen Siili"


def scrape(client, **kw) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The samples of one scrape, parsed by prometheus_client's own parser: (name, labels) -> value."""
    resp = client.get("/metrics", **kw)
    assert resp.status_code == 200, resp.data
    assert resp.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert resp.headers["Cache-Control"] == "no-store"
    samples = {}
    for family in text_string_to_metric_families(resp.get_data(as_text=True)):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def value(samples, name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


def accepted(samples, actor: str) -> float:
    return value(samples, "workshops_actions_accepted_total", actor=actor)


def commits(samples) -> float:
    return value(samples, "workshops_journal_commit_seconds_count")


def goto(host, step: int, expect: int) -> dict:
    return act(host, "host", {"type": "goto", "step": step, "expect": expect})


def test_the_text_parses_and_has_every_metric_at_zero_on_a_new_worker(client):
    samples = scrape(client)
    names = {name for name, _ in samples}
    for name in (
        "workshops_sessions",
        "workshops_clients",
        "workshops_actions_accepted_total",
        "workshops_journal_commit_seconds_bucket",
        "workshops_journal_commit_seconds_count",
        "workshops_journal_commit_failures_total",
        "workshops_rehearsal_simulated_pupils",
        "workshops_pack_errors",
        "process_resident_memory_bytes",
    ):
        assert name in names, name
    for actor in ("pupil", "simulated", "host", "system"):
        assert accepted(samples, actor) == 0
    assert value(samples, "workshops_sessions", state="open") == 0
    assert value(samples, "workshops_clients", role="phone") == 0
    assert commits(samples) == 0
    assert not any(name.endswith("_created") for name in names)


def test_counts_move_with_the_class(app, classroom: Classroom):
    client = app.test_client()
    before = scrape(client)
    assert value(before, "workshops_sessions", state="open") == 1
    host, screen = classroom.host(), classroom.screen()
    pupils = [classroom.pupil() for _ in range(3)]
    assert goto(host, 0, -1)["ok"] and goto(host, 1, 0)["ok"]
    for pupil, option in zip(pupils, ("ok", "ok", "pirtea"), strict=True):
        vote = {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": [option]}}
        assert act(pupil, "pupil", vote, cid=f"v-{option}-{id(pupil)}")["ok"]
    # A retry of an accepted action is acknowledged again but not counted again.
    again = {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": ["ok"]}}
    assert act(pupils[0], "pupil", again, cid=f"v-ok-{id(pupils[0])}")["duplicate"]
    after = scrape(client)
    assert accepted(after, "system") - accepted(before, "system") == 3  # the joins
    assert accepted(after, "host") - accepted(before, "host") == 2
    assert accepted(after, "pupil") - accepted(before, "pupil") == 3
    assert commits(after) - commits(before) >= 8  # every accepted action waited for its group
    assert value(after, "workshops_journal_commit_seconds_bucket", le="+Inf") == commits(after)
    assert value(after, "workshops_clients", role="phone") == 3
    assert value(after, "workshops_clients", role="console") == 1
    assert value(after, "workshops_clients", role="projector") == 1
    pupils[0].disconnect()
    screen.disconnect()
    later = scrape(client)
    assert value(later, "workshops_clients", role="phone") == 2
    assert value(later, "workshops_clients", role="projector") == 0
    assert act(host, "host", {"type": "end"})["ok"]
    ended = scrape(client)
    assert value(ended, "workshops_sessions", state="open") == 0
    assert value(ended, "workshops_sessions", state="ended") == 1


def test_no_label_names_a_session_a_pupil_or_an_address(app, classroom: Classroom):
    host = classroom.host()
    seat = classroom.take_seat()
    pupil = classroom.pupil(seat["token"])
    assert act(host, "host", {"type": "own_nicknames", "allowed": True})["ok"]
    assert act(pupil, "pupil", {"type": "rename", "nick": SECRET_NICK})["ok"]
    app.test_client().get("/j/ZZZZZ", environ_base=SCHOOL)  # a wrong code from a school's address
    resp = app.test_client().get("/metrics")
    text = resp.get_data(as_text=True)
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            for name, label in s.labels.items():
                assert label in WORDS or (name == "le" and re.fullmatch(r"[0-9.e+-]+|\+Inf", label)), (s.name, label)
    for secret in (classroom.code, SECRET_NICK, seat["token"], classroom.host_key, "203.0.113.7", "127.0.0.1"):
        assert secret not in text


def test_a_rehearsal_counts_its_simulated_pupils_apart(make_app, clock):
    app = make_app()
    http = app.test_client()
    resp = http.post(
        "/sessions", data={"pack": "esittely", "rehearsal": "Harjoittele", "simulated": "6"}, headers=ORIGIN
    )
    code = re.search(r"/host/(\w+)", resp.headers["Location"]).group(1)
    driver = app.extensions["rehearsals"][code]
    for _ in range(60):  # two minutes of the session's clock: everyone has joined
        clock.advance(2.0)
        with app.app_context():
            driver.tick()
    samples = scrape(http)
    assert value(samples, "workshops_rehearsal_simulated_pupils") == 6
    assert value(samples, "workshops_clients", role="phone") == 0  # simulated pupils hold no connection
    assert accepted(samples, "system") >= 6  # their joins
    driver.stop()
    assert value(scrape(http), "workshops_rehearsal_simulated_pupils") == 0


def test_packs_with_errors_are_counted(make_app, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "esittely", content / "esittely")
    shutil.copytree(ROOT / "tests" / "packs" / "bad" / "bad-step-id", content / "bad-step-id")
    app = make_app(CONTENT_DIR=content)
    samples = scrape(app.test_client())
    assert value(samples, "workshops_pack_errors", state="broken") == 1
    assert value(samples, "workshops_pack_errors", state="stale") == 0


def test_each_app_has_its_own_registry_and_keeps_its_journal(make_app, tmp_path):
    first = make_app()
    second = make_app(DATA_DIR=tmp_path / "other")
    Classroom(first).pupil()
    assert accepted(scrape(first.test_client()), "system") == 1
    assert accepted(scrape(second.test_client()), "system") == 0
    assert type(first.extensions["workshops"].journal) is Journal  # observed, not replaced


class FullDisk:
    """The SQLite journal's connection, whose COMMITs fail as on a full disk."""

    def __init__(self, db):
        self.db = db

    def execute(self, sql, *args):
        if sql == "COMMIT":
            self.db.execute("ROLLBACK")
            raise sqlite3.OperationalError("database or disk is full")
        return self.db.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.db, name)


def test_a_lost_commit_is_timed_and_counted_and_its_action_is_not(app, classroom: Classroom):
    kit = app.extensions["workshops"]
    # Counted through the manager's and the journal's observer hooks: no method is replaced.
    assert "submit" not in vars(kit.manager) and "commit" not in vars(kit.journal)
    client = app.test_client()
    host = classroom.host()
    before = scrape(client)
    kit.journal._db = FullDisk(kit.journal._db)
    assert goto(host, 0, -1)["error"] == "not_saved"
    kit.journal._db = kit.journal._db.db
    assert goto(host, 0, -1)["ok"]
    after = scrape(client)
    assert (
        value(after, "workshops_journal_commit_failures_total")
        - value(before, "workshops_journal_commit_failures_total")
        == 1
    )
    assert commits(after) - commits(before) == 2  # the lost commit is timed too
    assert accepted(after, "host") - accepted(before, "host") == 1


# -- who may read it ---------------------------------------------------------------------------------------
def basic(password: str, user: str = "prometheus") -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_without_a_password_only_the_kits_own_computer_reads_it(client):
    assert client.get("/metrics").status_code == 200
    refused = client.get("/metrics", environ_base=SCHOOL)
    assert refused.status_code == 403 and b"workshops_" not in refused.data


@pytest.mark.parametrize("where", [{}, SCHOOL], ids=["from-this-computer", "from-elsewhere"])
def test_a_hosted_worker_wants_the_password(make_app, where):
    # With a password the kit's own address is not trusted either: behind a proxy everyone is 127.0.0.1.
    client = make_app(FACILITATOR_PASSWORD=PASSWORD).test_client()
    for headers in ({}, basic("wrong"), {"Authorization": "Bearer wrong"}, {"Authorization": "Digest x"}):
        refused = client.get("/metrics", headers=headers, environ_base=where)
        assert refused.status_code == 401 and b"workshops_" not in refused.data, headers
        assert refused.headers["WWW-Authenticate"].startswith("Basic ")
    assert scrape(client, headers=basic(PASSWORD), environ_base=where)
    assert scrape(client, headers=basic(PASSWORD, user=""), environ_base=where)  # any user name
    assert scrape(client, headers={"Authorization": f"Bearer {PASSWORD}"}, environ_base=where)


def test_the_facilitators_login_cookie_opens_it_too(make_app):
    client = make_app(FACILITATOR_PASSWORD=PASSWORD).test_client()
    assert client.get("/metrics", environ_base=SCHOOL).status_code == 401
    resp = client.post("/login", data={"password": PASSWORD}, headers=ORIGIN, environ_base=SCHOOL)
    assert resp.status_code == 302
    assert scrape(client, environ_base=SCHOOL)


def test_wrong_passwords_spend_the_logins_budget(make_app):
    app = make_app(FACILITATOR_PASSWORD=PASSWORD, LOGIN_FAILURES_PER_MINUTE=3)
    client = app.test_client()
    for _ in range(5):  # asking without credentials (a browser's first try) spends nothing
        assert client.get("/metrics", environ_base=SCHOOL).status_code == 401
    assert scrape(client, headers=basic(PASSWORD), environ_base=SCHOOL)
    for _ in range(3):
        assert client.get("/metrics", headers=basic("guess"), environ_base=SCHOOL).status_code == 401
    # Spent: now even the right password waits, as on the login form, and the form is closed too.
    assert client.get("/metrics", headers=basic(PASSWORD), environ_base=SCHOOL).status_code == 429
    assert client.post("/login", data={"password": PASSWORD}, headers=ORIGIN, environ_base=SCHOOL).status_code == 429
    # Another address is not held up.
    assert scrape(client, headers=basic(PASSWORD), environ_base={"REMOTE_ADDR": "198.51.100.1"})
