"""Rehearsal mode over Socket.IO: every shipped pack rehearsed to its end (issue #18, item 5).

The facilitator (a Socket.IO test client, as in players.py) starts a rehearsal from the home
page's form, lets the simulated pupils join, splits the class, makes a station leader where the
pack has stations and walks every step as on the console: starts the board game and deals, runs
the rotation, approves a moderated answer, shows results. The rehearsal's driver is ticked on the
tests' fake clock (no background task, no waiting). Every command is acknowledged; simulated
answers reach every step that takes answers; the report leaves every one of them out.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import ORIGIN, ROOT, act, last
from tests.protocol.players import Console, Phone, Projector
from tests.protocol.report_page import Sections
from workshops.activities import REGISTRY
from workshops.extensions import socketio
from workshops.sessions import views

SHIPPED = sorted(p.name for p in (ROOT / "content").iterdir() if (p / "pack.yaml").is_file())
PUPILS = 12
TICK = 2.0  # seconds of the fake clock per tick of the driver


class Rehearsal:
    """A rehearsal started from the home page's form, its console and projector, and its driver."""

    def __init__(self, app, clock, pack_id: str, pupils: int = PUPILS):
        self.app, self.clock = app, clock
        self.http = app.test_client()
        resp = self.http.post(
            "/sessions", data={"pack": pack_id, "rehearsal": "Harjoittele", "simulated": str(pupils)}, headers=ORIGIN
        )
        assert resp.status_code == 302, resp.data
        self.code = re.search(r"/host/(\w+)", resp.headers["Location"]).group(1)
        self.kit = app.extensions["workshops"]
        self.kit.limits.events.rate = 1000  # the walk presses faster than any facilitator
        self.manager = self.kit.manager
        self.live = self.manager.get(self.code)
        self.driver = app.extensions["rehearsals"][self.code]
        self.host_key = self.manager.keys.host_key(self.live.id)
        self.console = Console(self)
        self.projector = Projector(self)

    # the Classroom interface players.py's people use
    def connect(self, role: str, **auth: Any):
        creds = {"code": self.code, "role": role, **auth}
        return socketio.test_client(self.app, auth=creds, flask_test_client=self.app.test_client())

    def host(self):
        return self.connect("host", key=self.host_key)

    def screen(self):
        return self.connect("screen", key=self.manager.keys.screen_key(self.live.id))

    def take_seat(self, lang: str = "fi") -> dict:
        resp = self.app.test_client().post(f"/j/{self.code}/seat", json={"lang": lang}, headers=ORIGIN)
        return resp.get_json() | {"status": resp.status_code}

    def pupil(self, token: str):
        return self.connect("pupil", token=token)

    # time passes
    def wait(self, seconds: float) -> None:
        """Let `seconds` pass on the session's clock, the driver ticking as it would."""
        for _ in range(int(seconds / TICK)):
            self.clock.advance(TICK)
            with self.app.app_context():
                assert self.driver.tick()

    @property
    def state(self):
        return self.live.state

    def data(self, step) -> Any:
        return self.state.activities[step.id]


def _walk(r: Rehearsal, step) -> None:
    """What the facilitator does on a step before moving on, by its kind."""
    console = r.console
    kind = REGISTRY[step.kind]
    if step.kind == "boardgame":
        console.step(step.id, {"type": "start"})
        for _ in range(3):
            console.step(step.id, {"type": "deal"})
            r.wait(60)
            console.step(step.id, {"type": "reveal"})
            if r.data(step).phase == "ended":
                break
        if r.data(step).phase != "ended":
            console.step(step.id, {"type": "end"})
        return
    if step.kind == "stations":
        leaders = [s for s, p in r.state.pupils.items() if p.mentor]
        for seat, station in zip(leaders, step.stations, strict=False):
            console.step(step.id, {"type": "lead", "seat": seat, "station": station.id})
        console.step(step.id, {"type": "start"})
        while r.data(step).phase != "debrief":
            r.wait(120)
            console.step(step.id, {"type": "rotate"})
        pending = sorted(k for k, w in r.data(step).work.items() if w.line is not None and w.line_status == "pending")
        if pending:
            group, station = pending[0].split("/")
            console.step(step.id, {"type": "moderate", "group": group, "station": station, "status": "approved"})
        console.step(step.id, {"type": "show", "index": len(step.stations) - 1})
        return
    if not kind.pupil_actions:
        r.wait(4)
        return
    r.wait(120)
    if step.kind == "open":  # the facilitator approves an answer on the console, as usual
        voter = sorted(r.data(step).answers)[0]
        console.step(step.id, {"type": "moderate", "voter": voter, "status": "approved"})
    if step.kind == "invent":
        idea = sorted(r.data(step).ideas)[0]
        console.step(step.id, {"type": "review", "idea": idea, "status": "approved"})
    if "reveal" in kind.host_actions and getattr(r.data(step), "phase", None) in ("open", "closed"):
        console.step(step.id, {"type": "reveal"})


