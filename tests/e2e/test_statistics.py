"""The statistics page in Chromium: a kit's store filled with earlier sessions' records and one real
session run from the home page (its labels typed in the start form, two phones answering), then
/stats filtered by a link's parameters, its SVG charts checked against the tables beside them, the
CSV and XLSX downloads read back with the csv module and openpyxl, the JSON export imported into a
second kit with its own data folder (twice: the second time adds nothing), the print view printed
as an A4 PDF and read back with pypdf. axe checks every page state.

Screenshots (1280 by 720 and the print view) go to $STATS_SHOTS if set, else the test's own folder.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import Server, Watch, go_to_step_with, join
from tests.e2e.test_task_packs import answer
from tests.unit.test_stats_export import record
from workshops.sessions.statstore import SqliteStatStore

pytestmark = pytest.mark.browser

# Earlier sessions: (day, pack, place, district, phones). Kupittaan koulu's October session had 3
# phones: a count that must read "<5" wherever it is one session's.
EARLIER = [
    ("2026-09-03", "esittely", "Kupittaan koulu", "Turku", 22),
    ("2026-09-17", "digitutkijat", "Kupittaan koulu", "Turku", 25),
    ("2026-10-01", "esittely", "Kupittaan koulu", "Turku", 3),
    ("2026-10-08", "digitutkijat", "Martin koulu", "Turku", 19),
    ("2026-11-12", "esittely", "Kaarinan lukio", "Kaarina", 27),
    ("2026-11-20", "esittely", None, None, 18),
]


def seed(data_dir: Path) -> list[dict]:
    """Write the earlier sessions' records into a kit's statistics file, as its own sessions would have."""
    store = SqliteStatStore(data_dir / "statistics.sqlite3")
    made = []
    for day, pack, place, district, phones in EARLIER:
        labels = {k: v for k, v in (("place", place), ("district", district)) if v}
        barometer = {"oppi": {"1": 2, "2": 6, "3": phones - 8}} if phones > 8 else None
        made.append(record(day, pack=pack, devices=phones, labels=labels, barometer=barometer))
        assert store.add(made[-1])
    store.close()
    return made


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("STATS_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run_a_real_session(desktop, server, phones) -> None:
    """The facilitator starts esittely with labels for the statistics; two phones answer its poll; the end."""
    host = desktop.new_page()
    host.goto(server.url + "/")
    card = host.locator("article[data-pack=esittely]")
    card.locator("details.stats-labels summary").click()
    card.locator("#stats-esittely-place").fill("Puolalan koulu")
    card.locator("#stats-esittely-grade").fill("5B")
    card.locator("#stats-esittely-district").fill("Turku")
    card.locator("button[type=submit]").click()
    host.wait_for_url(re.compile(r".*/host/[A-Z0-9]+$"))
    host.on("dialog", lambda d: d.accept())
    code = host.locator("#code").inner_text().strip()
    pupils = join(phones, server, code, 2)
    go_to_step_with(host, "#stage .activity.kind-choice")
    for n, phone in enumerate(pupils):
        expect(phone.locator("button.opt").first).to_be_visible()
        answer(phone, "choice", n)
    expect(host.locator(".tick")).to_have_count(2)
    host.locator("#end").click()
    expect(host.locator("#end")).to_have_count(0)
    host.close()


def download(page, selector: str) -> bytes:
    with page.expect_download() as started:
        page.locator(selector).click()
    return Path(started.value.path()).read_bytes()


def chart_and_table(page, section: str) -> tuple[list[str], list[list[str]]]:
    """A section's chart: its text labels (row names, values); and its table's rows."""
    svg_texts = page.locator(f"#by-{section} svg text").all_text_contents()
    rows = [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
        for row in page.locator(f"#by-{section} tbody tr").all()
    ]
    return svg_texts, rows


def test_statistics_from_a_real_session_to_another_kit(browser, desktop, server, phones, watch, tmp_path):
    earlier = seed(server.data_dir)
    run_a_real_session(desktop, server, phones)

    page = desktop.new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(server.url + "/lang/en?next=/")  # English: the assertions read the English texts
    page.locator("#stats-link").click()
    expect(page).to_have_url(server.url + "/stats")
    expect(page.locator("#total-sessions")).to_have_text(str(len(earlier) + 1))
    # the real session is there, with the labels typed at its start, its two phones suppressed
    _texts, places = chart_and_table(page, "place")
    assert places[[r[0] for r in places].index("Puolalan koulu")][:3] == ["Puolalan koulu", "1", "<5"]
    assert places[-1][0] == "Not given"

    # each chart is an image with a name, and draws the numbers its table has
    for section in ("pack", "month", "place", "district"):
        chart = page.locator(f"#by-{section} svg.chart")
        expect(chart).to_have_attribute("role", "img")
        assert chart.get_attribute("aria-label").endswith("The numbers are in the table beside the chart.")
        assert chart.locator("title").text_content() == chart.get_attribute("aria-label")
        texts, rows = chart_and_table(page, section)
        for name, sessions, people, _hours in rows:
            assert name[:10] in " ".join(texts), (section, name)
            assert sessions in texts and people in texts, (section, name)
    months = [r[0] for r in chart_and_table(page, "month")[1]]
    assert months[:3] == ["September 2026", "October 2026", "November 2026"]
    shot_dir = shots(tmp_path)
    page.screenshot(path=str(shot_dir / "stats-1280x720.png"))
    page.screenshot(path=str(shot_dir / "stats-full.png"), full_page=True)

    # a filter is a link: Kupittaan koulu in October holds one session of 3 phones
    page.select_option("#f-place", "Kupittaan koulu")
    page.fill("#f-from", "2026-10")
    page.fill("#f-to", "2026-10")
    page.locator("#filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/stats\?pack=&from=2026-10&to=2026-10&place=Kupittaan\+koulu&district="))
    expect(page.locator("#total-sessions")).to_have_text("1")
    expect(page.locator("#total-participants")).to_have_text("<5")
    assert page.locator("#by-place svg rect").count() == 1  # the session's bar; its "<5" people have none
    shareable = page.url
    page.goto(server.url + "/stats")
    page.goto(shareable)
    expect(page.locator("#total-sessions")).to_have_text("1")

    # the filtered downloads: the semicolon CSV and the workbook
    table = list(csv.DictReader(io.StringIO(download(page, "#dl-csv-fi").decode("utf-8-sig")), delimiter=";"))
    assert [(r["Date"], r["Place"], r["Own devices"], r["Participants"]) for r in table] == [
        ("2026-10-01", "Kupittaan koulu", "<5", "<5")
    ]
    page.goto(server.url + "/stats")
    comma = list(csv.DictReader(io.StringIO(download(page, "#dl-csv").decode("utf-8-sig"))))
    assert len(comma) == len(earlier) + 1
    real = next(r for r in comma if r["Place"] == "Puolalan koulu")
    assert (real["Grade or group"], real["District"], real["Participants"]) == ("5B", "Turku", "<5")
    steps = list(csv.DictReader(io.StringIO(download(page, "#dl-steps").decode("utf-8-sig"))))
    assert {r["Step"] for r in steps if r["Pack"] == "esittely"} >= {"tervetuloa", "fiilis"}
    book = load_workbook(io.BytesIO(download(page, "#dl-xlsx")))
    sessions = book.worksheets[1]
    header = [c.value for c in sessions[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sessions.iter_rows(min_row=2)]
    assert len(rows) == len(earlier) + 1
    assert sorted(r["Participants"] for r in rows if isinstance(r["Participants"], int)) == [18, 19, 22, 25, 27]
    assert [r["Participants"] for r in rows if isinstance(r["Participants"], str)] == ["<5", "<5"]

    # the print view: no navigation, the totals, the charts and the barometer's means, on A4
    page.locator("#dl-print").click()
    expect(page.locator("#barometer")).to_be_visible()
    page.emulate_media(media="print")
    page.screenshot(path=str(shot_dir / "stats-print.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (shot_dir / "stats-print.pdf").write_bytes(pdf)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Workshop statistics" in text and "By district" in text and "Opin uutta" in text
    assert "Back to the statistics" not in text and "Print" not in text.replace("Printed", "")
    page.emulate_media(media="screen")

    # the JSON export, imported into a second kit with its own data folder
    page.goto(server.url + "/stats")
    exported = download(page, "#dl-json")
    assert len(json.loads(exported)["records"]) == len(earlier) + 1
    transfer = tmp_path / "statistics.json"
    transfer.write_bytes(exported)

    other_dir = tmp_path / "other" / "data"
    other_dir.mkdir(parents=True)
    other = Server(other_dir)
    other.start()
    other_watch = Watch(other.url)
    try:
        ctx = other_watch.attach(browser.new_context(viewport={"width": 1280, "height": 720}, locale="fi-FI"))
        second = ctx.new_page()
        second.goto(other.url + "/lang/en?next=/stats")
        expect(second.locator("#empty")).to_be_visible()
        second.set_input_files("#import-file", str(transfer))
        second.locator("#import").click()
        expect(second.locator("#imported")).to_have_text(f"Imported: {len(earlier) + 1} added, 0 already there.")
        expect(second.locator("#total-sessions")).to_have_text(str(len(earlier) + 1))
        second.set_input_files("#import-file", str(transfer))
        second.locator("#import").click()
        expect(second.locator("#imported")).to_have_text(f"Imported: 0 added, {len(earlier) + 1} already there.")
        expect(second.locator("#total-sessions")).to_have_text(str(len(earlier) + 1))

        # a bad file: refused in words (a 400 page, which Chromium logs), nothing imported
        other_watch.allow("/stats/import: Failed to load resource: the server responded with a status of 400")
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps({"format": "workshops-statistics", "v": 2, "records": []}), encoding="utf-8")
        second.set_input_files("#import-file", str(bad))
        second.locator("#import").click()
        expect(second.locator("#refused")).to_contain_text("this kit reads version 1")
        expect(second.locator("#total-sessions")).to_have_text(str(len(earlier) + 1))
        second.screenshot(path=str(shot_dir / "stats-import-refused.png"))
        second.locator("nav.langs a[lang=fi]").click()  # from the refused import's page: back to the page
        expect(second).to_have_url(other.url + "/stats")
        expect(second.locator("html")).to_have_attribute("lang", "fi")
        second.screenshot(path=str(shot_dir / "stats-fi-1280x720.png"))
        other_watch.flush(ctx)
        ctx.close()
    finally:
        other.stop()
    other_watch.check()
