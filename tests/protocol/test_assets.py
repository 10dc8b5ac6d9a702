"""Static files: compressed, cacheable, and the pupil's page within its weight budget."""

from __future__ import annotations

import gzip
import re
from urllib.parse import urljoin, urlsplit

from tests.conftest import Classroom

# bytes, gzipped: everything a phone loads before its first view. Formatted texts (#17) put
# static/js/rich.js (2.4 kB) on the phones; the page pays for it by sending only the strings a
# phone shows (not the console's) of its own pack's kinds. Every pack ends with the closing
# barometer (issue #20, 3.5 kB): a phone loads the kinds of the pack's first steps before its first
# view and the others right after it (web/kinds.py, PHONE_FIRST_STEPS).
BUDGET = 50_000


def test_static_files_are_served_gzipped_with_an_etag_and_a_cache_lifetime(client):
    resp = client.get("/static/js/lib.js", headers={"Accept-Encoding": "gzip, deflate"})
    assert resp.status_code == 200 and resp.headers["Content-Encoding"] == "gzip"
    assert resp.headers["Content-Type"].startswith("text/javascript")
    assert b"export function" in gzip.decompress(resp.data)
    assert "max-age=3600" in resp.headers["Cache-Control"] and resp.headers["Vary"] == "Accept-Encoding"
    again = client.get("/static/js/lib.js", headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    plain = client.get("/static/js/lib.js")
    assert "Content-Encoding" not in plain.headers and plain.data == gzip.decompress(resp.data)


def test_templates_address_static_files_by_hash_which_may_be_cached_for_good(client):
    page = client.get("/join").get_data(as_text=True)
    url = re.search(r'href="(/static/css/kit\.css\?v=\w+)"', page).group(1)
    resp = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert "immutable" in resp.headers["Cache-Control"]
    assert client.get("/static/css/kit.css?v=old").headers["Cache-Control"] == "public, max-age=3600"


def test_static_paths_cannot_leave_the_static_folder(client):
    for path in ("/static/../workshops/config.py", "/static/%2e%2e/README.md", "/static/nope.js"):
        assert client.get(path).status_code == 404


def _weight(client, url: str, seen: set[str]) -> int:
    """Gzipped bytes of a file and of every module it imports statically, each counted once."""
    path = urlsplit(url).path
    if path in seen:
        return 0
    seen.add(path)
    resp = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert resp.status_code == 200, url
    body = gzip.decompress(resp.data) if resp.headers.get("Content-Encoding") == "gzip" else resp.data
    total = len(resp.data)
    if path.endswith(".js"):
        for target in re.findall(rb'(?:^|;|\n)\s*import\s[^"\']*?["\']([^"\']+)["\']', body):
            total += _weight(client, urljoin(path, target.decode()), seen)
    return total


def test_the_pupil_page_loads_at_most_its_budget_gzipped_before_its_first_view(app):
    room = Classroom(app)
    page = room.http.get(f"/j/{room.code}", headers={"Accept-Encoding": "gzip"})
    html = page.get_data(as_text=True)
    total = len(gzip.compress(page.data))  # the page itself, as a compressing proxy would send it
    seen: set[str] = set()
    for url in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        total += _weight(room.http, url, seen)
    assert any(p.endswith("socket.io.esm.min.js") for p in seen) and any(p.endswith("kit.css") for p in seen)
    print(f"pupil page before its first view: {total:,} bytes gzipped in {len(seen) + 1} files")
    assert total <= BUDGET
