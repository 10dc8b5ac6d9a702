"""Statistics that outlive pupil data (issue #20 item 1), over HTTP and Socket.IO.

A real session of the task pack: phones with a nickname typed by a pupil, a team's tablet, hands
counted by the facilitator, open answers; the facilitator ends it and deletes it. The statistics
record survives in `statistics.sqlite3`, counts right, and holds nothing that identifies anyone:
not in the record, not anywhere in the file's bytes. The labels typed at the start reach no
projector or phone. A rehearsal leaves no record; the retention purge writes one before deleting.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from tests.conftest import ORIGIN, ROOT, Classroom, act, received

PACK_DIR = ROOT / "tests" / "packs" / "good" / "minitehtavat"
NICK = "Sirkkaliisa"
SECRET = "Salaisuus Matti Meikäläinen"
OTHER = "Pelit ja videot ovat kivoja"
LABELS = {"place": "Kupittaan koulu", "grade": "4B", "district": "Varsinais-Suomi"}


@pytest.fixture
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(PACK_DIR, folder / "minitehtavat")
    return folder


class LabelledRoom(Classroom):
    """A session started from the home page's form with the statistics labels filled in."""

    def __init__(self, app, form: dict[str, str]):
        self.app = app
        self.http = app.test_client()
        resp = self.http.post("/sessions", data={"pack": "minitehtavat", **form}, headers=ORIGIN)
        assert resp.status_code == 302, resp.data
        self.code = re.search(r"/host/(\w+)", resp.headers["Location"]).group(1)
        self.manager = app.extensions["workshops"].manager
        self.live = self.manager.get(self.code)
        self.host_key = self.manager.keys.host_key(self.live.id)
        self.screen_key = self.manager.keys.screen_key(self.live.id)


def labelled(app) -> LabelledRoom:
    return LabelledRoom(app, {f"stats_{k}": f"  {v} " for k, v in LABELS.items()})


def step_index(room, step_id: str) -> int:
    return [s.id for s in room.live.state.pack.agenda].index(step_id)


def ok(ack: dict) -> dict:
    assert ack["ok"], ack
    return ack


def goto(room, host, step_id: str) -> None:
    ok(act(host, "host", {"type": "goto", "step": step_index(room, step_id), "expect": room.live.state.step}))


def pupil_act(sock, step: str, action: dict) -> None:
    ok(act(sock, "pupil", {"type": "act", "step": step, "action": action}))


def host_act(host, step: str, action: dict) -> None:
    ok(act(host, "host", {"type": "act", "step": step, "action": action}))


def run_class(room, clock) -> dict:
    """Three phones (one renamed by its pupil), a team's tablet, hands and open answers; ended."""
    host, screen = room.host(), room.screen()
    ok(act(host, "host", {"type": "own_nicknames", "allowed": True}))
    ok(act(host, "host", {"type": "teams", "count": 2}))
    phones = [room.pupil() for _ in range(3)]
    tablet_seat = room.app.test_client().post(
        f"/j/{room.code}/seat", json={"lang": "fi", "device": "team", "team": "t1"}, headers=ORIGIN
    )
    tablet = room.pupil(tablet_seat.get_json()["token"])
    ok(act(phones[0], "pupil", {"type": "rename", "nick": NICK}))
    ok(act(host, "host", {"type": "nick", "seat": "p1", "approve": True}))
    assert room.live.state.pupils["p1"].nick == NICK
    clock.advance(30)
    goto(room, host, "tv")
    pupil_act(phones[0], "tv", {"type": "answer", "value": True})
    pupil_act(phones[1], "tv", {"type": "answer", "value": False})
    pupil_act(tablet, "tv", {"type": "answer", "value": False})
    host_act(host, "tv", {"type": "enter", "answer": {"type": "answer", "value": True}, "count": 6})
    clock.advance(120)
    goto(room, host, "avoin")
    pupil_act(phones[0], "avoin", {"type": "answer", "text": SECRET})
    pupil_act(phones[2], "avoin", {"type": "answer", "text": OTHER})
    host_act(host, "avoin", {"type": "moderate", "voter": "p1", "status": "approved"})
    clock.advance(90)
    ok(act(host, "host", {"type": "end"}))
    views = [received(s, e) for s in (*phones, tablet) for e in ("pupil_view", "own_view")]
    views += [received(screen, "screen_view"), received(host, "host_view")]
    return {"views": json.dumps(views, ensure_ascii=False), "host": host}


def stored(app) -> list[dict]:
    return app.extensions["workshops"].stats.all()


