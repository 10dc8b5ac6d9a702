"""Kaveritaidot ja kiusaamisen ehkäisy (grades 3-6) through Socket.IO, from the lobby to the end.

Three Finnish and three Swedish phones play every step with real answers; the facilitator
approves open answers and reveals each step. What the projector shows is checked at each
state: nothing before its reveal, no unapproved answer, counts that add up, and at the end
the help lines in each language.
"""

from __future__ import annotations

import re
import shutil
from typing import Any

import pytest

from tests.conftest import ROOT, Classroom, act, last
from tests.protocol.players import Phone, Projector, shown, walk_story
from workshops.activities import REGISTRY

PACK_ID = "kaveritaidot-3-6"
FOLDER = ROOT / "content" / PACK_ID
AGENDA = [
    ("tervetuloa", "slide"),
    ("fiilis-alku", "scale"),
    ("vahvuudet", "choice"),
    ("tunteet", "choice"),
    ("mita-sanoisin", "pairs"),
    ("valitunti", "scenario"),
    ("leikkia-vai-kiusaamista", "sort"),
    ("kertominen", "truefalse"),
    ("ryhmachat", "scenario"),
    ("kun-naet", "choice"),
    ("luokan-valitunnit", "choice"),
    ("jai-yksin", "open"),
    ("fiilis-loppu", "scale"),
    ("apua", "slide"),
    ("barometri", "barometer"),  # the closing barometer, from content/_shared/barometri.yaml
]


@pytest.fixture
def room(make_app, tmp_path) -> Classroom:
    """A session of the pack on an app whose content folder holds just this pack."""
    content = tmp_path / "content"
    shutil.copytree(FOLDER, content / PACK_ID)
    classroom = Classroom(make_app(CONTENT_DIR=content), PACK_ID)
    # The test presses buttons far faster than a facilitator can.
    classroom.app.extensions["workshops"].limits.events.rate = 1000
    return classroom


def host_do(host, step: str, action: dict[str, Any]) -> dict:
    ack = act(host, "host", {"type": "act", "step": step, "action": action})
    assert ack["ok"], (step, action, ack)
    return ack


def reveal(host, step: str) -> None:
    host_do(host, step, {"type": "reveal"})


