"""The statistics page's writers: CSV (both separators) read back with the csv module, XLSX opened
with openpyxl, the per-session and per-step tables with their small counts, and the SVG chart."""

from __future__ import annotations

import csv
import io
import secrets
from typing import Any

import pytest
from openpyxl import load_workbook

from workshops.sessions import statistics
from workshops.web import stats

TITLES = {
    "esittely": {"fi": "Tutustu työpajapakkiin", "sv": "Bekanta dig med verkstadslådan"},
    "digitutkijat": {"fi": "Digitutkijat", "sv": "Digitala forskare"},
}


def record(
    day: str = "2026-09-03",
    *,
    pack: str = "esittely",
    devices: int = 22,
    team_devices: int = 0,
    entered: int = 0,
    counts: dict[str, int] | None = None,
    labels: dict[str, str] | None = None,
    barometer: dict[str, dict[str, int]] | None = None,
    minutes: float = 14.5,
) -> dict[str, Any]:
    """A valid record (the core's `validate` says so) with a choice step, a slide and maybe a barometer."""
    choice: dict[str, Any] = {
        "id": "fiilis",
        "kind": "choice",
        "title": {"fi": "Fiiliskysely", "sv": "Stämningsenkät"},
        "run": True,
        "minutes": 3.5,
        "answered": sum((counts or {"pirtea": 19, "ok": 3}).values()),
        "counts": counts or {"pirtea": 19, "ok": 3},
        "options": [
            {"id": "pirtea", "text": {"fi": "Pirteältä", "sv": "Pigg"}},
            {"id": "ok", "text": {"fi": "Ihan ok", "sv": "Helt okej"}},
        ],
    }
    steps: list[dict[str, Any]] = [
        {"id": "tervetuloa", "kind": "slide", "title": {"fi": "Tervetuloa!"}, "run": True, "minutes": 2.0},
        choice,
        {"id": "lisa", "kind": "slide", "title": {"fi": "Lisätehtävä"}, "run": False, "minutes": 0.0},
    ]
    if barometer is not None:
        steps.append(
            {
                "id": "mittari",
                "kind": "barometer",
                "title": {"fi": "Mittari"},
                "run": True,
                "minutes": 2.0,
                "barometer": barometer,
                "options": [{"id": "oppi", "text": {"fi": "Opin uutta", "sv": "Jag lärde mig nytt"}}],
            }
        )
    return statistics.validate(
        {
            "v": 1,
            "id": secrets.token_hex(16),
            "pack": pack,
            "pack_version": "a1b2c3d4e5f6",
            "title": TITLES.get(pack, {"fi": pack}),
            "adults": False,
            "date": day,
            "language": "fi",
            "mode": "live",
            "minutes": minutes,
            "labels": labels if labels is not None else {"place": "Kupittaan koulu", "district": "Turku"},
            "participants": {"devices": devices, "team_devices": team_devices, "entered": entered},
            "steps": steps,
        }
    )


def read_csv(body: bytes, delimiter: str) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM: Excel reads ä and ö right"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=delimiter))


# -- CSV ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("semicolon", "delimiter", "minutes"), [(False, ",", "14.5"), (True, ";", "14,5")])
def test_the_sessions_csv_has_a_row_per_session_in_either_separator(semicolon, delimiter, minutes):
    records = [
        record("2026-09-03", labels={"place": "Kupittaan koulu, Turku", "grade": "4", "district": "Turku"}),
        record("2026-10-01", devices=3, team_devices=0, entered=0, labels={}),
    ]
    header, rows = stats.session_table(records, "fi")
    body = stats.write_csv(header, rows, semicolon=semicolon)
    table = read_csv(body, delimiter)
    assert body.count(b"\r\n") == 3  # CRLF lines, as Excel writes them
    assert table[0] == header and len(header) == len(stats.SESSION_COLUMNS)
    first, second = (dict(zip(table[0], row, strict=True)) for row in table[1:])
    assert first["Date"] == "2026-09-03" and first["Pack"] == "esittely"
    assert first["Place"] == "Kupittaan koulu, Turku"  # the separator inside a cell is quoted, not a new cell
    assert first["Grade or group"] == "4" and first["District"] == "Turku"
    assert first["Minutes"] == minutes
    assert first["Own devices"] == "22" and first["Participants"] == "22"
    # one session's small counts: "<5", never the number; 0 stays 0 (it tells nobody apart)
    assert second["Own devices"] == "<5" and second["Participants"] == "<5"
    assert second["Team devices"] == "0" and second["Place"] == ""
    assert "3" not in (second["Own devices"], second["Participants"])


