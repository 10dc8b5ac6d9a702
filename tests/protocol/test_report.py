"""The session report (issue #20 item 5): a printable page of the workshop and its totals.

Every shipped pack is played through with made-up pupils (sessions/sample.whole_session) and its
report read back: a section per step, each chart's numbers equal to the step's totals, the
barometer's faces; and over real Socket.IO, that pupils' written answers reach the report only
once the facilitator approved them for the projector, and nicknames never.
"""

from __future__ import annotations

import dataclasses
import html
import re
from types import SimpleNamespace

import pytest

from tests.conftest import ORIGIN, ROOT, Classroom, act, last
from tests.protocol.report_page import Sections
from workshops.packs import load_pack
from workshops.sessions import sample, views
from workshops.web import report as session_report

PACKS = sorted(p.name for p in (ROOT / "content").iterdir() if (p / "pack.yaml").is_file())
NOW = 1_800_000_000.0  # Friday 15 January 2027, 10.00 in Finland
LABELS = {"place": "Koivikon koulu", "grade": "5B", "district": "Varsinais-Suomi"}


def render(app, state, labels=LABELS, lang: str = "fi") -> str:
    live = SimpleNamespace(state=state, labels=labels, code="ABCDE")
    with app.test_request_context(f"/report/ABCDE?lang={lang}"):
        return session_report.render(live, lang, rehearsal=False)


def expected_rows(step, summary, lang: str) -> list[tuple[str, ...]] | None:
    """What a step's chart must show, from its config and its totals: (label, numbers..., marked
    right); None for a kind without rows here."""

    def text(value) -> str:
        return value.get(lang) or next(iter(value.values())) if isinstance(value, dict) else str(value)

    from workshops.activities.text import as_map

    t = lambda v: text(as_map(v, "fi"))  # noqa: E731 - a short local alias reads better in the table below
    results = summary.get("results") or {}
    rows = {
        "choice": lambda: [(t(o.text), summary["counts"][o.id], o.id in step.correct) for o in step.options],
        "truefalse": lambda: [("Totta", results["true"], step.answer), ("Tarua", results["false"], not step.answer)],
        "hotspot": lambda: [(t(s.label), results["spots"].get(s.id, 0), False) for s in step.spots],
        "sort": lambda: [
            (f"{t(i.text)} → {t(c.text)}", results["items"][i.id][i.category], False)
            for i in step.items
            for c in step.categories
            if c.id == i.category
        ],
        "pairs": lambda: [(f"{t(p.left)} ↔ {t(p.right)}", results["pairs"][p.id], False) for p in step.items],
        "barometer": lambda: [
            (t(s.text), *(summary["barometer"][s.id][f] for f in ("1", "2", "3")), False) for s in step.statements
        ],
    }.get(step.kind)
    return rows() if rows else None


@pytest.mark.parametrize("pack_id", PACKS)
def test_every_step_of_every_pack_is_in_its_report_with_its_totals(app, pack_id):
    pack = load_pack(ROOT / "content" / pack_id).pack
    state = sample.whole_session(pack, NOW, pupils=7)
    page = render(app, state)
    found = Sections()
    found.feed(page)
    shown = views.report(state)
    assert list(found.steps) == [s.id for s in pack.agenda]
    checked = set()
    for step, s in zip(pack.agenda, shown["steps"], strict=True):
        section = found.steps[step.id]
        assert section["kind"] == step.kind
        assert s["visited"], step.id  # the sample ran every step
        want = expected_rows(step, s["summary"], "fi")
        if want is not None:
            assert section["rows"] == want, step.id
            checked.add(step.kind)
        if step.kind == "scale":
            counts = s["summary"]["results"]["counts"]
            assert [r[1] for r in section["rows"]] == counts
    assert "barometer" in checked or not pack.barometer
    # The workshop itself: its day and time in Finland, length, the facilitator's labels, the people.
    head = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page.split("<section", 1)[0])))
    minutes = sum(step.minutes for step in pack.agenda)
    assert "perjantai 15. tammikuuta 2027" in head
    assert f"{minutes:g} min" in head
    for value in LABELS.values():
        assert value in head
    assert "7 devices" in head or "7 laitetta" in head
    for pupil in state.pupils.values():
        assert pupil.nick not in page
    assert not re.search(r"\bp\d+\b", page)  # no seat ids


def test_a_slide_takes_one_line_and_a_step_not_run_says_so(app):
    pack = load_pack(ROOT / "content" / "esittely").pack
    state = sample.whole_session(pack, NOW)
    # A step the class never reached: as if it had been skipped.
    skipped = pack.agenda[1].id
    state = dataclasses.replace(state, times={i: t for i, t in state.times.items() if i != 1})
    found = Sections()
    found.feed(render(app, state))
    slides = [s.id for s in pack.agenda if s.kind == "slide"]
    assert slides and all("compact" in found.steps[sid]["class"] for sid in slides)
    assert "skipped" in found.steps[skipped]["class"]
    assert "Ei pidetty" in found.steps[skipped]["text"] or "Not run" in found.steps[skipped]["text"]


