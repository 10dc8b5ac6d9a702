"""Kaveritaidot ja kiusaamisen ehkäisy (grades 7-9) through Socket.IO, from the lobby to the end.

Four Finnish and four Swedish phones make four groups, a peer-support pupil leads a station, and
the class plays every step with real answers: the team sort, the branching story, the stations'
rotation with each station's own prompts and options, their debrief and the moderated answers.
What the projector shows is checked at each state: nothing before its reveal, no pupil's text
before the facilitator approves it, counts that add up, and at the end the help lines in each
language. A second session is started in Swedish from the start form, with the school's adults
typed in and the class-climate poll left out.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from typing import Any

import pytest

from tests.conftest import ORIGIN, ROOT, Classroom, act
from tests.protocol.players import Console, Phone, Projector, shown, walk_story
from workshops.activities import REGISTRY
from workshops.packs import load_pack

PACK_ID = "kaveritaidot-7-9"
FOLDER = ROOT / "content" / PACK_ID
AGENDA = [
    ("tervetuloa", "slide", False),
    ("arvot", "choice", False),
    ("omat-rajat", "scale", False),
    ("miten-osuu", "sort", False),
    ("havitty-peli", "scenario", False),
    ("kun-porukka-on-mukana", "slide", False),
    ("rastit", "stations", False),
    ("kertominen", "choice", False),
    ("et-ole-yksin", "open", False),
    ("meidan-luokka", "choice", True),
    ("mita-jai-mieleen", "scale", True),
    ("kenelle-kertoa", "slide", False),
    ("barometri", "barometer", False),  # the closing barometer, from content/_shared/barometri.yaml
]
STATIONS = ["kuva-chatissa", "potkut-pelista", "uusi-luokalla", "vitsi-jatkuu"]
# The stations that ask a second rating question (`prompts: rate_second`).
TWO_RATINGS = {"kuva-chatissa", "uusi-luokalla", "vitsi-jatkuu"}
# What one member of each group writes at each station: the facilitator approves some of them.
LINES = {
    "kuva-chatissa": "Poistakaa toi kuva, ei oo reilua Ruutia kohtaan",
    "potkut-pelista": "Otetaan Iiro mukaan, pelataan vaan",
    "uusi-luokalla": "Moi, haluutko istua meidän kanssa?",
    "vitsi-jatkuu": "Se sano jo lopeta, riittää",
}
SCHOOL_ADULTS = "kuratorn Ulla Grön (tisdagar)"


@pytest.fixture
def app(make_app, tmp_path):
    """An app whose content folder holds just this pack."""
    content = tmp_path / "content"
    shutil.copytree(FOLDER, content / PACK_ID)
    made = make_app(CONTENT_DIR=content)
    # The test presses buttons far faster than a facilitator can.
    made.extensions["workshops"].limits.events.rate = 1000
    return made


class Room(Classroom):
    """A session of the pack started from the home page's form (its language, placeholders, steps left out)."""

    def __init__(self, app, **form):
        self.app = app
        self.http = app.test_client()
        resp = self.http.post("/sessions", data={"pack": PACK_ID, **form}, headers=ORIGIN)
        assert resp.status_code == 302, resp.data
        self.code = re.search(r"/host/(\w+)", resp.headers["Location"]).group(1)
        self.manager = app.extensions["workshops"].manager
        self.live = self.manager.get(self.code)
        self.host_key = self.manager.keys.host_key(self.live.id)
        self.screen_key = self.manager.keys.screen_key(self.live.id)


def text_of(value: Any, lang: str) -> str:
    """A pack's text (a language map once loaded) in one language."""
    return value if isinstance(value, str) else value[lang]