def _answers_by_step(r: Rehearsal) -> dict[str, int]:
    """Simulated pupils' accepted step actions per step id, as the journal holds them."""
    found: dict[str, int] = {}
    for rec in r.manager.journal.actions(r.live.id):
        action = rec.action or {}
        if rec.actor in r.live.simulated and action.get("type") == "act":
            found[action["step"]] = found.get(action["step"], 0) + 1
    return found


@pytest.mark.parametrize("pack_id", SHIPPED)
def test_a_shipped_pack_is_rehearsed_to_its_end(make_app, clock, pack_id):
    r = Rehearsal(make_app(), clock, pack_id)
    assert r.live.rehearsal == PUPILS
    # The simulated pupils arrive one by one, through the manager's join, with generated nicknames.
    r.wait(8)  # joins are spread over JOIN_SECONDS (20 s): by 8 s some, very rarely all (p < 1e-6)
    early = len(r.state.pupils)
    assert 0 < early < PUPILS
    r.wait(30)
    assert len(r.state.pupils) == PUPILS and r.live.simulated == set(r.state.pupils)
    assert len({p.nick for p in r.state.pupils.values()}) == PUPILS
    view = r.console.now()
    assert view["rehearsal"] == {"pupils": PUPILS, "simulated": sorted(r.live.simulated)}
    assert "rehearsal" not in r.projector.now()  # the projector's view stays as it was
    agenda = r.state.pack.agenda
    if any(s.kind == "stations" for s in agenda):
        r.console.do({"type": "mentor", "seat": "p1", "on": True})  # a simulated station leader
    r.console.do({"type": "teams", "count": 3})

    for index, step in enumerate(agenda):
        r.console.do({"type": "goto", "step": index, "expect": index - 1})
        _walk(r, step)
    r.console.do({"type": "end"})
    assert r.state.ended
    with r.app.app_context():
        assert not r.driver.tick()  # the driver stops with the session

    answered = _answers_by_step(r)
    takes = [s.id for s in agenda if REGISTRY[s.kind].pupil_actions]
    assert [s for s in takes if not answered.get(s)] == [], "steps without simulated answers"
    assert sum(r.driver.refused.values()) <= len(answered)  # a race with a closing timer, at most

    # The report: a rehearsal's timing, and not one answer, count or team in it.
    assert any(s["summary"].get("answered") for s in views.report(r.state)["steps"])  # there were answers
    _no_results(r.http.get(f"/report/{r.code}").get_data(as_text=True), r.state)


def _no_results(html: str, state: Any) -> None:
    """A rehearsal's report page: its note and each step's timing, no result of any kind."""
    assert 'id="rehearsal-note"' in html
    for leak in ('class="tally', 'class="answered"', 'class="entered-note"', 'class="approved"'):
        assert leak not in html, leak
    for pupil in state.pupils.values():  # not even a nickname
        assert pupil.nick not in html
    found = Sections()
    found.feed(html)
    assert list(found.steps) == [s.id for s in state.pack.agenda]
    assert [s["rows"] for s in found.steps.values()] == [[]] * len(state.pack.agenda)  # no chart anywhere
    for step in found.steps.values():  # each step: its title and its minutes (or "not run"), nothing counted
        assert re.search(r"\d+ min|Ei pidetty|Not run", step["text"]), step


