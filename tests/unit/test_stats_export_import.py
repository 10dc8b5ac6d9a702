"""The statistics page over HTTP: who may open it, its downloads, and the import's refusals (a bad
file imports nothing and says why in the reader's language) and idempotence."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.conftest import ORIGIN
from tests.unit.test_stats_export import record
from workshops.web import stats


@pytest.fixture
def store(app):
    return app.extensions["workshops"].stats


@pytest.fixture
def client(app):
    """The facilitator's browser, set to English: the assertions read the English texts."""
    browser = app.test_client()
    browser.set_cookie("lang", "en")
    return browser


def upload(client, body: bytes, name: str = "statistics.json", headers: dict | None = None):
    data = {"file": (io.BytesIO(body), name)}
    return client.post(
        "/stats/import", data=data, content_type="multipart/form-data", headers=ORIGIN if headers is None else headers
    )


def exported(rows: list[dict[str, Any]], **changes: Any) -> bytes:
    """An exported file of `rows`, with some of its fields changed."""
    document = {"format": "workshops-statistics", "v": 1, "exported": "2026-12-06", "records": rows}
    return json.dumps(document | changes).encode()


GOOD = record()
NICKNAMED = {**record(), "nickname": "Iloinen Kettu"}  # a pupil's nickname where a count belongs
TEXT_IN_COUNTS = record()
TEXT_IN_COUNTS["steps"][1]["counts"] = {"pirtea": "Mikko vastasi"}

BAD_FILES = [
    pytest.param(b"", "Choose a statistics file", id="empty"),
    pytest.param(b"\xff\xfe\x00not utf-8", "it is not JSON", id="not-utf8"),
    pytest.param(b'{"format": "workshops-statistics", "v": 1, "records": [', "it is not JSON", id="cut-short"),
    pytest.param(b"[" * 50_000, "it is not JSON", id="nested-deep"),
    pytest.param(b'["a list"]', "not a statistics file exported", id="not-an-object"),
    pytest.param(json.dumps({"v": 1, "records": []}).encode(), "not a statistics file exported", id="no-format"),
    pytest.param(exported([], format="something-else"), "not a statistics file exported", id="other-format"),
    pytest.param(exported([], names=["Aino"]), "not a statistics file exported", id="extra-top-level-field"),
    pytest.param(exported([], records={"a": 1}), "not a statistics file exported", id="records-not-a-list"),
    pytest.param(exported([], v=2), "file version 2, this kit reads version 1", id="newer-version"),
    pytest.param(exported([], v="1"), "file version 1,", id="version-as-text"),
    pytest.param(exported([], v=True), "file version True", id="version-true"),
    pytest.param(
        json.dumps({"format": "workshops-statistics", "records": []}).encode(), "file version none", id="no-version"
    ),
    pytest.param(
        exported([GOOD, NICKNAMED]), "Session 2 in the file is not valid statistics (nickname)", id="nickname"
    ),
    pytest.param(exported([TEXT_IN_COUNTS]), "(steps.1.counts.pirtea)", id="text-in-counts"),
    pytest.param(exported([GOOD, {**record(), "v": 2}]), "Session 2", id="record-of-another-version"),
    pytest.param(exported([{**record(), "date": "2026-02-30"}]), "Session 1", id="no-such-day"),
    pytest.param(
        exported([GOOD, "not a record"]),
        "Session 2 in the file is not valid statistics (the whole record)",
        id="record-not-an-object",
    ),
]


@pytest.mark.parametrize(("body", "says"), BAD_FILES)
def test_a_bad_file_is_refused_whole_with_a_reason(client, store, body, says):
    before = store.all()
    resp = upload(client, body)
    text = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert 'role="alert"' in text and says in text.replace("&#39;", "'")
    assert "Nothing was imported." in text
    assert store.all() == before  # not even the good records before the bad one
    assert "Mikko" not in text and "Iloinen" not in text  # a refusal names the field, never its value


@pytest.mark.parametrize(("body", "code"), [(b"{", "not_json"), (exported([], v=3), "version")])
def test_read_import_names_the_refusal(body, code):
    with pytest.raises(stats.Refusal) as caught:
        stats.read_import(body)
    assert caught.value.code == code