def test_a_class_plays_the_whole_workshop_with_stations_in_finnish_and_swedish(app):
    room = Room(app)
    pack = room.live.state.pack
    assert [(s.id, s.kind, s.optional) for s in pack.agenda] == AGENDA
    assert sum(s.minutes for s in pack.agenda) == pack.minutes == 75
    assert load_pack(FOLDER).problems == []  # no errors and no warnings

    host = Console(room)
    assert [s["optional"] for s in host.now()["agenda"]] == [o for _, _, o in AGENDA]
    screen = Projector(room)
    fi = [Phone(room, "fi") for _ in range(4)]
    sv = [Phone(room, "sv") for _ in range(4)]
    leader = Phone(room, "sv")  # a peer-support pupil from the school, reading Swedish
    phones = fi + sv
    nicks = [p.nick for p in phones]
    assert screen.now()["pupil_count"] == 9

    # The peer-support pupil leads a station, so they are in no group; the others make four groups.
    host.do({"type": "mentor", "seat": leader.seat, "on": True})
    host.do({"type": "teams", "count": 4})
    groups: dict[str, list[Phone]] = {}
    for p in phones:
        groups.setdefault(p.team, []).append(p)
    assert sorted(groups) == ["t1", "t2", "t3", "t4"] and all(len(g) == 2 for g in groups.values())
    assert leader.team is None and leader.own["mentor"] is True

    def go(step_id: str) -> dict[str, Any]:
        index = [s for s, _, _ in AGENDA].index(step_id)
        host.do({"type": "goto", "step": index, "expect": index - 1})
        activity = screen.activity
        assert screen.view["step"]["id"] == step_id
        # Before any reveal neither the projector nor a phone holds an answer key or others' answers.
        for secret in REGISTRY[pack.agenda[index].kind].secret:
            assert secret not in activity, (step_id, secret)
            assert secret not in phones[0].activity, (step_id, secret)
        assert not any(n in shown(activity) for n in nicks), step_id
        return activity

    def reveal(step_id: str) -> dict[str, Any]:
        host.step(step_id, {"type": "reveal"})
        return screen.activity

    # -- 1 welcome: the rules as a formatted list, the cover drawing, each phone its language ------
    welcome = go("tervetuloa")
    assert welcome["image"] == "kansi.svg" and welcome["image_alt"]["sv"].startswith("En tecknad bild")
    assert "**Pelisäännöt**" in welcome["text"]["fi"] and "**Spelregler**" in welcome["text"]["sv"]
    assert welcome["text"]["fi"].count("\n- ") == 5 and "nimiä ei sanota" in welcome["text"]["fi"]
    assert fi[0].reads(fi[0].activity["phone"]) == "Tervetuloa! Katso valkokangasta."
    assert sv[0].reads(sv[0].activity["phone"]) == "Välkommen! Titta på duken."
    notes = host.now()["notes"]  # the facilitator's notes: on the console only
    assert "salassapitoa" in notes["fi"] and "hemligt" in notes["sv"] and "notes" not in shown(screen.now())

    # -- 2 values: several picks each, counts only after the reveal ------------------------------
    go("arvot")
    picks = [
        ["luottamus", "tuki"],
        ["oma-itse"],
        ["huumori", "luottamus"],
        ["suoruus"],
        ["luottamus", "oma-itse", "tuki"],
        ["eos"],
        ["huumori"],
        ["tuki", "suoruus"],
    ]
    for p, options in zip(phones, picks, strict=True):
        assert p.send("arvot", {"type": "vote", "options": options})["ok"]
    assert screen.activity["answered"] == 8 and "counts" not in screen.activity
    counted = Counter(o for options in picks for o in options)
    assert reveal("arvot")["counts"] == {o.id: counted[o.id] for o in pack.agenda[1].options}

    # -- 3 own boundaries: a scale of numbers ----------------------------------------------------
    scale = go("omat-rajat")
    assert scale["style"] == "numbers" and (scale["min"], scale["max"]) == (1, 5)
    assert (scale["low"]["fi"], scale["high"]["sv"]) == ("tosi vaikeaa", "väldigt lätt")
    values = [2, 3, 3, 4, 1, 5, 2, 4]
    for p, value in zip(phones, values, strict=True):
        assert p.send("omat-rajat", {"type": "answer", "value": value})["ok"]
    assert "results" not in screen.activity
    results = reveal("omat-rajat")["results"]
    assert results["counts"] == [1, 2, 2, 2, 1] and results["average"] == round(sum(values) / len(values), 1)
    assert "**”Tää ei käy mulle.”**" in screen.activity["explanation"]["fi"]

    # -- 4 how words land: one answer per group ----------------------------------------------------
    sort = go("miten-osuu")
    assert sort["answer_by"] == "team"
    right = {i.id: i.category for i in pack.agenda[3].items}
    assert Counter(right.values()) == {"toimii": 4, "satuttaa": 4}
    answers = {
        "t1": right,
        "t2": right,
        "t3": dict(right, harmitti="satuttaa"),  # an honest "I was hurt", taken for a hurtful one
        "t4": dict(right, ulkonako="toimii"),  # "banter" about looks in the class chat, taken as fine
    }
    for team, placements in answers.items():
        assert groups[team][0].send("miten-osuu", {"type": "answer", "placements": placements})["ok"]
    assert groups["t3"][1].mine["mine"] == answers["t3"]  # a group member sees the group's answer
    assert screen.activity["answered"] == 4 and "solution" not in screen.activity
    revealed = reveal("miten-osuu")
    assert revealed["solution"] == right and revealed["results"]["right"] == 2
    assert revealed["results"]["items"]["harmitti"] == {"toimii": 3, "satuttaa": 1}
    assert revealed["results"]["items"]["ulkonako"] == {"toimii": 1, "satuttaa": 3}
    assert "**Yleisö**" in revealed["explanation"]["fi"] and "**Publiken**" in revealed["explanation"]["sv"]

    # -- 5 the lost match: each phone its own path through Tenho's story -------------------------
    story = go("havitty-peli")
    assert story["image"] == "peli.svg" and "Tenho" in story["nodes"][0]["text"]["sv"]
    assert "consequences" not in story
    paths = [
        [("alku", "tyly"), ("aamulla", "anteeksi")],
        [("alku", "tauko"), ("eri-mielta", "nain-toisin")],
        [("alku", "hiljaa"), ("eri-mielta", "ihan-sama")],
        [("alku", "tyly"), ("aamulla", "jos-loukkaannuit")],
        [("alku", "tyly"), ("aamulla", "kerron-muille")],
        [("alku", "tauko"), ("eri-mielta", "takaisin")],
        [("alku", "tyly"), ("aamulla", "odotan")],
        [("alku", "hiljaa"), ("eri-mielta", "nain-toisin")],
    ]
    walk_story(phones, "havitty-peli", paths)
    assert "consequences" not in screen.activity
    nodes = reveal("havitty-peli")["results"]["nodes"]
    assert nodes["alku"] == {"tyly": 4, "tauko": 2, "hiljaa": 2}
    assert nodes["aamulla"] == {"anteeksi": 1, "jos-loukkaannuit": 1, "odotan": 1, "kerron-muille": 1}
    assert nodes["eri-mielta"] == {"nain-toisin": 2, "ihan-sama": 1, "takaisin": 1}

    # -- 6 the group and the bystanders: a slide with a list and the chat drawing ----------------
    slide = go("kun-porukka-on-mukana")
    assert slide["image"] == "chat.svg" and slide["text"]["fi"].startswith("**Kiusaaminen**")
    assert slide["text"]["sv"].count("\n- ") == 4
    assert fi[1].activity["phone"] is None  # the phones say "look at the screen"

    # -- 7 the stations ----------------------------------------------------------------------------
    play_stations(host, screen, groups, leader, phones, pack)

    # -- 8 telling is not snitching ----------------------------------------------------------------
    go("kertominen")
    tells = [
        ["kahden-kesken"],
        ["kaveri-mukaan", "viestilla"],
        ["kahden-kesken", "kuka-kertoi"],
        ["mita-seuraavaksi"],
        ["viestilla"],
        ["eos"],
        ["kahden-kesken", "kaveri-mukaan"],
        ["kuka-kertoi"],
    ]
    for p, options in zip(phones, tells, strict=True):
        assert p.send("kertominen", {"type": "vote", "options": options})["ok"]
    assert "counts" not in screen.activity
    told = reveal("kertominen")
    assert told["counts"]["kahden-kesken"] == 3 and sum(told["counts"].values()) == 11
    assert "**Vasikointi**" in told["explanation"]["fi"] and "**Att skvallra**" in told["explanation"]["sv"]

    # -- 9 the open answer: nothing on the projector before the facilitator approves it ----------
    open_step = go("et-ole-yksin")
    assert open_step["results"] == {"approved": [], "words": []}
    assert open_step["image"] == "ruokala.svg" and open_step["max_length"] == 100
    lines = {
        fi[0]: "Et oo yksin, tuu meidän kanssa välkälle",
        fi[1]: "Mä oon sun puolella",
        fi[2]: "Lol kukaan ei tykkää susta",
        sv[0]: "Du är inte ensam, sitt med oss i morgon",
        sv[1]: "Kom med oss, Venla!",
    }
    for p, text in lines.items():
        assert p.send("et-ole-yksin", {"type": "answer", "text": text})["ok"]
    # A pupil asks to talk to an adult: the console shows the nickname, the projector nothing.
    assert act(sv[3].sock, "pupil", {"type": "talk"})["ok"]
    assert [t["nick"] for t in host.now()["talk"]] == [sv[3].nick]
    waiting = screen.activity
    assert waiting["results"]["approved"] == [] and waiting["answered"] == 5
    assert not any(text in shown(screen.now()) for text in lines.values())
    entries = {e["text"]: e for e in host.activity["entries"]}
    assert {e["status"] for e in entries.values()} == {"pending"}
    approve = {"type": "moderate", "status": "approved"}
    host.step("et-ole-yksin", approve | {"voter": entries[lines[fi[0]]]["voter"]})
    assert screen.activity["results"]["approved"] == [lines[fi[0]]]
    host.step("et-ole-yksin", approve | {"voter": entries[lines[sv[0]]]["voter"]})
    edited = "Kom med oss!"  # the facilitator takes the name out before approving
    host.step("et-ole-yksin", approve | {"voter": entries[lines[sv[1]]]["voter"], "text": edited})
    host.step("et-ole-yksin", {"type": "moderate", "status": "hidden", "voter": entries[lines[fi[2]]]["voter"]})
    on_wall = screen.activity
    assert sorted(on_wall["results"]["approved"]) == sorted([lines[fi[0]], lines[sv[0]], edited])
    assert "Venla" not in shown(on_wall) and "kukaan ei tykkää" not in shown(on_wall)
    assert lines[fi[1]] not in shown(on_wall)  # still waiting for the facilitator
    final = reveal("et-ole-yksin")
    assert len(final["results"]["approved"]) == 3 and "Venla" not in shown(final)
    host.do({"type": "talk_seen", "seat": sv[3].seat})
    assert host.now()["talk"] == []

    # -- 10 the class climate (optional): anonymous counts only ----------------------------------
    climate = go("meidan-luokka")
    assert climate["mode"] == "poll" and climate["multiple"] is False
    assert "viittaamalla" in text_of(pack.agenda[9].notes, "fi")  # skipped without devices
    assert "handuppräckning" in text_of(pack.agenda[9].notes, "sv")
    votes = ["hyvalta", "enimmakseen-hyvalta", "enimmakseen-hyvalta", "valilla-huonolta"]
    votes += ["hyvalta", "usein-huonolta", "en-halua-vastata", "enimmakseen-hyvalta"]
    for p, option in zip(phones, votes, strict=True):
        assert p.send("meidan-luokka", {"type": "vote", "options": [option]})["ok"]
    assert screen.activity["answered"] == 8 and "counts" not in screen.activity
    assert host.activity["counts"]["enimmakseen-hyvalta"] == 3  # the facilitator sees them first
    after = reveal("meidan-luokka")
    assert after["counts"] == dict(Counter(votes)) | {o.id: 0 for o in pack.agenda[9].options if o.id not in votes}
    assert not any(n in shown(after) for n in nicks) and "answered_by" not in after

    # -- 11 what stayed (optional) -----------------------------------------------------------------
    go("mita-jai-mieleen")
    for p, value in zip(phones, [4, 5, 3, 4, 5, 4, 2, 5], strict=True):
        assert p.send("mita-jai-mieleen", {"type": "answer", "value": value})["ok"]
    assert reveal("mita-jai-mieleen")["results"]["counts"] == [0, 1, 1, 3, 3]

    # -- 12 who to tell: the school's adults and the shared help lines, in each phone's language --
    help_slide = go("kenelle-kertoa")
    check_help(help_slide, fi, sv, adults_fi="opettaja, kuraattori tai terveydenhoitaja", adults_sv="läraren, kuratorn")

    # -- the end -------------------------------------------------------------------------------------
    host.do({"type": "end"})
    for p in (fi[0], sv[0], leader):
        p.look()
        assert p.common["phase"] == "ended"
    assert room.live.state.ended


