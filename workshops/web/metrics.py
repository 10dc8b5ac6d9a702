"""`GET /metrics`: this worker's numbers in Prometheus's text format (docs/deploy.md, monitoring).

Per worker, like `/healthz`: Prometheus scrapes every worker's own port, not the public address
(HAProxy would hand the scrape to any one worker, and `deploy/haproxy.cfg` refuses it). Behind
the home page's guard: open to this machine itself while no facilitator password is set; with a
password (a hosted install), only with it: the facilitator's login cookie, or, for a scraper that
cannot log in, HTTP Basic (any user name) or a bearer token equal to the password. Wrong
passwords spend the login's budget (`Logins`), so this is no faster way to guess it.

No label names a session, a pupil, a nickname, a code or an address: every label value is one
of a few fixed words, so nothing here is a pupil's data and the series stay few.

Everything comes from the app's own objects when Prometheus asks (sessions, connections,
rehearsals, packs), except two things that happen between scrapes: accepted actions (a counter
per kind of actor) and the journal's commits (a histogram of how long an accepted action waited
for its group to be saved). Both are counted by the observer hooks of this app's manager
(`on_accepted`) and journal (`on_commit_waited`), which call back with what happened.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, Flask, Response, current_app, request
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from ..sessions.journaling import SessionJournal
from ..sessions.manager import Live, Outcome, SessionManager
from .guard import is_local, same_secret

bp = Blueprint("metrics", __name__)

#: the text format's classic version, which every Prometheus reads (what generate_latest writes here)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

#: the kinds of actor an accepted action is counted under
ACTORS = ("pupil", "simulated", "host", "system")
#: a connection's role in the kit, as the metric names it
ROLES = {"pupil": "phone", "host": "console", "screen": "projector"}
#: seconds: a SQLite group commits in well under a millisecond to a few; PostgreSQL over a
#: network in a few; anything over a second is a journal in trouble
COMMIT_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """One app's registry and the metrics counted as things happen (not the global registry:
    tests make many apps in one process)."""

    def __init__(self, app: Flask):
        # No `_created` series beside each counter: Prometheus learns a restart from the counter
        # going back to 0. (The library's switch is for the process; the kit is its only user.)
        disable_created_metrics()
        self.registry = CollectorRegistry()
        self.actions = Counter(
            "workshops_actions_accepted",
            "Actions this worker accepted and saved, by kind of actor (pupil: a phone or team device; "
            "simulated: a rehearsal's simulated pupil; host: the facilitator; system: joins and step timers)",
            ["actor"],
            registry=self.registry,
        )
        # Every series exists from the start, at 0; each is looked up once, not per action.
        self.accepted = {actor: self.actions.labels(actor=actor) for actor in ACTORS}
        self.commit_seconds = Histogram(
            "workshops_journal_commit_seconds",
            "How long an accepted action waited for the journal to save its group of actions",
            buckets=COMMIT_BUCKETS,
            registry=self.registry,
        )
        self.commit_failures = Counter(
            "workshops_journal_commit_failures",
            "Journal commits that failed (the actions in them were refused, not acknowledged)",
            registry=self.registry,
        )
        self.registry.register(_Now(app))
        # The worker process's own: resident memory, CPU seconds, open files (Linux's /proc).
        ProcessCollector(registry=self.registry)

    def text(self) -> bytes:
        return generate_latest(self.registry)

    def accepted_action(self, live: Live, actor: str, outcome: Outcome) -> None:
        """Count an action the manager accepted, under its kind of actor (`on_accepted`)."""
        self.accepted[_actor_kind(live, actor)].inc()

    def commit_waited(self, seconds: float, failed: bool) -> None:
        """Time how long a commit waited; count it if it failed (`on_commit_waited`)."""
        if failed:
            self.commit_failures.inc()
        self.commit_seconds.observe(seconds)


class _Now(Collector):
    """What holds now, read from the app's objects at each scrape."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        kit = self.app.extensions["workshops"]
        held = kit.manager.all()
        sessions = GaugeMetricFamily(
            "workshops_sessions",
            "Sessions this worker holds (rehearsals too), open or ended (kept until deleted)",
            labels=["state"],
        )
        ended = sum(1 for live in held if live.state.ended)
        sessions.add_metric(["open"], len(held) - ended)
        sessions.add_metric(["ended"], ended)
        yield sessions

        clients = GaugeMetricFamily(
            "workshops_clients",
            "Socket.IO connections to this worker, by role (phone: a pupil's phone or a team's device; "
            "console: the facilitator's console or phone remote; projector: the projector screen)",
            labels=["role"],
        )
        roles = [client.role for client in list(kit.fanout.clients.values())]
        for role, name in ROLES.items():
            clients.add_metric([name], roles.count(role))
        yield clients

        from .rehearsing import drivers

        # Only the sessions held here: `manager.get` could take a session over from a shared journal.
        by_code = {live.code: live for live in held}
        running = [d for d in list(drivers(self.app).values()) if not d.stopped]
        simulated = sum(len(by_code[d.code].simulated) for d in running if d.code in by_code)
        yield GaugeMetricFamily(
            "workshops_rehearsal_simulated_pupils",
            "Simulated pupils seated in this worker's running rehearsals",
            value=simulated,
        )

        library = kit.library
        library.refresh()  # as the home page does: a pack broken since then is counted now
        packs = GaugeMetricFamily(
            "workshops_pack_errors",
            "Packs whose file has errors (broken: not offered at all; stale: its last good version "
            "is offered until the file is fixed). The errors themselves are in the log and on the home page",
            labels=["state"],
        )
        packs.add_metric(["broken"], len(library.broken()))
        packs.add_metric(["stale"], len(library.stale()))
        yield packs


