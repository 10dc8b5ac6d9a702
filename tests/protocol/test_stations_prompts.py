"""Stations with a pack's own prompts over Socket.IO (issue #17): a bullying pack's two stations, one
with its own options and two rating questions, one with the step's options, one rating and an
order task; the phones, the station leader, the console and the projector get the pack's words."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, Classroom, act, last

PACK = ("kiusaamisrastit", ROOT / "tests" / "packs" / "good" / "kiusaamisrastit")
CHAT_WAYS = ["ala-naura", "sano-chattiin", "viesti-ainolle", "aikuinen"]  # the chat station's own options


def cmd(host, kind, **extra):
    return act(host, "host", {"type": "act", "step": "rastit", "action": {"type": kind, **extra}})


def answer(sock, kind, **extra):
    return act(sock, "pupil", {"type": "act", "step": "rastit", "action": {"type": kind, **extra}})


@pytest.mark.parametrize("pack_room", [PACK], ids=[PACK[0]], indirect=True)
def test_the_pack_s_prompts_reach_phones_and_projector(pack_room: Classroom):
    room = pack_room
    host, screen = room.host(), room.screen()
    pupils = [room.pupil() for _ in range(5)]
    leader = pupils.pop()
    leader_seat = last(leader, "own_view")["seat"]
    assert act(host, "host", {"type": "mentor", "seat": leader_seat, "on": True})["ok"]
    assert act(host, "host", {"type": "teams", "count": 2})["ok"]
    act(host, "host", {"type": "goto", "step": 0, "expect": -1})
    assert cmd(host, "lead", seat=leader_seat, station="chatti")["ok"]
    assert cmd(host, "start")["ok"]
    # The console's heading for approving lines is the step's `lines_result`.
    assert last(host, "host_view")["activity"]["prompts"]["lines_result"]["fi"] == "Ryhmien viestit chattiin"

    line = "Lopettakaa, tää ei oo hauskaa Ainolle"
    for _round in range(2):
        for i, pupil in enumerate(pupils):
            own = last(pupil, "own_view")["activity"]
            station, prompts = own["station"], own["station"]["prompts"]
            if station["id"] == "chatti":
                assert prompts["ways"]["fi"].startswith("Mitä voisit tehdä sen sijaan, että nauraisit mukana?")
                assert prompts["ways"]["sv"].startswith("Vad kunde du göra i stället för att skratta med?")
                assert prompts["line"]["fi"] == "Mitä ryhmänne kirjoittaisi chattiin, jotta pilkkaaminen loppuisi?"
                assert prompts["line_hint"]["sv"].startswith("Ett meddelande för hela gruppen")  # the step's
                assert prompts["rate"]["fi"] == "Kuinka vaikeaa olisi olla nauramatta mukana?"
                assert prompts["rate_second"]["sv"] == "Och om den som lade upp bilden var din bästa kompis?"
                assert (prompts["rate_low"]["fi"], prompts["rate_high"]["fi"]) == ("helppoa", "tosi vaikeaa")
                assert [w["id"] for w in station["ways"]] == CHAT_WAYS
                assert answer(pupil, "rate", which="as_written", value=1 + i)["ok"]
                assert answer(pupil, "rate", which="best_friend", value=5)["ok"]
                assert answer(pupil, "ways", ways=["ala-naura", "sano-chattiin"])["ok"]
                refused = answer(pupil, "ways", ways=["ota-mukaan"])  # the step's option, not this station's
                assert not refused["ok"] and refused["error"] == "bad_option"
                assert answer(pupil, "line", text=line)["ok"]
            else:
                assert station["id"] == "valitunti"
                assert prompts["ways"]["fi"] == "Mitä voisit tehdä? Valitse niin monta kuin haluat."  # the step's
                assert prompts["ways_result"]["fi"] == "Näin ryhmät ottaisivat Eemilin mukaan"  # its own
                assert prompts["rate"]["sv"] == "Hur illa skulle det kännas att lämnas utanför?"
                assert prompts["rate_second"] is None and prompts["rate_title"] is None
                assert (prompts["rate_low"]["fi"], prompts["rate_high"]["sv"]) == ("ei yhtään", "väldigt illa")
                assert prompts["order"]["fi"] == station["order_prompt"]["fi"] == "Missä järjestyksessä toimisit?"
                assert prompts["line"] is None  # not given: the phone says the kit's words
                assert [w["id"] for w in station["ways"]] == ["sano-reilusti", "ota-mukaan", "aikuinen", "kaveri"]
                assert answer(pupil, "rate", which="as_written", value=3)["ok"]
                refused = answer(pupil, "rate", which="best_friend", value=3)
                assert not refused["ok"] and refused["error"] == "one_rating"
                assert answer(pupil, "ways", ways=["ota-mukaan"])["ok"]
                assert answer(pupil, "order", steps=["huomaa", "kysy", "sano", "valvoja"])["ok"]
        # The leader's phone has their station's prompts, for entering a group's answers.
        lead = last(leader, "own_view")["activity"]
        assert lead["station"]["prompts"]["rate"]["fi"] == "Kuinka vaikeaa olisi olla nauramatta mukana?"
        assert lead["station"]["ways"][0]["id"] == "ala-naura"
        group = lead["groups"][0]["group"]
        assert cmd(host, "enter", team=group, answer={"type": "rate", "which": "best_friend", "value": 2})["ok"]
        assert cmd(host, "rotate")["ok"]

    debrief = last(screen, "screen_view")["activity"]["debrief"]
    assert debrief["station"]["id"] == "chatti"
    prompts = debrief["station"]["prompts"]
    assert prompts["ways_result"]["fi"] == "Mitä ryhmät tekisivät"
    assert prompts["lines_result"]["sv"] == "Gruppernas meddelanden i chatten"
    assert prompts["rate"]["fi"] == "Kuinka vaikeaa olisi olla nauramatta mukana?"
    assert prompts["rate_second"]["fi"] == "Entä jos kuvan laittaja olisi paras kaverisi?"
    assert debrief["ratings"]["as_written"] == [1, 1, 1, 1, 0]
    assert debrief["ratings"]["best_friend"] == [0, 2, 0, 0, 4]  # two entered by the facilitator
    assert debrief["ways"] == {"ala-naura": 4, "sano-chattiin": 4, "viesti-ainolle": 0, "aikuinen": 0}
    assert [w["id"] for w in debrief["station"]["ways"]] == list(debrief["ways"])
    assert debrief["lines"] == []  # not before the facilitator approves one
    lines = last(host, "host_view")["activity"]["lines"]
    target = lines[0]
    assert cmd(host, "moderate", group=target["group"], station="chatti", status="approved", text="Lopettakaa")["ok"]
    assert last(screen, "screen_view")["activity"]["debrief"]["lines"] == ["Lopettakaa"]

    assert cmd(host, "show", index=1)["ok"]
    debrief = last(screen, "screen_view")["activity"]["debrief"]
    assert debrief["station"]["id"] == "valitunti"
    assert debrief["station"]["prompts"]["ways_result"]["sv"] == "Så här skulle grupperna ta med Emil"
    assert debrief["station"]["prompts"]["rate_second"] is None
    assert list(debrief["ratings"]) == ["as_written"] and sum(debrief["ratings"]["as_written"]) == 4
    assert debrief["ways"]["ota-mukaan"] == 4 and debrief["order"] == {"answers": 4, "right": 4}
    assert last(host, "host_view")["activity"]["debrief"] == debrief  # the console shows the same