def play_stations(host: Console, screen: Projector, groups: dict[str, list[Phone]], leader: Phone, phones, pack):
    """Four groups rotate through the four stations with a peer-support pupil leading one; then the debrief."""
    step = next(s for s in pack.agenda if s.id == "rastit")
    by_id = {s.id: s for s in step.stations}
    nicks = [p.nick for p in phones]

    def cmd(kind: str, **extra) -> dict:
        return host.step("rastit", {"type": kind, **extra})

    index = [s for s, _, _ in AGENDA].index("rastit")
    host.do({"type": "goto", "step": index, "expect": index - 1})
    setup = screen.activity
    assert setup["phase"] == "setup" and setup["intro"]["fi"].startswith("Kierrätte ryhmänä neljä rastia")
    assert all(not s["groups"] for s in setup["map"])
    for secret in ("notes", "guide", "listen_for", "safety", "debrief_questions"):
        assert secret not in shown(setup), secret
    # The console has the step's own heading for approving lines, and each station's notes.
    console = host.activity
    assert console["prompts"]["lines_result"]["fi"] == "Ryhmien omat viestit"
    assert [s["id"] for s in console["stations"]] == STATIONS
    assert all(s["notes"]["fi"] and s["notes"]["sv"] for s in console["stations"])
    cmd("lead", seat=leader.seat, station="kuva-chatissa")
    assert leader.mine["role"] == "mentor"
    cmd("start")
    assert screen.activity["phase"] == "rotating" and screen.activity["station_minutes"] == 5

    seen: dict[str, list[str]] = {g: [] for g in groups}
    for round_no in range(4):
        here_now = {}
        for group, members in groups.items():
            stations = {m.mine["station"]["id"] for m in members}
            assert len(stations) == 1, stations  # a group's phones are at the same station
            here_now[group] = stations.pop()
            seen[group].append(here_now[group])
            for n, member in enumerate(members):
                answer_station(member, by_id[here_now[group]], step, first=n == 0, value=1 + (round_no + n) % 5)
        assert sorted(here_now.values()) == STATIONS  # four groups, four stations: one group at each
        # The projector's map: every group at one station, the leader's nickname, no pupil's words.
        wall = screen.activity
        assert sorted(g["group"] for s in wall["map"] for g in s["groups"]) == sorted(groups)
        assert next(s for s in wall["map"] if s["id"] == "kuva-chatissa")["leads"] == [leader.nick]
        assert not any(line in shown(screen.now()) for line in LINES.values())
        assert not any(n in shown(wall) for n in nicks)
        assert "debrief" not in wall

        # The leader's phone: their station in their language, the guide, the group there.
        lead = leader.mine
        assert lead["station"]["id"] == "kuva-chatissa"
        guide = lead["guide"]
        assert [q["sv"] for q in guide["questions"]] == [q["sv"] for q in by_id["kuva-chatissa"].guide.questions]
        assert any("Kalla på handledaren" in s["sv"] for s in guide["safety"])
        assert any("skärmdump" in s["sv"] and "naken" in s["sv"] for s in guide["safety"])
        there = [g for g, s in here_now.items() if s == "kuva-chatissa"]
        assert [g["group"] for g in lead["groups"]] == there
        visiting = lead["groups"][0]
        assert sorted(visiting["members"]) == sorted(m.nick for m in groups[there[0]])
        assert visiting["work"]["line"] == LINES["kuva-chatissa"]
        # The leader enters what a member said aloud (a phone that ran out of battery), and calls.
        ack = leader.send(
            "rastit",
            {"type": "enter", "team": there[0], "answer": {"type": "rate", "which": "best_friend", "value": 5}},
        )
        assert ack["ok"], ack
        elsewhere = next(g for g, s in here_now.items() if s != "kuva-chatissa")
        refused = leader.send(
            "rastit",
            {"type": "enter", "team": elsewhere, "answer": {"type": "rate", "which": "as_written", "value": 1}},
        )
        assert not refused["ok"] and refused["error"] == "not_your_group"
        assert leader.send("rastit", {"type": "done"})["ok"]
        assert next(s for s in screen.activity["map"] if s["id"] == "kuva-chatissa")["groups"][0]["done"]
        if round_no == 1:
            assert leader.send("rastit", {"type": "call"})["ok"]
            calls = host.activity["calls"]
            assert [(c["nick"], c["station"]) for c in calls] == [(leader.nick, "kuva-chatissa")]
            cmd("call_seen", seat=leader.seat)
            assert host.activity["calls"] == []
        # Every group's line waits for the facilitator.
        assert {(line["station"], line["status"]) for line in host.activity["lines"]} >= {
            (s, "pending") for s in here_now.values()
        }
        cmd("rotate")

    for group, visited in seen.items():
        assert sorted(visited) == STATIONS, (group, visited)  # every group visited every station once

    # -- the debrief: the stations one at a time, totals only, lines only once approved ------------
    wall = screen.activity
    assert wall["phase"] == "debrief"
    assert leader.activity["phase"] == "debrief"
    lines = host.activity["lines"]
    assert len(lines) == 16 and {line["status"] for line in lines} == {"pending"}
    for index, station_id in enumerate(STATIONS):
        if index:
            cmd("show", index=index)
        debrief = screen.activity["debrief"]
        station = by_id[station_id]
        prompts = step.prompts_for(station)
        assert debrief["station"]["id"] == station_id
        said = debrief["station"]["prompts"]
        assert said["rate"]["fi"] == text_of(prompts.rate, "fi") and said["rate"]["sv"] == text_of(prompts.rate, "sv")
        assert said["ways_result"]["sv"] == "Vad grupperna skulle göra"  # the step's
        assert [w["id"] for w in debrief["station"]["ways"]] == [w.id for w in station.ways]
        # Eight members answered here, two in each group; the first rating from each of them.
        assert sum(debrief["ratings"]["as_written"]) == 8
        if station_id in TWO_RATINGS:
            entered = 4 if station_id == "kuva-chatissa" else 0  # the leader's, once a round
            assert sum(debrief["ratings"]["best_friend"]) == 8 + entered
        else:
            assert list(debrief["ratings"]) == ["as_written"] and said["rate_second"] is None
        first_way = station.ways[0].id
        assert debrief["ways"][first_way] == 8 and sum(debrief["ways"].values()) == 12
        assert debrief["lines"] == []  # none approved yet
        assert not any(line in shown(screen.now()) for line in LINES.values())
        assert not any(n in shown(debrief) for n in nicks) and "t1" not in shown(debrief)
        assert host.activity["debrief"] == debrief  # the console shows the same
    assert said["rate_second"]["fi"] == "Entä jos olisit itse keksinyt lempinimen?"
    uusi = step.prompts_for(by_id["uusi-luokalla"])
    assert (text_of(uusi.rate_low, "sv"), text_of(uusi.rate_high, "fi")) == ("inte alls", "tosi kiusallista")

    # The facilitator approves two lines of the chat station (one edited) and hides one.
    chat_lines = [line for line in host.activity["lines"] if line["station"] == "kuva-chatissa"]
    cmd("show", index=0)
    cmd("moderate", group=chat_lines[0]["group"], station="kuva-chatissa", status="approved")
    edited = "Poistakaa toi kuva"
    cmd("moderate", group=chat_lines[1]["group"], station="kuva-chatissa", status="approved", text=edited)
    cmd("moderate", group=chat_lines[2]["group"], station="kuva-chatissa", status="hidden")
    debrief = screen.activity["debrief"]
    assert debrief["lines"] == [LINES["kuva-chatissa"], edited]
    assert debrief["station"]["prompts"]["lines_result"]["fi"] == "Ryhmien omat viestit"
    cmd("show", index=3)
    assert screen.activity["debrief"]["lines"] == []  # the other stations' lines still wait
    questions = host.activity["debrief_questions"]
    assert questions[0]["fi"] == "Mikä rasteista oli vaikein? Miksi?"


