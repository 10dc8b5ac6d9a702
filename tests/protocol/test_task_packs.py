"""Every task pack through Socket.IO: teams and individuals answer every step, then the reveal."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, Classroom, act, last, shipped_or_fixture

PACKS = shipped_or_fixture(
    ("minitehtavat", ROOT / "tests" / "packs" / "good" / "minitehtavat"),
    ("digitutkijat", ROOT / "content" / "digitutkijat"),
    ("digitutkijat-tukioppilaat", ROOT / "content" / "digitutkijat-tukioppilaat"),
)
SECRETS = ("answer", "solution", "spots", "correct", "consequences")


def payload(kind: str, task: dict, own: dict, n: int) -> dict | None:
    """A valid answer for a step, built from what the phone was shown."""
    if kind == "choice":
        return {"type": "vote", "options": [task["options"][n % len(task["options"])]["id"]]}
    if kind == "truefalse":
        return {"type": "answer", "value": n % 2 == 0}
    if kind == "scale":
        return {"type": "answer", "value": task["min"] + n % (task["max"] - task["min"] + 1)}
    if kind == "open":
        return {"type": "answer", "text": f"Vastaus numero {n}"}
    if kind == "sort":
        cats = [c["id"] for c in task["categories"]]
        placements = {i["id"]: cats[(n + k) % len(cats)] for k, i in enumerate(task["items"])}
        return {"type": "answer", "placements": placements}
    if kind == "order":
        return {"type": "answer", "items": [i["id"] for i in task["items"]]}
    if kind == "hotspot":
        return {"type": "answer", "taps": [{"x": 10.0 * (n % 9 + 1), "y": 50.0}]}
    if kind == "scenario":
        at = own.get("at", task["nodes"][0]["id"])
        if at is None:
            return None
        node = next(x for x in task["nodes"] if x["id"] == at)
        return {"type": "answer", "node": at, "choice": node["choices"][n % len(node["choices"])]["id"]}
    if kind == "invent":
        return {
            "type": "idea",
            "question": f"Keksitty kysymys {n}?",
            "options": ["Kyllä", "Ei"],
            "right": 1,
            "explanation": "Koska.",
        }
    return None


@pytest.mark.parametrize("pack_room", PACKS, ids=[p[0] for p in PACKS], indirect=True)
def test_every_step_with_teams_and_individuals(pack_room: Classroom):
    room = pack_room
    # This test presses buttons far faster than a facilitator can (22 steps in a second).
    room.app.extensions["workshops"].limits.events.rate = 1000
    host, screen = room.host(), room.screen()
    pupils = [room.pupil() for _ in range(6)]
    assert act(host, "host", {"type": "teams", "count": 2})["ok"]
    agenda = room.live.state.pack.agenda
    answered = set()
    for index, step in enumerate(agenda):
        assert act(host, "host", {"type": "goto", "step": index, "expect": index - 1})["ok"]
        common = last(pupils[0], "pupil_view")
        task = common["activity"] if common else room_view(room, pupils[0])
        for secret in SECRETS:
            assert secret not in task, (step.id, secret)
            assert secret not in (last(screen, "screen_view") or {}).get("activity", {}), (step.id, secret)
        for n, pupil in enumerate(pupils):
            own = (last(pupil, "own_view") or {}).get("activity", {})
            action = payload(step.kind, task, own, n)
            if action is None:
                continue
            ack = act(pupil, "pupil", {"type": "act", "step": step.id, "action": action})
            if step.kind == "scenario" and getattr(step, "answer_by", "") == "team" and not ack["ok"]:
                assert ack["error"] == "not_current"  # a teammate moved the team's story on first
                continue
            assert ack["ok"], (step.id, ack)
            answered.add(step.kind)
        if step.kind not in ("slide", "invent"):
            reveal = act(host, "host", {"type": "act", "step": step.id, "action": {"type": "reveal"}})
            assert reveal["ok"], (step.id, reveal)
            revealed = last(screen, "screen_view")["activity"]
            assert "results" in revealed or "counts" in revealed, step.id
        if step.kind == "open":
            entries = last(host, "host_view")["activity"]["entries"]
            assert entries and all(e["status"] == "pending" for e in entries)
    assert answered  # the pack had tasks to answer
    assert act(host, "host", {"type": "end"})["ok"]
    assert last(pupils[0], "pupil_view")["phase"] == "ended"


def room_view(room: Classroom, pupil) -> dict:
    """The pupil's common view when none was sent (it did not change): ask the rules directly."""
    from workshops.sessions import views

    return views.pupil_common(room.live.state).get("activity", {})