def _actor_kind(live: Live, actor: str) -> str:
    if actor in ("host", "system"):
        return actor
    return "simulated" if actor in live.simulated else "pupil"


def instrument(metrics: Metrics, manager: SessionManager, journal: SessionJournal) -> None:
    """Count accepted actions and time the journal's commits, through the observer hooks of
    this app's manager (`submit`, which joins, timers and rehearsals call too) and journal
    (`commit`, whichever journal it is). Nothing of theirs is replaced."""
    manager.on_accepted = metrics.accepted_action
    journal.on_commit_waited = metrics.commit_waited


def init_app(app: Flask, manager: SessionManager, journal: SessionJournal) -> Metrics:
    metrics = Metrics(app)
    instrument(metrics, manager, journal)
    app.extensions["metrics"] = metrics
    app.register_blueprint(bp)
    return metrics


def _plain(text: str, status: int) -> Response:
    resp = Response(text + "\n", status=status, mimetype="text/plain")
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _given_password() -> str | None:
    """The password an HTTP Basic header (any user name) or a bearer token carries, if any."""
    auth = request.authorization
    if auth is None:
        return None
    if auth.type == "basic":
        return auth.password
    if auth.type == "bearer":
        return auth.token
    return None


def _refusal() -> Response | None:
    """None if this request may read the metrics; else the answer that refuses it."""
    password = current_app.config.get("FACILITATOR_PASSWORD")
    if not password:
        # The home page's rule without a password: this machine only.
        return None if is_local(request.remote_addr) else _plain("Only on the kit's own computer.", 403)
    from .pages import _may_create

    if _may_create():  # the facilitator's login cookie
        return None
    given = _given_password()
    if given is not None:
        logins = current_app.extensions["workshops"].limits.logins
        address = request.remote_addr or "?"
        if logins.blocked(address):
            return _plain("Too many tries. Wait a minute.", 429)
        if same_secret(given, str(password)):
            return None
        logins.failed(address)
    resp = _plain("The facilitator password is needed (HTTP Basic, or a bearer token).", 401)
    resp.headers["WWW-Authenticate"] = 'Basic realm="workshops metrics", charset="UTF-8"'
    return resp


@bp.get("/metrics")
def scrape() -> Response:
    refused = _refusal()
    if refused is not None:
        return refused
    made: Metrics = current_app.extensions["metrics"]
    resp = Response(made.text(), status=200)
    resp.headers["Content-Type"] = CONTENT_TYPE
    resp.headers["Cache-Control"] = "no-store"
    return resp