def answer_station(member: Phone, station, step, *, first: bool, value: int) -> None:
    """A group member reads their station in their own language and does its tasks."""
    own = member.mine
    shown_station = own["station"]
    lang = member.lang
    prompts = step.prompts_for(station)
    said = shown_station["prompts"]
    assert member.reads(shown_station["title"]) == text_of(station.title, lang)
    assert member.reads(shown_station["scenario"]) == text_of(station.scenario, lang)
    assert shown_station["tasks"] == ["ways", "line", "rate"]
    # The station's own options and prompts, the step's where the station has none.
    assert [w["id"] for w in shown_station["ways"]] == [w.id for w in station.ways]
    assert [member.reads(w["text"]) for w in shown_station["ways"]] == [text_of(w.text, lang) for w in station.ways]
    assert member.reads(said["ways"]) == text_of(step.prompts.ways, lang)
    assert member.reads(said["line"]) == text_of(station.prompts.line, lang)
    assert member.reads(said["line_hint"]) == text_of(step.prompts.line_hint, lang)
    assert member.reads(said["rate"]) == text_of(station.prompts.rate, lang)
    assert member.reads(said["rate_low"]) == text_of(prompts.rate_low, lang)
    if station.id == "uusi-luokalla":
        assert (said["rate_low"]["fi"], said["rate_high"]["sv"]) == ("ei yhtään", "väldigt pinsamt")
    else:
        assert (said["rate_low"]["fi"], said["rate_high"]["sv"]) == ("helppoa", "väldigt svårt")
    if station.content_note is not None:
        assert member.reads(shown_station["content_note"]) == text_of(station.content_note, lang)

    chosen = [station.ways[0].id] + ([station.ways[-1].id] if first else [])
    assert member.send("rastit", {"type": "ways", "ways": chosen})["ok"]
    other = "nayta-aikuiselle" if station.id != "kuva-chatissa" else "kutsun-takaisin"
    refused = member.send("rastit", {"type": "ways", "ways": [other]})  # another station's option
    assert not refused["ok"] and refused["error"] == "bad_option"
    assert member.send("rastit", {"type": "rate", "which": "as_written", "value": value})["ok"]
    second = member.send("rastit", {"type": "rate", "which": "best_friend", "value": 6 - value})
    if station.id in TWO_RATINGS:
        assert second["ok"]
        assert member.reads(said["rate_second"]) == text_of(station.prompts.rate_second, lang)
    else:
        assert not second["ok"] and second["error"] == "one_rating" and said["rate_second"] is None
    if first:
        assert member.send("rastit", {"type": "line", "text": LINES[station.id]})["ok"]
        assert member.mine["work"]["line_status"] == "pending"