def test_a_typed_label_that_looks_like_a_formula_stays_text_in_the_csv():
    records = [record(labels={"place": '=HYPERLINK("http://x")', "district": "+Turku", "grade": "@4"})]
    header, rows = stats.session_table(records, "fi")
    row = dict(zip(header, read_csv(stats.write_csv(header, rows), ",")[1], strict=True))
    assert row["Place"] == '\'=HYPERLINK("http://x")'
    assert row["District"] == "'+Turku" and row["Grade or group"] == "'@4"


def test_the_steps_csv_sums_raw_counts_before_suppressing():
    # 3 + 3 answers of "ok" over two sessions: 6, shown; 2 + 1 of "pirtea" over both: 3, shown "<5".
    records = [record(counts={"pirtea": 2, "ok": 3}), record("2026-10-01", counts={"pirtea": 1, "ok": 3})]
    header, rows = stats.step_table(stats.step_totals(records), "fi")
    table = read_csv(stats.write_csv(header, rows, semicolon=True), ";")
    by_answer = {(r[2], r[8]): dict(zip(table[0], r, strict=True)) for r in table[1:]}
    ok = by_answer[("fiilis", "ok")]
    assert ok["Count"] == "6" and ok["Answer text"] == "Ihan ok" and ok["Sessions"] == "2"
    assert ok["Mean minutes"] == "3,5"  # the semicolon file's decimal comma
    assert by_answer[("fiilis", "pirtea")]["Count"] == "<5"
    assert ok["Answered"] == "9"  # 5 + 4 answered, summed then shown
    # the options in the pack's order, a step without counts as one row, a step never run with 0 sessions
    assert [r[8] for r in table[1:] if r[2] == "fiilis"] == ["pirtea", "ok"]
    assert by_answer[("tervetuloa", "")]["Answered"] == "" and by_answer[("tervetuloa", "")]["Sessions"] == "2"
    assert by_answer[("lisa", "")]["Sessions"] == "0"


def test_barometer_counts_are_a_row_per_statement_and_face_and_their_mean_needs_five_answers():
    records = [
        record(barometer={"oppi": {"1": 1, "2": 0, "3": 4}}),
        record("2026-10-01", barometer={"oppi": {"1": 0, "2": 2, "3": 3}}),
    ]
    totals = stats.step_totals(records)
    _header, rows = stats.step_table(totals, "sv")
    faces = {r[10]: r[11] for r in rows if r[2] == "mittari"}
    assert faces == {"1": "<5", "2": "<5", "3": 7}
    assert {r[9] for r in rows if r[2] == "mittari"} == {"Jag lärde mig nytt"}
    (mean,) = stats.barometer_means(totals)
    assert mean.answers == 10 and mean.mean == pytest.approx((1 * 1 + 2 * 2 + 3 * 7) / 10, abs=0.01)
    (few,) = stats.barometer_means(stats.step_totals([record(barometer={"oppi": {"3": 4}})]))
    assert few.answers == 4 and few.mean is None  # four answers' mean would tell too much


# -- XLSX ---------------------------------------------------------------------------------------------


def test_the_workbook_opens_in_openpyxl_with_a_sheet_each_and_small_counts_suppressed():
    records = [
        record("2026-09-03", devices=22),
        record("2026-09-20", devices=2, labels={"place": "=1+1", "district": "Turku"}),
        record("2026-11-02", pack="digitutkijat", devices=25, labels={}),
    ]
    body = stats.workbook(records, "fi", lambda d: lambda g: g.key or "(none)")
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["Summary", "Sessions", "Steps"]

    sessions = book["Sessions"]
    header = [c.value for c in sessions[1]]
    assert header == [str(name) for name, _cell in stats.SESSION_COLUMNS]
    assert all(c.font.bold for c in sessions[1]) and sessions.freeze_panes == "A2"
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sessions.iter_rows(min_row=2)]
    assert [r["Own devices"] for r in rows] == [22, "<5", 25]  # numbers stay numbers
    assert rows[0]["Minutes"] == 14.5
    formula = sessions.cell(3, header.index("Place") + 1)
    assert formula.value == "=1+1" and formula.data_type == "s"  # a typed label never runs as a formula

    summary = [[c.value for c in row] for row in book["Summary"].iter_rows()]
    by_pack = summary[summary.index(["By workshop pack", None, None, None]) + 1 :]
    assert by_pack[0] == ["Workshop pack", "Sessions", "Participants", "Hours"]
    assert by_pack[1] == ["esittely", 2, 24, 0.5]  # 22 + 2, summed before suppressing
    assert by_pack[2] == ["digitutkijat", 1, 25, 0.2]
    by_month = summary[summary.index(["By month", None, None, None]) + 2 :][:3]
    assert by_month == [["2026-09", 2, 24, 0.5], ["2026-10", 0, 0, 0.0], ["2026-11", 1, 25, 0.2]]

    steps = book["Steps"]
    counts = {(r[0].value, r[2].value, r[8].value): r[11].value for r in steps.iter_rows(min_row=2)}
    assert counts[("esittely", "fiilis", "ok")] == 6  # 3 + 3 over two sessions: shown
    assert counts[("esittely", "fiilis", "pirtea")] == 38
    assert counts[("digitutkijat", "fiilis", "ok")] == "<5"  # one session's 3
    assert counts[("esittely", "tervetuloa", None)] is None  # a slide counts nothing