@pytest.fixture
def digitutkijat(make_app, tmp_path) -> Classroom:
    import shutil

    shutil.copytree(ROOT / "content" / "digitutkijat", tmp_path / "content" / "digitutkijat")
    app = make_app(CONTENT_DIR=tmp_path / "content")
    http = app.test_client()
    form = {"pack": "digitutkijat", "stats_place": "Koivikon koulu", "stats_grade": "4A"}
    resp = http.post("/sessions", data=form, headers=ORIGIN)
    assert resp.status_code == 302, resp.data
    room = Classroom.__new__(Classroom)
    room.app, room.http = app, http
    room.code = re.search(r"/host/(\w+)", resp.headers["Location"]).group(1)
    room.manager = app.extensions["workshops"].manager
    room.live = room.manager.get(room.code)
    room.host_key = room.manager.keys.host_key(room.live.id)
    room.screen_key = room.manager.keys.screen_key(room.live.id)
    return room


def test_written_answers_reach_the_report_only_once_approved_for_the_projector(digitutkijat: Classroom):
    room = digitutkijat
    host = room.host()
    pupils = [room.pupil() for _ in range(3)]
    agenda = room.live.state.pack.agenda
    index = next(i for i, s in enumerate(agenda) if s.kind == "open")
    step = agenda[index]
    assert act(host, "host", {"type": "goto", "step": index, "expect": -1})["ok"]
    texts = ["Kiva kun autoit minua", "Olet hyvä kaveri", "Tämä jää odottamaan"]
    for pupil, text in zip(pupils, texts, strict=True):
        assert act(pupil, "pupil", {"type": "act", "step": step.id, "action": {"type": "answer", "text": text}})["ok"]
    entries = {e["text"]: e["voter"] for e in last(host, "host_view")["activity"]["entries"]}
    moderate = {"type": "moderate", "voter": entries[texts[0]], "status": "approved"}
    assert act(host, "host", {"type": "act", "step": step.id, "action": moderate})["ok"]
    hide = {"type": "moderate", "voter": entries[texts[1]], "status": "hidden"}
    assert act(host, "host", {"type": "act", "step": step.id, "action": hide})["ok"]
    assert act(host, "host", {"type": "end"})["ok"]

    room.http.get(f"/host/{room.code}?k={room.host_key}")
    resp = room.http.get(f"/report/{room.code}?lang=fi")
    assert resp.status_code == 200 and "no-store" in resp.headers["Cache-Control"]
    page = resp.get_data(as_text=True)
    section = page.split(f'id="step-{step.id}"', 1)[1].split("</section>", 1)[0]
    assert texts[0] in section  # approved for the projector
    assert texts[1] not in page and texts[2] not in page  # hidden, and never approved
    assert "Koivikon koulu" in page and "4A" in page  # the facilitator's labels from the start form
    for pupil in room.live.state.pupils.values():
        assert pupil.nick not in page
    # Only the facilitator's own browser opens it.
    assert room.app.test_client().get(f"/report/{room.code}").status_code == 404


def test_the_report_is_in_swedish_and_english_too(app):
    pack = load_pack(ROOT / "content" / "digitutkijat").pack
    state = sample.whole_session(pack, NOW)
    for lang, said in (("sv", "fredag 15 januari 2027"), ("en", "Friday, January 15, 2027")):
        page = render(app, state, lang=lang)
        assert said in page, lang
        assert f'lang="{lang}"' in page


def test_a_rehearsals_report_has_its_timing_only(app):
    pack = load_pack(ROOT / "content" / "esittely").pack
    state = sample.whole_session(pack, NOW)
    live = SimpleNamespace(state=state, labels=LABELS, code="ABCDE")
    with app.test_request_context("/report/ABCDE"):
        page = session_report.render(live, "fi", rehearsal=True)
    found = Sections()
    found.feed(page)
    assert 'id="rehearsal-note"' in page
    assert all(not s["rows"] for s in found.steps.values())
    assert "Koivikon koulu" not in page  # a rehearsal is nobody's session: no labels


@pytest.mark.parametrize(
    ("counts", "first", "expected"),
    [
        ([0, 0, 0, 0, 0], 1, None),  # nobody rated: no mean, not 0
        ([1, 0, 0, 0, 1], 1, 3.0),
        ([0, 2, 0, 0, 0], 1, 2.0),
        ([3, 1], 0, 0.25),  # a scale that starts at 0
        ([1, 0, 0, 0, 3], 1, 4.0),
    ],
)
def test_the_mean_of_a_scale_is_read_from_its_counts(counts, first, expected):
    assert session_report.mean(counts, first) == expected
