"""`qr_since` in the console's view: when the join QR went up on a projector (issue #16, item 4).

The console's connection doctor counts from it: a minute after the first projector connected in
the lobby with no pupil in, it tells the facilitator why phones may not reach the kit. It is the
facilitator's only, kept through reconnects and further projectors, and not journaled.
"""

from __future__ import annotations

from tests.conftest import Classroom, act, last
from workshops.extensions import socketio


def test_qr_since_is_set_by_the_first_projector_and_kept(classroom: Classroom, clock):
    host = classroom.host()
    assert last(host, "host_view")["qr_since"] is None

    clock.advance(5)
    first = classroom.screen()
    shown = clock.now
    assert last(host, "host_view")["qr_since"] == shown  # the console hears of it at once

    clock.advance(30)
    second = classroom.screen()
    first.disconnect()
    clock.advance(30)
    again = classroom.screen()  # the first projector's reconnect
    pupil = classroom.pupil()
    act(host, "host", {"type": "lock", "locked": True})
    assert last(host, "host_view")["qr_since"] == shown
    assert classroom.live.qr_since == shown

    # The facilitator's only: never in the projector's or the pupils' views.
    for screen in (second, again):
        views = [m["args"][0] for m in screen.get_received() if m["name"] == "screen_view"]
        assert views and all("qr_since" not in v for v in views)
    got = pupil.get_received()
    assert {m["name"] for m in got} >= {"pupil_view", "own_view"}
    assert all("qr_since" not in m["args"][0] for m in got if m["name"] in ("pupil_view", "own_view"))


def test_a_host_who_connects_later_gets_it_too(classroom: Classroom, clock):
    classroom.screen()
    host = classroom.host()
    assert last(host, "host_view")["qr_since"] == clock.now


def test_a_projector_first_opened_after_the_start_sets_nothing(classroom: Classroom):
    host = classroom.host()
    act(host, "host", {"type": "goto", "step": 0, "expect": -1})
    classroom.screen()
    assert last(host, "host_view")["qr_since"] is None


def test_it_is_not_journaled(make_app, clock):
    room = Classroom(make_app())
    room.screen()
    assert room.live.qr_since == clock.now

    clock.advance(60)
    app = make_app()  # a restart: the session is replayed from the journal
    live = app.extensions["workshops"].manager.get(room.code)
    assert live is not None and live.qr_since is None
    creds = {"code": room.code, "role": "host", "key": room.host_key}
    host = socketio.test_client(app, auth=creds, flask_test_client=app.test_client())
    assert last(host, "host_view")["qr_since"] is None
    creds = {"code": room.code, "role": "screen", "key": room.screen_key}
    socketio.test_client(app, auth=creds, flask_test_client=app.test_client())
    assert last(host, "host_view")["qr_since"] == clock.now