def test_an_import_adds_new_sessions_once_however_often_it_comes(client, store):
    first, second = record("2026-09-03"), record("2026-10-01")
    body = b"\xef\xbb\xbf" + exported([first, second, first])  # a BOM from an editor, and a duplicate inside

    resp = upload(client, body)
    assert resp.status_code == 303
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Imported: 2 added, 1 already there." in page
    assert sorted(r["id"] for r in store.all()) == sorted([first["id"], second["id"]])

    again = client.get(upload(client, body).headers["Location"]).get_data(as_text=True)
    assert "Imported: 0 added, 3 already there." in again
    assert len(store.all()) == 2


def test_the_json_export_of_one_kit_imports_into_another(make_app, tmp_path):
    one = make_app(DATA_DIR=tmp_path / "one")
    other = make_app(DATA_DIR=tmp_path / "other")
    mine = [record("2026-09-03"), record("2026-10-01", devices=3, labels={"place": "Martin koulu"})]
    for r in mine:
        one.extensions["workshops"].stats.add(r)
    resp = one.test_client().get("/stats/export.json")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    assert resp.headers["Content-Disposition"].startswith('attachment; filename="statistics-')
    document = json.loads(resp.data)
    assert document["format"] == "workshops-statistics" and document["v"] == 1
    assert document["records"] == mine  # raw: the organisation's own transfer (docs/data-map.md)

    resp = upload(other.test_client(), resp.data)
    assert resp.status_code == 303 and "added=2" in resp.headers["Location"]
    assert other.extensions["workshops"].stats.all() == mine


def test_a_filtered_export_holds_only_the_sessions_shown(client, store):
    for r in (record("2026-08-01"), record("2026-09-01", pack="digitutkijat"), record("2026-10-01")):
        store.add(r)
    document = json.loads(client.get("/stats/export.json?pack=esittely&from=2026-09").data)
    assert [r["date"] for r in document["records"]] == ["2026-10-01"]


def test_the_print_view_names_the_filters(client, store):
    store.add(record("2026-09-03", labels={"place": "Kupittaan koulu"}))
    page = client.get("/stats/print?from=2026-09&to=2026-10&place=Kupittaan+koulu&from=0000-01").get_data(as_text=True)
    assert "Months: September 2026 – October 2026" in page and "Place: Kupittaan koulu" in page
    assert client.get("/stats/print?from=0000-01").status_code == 200


def test_the_import_address_opened_as_a_page_goes_to_the_statistics(client):
    resp = client.get("/stats/import")  # a language link or a reload on a refused import's page
    assert resp.status_code == 302 and resp.headers["Location"] == "/stats"


def test_an_import_from_another_site_or_without_origin_is_refused(client, store):
    body = exported([record()])
    assert upload(client, body, headers={"Origin": "http://evil.example"}).status_code == 403
    assert upload(client, body, headers={}).status_code == 403
    assert store.all() == []


@pytest.mark.parametrize("size", [stats.IMPORT_MAX_BYTES + 1, stats.IMPORT_MAX_BYTES + 1024 * 1024])
def test_a_file_over_the_limit_is_refused(client, store, size):
    # Just over: the file is read up to the limit and refused; far over: the body is refused by its length.
    resp = upload(client, b" " * size)
    assert resp.status_code == 413
    assert "The file is too large: at most 16 MB. Nothing was imported." in resp.get_data(as_text=True)
    assert store.all() == []


def test_a_file_just_under_the_limit_is_read(client):
    resp = upload(client, exported([]) + b" " * (stats.IMPORT_MAX_BYTES - len(exported([]))))
    assert resp.status_code == 303 and "added=0" in resp.headers["Location"]


# -- who may open the page ------------------------------------------------------------------------------

PAGES = [
    "/stats",
    "/stats/print",
    "/stats/sessions.csv",
    "/stats/steps.csv",
    "/stats/export.xlsx",
    "/stats/export.json",
]


