"""What docs/protocol.md promises, checked over Socket.IO (in process): the views as the edge
sends them, the acknowledgements' revisions, client ids applied once."""

from __future__ import annotations

from tests.conftest import Classroom, act, last
from tests.unit.test_protocol_doc import documented_fields, undocumented

VOTE = {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": ["ok"]}}


def _vote(pupil, option: str, cid: str) -> dict:
    return act(pupil, "pupil", {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": [option]}}, cid)


def test_the_views_as_sent_carry_only_documented_fields_and_are_all_stamped(classroom: Classroom):
    host, screen, pupil = classroom.host(), classroom.screen(), classroom.pupil()
    assert act(host, "host", {"type": "goto", "step": 1, "expect": -1})["ok"]
    assert act(pupil, "pupil", VOTE)["ok"]
    docs = documented_fields()
    sent = {
        "host_view": last(host, "host_view"),
        "screen_view": last(screen, "screen_view"),
        "pupil_view": last(pupil, "pupil_view"),
        "own_view": last(pupil, "own_view"),
    }
    for event, view in sent.items():
        assert isinstance(view.get("server_time"), float), (event, sorted(view))
        top = {k: v for k, v in view.items() if k != "activity"}
        assert undocumented(top, docs["top"][event], {}, set()) == set(), event
        assert undocumented(view["activity"], docs["choice"][event], {}, set()) == set(), event
    assert sent["host_view"]["journal_failed"] is False


def test_refusals_in_a_known_session_carry_the_revision(classroom: Classroom):
    host, screen, pupil = classroom.host(), classroom.screen(), classroom.pupil()
    rev = classroom.live.state.rev
    for sock, event in ((pupil, "host"), (screen, "pupil"), (screen, "host"), (host, "pupil")):
        ack = act(sock, event, {"type": "end"})
        assert ack == {"ok": False, "error": "forbidden", "message": ack["message"], "rev": rev}
    ack = act(pupil, "pupil", {"type": "act", "step": "fiilis", "action": {"type": "vote"}})
    assert ack["error"] == "bad_payload" and ack["rev"] == rev
    # Outside the action handler too: an unknown event, and an event with two objects.
    ack = pupil.emit("become_host", {}, callback=True)
    assert ack["error"] == "unknown_event" and ack["rev"] == rev
    ack = pupil.emit("pupil", {"action": {"type": "talk"}}, {"x": 1}, callback=True)
    assert ack["error"] == "bad_payload" and ack["rev"] == rev


def test_a_retried_no_op_never_overwrites_a_newer_vote_even_after_a_restart(make_app):
    room = Classroom(make_app())
    host, pupil = room.host(), room.pupil()
    assert act(host, "host", {"type": "goto", "step": 1, "expect": -1})["ok"]
    assert _vote(pupil, "ok", "a1")["ok"]
    noop = _vote(pupil, "ok", "a2")
    assert noop == {"ok": True, "rev": room.live.state.rev}
    assert _vote(pupil, "pirtea", "a3")["ok"]
    assert _vote(pupil, "ok", "a2") == {"ok": True, "rev": room.live.state.rev, "duplicate": True}
    assert room.live.state.activities["fiilis"].votes["p1"] == ("pirtea",)

    restarted = make_app()  # the same data dir: a new process after kill -9
    live = restarted.extensions["workshops"].manager.get(room.code)
    room.app = restarted
    back = room.connect("pupil", token=pupil.token)
    assert _vote(back, "ok", "a2").get("duplicate") is True
    assert live.state.activities["fiilis"].votes["p1"] == ("pirtea",)