def test_a_session_ended_and_deleted_leaves_its_statistics_and_nothing_identifying(make_app, clock, content, tmp_path):
    app = make_app(CONTENT_DIR=content)
    room = labelled(app)
    assert room.live.labels == LABELS
    played = run_class(room, clock)
    # The labels are the facilitator's: on no projector, phone or console view.
    for label in LABELS.values():
        assert label not in played["views"], label
    (at_end,) = stored(app)  # written when the session ended
    seats = list(room.live.state.pupils)
    teams = list(room.live.state.teams)
    code, sid = room.code, room.live.id

    resp = room.http.post(f"/host/{code}/delete", headers=ORIGIN)
    assert resp.status_code == 302
    assert room.manager.get(code) is None

    (record,) = stored(app)
    assert record == at_end
    assert record["labels"] == LABELS and record["pack"] == "minitehtavat"
    assert record["participants"] == {"devices": 3, "team_devices": 1, "entered": 6}
    steps = {s["id"]: s for s in record["steps"]}
    assert steps["tv"]["counts"] == {"true": 7, "false": 2} and steps["tv"]["answered"] == 9
    assert steps["avoin"]["answered"] == 2 and set(steps["avoin"]) == {
        "id",
        "kind",
        "title",
        "run",
        "minutes",
        "answered",
    }
    assert [s["id"] for s in record["steps"] if s["run"]] == ["tv", "avoin"]
    assert record["minutes"] == 3.5  # 2.0 min on the true-or-false, 1.5 on the open question

    text = json.dumps(record, ensure_ascii=False)
    for secret in (NICK, SECRET, OTHER, "Matti", code, sid):
        assert secret not in text, secret
    data = (tmp_path / "data" / "statistics.sqlite3").read_bytes()
    for secret in (NICK, SECRET, OTHER, "Matti", code, sid):
        assert secret.encode() not in data, secret
    for seat_or_team in (*seats, *teams):
        assert f'"{seat_or_team}"'.encode() not in data, seat_or_team
    # The journal has nothing left of the session; the statistics file is the record alone.
    assert app.extensions["workshops"].journal.sessions(open_only=False) == []


def test_a_rehearsal_leaves_no_record(make_app, content):
    app = make_app(CONTENT_DIR=content)
    http = app.test_client()  # the facilitator's browser: it gets the console's key cookie
    resp = http.post(
        "/sessions",
        data={"pack": "minitehtavat", "rehearsal": "Harjoittele", "simulated": "3", "stats_place": "Koulu"},
        headers=ORIGIN,
    )
    code = re.search(r"/host/(\w+)", resp.headers["Location"]).group(1)
    live = app.extensions["workshops"].manager.get(code)
    assert live.rehearsal is not None and live.labels == {}
    room = Classroom.__new__(Classroom)
    room.app, room.code = app, code
    room.host_key = app.extensions["workshops"].manager.keys.host_key(live.id)
    phone = room.pupil()  # a real phone in a rehearsal: still a rehearsal
    host = room.host()
    ok(act(host, "host", {"type": "goto", "step": 0, "expect": -1}))
    pupil_act(phone, live.state.pack.agenda[0].id, {"type": "answer", "value": True})
    ok(act(host, "host", {"type": "end"}))
    assert http.post(f"/host/{code}/delete", headers=ORIGIN).status_code == 302
    assert app.extensions["workshops"].manager.get(code) is None
    assert stored(app) == []


def test_the_retention_purge_writes_the_record_before_deleting(make_app, clock, content):
    app = make_app(CONTENT_DIR=content)
    room = labelled(app)
    host = room.host()
    phone = room.pupil()
    goto(room, host, "tv")
    pupil_act(phone, "tv", {"type": "answer", "value": False})
    stats_id = room.live.stats_id
    assert stored(app) == []  # not ended: nothing yet
    clock.advance(app.config["RETENTION_HOURS"] * 3600 + 60)
    restarted = make_app(CONTENT_DIR=content)  # replays the journal, then purges what is past its time
    assert restarted.extensions["workshops"].manager.get(room.code) is None
    assert restarted.extensions["workshops"].journal.sessions(open_only=False) == []
    (record,) = stored(restarted)
    assert record["id"] == stats_id and record["labels"] == LABELS
    assert record["steps"][0]["counts"] == {"true": 0, "false": 1}


def test_the_labels_survive_a_restart_and_reach_the_record(make_app, clock, content):
    app = make_app(CONTENT_DIR=content)
    room = labelled(app)
    phone = room.pupil()
    host = room.host()
    goto(room, host, "tv")
    pupil_act(phone, "tv", {"type": "answer", "value": True})
    restarted = make_app(CONTENT_DIR=content)
    live = restarted.extensions["workshops"].manager.get(room.code)
    assert (live.stats_id, live.labels) == (room.live.stats_id, LABELS)
    again = Classroom.__new__(Classroom)
    again.app, again.code, again.host_key = restarted, room.code, room.host_key
    ok(act(again.host(), "host", {"type": "end"}))
    (record,) = stored(restarted)
    assert record["id"] == room.live.stats_id and record["labels"] == LABELS


def test_the_start_form_offers_the_labels_collapsed(make_app, content):
    app = make_app(CONTENT_DIR=content)
    page = app.test_client().get("/").get_data(as_text=True)
    group = re.search(r'<details class="setup stats-labels">(.*?)</details>', page, re.S)
    assert group is not None
    for field in ("place", "grade", "district"):
        assert f'name="stats_{field}"' in group.group(1)
    assert group.group(1).count('maxlength="80"') == 3