@pytest.mark.parametrize("path", PAGES)
def test_only_this_laptop_opens_the_statistics_without_a_password(client, store, path):
    store.add(record(labels={"place": "Kupittaan koulu"}))
    resp = client.get(path, environ_base={"REMOTE_ADDR": "192.168.1.23"})
    assert resp.status_code == 403 and b"Kupittaan" not in resp.data
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", PAGES)
def test_with_a_password_the_statistics_ask_for_it_even_on_this_laptop(make_app, path):
    app = make_app(FACILITATOR_PASSWORD="salasana")
    app.extensions["workshops"].stats.add(record(labels={"place": "Kupittaan koulu"}))
    client = app.test_client()
    client.set_cookie("lang", "en")
    resp = client.get(path)
    assert b'name="password"' in resp.data and b"Kupittaan" not in resp.data
    client.post("/login", data={"password": "salasana"}, headers=ORIGIN)
    assert client.get(path).status_code == 200


def test_an_import_needs_the_facilitator_too(client, store):
    body = exported([record()])
    data = {"file": (io.BytesIO(body), "s.json")}
    resp = client.post(
        "/stats/import",
        data=data,
        headers=ORIGIN,
        content_type="multipart/form-data",
        environ_base={"REMOTE_ADDR": "192.168.1.23"},
    )
    assert resp.status_code == 403 and store.all() == []


# -- the page and its downloads -------------------------------------------------------------------------


def test_the_page_shows_each_grouping_as_a_chart_and_a_table(client, store):
    store.add(record("2026-09-03", devices=22, labels={"place": "Kupittaan koulu", "district": "Turku"}))
    store.add(record("2026-10-01", devices=2, labels={"place": "Martin koulu", "district": "Turku"}))
    page = client.get("/stats?lang=en").get_data(as_text=True)
    for section in ("by-pack", "by-month", "by-place", "by-district"):
        assert f'id="{section}"' in page
    assert page.count('role="img"') == 4
    assert '<td class="num">&lt;5</td>' in page  # Martin koulu's 2 participants
    assert '<td class="num">24</td>' in page  # Turku: 22 + 2, summed first
    assert 'id="total-participants">24<' in page


def test_a_filtered_page_links_its_downloads_with_the_same_filters(client, store):
    store.add(record("2026-09-03", labels={"place": "Kupittaan koulu"}))
    store.add(record("2026-10-03", labels={"place": "Martin koulu"}))
    page = client.get("/stats?place=Martin+koulu&from=2026-10").get_data(as_text=True)
    assert 'id="total-sessions">1<' in page
    assert 'href="/stats/sessions.csv?sep=semicolon&amp;from=2026-10&amp;place=Martin+koulu"' in page
    nowhere = client.get("/stats?place=Nowhere").get_data(as_text=True)
    assert nowhere.count('id="none"') == 1
    assert "<option selected>Nowhere</option>" in nowhere  # the form shows the link's choice


@pytest.mark.parametrize(("query", "delimiter"), [("", ","), ("?sep=semicolon", ";")])
def test_the_csv_downloads_read_back(client, store, query, delimiter):
    store.add(record("2026-09-03", devices=4))
    store.add(record("2026-09-04", devices=30))
    resp = client.get(f"/stats/sessions.csv{query}")
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(resp.data.decode("utf-8-sig")), delimiter=delimiter))
    assert [r["Participants"] for r in rows] == ["<5", "30"]
    steps = list(
        csv.reader(io.StringIO(client.get(f"/stats/steps.csv{query}").data.decode("utf-8-sig")), delimiter=delimiter)
    )
    assert steps[0][0] == "Pack" and len(steps) > 1


def test_the_xlsx_download_opens(client, store):
    store.add(record("2026-09-03", devices=4))
    resp = client.get("/stats/export.xlsx")
    assert resp.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(resp.data))
    sessions = book.worksheets[1]
    assert [c.value for c in sessions[2]][:2] == ["2026-09-03", "esittely"]
    assert "<5" in [c.value for c in sessions[2]]


def test_the_print_view_has_the_totals_charts_and_barometer_means(client, store):
    store.add(record("2026-09-03", barometer={"oppi": {"2": 3, "3": 9}}))
    page = client.get("/stats/print?lang=en").get_data(as_text=True)
    assert 'class="bar"' not in page  # no navigation on paper
    assert page.count('role="img"') == 4 and 'id="barometer"' in page
    assert "Opin uutta" in page and "2.75" in page  # (2·3 + 3·9) / 12
