"""The closing barometer over Socket.IO and HTTP: phones answer it, the projector keeps the faces
back until the facilitator shows them, and the report shows each statement's faces."""

from __future__ import annotations

from tests.conftest import Classroom, act, last
from tests.protocol.report_page import Sections


def test_a_class_answers_the_barometer_and_the_report_shows_its_faces(classroom: Classroom):
    agenda = classroom.live.state.pack.agenda
    assert agenda[-1].kind == "barometer"
    host, screen = classroom.host(), classroom.screen()
    phones = [classroom.pupil() for _ in range(3)]
    assert act(host, "host", {"type": "goto", "step": len(agenda) - 1, "expect": -1})["ok"]
    faces = [{"opin": 3, "turvallinen": 3, "apua": 2}, {"opin": 3}, {"opin": 1, "apua": 3}]
    for phone, chosen in zip(phones, faces, strict=True):
        for statement, face in chosen.items():  # a tap each
            action = {"type": "answer", "faces": {statement: face}}
            assert act(phone, "pupil", {"type": "act", "step": "barometri", "action": action})["ok"]
    assert last(phones[0], "own_view")["activity"]["mine"] == faces[0]
    shown = last(screen, "screen_view")["activity"]
    assert shown["answered"] == 3 and "results" not in shown
    assert "answered_by" not in last(host, "host_view")["activity"]

    assert act(host, "host", {"type": "act", "step": "barometri", "action": {"type": "reveal"}})["ok"]
    counts = last(screen, "screen_view")["activity"]["results"]["counts"]
    assert counts == {"opin": [1, 0, 2], "turvallinen": [0, 0, 1], "apua": [0, 1, 1]}

    http = classroom.app.test_client()
    http.get(f"/host/{classroom.code}?k={classroom.host_key}")
    page = http.get(f"/report/{classroom.code}?lang=fi").get_data(as_text=True)
    found = Sections()
    found.feed(page)
    rows = found.steps["barometri"]["rows"]  # statement, then how many chose no, a bit, yes
    assert rows == [
        ("Opin jotain uutta.", 1, 0, 2, False),
        ("Minulla oli täällä turvallinen olo.", 0, 0, 1, False),
        ("Tiedän, mistä saan apua.", 0, 1, 1, False),
    ]
    for pupil in classroom.live.state.pupils.values():
        assert pupil.nick not in page