def check_help(slide: dict[str, Any], fi: list[Phone], sv: list[Phone], *, adults_fi: str, adults_sv: str) -> None:
    """The help slide names the school's adults and the shared help lines, each language its own line."""
    wall_fi, wall_sv = slide["text"]["fi"], slide["text"]["sv"]
    for words in (adults_fi, "Lasten ja nuorten puhelin 116 111", "Hätänumero 112", "nuortennetti.fi"):
        assert words in wall_fi, words
    for words in (adults_sv, "Barn- och ungdomstelefonen 0800 96 116", "På finska svarar 116 111", "Nödnumret 112"):
        assert words in wall_sv, words
    assert wall_fi.count("\n- **") == 3 and "{apu}" not in wall_fi and "{koulun_aikuiset}" not in wall_sv
    for p in fi:
        on_phone = p.reads(p.activity["phone"])
        assert "Lasten ja nuorten puhelin 116 111" in on_phone and "Hätänumero 112" in on_phone, on_phone
        assert adults_fi in on_phone
    for p in sv:
        on_phone = p.reads(p.activity["phone"])
        assert "Barn- och ungdomstelefonen 0800 96 116" in on_phone and "Nödnumret 112" in on_phone, on_phone
        assert "116 111" not in on_phone and adults_sv in on_phone  # the Finnish line answers in Finnish
    for text in (wall_fi, wall_sv, *fi[0].activity["phone"].values()):
        assert not re.search(r"\b(aina|alltid|24/7)\b", text, re.I), text
        # Said only to say that a line is NOT open around the clock.
        for claim in re.finditer(r"ympäri vuorokauden|dygnet runt", text):
            assert re.search(r"\b(Ei|Inte)\b[^.]*$", text[: claim.start()]), text