def test_an_empty_view_still_writes_a_workbook_and_csvs_with_headers():
    book = load_workbook(io.BytesIO(stats.workbook([], "fi", lambda d: lambda g: g.key)))
    assert book["Sessions"]["A1"].value == "Date" and book["Sessions"].max_row == 1
    header, rows = stats.session_table([], "fi")
    assert read_csv(stats.write_csv(header, rows), ",") == [header]


# -- grouping and the chart --------------------------------------------------------------------------


def test_groups_put_months_in_order_without_gaps_and_the_rest_by_sessions_with_not_given_last():
    records = [
        record("2026-11-02", labels={"place": "B"}),
        record("2026-09-03", labels={}),
        record("2026-09-04", labels={}),
        record("2026-09-05", labels={"place": "A"}),
        record("2026-09-06", labels={"place": "B"}),
    ]
    assert [g.key for g in stats.group_by(records, "month")] == ["2026-09", "2026-10", "2026-11"]
    assert [(g.key, g.sessions) for g in stats.group_by(records, "place")] == [("B", 2), ("A", 1), ("", 2)]


def test_a_chart_of_many_places_draws_the_first_ones_and_one_bar_for_the_others():
    groups = [stats.Group(f"p{i}", sessions=20 - i, participants=100) for i in range(15)]
    drawn = stats.chart_rows(groups, "place", limit=12)
    assert len(drawn) == 12 and drawn[-1].others == 4
    assert drawn[-1].sessions == sum(g.sessions for g in groups[11:]) and drawn[-1].participants == 400
    months = [stats.Group(f"2026-{m:02d}") for m in range(1, 13)] + [stats.Group("2027-01")]
    assert stats.chart_rows(months, "month", limit=12) == months  # a time axis is never folded


def test_the_chart_is_an_accessible_svg_and_a_suppressed_count_gets_no_bar():
    bars = [stats.Bar("Kupittaan <koulu>", 3, 57), stats.Bar("Puolala", 1, "<5")]
    svg = str(stats.chart_svg(bars, "By place: sessions and participants", "Sessions", "Participants"))
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-label="By place: sessions and participants"' in svg
    assert "<title>By place: sessions and participants</title>" in svg
    assert "Kupittaan &lt;koulu&gt;" in svg and "<koulu>" not in svg  # labels are escaped
    assert svg.count("<rect") == 3  # 3 and 57 and 1 have bars; "<5" has none: its length would tell
    assert ">&lt;5</text>" in svg
    for fill in (stats.SESSIONS_FILL, stats.PEOPLE_FILL, stats.INK):
        assert contrast(fill, "#ffffff") >= 4.5, fill  # bars 3:1 would do (WCAG 1.4.11); these pass text's 4.5:1 too


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, stats.Filters()),
        ({"pack": "esittely", "from": "2026-09", "to": "2026-12"}, stats.Filters("esittely", "2026-09", "2026-12")),
        ({"from": "2026-12", "to": "2026-09"}, stats.Filters("", "2026-09", "2026-12")),  # the wrong way round
        ({"from": "2026-13", "to": "syyskuu"}, stats.Filters()),  # not a month: no limit
        ({"from": "0000-01", "to": "2026-9"}, stats.Filters()),
        (
            {"place": "  Kupittaan koulu ", "district": "x" * 200},
            stats.Filters(place="Kupittaan koulu", district="x" * 80),
        ),
    ],
)
def test_filters_are_read_from_get_parameters(args, expected):
    assert stats.Filters.read(args) == expected


def test_filters_choose_by_pack_months_place_and_district():
    records = [
        record("2026-08-31", labels={"place": "A", "district": "Turku"}),
        record("2026-09-01", labels={"place": "A", "district": "Turku"}),
        record("2026-09-30", pack="digitutkijat", labels={"place": "B", "district": "Turku"}),
        record("2026-10-01", labels={"place": "B", "district": "Kaarina"}),
    ]
    days = lambda f: [r["date"] for r in f.chosen(records)]  # noqa: E731
    assert days(stats.Filters(start="2026-09", end="2026-09")) == ["2026-09-01", "2026-09-30"]
    assert days(stats.Filters(pack="esittely", start="2026-09")) == ["2026-09-01", "2026-10-01"]
    assert days(stats.Filters(place="B")) == ["2026-09-30", "2026-10-01"]
    assert days(stats.Filters(district="Turku", end="2026-08")) == ["2026-08-31"]
    assert stats.Filters(pack="x", place="A").args() == {"pack": "x", "place": "A"}
