"""A self-paced session over real Socket.IO clients: six participants on their own phones across
two days (a fake clock), the server restarted in between, and the period ending by itself."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import ORIGIN, act, last, received
from workshops.activities import REGISTRY
from workshops.web import paced

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "tests" / "packs" / "good" / "omaan-tahtiin"
DAY = 86400


@pytest.fixture
def content(tmp_path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(PACK, folder / "omaan-tahtiin")
    return folder


def open_paced(app, clock, days: int = 2) -> str:
    last_day = paced.today(clock()) + dt.timedelta(days=days)
    resp = app.test_client().post(
        "/sessions", data={"pack": "omaan-tahtiin", "paced": "1", "until": last_day.isoformat()}, headers=ORIGIN
    )
    assert resp.status_code == 302, resp.data
    return re.search(r"/host/(\w+)", resp.headers["Location"]).group(1)


class Participant:
    """A phone: takes a seat, goes through the pages answering each with its kind's first sample move."""

    def __init__(self, app, code: str, lang: str, token: str | None = None):
        self.app, self.code, self.lang = app, code, lang
        if token is None:
            seat = app.test_client().post(f"/j/{code}/seat", json={"lang": lang}, headers=ORIGIN).get_json()
            assert seat["ok"], seat
            token = seat["token"]
        self.token = token
        self.sock = socketio_client(app, code, token)

    def own(self) -> dict:
        act(self.sock, "pupil", {"type": "lang", "lang": self.lang})  # any ack brings the newest views
        view = last(self.sock, "own_view")
        assert view is not None
        return view

    def answer_and_turn(self, manager) -> dict:
        own = self.own()
        if "head" in own:
            live = manager.get(self.code)
            step = live.state.pack.agenda[own["head"]["index"]]
            seat = live.state.pupils[own["seat"]].seat()
            moves = REGISTRY[step.kind].sample_moves(step, live.state.activities[step.id], seat, live.state.ctx(0))
            if moves:
                ack = act(self.sock, "pupil", {"type": "act", "step": step.id, "action": moves[0]})
                assert ack["ok"], ack
        ack = act(self.sock, "pupil", {"type": "page", "to": own["page"] + 1})
        assert ack["ok"], ack
        return self.own()

    def finish(self, manager) -> None:
        while self.own()["page"] < self.own()["pages"]:
            self.answer_and_turn(manager)


def socketio_client(app, code: str, token: str):
    from workshops.extensions import socketio

    auth = {"code": code, "role": "pupil", "token": token}
    return socketio.test_client(app, auth=auth, flask_test_client=app.test_client())


def host_view(app, code: str) -> dict:
    from workshops.extensions import socketio

    manager = app.extensions["workshops"].manager
    live = manager.get(code)
    key = manager.keys.host_key(live.id)
    sock = socketio.test_client(
        app, auth={"code": code, "role": "host", "key": key}, flask_test_client=app.test_client()
    )
    view = last(sock, "host_view")
    sock.disconnect()
    return view


def test_six_participants_over_two_days_with_a_restart(make_app, clock, content):
    app = make_app(CONTENT_DIR=content)
    code = open_paced(app, clock)
    manager = app.extensions["workshops"].manager

    # Day one, at the family café: three parents go through it; a fourth stops half way.
    first = [Participant(app, code, lang) for lang in ("fi", "sv", "fi")]
    for phone in first:
        phone.finish(manager)
    halfway = Participant(app, code, "fi")
    halfway.answer_and_turn(manager)
    halfway.answer_and_turn(manager)
    assert halfway.own()["page"] == 2
    view = host_view(app, code)
    assert view["phase"] == "paced" and view["paced"]["joined"] == 4 and view["paced"]["finished"] == 3
    arki = next(s for s in view["paced"]["steps"] if s["id"] == "arki")
    assert arki["answered"] == 4 and arki["summary"] is None  # fewer than five: no totals yet

    # The laptop is shut for the night: the next morning the kit starts again on the same data.
    for phone in [*first, halfway]:
        phone.sock.disconnect()
    clock.advance(DAY)
    app = make_app(CONTENT_DIR=content)
    manager = app.extensions["workshops"].manager
    live = manager.get(code)
    assert live is not None and live.state.paced and not live.state.ended

    # Day two: the half-way parent comes back to the same page with the same phone and finishes.
    halfway = Participant(app, code, "fi", token=halfway.token)
    assert halfway.own()["page"] == 2
    halfway.finish(manager)
    second = [Participant(app, code, lang) for lang in ("sv", "fi")]
    for phone in second:
        phone.finish(manager)

    view = host_view(app, code)
    assert view["paced"]["joined"] == 6 and view["paced"]["finished"] == 6
    steps = {s["id"]: s for s in view["paced"]["steps"]}
    assert steps["arki"]["answered"] == 6 and steps["arki"]["summary"]["answered"] == 6
    assert sum(steps["arki"]["summary"]["results"]["counts"]) == 6
    assert steps["voimat"]["summary"] is not None
    assert received(halfway.sock, "host_view") == []  # a phone never gets the facilitator's view

    # The period ends at the midnight after its last day, by the timer loop, not before.
    until = live.state.until
    clock.now = until - 1
    assert manager.due_timers() == []
    clock.now = until
    fired = manager.due_timers()
    assert [f[0].code for f in fired] == [code] and manager.get(code).state.ended
    late = act(second[0].sock, "pupil", {"type": "page", "to": 0})
    assert not late["ok"] and late["error"] == "ended"

    # The report: totals of the six, and nobody's nickname.
    facilitator = app.test_client()
    facilitator.set_cookie(f"host_{code}", manager.keys.host_key(live.id))
    report = facilitator.get(f"/report/{code}")
    assert report.status_code == 200
    page = report.get_data(as_text=True)
    assert re.search(r"6 (laitetta|devices)", page) and re.search(r"6 (kävi|went through)", page)
    assert not any(p.nick in page for p in manager.get(code).state.pupils.values())


def test_a_participant_cannot_answer_a_page_they_are_not_on(make_app, clock, content):
    app = make_app(CONTENT_DIR=content)
    code = open_paced(app, clock)
    phone = Participant(app, code, "fi")
    ack = act(phone.sock, "pupil", {"type": "act", "step": "arki", "action": {"type": "answer", "value": 3}})
    assert not ack["ok"] and ack["error"] == "not_current"
    ack = act(phone.sock, "pupil", {"type": "page", "to": 2})
    assert not ack["ok"] and ack["error"] == "stale"


@pytest.mark.parametrize("until", ["", "yesterday", "2020-01-01", "+61"])
def test_a_self_paced_session_opens_only_for_today_to_sixty_days_ahead(make_app, clock, content, until):
    app = make_app(CONTENT_DIR=content)
    if until == "+61":
        until = (paced.today(clock()) + dt.timedelta(days=paced.MAX_DAYS + 1)).isoformat()
    resp = app.test_client().post(
        "/sessions", data={"pack": "omaan-tahtiin", "paced": "1", "until": until}, headers=ORIGIN
    )
    assert resp.status_code == 400
    assert app.extensions["workshops"].manager.all() == []