def test_a_swedish_session_from_the_start_form(app):
    """Started in Swedish with the school's adults typed in and the class-climate poll left out."""
    room = Room(app, language="sv", ph_koulun_aikuiset=SCHOOL_ADULTS, leave_out="meidan-luokka")
    live = room.live.state.pack
    assert live.language == "sv" and "meidan-luokka" not in [s.id for s in live.agenda]
    assert sum(s.minutes for s in live.agenda) == 72
    host = Console(room)
    assert host.now()["language"] == "sv"
    agenda = [s["id"] for s in host.now()["agenda"]]
    assert agenda == [s for s, _, _ in AGENDA if s != "meidan-luokka"]
    screen = Projector(room)
    fi = [Phone(room, "fi")]
    sv = [Phone(room, "sv") for _ in range(2)]
    host.do({"type": "teams", "count": 2})
    assert {p.team for p in fi + sv} == {"t1", "t2"}

    def go(step_id: str) -> dict[str, Any]:
        index = agenda.index(step_id)
        host.do({"type": "goto", "step": index, "expect": host.now()["step"]["index"] if host.now()["step"] else -1})
        assert screen.now()["step"]["id"] == step_id
        return screen.activity

    welcome = go("tervetuloa")
    assert (
        screen.view["language"] == "sv" and screen.view["step"]["title"]["sv"] == "I dag: kompisar, gänget och mobbning"
    )
    assert welcome["text"]["sv"].startswith("I dag pratar vi om hur man är i ett gäng")
    assert fi[0].reads(fi[0].activity["phone"]) == "Tervetuloa! Katso valkokangasta."

    # The stations in a Swedish session: a Swedish and a Finnish phone read their own station's words.
    go("rastit")
    assert screen.activity["intro"]["sv"].startswith("Ni går runt fyra stationer som grupp")
    host.step("rastit", {"type": "start"})
    step = next(s for s in live.agenda if s.id == "rastit")
    by_id = {s.id: s for s in step.stations}
    visited: dict[str, list[str]] = {}
    for _round in range(4):
        for p in fi + sv:
            station = p.mine["station"]
            visited.setdefault(p.seat, []).append(station["id"])
            said = station["prompts"]
            assert p.reads(said["ways"]) == text_of(step.prompts.ways, p.lang)
            assert p.reads(said["line"]) == text_of(by_id[station["id"]].prompts.line, p.lang)
            assert p.send("rastit", {"type": "rate", "which": "as_written", "value": 3})["ok"]
        host.step("rastit", {"type": "rotate"})
    assert all(sorted(v) == STATIONS for v in visited.values())  # two groups: each still visits every station
    debrief = screen.activity["debrief"]
    assert debrief["station"]["title"]["sv"] == "Bilden i klasschatten"
    assert debrief["station"]["prompts"]["rate_second"]["sv"] == "Och om den som lade upp den var populärast i gänget?"

    # The help slide: the adults the facilitator typed in, in both languages, and each line its language.
    help_slide = go("kenelle-kertoa")
    check_help(help_slide, fi, sv, adults_fi=SCHOOL_ADULTS, adults_sv=SCHOOL_ADULTS)
    assert "läraren, kuratorn eller hälsovårdaren" not in help_slide["text"]["sv"]
    host.do({"type": "end"})
    assert room.live.state.ended