def test_a_class_plays_the_whole_workshop_in_finnish_and_swedish(room: Classroom):
    pack = room.live.state.pack
    assert [(s.id, s.kind) for s in pack.agenda] == AGENDA
    assert sum(s.minutes for s in pack.agenda) == pack.minutes == 60
    assert "stations" not in {s.kind for s in pack.agenda}

    host = room.host()
    screen = Projector(room)
    fi = [Phone(room, "fi") for _ in range(3)]
    sv = [Phone(room, "sv") for _ in range(3)]
    phones = fi + sv
    nicks = [p.nick for p in phones]
    assert screen.now()["pupil_count"] == 6
    assert act(host, "host", {"type": "teams", "count": 2})["ok"]
    teams: dict[str, list[Phone]] = {}
    for p in phones:
        p.look()
        teams.setdefault(p.own["team"], []).append(p)
    assert len(teams) == 2

    def go(step_id: str) -> dict[str, Any]:
        index = [s for s, _ in AGENDA].index(step_id)
        ack = act(host, "host", {"type": "goto", "step": index, "expect": index - 1})
        assert ack["ok"], (step_id, ack)
        activity = screen.activity
        assert screen.view["step"]["id"] == step_id
        # Before any reveal neither the projector nor a phone holds an answer key or others' answers.
        step = pack.agenda[index]
        for secret in REGISTRY[step.kind].secret:  # (an open answer's results are the approved ones)
            assert secret not in activity, (step_id, secret)
            assert secret not in phones[0].activity, (step_id, secret)
        assert not any(n in shown(activity) for n in nicks), step_id
        return activity

    # -- 1 welcome: the projector shows the drawing, each phone its own language ----------------
    welcome = go("tervetuloa")
    assert welcome["image"] == "kansi.svg" and welcome["image_alt"]["sv"]
    assert "nimiä" in welcome["text"]["fi"] and "namn" in welcome["text"]["sv"]
    assert fi[0].reads(fi[0].activity["phone"]).startswith("Tervetuloa")
    assert sv[0].reads(sv[0].activity["phone"]).startswith("Välkommen")

    # -- 2 the feelings scale with faces ---------------------------------------------------------
    scale = go("fiilis-alku")
    assert scale["style"] == "faces" and (scale["min"], scale["max"]) == (1, 5)
    for p, value in zip(phones, [1, 2, 3, 4, 5, 5], strict=True):
        assert p.send("fiilis-alku", {"type": "answer", "value": value})["ok"]
    before = screen.activity
    assert before["answered"] == 6 and "results" not in before
    reveal(host, "fiilis-alku")
    assert screen.activity["results"] == {"counts": [1, 1, 1, 1, 2], "average": 3.3}

    # -- 3 strengths, several picks each -------------------------------------------------------
    go("vahvuudet")
    picks = [
        ["kuuntelen", "lohdutan"],
        ["keksin"],
        ["naurattaa", "pyydan-mukaan"],
        ["kuuntelen"],
        ["en-osaa-sanoa"],
        ["kuuntelen", "keksin"],
    ]
    for p, options in zip(phones, picks, strict=True):
        assert p.send("vahvuudet", {"type": "vote", "options": options})["ok"]
    assert "counts" not in screen.activity
    reveal(host, "vahvuudet")
    assert screen.activity["counts"] == {
        "kuuntelen": 3,
        "keksin": 2,
        "lohdutan": 1,
        "naurattaa": 1,
        "pyydan-mukaan": 1,
        "en-osaa-sanoa": 1,
    }

    # -- 4 naming the feelings of one left out ---------------------------------------------------
    go("tunteet")
    for p, options in zip(
        phones,
        [
            ["surullinen", "yksinainen"],
            ["yksinainen"],
            ["kiukuttaa"],
            ["nolo", "surullinen"],
            ["ei-haittaa"],
            ["en-osaa-sanoa"],
        ],
        strict=True,
    ):
        assert p.send("tunteet", {"type": "vote", "options": options})["ok"]
    reveal(host, "tunteet")
    counts = screen.activity["counts"]
    assert counts["surullinen"] == 2 and counts["yksinainen"] == 2 and sum(counts.values()) == 8

    # -- 5 pairs: each phone matches by the texts it reads --------------------------------------
    pairs = go("mita-sanoisin")
    step = pack.agenda[4]
    for n, p in enumerate(phones):
        task = p.activity
        lefts = {p.reads(i["text"]): i["id"] for i in task["left_items"]}
        rights = {p.reads(i["text"]): i["id"] for i in task["right_items"]}
        answer = {lefts[item.left[p.lang]]: rights[item.right[p.lang]] for item in step.items}
        if n == 5:  # one phone mixes up two sentences
            a, b = list(answer)[:2]
            answer[a], answer[b] = answer[b], answer[a]
        assert p.send("mita-sanoisin", {"type": "answer", "pairs": answer})["ok"]
    assert "solution" not in pairs and "solution" not in screen.activity
    reveal(host, "mita-sanoisin")
    assert screen.activity["results"]["right"] == 5 and screen.activity["results"]["answers"] == 6
    assert fi[0].mine["right"] is True and sv[2].mine["right"] is False

    # -- 6 break time: each phone walks its own path through Kiki's story -----------------------
    story = go("valitunti")
    assert story["image"] == "valitunti.svg" and "Kiki" in story["nodes"][0]["text"]["fi"]
    assert "consequences" not in story
    paths = [
        [("alku", "kysyn"), ("pelissa", "tsemppaan")],
        [("alku", "sanon-muille"), ("pelissa", "olen-hiljaa")],
        [("alku", "jatkan"), ("kello-soi", "huomenna")],
        [("alku", "valvoja"), ("pelissa", "tsemppaan")],
        [("alku", "kysyn"), ("pelissa", "nauran")],
        [("alku", "jatkan"), ("kello-soi", "opettajalle")],
    ]
    walk_story(phones, "valitunti", paths)
    assert "consequences" not in screen.activity
    reveal(host, "valitunti")
    results = screen.activity["results"]["nodes"]
    assert results["alku"] == {"kysyn": 2, "sanon-muille": 1, "jatkan": 2, "valvoja": 1}
    assert results["pelissa"]["tsemppaan"] == 2 and results["kello-soi"]["huomenna"] == 1

    # -- 7 play or bullying: one answer per team, talked over --------------------------------------
    sort = go("leikkia-vai-kiusaamista")
    assert sort["answer_by"] == "team"
    right = {i.id: i.category for i in pack.agenda[6].items}
    assert sorted(right.values()).count("leikkia") == 4  # as many play cards as bullying cards
    first, second = teams.values()
    almost = dict(right, vitsailu="kiusaamista")  # teasing both enjoy, taken for bullying
    assert first[0].send("leikkia-vai-kiusaamista", {"type": "answer", "placements": right})["ok"]
    assert second[-1].send("leikkia-vai-kiusaamista", {"type": "answer", "placements": almost})["ok"]
    assert first[-1].mine["mine"] == right  # a teammate sees the team's answer
    assert first[-1].mine["answered_by"] == first[0].nick
    assert screen.activity["answered"] == 2 and "solution" not in screen.activity
    reveal(host, "leikkia-vai-kiusaamista")
    revealed = screen.activity
    assert revealed["solution"] == right and revealed["results"]["right"] == 1
    assert revealed["results"]["items"]["vitsailu"] == {"leikkia": 1, "kiusaamista": 1}
    assert "stop" in revealed["explanation"]["fi"]

    # -- 8 telling an adult is not telling tales -------------------------------------------------
    go("kertominen")
    for p, value in zip(phones, [False, False, False, True, False, False], strict=True):
        assert p.send("kertominen", {"type": "answer", "value": value})["ok"]
    reveal(host, "kertominen")
    assert screen.activity["answer"] is False
    assert screen.activity["results"] == {"true": 1, "false": 5}
    assert sv[0].mine["right"] is False and fi[0].mine["right"] is True

    # -- 9 the class chat: Nemo's picture --------------------------------------------------------
    chat = go("ryhmachat")
    assert chat["image"] == "ryhmachat.svg" and "Nemo" in chat["nodes"][0]["text"]["sv"]
    walk_story(
        phones,
        "ryhmachat",
        [
            [("kuva", c), ("aamulla", d)]
            for c, d in [
                ("naytan-aikuiselle", "oma-viesti"),
                ("kirjoitan", "viereen"),
                ("eteenpain", "pyydan-anteeksi"),
                ("naurureaktio", "vain-vitsi"),
                ("naytan-aikuiselle", "viereen"),
                ("kirjoitan", "oma-viesti"),
            ]
        ],
    )
    reveal(host, "ryhmachat")
    assert screen.activity["results"]["nodes"]["kuva"] == {
        "eteenpain": 1,
        "naurureaktio": 1,
        "kirjoitan": 2,
        "naytan-aikuiselle": 2,
    }

    # -- 10 what to do when you see it: a quiz of several right answers -------------------------
    go("kun-naet")
    good = ["kerron", "viereen", "en-naura", "en-laita-eteenpain"]
    for n, p in enumerate(phones):
        options = good if n % 2 == 0 else good[:2] + ["nauran-mukana"]
        assert p.send("kun-naet", {"type": "vote", "options": options})["ok"]
    assert "correct" not in screen.activity and "correct" not in fi[0].activity
    reveal(host, "kun-naet")
    assert screen.activity["correct"] == sorted(good)
    assert screen.activity["counts"]["nauran-mukana"] == 3 and screen.activity["counts"]["kerron"] == 6
    assert fi[0].mine["right"] is True and fi[1].mine["right"] is False

    # -- 11 the class climate: anonymous counts only ---------------------------------------------
    climate = go("luokan-valitunnit")
    assert climate["mode"] == "poll" and climate["multiple"] is False
    votes = ["hyvalta", "aika-hyvalta", "aika-hyvalta", "valilla-pahalta", "usein-pahalta", "en-osaa-sanoa"]
    for p, option in zip(phones, votes, strict=True):
        assert p.send("luokan-valitunnit", {"type": "vote", "options": [option]})["ok"]
    assert screen.activity["answered"] == 6 and "counts" not in screen.activity
    host_counts = last(host, "host_view")["activity"]["counts"]  # the facilitator sees them first
    assert host_counts["aika-hyvalta"] == 2
    reveal(host, "luokan-valitunnit")
    after = screen.activity
    assert after["counts"] == {
        "hyvalta": 1,
        "aika-hyvalta": 2,
        "valilla-pahalta": 1,
        "usein-pahalta": 1,
        "en-osaa-sanoa": 1,
    }
    assert not any(n in shown(after) for n in nicks) and "answered_by" not in after

    # -- 12 the open answer: nothing reaches the projector before the facilitator approves it ---
    open_step = go("jai-yksin")
    assert open_step["results"] == {"approved": [], "words": []}
    assert open_step["image"] == "viereen.svg" and open_step["max_length"] == 80
    lines = {
        fi[0]: "Tuu meidän kanssa pelaamaan!",
        fi[1]: "Haluatko leikkiä mun kanssa?",
        fi[2]: "Olet tyhmä",
        sv[0]: "Vill du vara med oss?",
        sv[1]: "Kom och spela med oss, Aapo!",
    }
    for p, text in lines.items():
        assert p.send("jai-yksin", {"type": "answer", "text": text})["ok"]
    waiting = screen.activity
    assert waiting["results"]["approved"] == [] and waiting["answered"] == 5
    assert not any(text in shown(waiting) for text in lines.values())
    entries = {e["text"]: e for e in last(host, "host_view")["activity"]["entries"]}
    assert {e["status"] for e in entries.values()} == {"pending"}
    approve = {"type": "moderate", "status": "approved"}
    host_do(host, "jai-yksin", approve | {"voter": entries["Tuu meidän kanssa pelaamaan!"]["voter"]})
    assert screen.activity["results"]["approved"] == ["Tuu meidän kanssa pelaamaan!"]
    host_do(host, "jai-yksin", approve | {"voter": entries["Vill du vara med oss?"]["voter"]})
    # The facilitator takes the name out before approving.
    edited = "Kom och spela med oss!"
    host_do(host, "jai-yksin", approve | {"voter": entries[lines[sv[1]]]["voter"], "text": edited})
    host_do(host, "jai-yksin", {"type": "moderate", "status": "hidden", "voter": entries["Olet tyhmä"]["voter"]})
    on_wall = screen.activity
    assert sorted(on_wall["results"]["approved"]) == sorted(
        ["Tuu meidän kanssa pelaamaan!", "Vill du vara med oss?", edited]
    )
    assert "Aapo" not in shown(on_wall) and "tyhmä" not in shown(on_wall)
    assert "Haluatko leikkiä mun kanssa?" not in shown(on_wall)  # still waiting for the facilitator
    assert ["pelaamaan", 1] in on_wall["results"]["words"]
    reveal(host, "jai-yksin")
    final = screen.activity
    assert len(final["results"]["approved"]) == 3 and "tyhmä" not in shown(final) and "Aapo" not in shown(final)
    assert final["explanation"]["sv"].startswith("Titta")

    # -- 13 the feelings scale again -------------------------------------------------------------
    go("fiilis-loppu")
    for p, value in zip(phones, [4, 5, 5, 3, 4, 5], strict=True):
        assert p.send("fiilis-loppu", {"type": "answer", "value": value})["ok"]
    reveal(host, "fiilis-loppu")
    assert screen.activity["results"]["counts"] == [0, 0, 1, 2, 3]

    # -- 14 where to get help, in each phone's language ------------------------------------------
    help_slide = go("apua")
    wall = help_slide["text"]["fi"]  # the projector shows the pack's language
    for words in ("opettaja", "kuraattori", "terveydenhoitaja", "116 111", "112"):
        assert words in wall, words
    for p in fi:
        on_phone = p.reads(p.activity["phone"])
        assert "116 111" in on_phone and "112" in on_phone and "kuraattori" in on_phone
    for p in sv:
        on_phone = p.reads(p.activity["phone"])
        assert "Barn- och ungdomstelefonen 0800 96 116" in on_phone and "112" in on_phone and "kuratorn" in on_phone
        assert "116 111" not in on_phone  # it answers in Finnish
    swedish_wall = help_slide["text"]["sv"]
    assert "0800 96 116" in swedish_wall and "På finska svarar 116 111" in swedish_wall
    for text in (wall, swedish_wall, *help_slide["text"].values(), *fi[0].activity["phone"].values()):
        assert not re.search(r"\b(aina|alltid|24/7)\b", text, re.I), text
        # Said only to say that a line is NOT open around the clock.
        for claim in re.finditer(r"ympäri vuorokauden|dygnet runt", text):
            assert re.search(r"\b(Ei|Inte)\b[^.]*$", text[: claim.start()]), text

    # -- the end ---------------------------------------------------------------------------------
    assert act(host, "host", {"type": "end"})["ok"]
    for p in (fi[0], sv[0]):
        p.look()
        assert p.common["phase"] == "ended"
    report = room.live.state
    assert report.ended