def test_a_real_phone_may_join_a_rehearsal_and_its_report_shows_no_results(make_app, clock):
    r = Rehearsal(make_app(), clock, "esittely", pupils=10)
    r.wait(30)
    phone = Phone(r, "fi")  # a real phone joins the rehearsal's code as usual
    assert phone.seat not in r.live.simulated
    assert any(p["id"] == phone.seat for p in r.console.now()["pupils"])
    r.console.do({"type": "goto", "step": 0, "expect": -1})
    r.console.do({"type": "goto", "step": 1, "expect": 0})
    step = r.state.current
    assert phone.send(step.id, {"type": "vote", "options": [step.options[-1].id]})["ok"]
    r.wait(120)
    assert r.console.activity["answered"] > 1  # the console shows everyone's answers while rehearsing
    r.console.step(step.id, {"type": "reveal"})
    _no_results(r.http.get(f"/report/{r.code}").get_data(as_text=True), r.state)
    assert r.http.get(f"/export/{r.code}/{step.id}").status_code == 409  # nothing simulated to download
    # The home page lists it, marked as a rehearsal.
    home = r.http.get("/").get_data(as_text=True)
    assert "rehearsal-badge" in home and r.code in home


def test_a_rehearsal_survives_a_restart_and_its_pupils_go_on(make_app, clock):
    r = Rehearsal(make_app(), clock, "esittely", pupils=8)
    r.wait(30)
    simulated = set(r.live.simulated)
    r.console.do({"type": "goto", "step": 1, "expect": -1})
    r.wait(60)
    before = _answers_by_step(r)

    app = make_app()  # the server restarts: the journal is replayed
    again = app.extensions["workshops"].manager.get(r.code)
    assert again.rehearsal == 8 and again.simulated == simulated
    driver = app.extensions["rehearsals"][r.code]  # restarted with the session
    assert driver.plan.joins_left == 0
    host = socketio.test_client(
        app, auth={"code": r.code, "role": "host", "key": r.host_key}, flask_test_client=app.test_client()
    )
    view = last(host, "host_view")
    assert view["rehearsal"]["simulated"] == sorted(simulated)
    assert all(p["online"] for p in view["pupils"])  # the simulated pupils are "here" again
    assert act(host, "host", {"type": "goto", "step": 2, "expect": 1})["ok"]
    for _ in range(40):
        clock.advance(TICK)
        with app.app_context():
            driver.tick()
    step = again.state.current.id
    assert _answers_by_step(r).get(step, 0) > before.get(step, 0)


def test_rehearsals_are_private_and_capped(make_app, clock):
    app = make_app()
    http = app.test_client()
    resp = http.post("/sessions", data={"pack": "esittely", "rehearsal": "x", "simulated": "500"}, headers=ORIGIN)
    code = re.search(r"/host/(\w+)", resp.headers["Location"]).group(1)
    assert app.extensions["workshops"].manager.get(code).rehearsal == 40  # at most 40 simulated pupils
    assert app.test_client().get(f"/host/{code}").status_code == 404  # the console needs its key
    assert app.test_client().get(f"/report/{code}").status_code == 404
    # A second rehearsal of the same pack stops the first one's simulated pupils.
    first = app.extensions["rehearsals"][code]
    resp = http.post("/sessions", data={"pack": "esittely", "rehearsal": "x", "simulated": "bad"}, headers=ORIGIN)
    second = re.search(r"/host/(\w+)", resp.headers["Location"]).group(1)
    assert first.stopped and app.extensions["workshops"].manager.get(second).rehearsal == 25
    # A real session is no rehearsal.
    resp = http.post("/sessions", data={"pack": "esittely"}, headers=ORIGIN)
    plain = re.search(r"/host/(\w+)", resp.headers["Location"]).group(1)
    assert app.extensions["workshops"].manager.get(plain).rehearsal is None
    assert plain not in app.extensions["rehearsals"]
    page = http.get(f"/host/{plain}").get_data(as_text=True)
    assert "rehearsal-banner" not in page
    page = http.get(f"/host/{second}").get_data(as_text=True)
    assert 'id="rehearsal-banner"' in page
