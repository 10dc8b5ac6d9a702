"""A kind owns its browser files: a page loads the modules and stylesheets of its pack's kinds only."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from tests.conftest import ROOT, Classroom
from workshops.activities import REGISTRY
from workshops.web.kinds import PHONE_FIRST_STEPS

STATIC = ROOT / "static"
KINDS_JS = STATIC / "js" / "kinds"
RENDERERS = ("screen", "host", "pupil")
PACKS = [
    ("minitehtavat", ROOT / "tests" / "packs" / "good" / "minitehtavat"),
    ("minipeli", ROOT / "tests" / "packs" / "good" / "minipeli"),
    ("minirastit", ROOT / "tests" / "packs" / "good" / "minirastit"),
    ("esittely", ROOT / "content" / "esittely"),
]
PACKS = [(pack_id, folder) for pack_id, folder in PACKS if (folder / "pack.yaml").exists()]


def exported_names(source: str) -> set[str]:
    """The names a module exports: `export function f`, `export const x`, `export const { a, b } = ...`."""
    names = set(
        re.findall(r"^export\s+(?:async\s+)?(?:function\*?|const|let|class)\s+([A-Za-z_$][\w$]*)", source, re.M)
    )
    for group in re.findall(r"^export\s+(?:const|let)\s*\{([^}]*)\}\s*=", source, re.M):
        names |= {part.split(":")[-1].strip() for part in group.split(",") if part.strip()}
    for group in re.findall(r"^export\s*\{([^}]*)\}", source, re.M):
        names |= {part.split(" as ")[-1].strip() for part in group.split(",") if part.strip()}
    return names


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_every_kind_has_a_module_exporting_the_three_renderers(kind):
    module = KINDS_JS / f"{kind}.js"
    assert module.is_file(), f"the kind {kind!r} has no browser module static/js/kinds/{kind}.js"
    missing = set(RENDERERS) - exported_names(module.read_text(encoding="utf-8"))
    assert not missing, f"static/js/kinds/{kind}.js does not export {sorted(missing)}"


def test_the_shared_client_files_name_no_kind():
    """Adding a kind touches no shared file: the pages import kind modules only by the address they are given."""
    shared = [KINDS_JS / "index.js", STATIC / "js" / "host.js", STATIC / "js" / "screen.js", STATIC / "js" / "play.js"]
    for path in shared:
        source = path.read_text(encoding="utf-8")
        for kind in REGISTRY:
            assert not re.search(rf"""import\b[^;]*["'][^"']*/{kind}\.js["']""", source), (path.name, kind)
    assert "import(" in (KINDS_JS / "index.js").read_text(encoding="utf-8")


class _Page(HTMLParser):
    """The stylesheets, module preloads and boot data of a page, in document order."""

    def __init__(self):
        super().__init__()
        self.styles: list[str] = []
        self.preloads: list[str] = []
        self.scripts: list[str] = []
        self.boot: dict | None = None
        self._in_boot = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "stylesheet":
            self.styles.append(a["href"])
        elif tag == "link" and a.get("rel") == "modulepreload":
            self.preloads.append(a["href"])
        elif tag == "script":
            if a.get("src"):
                self.scripts.append(a["src"])
            self._in_boot = a.get("id") == "boot"

    def handle_data(self, data):
        if self._in_boot:
            self.boot = json.loads(data)
            self._in_boot = False


def _page(http, url: str) -> _Page:
    resp = http.get(url)
    if resp.status_code == 302:  # a key in the address moves into a cookie
        resp = http.get(resp.headers["Location"])
    assert resp.status_code == 200, url
    page = _Page()
    page.feed(resp.get_data(as_text=True))
    return page


PAGE_CSS = {"host": "host", "screen": "screen", "play": None}


@pytest.mark.parametrize("pack_room", PACKS, ids=[p[0] for p in PACKS], indirect=True)
def test_host_screen_and_phone_pages_list_exactly_their_packs_kinds_with_versioned_files(pack_room: Classroom):
    room = pack_room
    agenda = room.live.state.pack.agenda
    kinds = list(dict.fromkeys(step.kind for step in agenda))
    assert set(kinds) == {step.kind for step in agenda}
    pages = {
        "host": f"/host/{room.code}",
        "screen": f"/screen/{room.code}?k={room.screen_key}",
        "play": f"/j/{room.code}",
    }
    for name, url in pages.items():
        page = _page(room.http, url)
        listed = page.boot["kinds"]
        assert [k["kind"] for k in listed] == kinds, name
        for entry in listed:
            kind = entry["kind"]
            js = re.fullmatch(rf"/static/js/kinds/{kind}\.js\?v=(\w+)", entry["js"])
            assert js, (name, entry)
            served = room.http.get(entry["js"])
            assert served.status_code == 200 and served.headers["ETag"] == f'"{js.group(1)}"'
            assert "immutable" in served.headers["Cache-Control"]
            css_file = STATIC / "css" / "kinds" / f"{kind}.css"
            if css_file.is_file():
                css = re.fullmatch(rf"/static/css/kinds/{kind}\.css\?v=(\w+)", entry["css"] or "")
                assert css, (name, entry)
                assert room.http.get(entry["css"]).headers["ETag"] == f'"{css.group(1)}"'
            else:
                assert entry["css"] is None, (name, entry)
        # A phone loads the kinds of the pack's first steps at once, the others after its first
        # view (kinds/index.js); the console and the projector every kind at once.
        first = {step.kind for step in agenda[:PHONE_FIRST_STEPS]}
        later = [k["kind"] for k in listed if k.get("later")]
        assert later == ([k for k in kinds if k not in first] if name == "play" else []), name
        now = [k for k in listed if not k.get("later")]
        # The stylesheets: kit.css first, then the page's own (the projector's, the console's),
        # then the pack's kinds' own (a phone's later kinds' come with their modules), and no other kind's.
        assert re.fullmatch(r"/static/css/kit\.css\?v=\w+", page.styles[0]), name
        own = PAGE_CSS[name]
        if own:
            assert re.fullmatch(rf"/static/css/{own}\.css\?v=\w+", page.styles[1]), name
        assert page.styles[1 + bool(own) :] == [k["css"] for k in now if k["css"]], name
        # Each module is fetched at once (the loader imports the very same addresses).
        assert page.preloads == [k["js"] for k in now], name
        assert all(src.startswith("/static/") for src in page.scripts + page.preloads + page.styles), name


def test_a_kind_stylesheet_is_linked_only_where_its_kind_is_used(app):
    """A page links the stylesheets of its own pack's kinds and of no other kind."""
    room = Classroom(app)
    page = _page(room.http, f"/j/{room.code}")
    # a phone's: the kinds of the first steps (the later ones come after its first view)
    kinds = {step.kind for step in room.live.state.pack.agenda[:PHONE_FIRST_STEPS]}
    for kind in REGISTRY:
        linked = any(f"/css/kinds/{kind}.css" in href for href in page.styles)
        has_css = (STATIC / "css" / "kinds" / f"{kind}.css").is_file()
        assert linked == (kind in kinds and has_css), kind
