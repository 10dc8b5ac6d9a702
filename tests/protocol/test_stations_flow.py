"""Stations over Socket.IO: 3 groups of 3 and a station leader, all stations, moderation, the debrief."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, Classroom, act, last, shipped_or_fixture

PACKS = shipped_or_fixture(
    ("minirastit", ROOT / "tests" / "packs" / "good" / "minirastit"),
    ("jamakkyytta", ROOT / "content" / "jamakkyytta"),
)


def cmd(host, step, kind, **extra):
    return act(host, "host", {"type": "act", "step": step, "action": {"type": kind, **extra}})


@pytest.mark.parametrize("pack_room", PACKS, ids=[p[0] for p in PACKS], indirect=True)
def test_a_whole_rotation_with_a_station_leader(pack_room: Classroom):
    room = pack_room
    host, screen = room.host(), room.screen()
    pupils = [room.pupil() for _ in range(10)]
    mentor = pupils.pop()
    mentor_seat = last(mentor, "own_view")["seat"]
    assert act(host, "host", {"type": "mentor", "seat": mentor_seat, "on": True})["ok"]
    assert act(host, "host", {"type": "teams", "count": 3})["ok"]
    pack = room.live.state.pack
    index = next(i for i, s in enumerate(pack.agenda) if s.kind == "stations")
    step = pack.agenda[index]
    act(host, "host", {"type": "goto", "step": index, "expect": -1})
    first_station = step.stations[0].id
    assert cmd(host, step.id, "lead", seat=mentor_seat, station=first_station)["ok"]
    assert cmd(host, step.id, "start")["ok"]

    secret = "Ei kiitos, sano Matille terveisiä"
    for round_no in range(len(step.stations)):
        screen_view = last(screen, "screen_view")["activity"]
        assert "lines" not in screen_view and "progress" not in screen_view  # no answers during rotation
        for i, pupil in enumerate(pupils):
            own = last(pupil, "own_view")["activity"]
            station = next(s for s in step.stations if s.id == own["station"]["id"])
            assert own["role"] == "member" and "guide" not in own  # the leader's guide is the leader's
            if "rate" in station.tasks:
                for which in ("as_written", "best_friend"):
                    ack = act(
                        pupil,
                        "pupil",
                        {
                            "type": "act",
                            "step": step.id,
                            "action": {"type": "rate", "which": which, "value": 1 + (i % 5)},
                        },
                    )
                    assert ack["ok"], ack
            if "ways" in station.tasks:
                assert act(
                    pupil,
                    "pupil",
                    {"type": "act", "step": step.id, "action": {"type": "ways", "ways": [step.ways[0].id]}},
                )["ok"]
            if "order" in station.tasks:
                steps = [o.id for o in station.order]
                assert act(
                    pupil, "pupil", {"type": "act", "step": step.id, "action": {"type": "order", "steps": steps}}
                )["ok"]
            if "line" in station.tasks and i % 3 == 0:
                assert act(
                    pupil, "pupil", {"type": "act", "step": step.id, "action": {"type": "line", "text": secret}}
                )["ok"]
        # The leader sees the group at their station, and nothing of the others.
        lead_view = last(mentor, "own_view")["activity"]
        here = [g["group"] for g in lead_view["groups"]]
        assert here == [g for g, s in room.live.state.activities[step.id].plan[round_no].items() if s == first_station]
        other_nicks = [
            room.live.state.pupils[s].nick
            for s in room.live.state.pupils
            if room.live.state.pupils[s].team not in here and s != mentor_seat
        ]
        assert not any(nick in str(lead_view) for nick in other_nicks)
        assert act(mentor, "pupil", {"type": "act", "step": step.id, "action": {"type": "done"}})["ok"]
        if round_no == 1:
            # A phone reconnects mid-station: same group, same answers.
            token = pupils[0].token
            pupils[0].disconnect()
            pupils[0] = room.connect("pupil", token=token)
            assert last(pupils[0], "own_view")["activity"]["mine"]["ratings"]
        assert cmd(host, step.id, "rotate")["ok"]

    state = room.live.state.activities[step.id]
    assert state.phase == "debrief"
    debrief = last(screen, "screen_view")["activity"]["debrief"]
    assert sum(debrief["ratings"]["as_written"]) > 0
    assert secret not in str(last(screen, "screen_view") or debrief)
    # Moderation: approve one line with the name edited out; only that text reaches the projector.
    lines = last(host, "host_view")["activity"]["lines"]
    assert lines and all(line["status"] == "pending" for line in lines)
    target = lines[0]
    ack = cmd(
        host, step.id, "moderate", group=target["group"], station=target["station"], status="approved", text="Ei kiitos"
    )
    assert ack["ok"]
    shown_index = next(i for i, s in enumerate(step.stations) if s.id == target["station"])
    cmd(host, step.id, "show", index=shown_index)
    shown = last(screen, "screen_view")["activity"]["debrief"]
    assert shown["lines"] == ["Ei kiitos"] and "Matille" not in str(shown)
    # A pupil's request to talk reaches only the facilitator.
    assert act(pupils[2], "pupil", {"type": "talk"})["ok"]
    assert [r["nick"] for r in last(host, "host_view")["talk"]] == [last(pupils[2], "own_view")["nick"]]
    assert "talk" not in last(screen, "screen_view")
