"""The UI translation catalogues (fi, sv, en) are complete, compiled and really used.

When a test here fails after you add or change a UI string, follow docs/translations.md:
extract, update, translate, compile.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages import frontend
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "workshops" / "translations"
LANGS = ("fi", "sv", "en")
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}
HELP_LINE = "Lasten ja nuorten puhelin 116 111"
# Lasten ja nuorten puhelin answers in Finnish; in Swedish the line is Barn- och ungdomstelefonen.
HELP_LINE_BY_LANG = {"sv": "Barn- och ungdomstelefonen 0800 96 116"}

_PERCENT = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
_BRACE = re.compile(r"\{(\w*)\}")


def _method_map():
    with (ROOT / "babel.cfg").open(encoding="utf-8") as f:
        parse = getattr(frontend, "parse_mapping_cfg", None)
        if parse is not None:
            return parse(f, "babel.cfg")
        return frontend.parse_mapping(f)  # Babel < 2.13


def _key(msgid):
    return msgid[0] if isinstance(msgid, (tuple, list)) else msgid


@pytest.fixture(scope="module")
def extracted() -> dict[str, str]:
    """Every msgid in the sources (singular form) mapped to where it was first found."""
    method_map, options_map = _method_map()
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.setdefault(_key(message), f"{filename}:{lineno}")
    assert found, "extraction found no messages at all: check babel.cfg"
    return found


def _catalog(lang: str):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


@pytest.fixture(scope="module", params=LANGS)
def catalog(request):
    return request.param, _catalog(request.param)


def _messages(cat):
    return [m for m in cat if m.id]


def _strings(value) -> list[str]:
    return list(value) if isinstance(value, (tuple, list)) else [value]


def test_sources_use_some_known_strings(extracted):
    # Guards the extraction itself: templates and Python modules are both scanned.
    assert "Join a workshop" in extracted  # templates/join.html
    assert "Connection lost. Reconnecting…" in extracted  # workshops/web/uitext.py
    assert "Wrong password." in extracted  # workshops/web/pages.py


def test_no_msgid_missing_from_catalogue(catalog, extracted):
    lang, cat = catalog
    known = {_key(m.id) for m in _messages(cat)}
    missing = sorted(f"{where}: {msgid!r}" for msgid, where in extracted.items() if msgid not in known)
    assert not missing, f"{lang}: not in the catalogue (run pybabel extract + update):\n" + "\n".join(missing)


def test_no_empty_or_fuzzy_entry(catalog):
    lang, cat = catalog
    assert not cat.fuzzy, f"{lang}: the catalogue header is marked fuzzy"
    bad = []
    for m in _messages(cat):
        if m.fuzzy:
            bad.append(f"fuzzy: {m.id!r}")
        strings = _strings(m.string)
        if m.pluralizable and len(strings) != cat.num_plurals:
            bad.append(f"{len(strings)} plural forms, need {cat.num_plurals}: {m.id!r}")
        if not all(s and s.strip() for s in strings):
            bad.append(f"untranslated: {m.id!r}")
    assert not bad, f"{lang}:\n" + "\n".join(bad)


def test_plural_forms_header(catalog):
    lang, cat = catalog
    assert cat.num_plurals == 2, lang
    assert cat.plural_expr.replace(" ", "") in {"(n!=1)", "n!=1"}, (lang, cat.plural_expr)


def _mo_dict(cat) -> dict:
    # Plural ids and strings come back as lists; make them hashable and comparable.
    return {
        tuple(m.id) if isinstance(m.id, list) else m.id: tuple(m.string) if isinstance(m.string, list) else m.string
        for m in cat
        if m.id
    }


@pytest.mark.parametrize("lang", LANGS)
def test_mo_is_up_to_date(lang):
    po_path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.is_file(), f"{mo_path} is missing: run pybabel compile -d workshops/translations"
    compiled = io.BytesIO()
    write_mo(compiled, _catalog(lang))
    compiled.seek(0)
    expected = _mo_dict(read_mo(compiled))
    with mo_path.open("rb") as f:
        actual = _mo_dict(read_mo(f))
    assert actual == expected, f"{mo_path} is stale: run pybabel compile -d workshops/translations"


def _placeholders(text: str) -> Counter:
    return Counter([f"%({n})" for n in _PERCENT.findall(text)] + [f"{{{n}}}" for n in _BRACE.findall(text)])


def test_placeholders_match(catalog):
    lang, cat = catalog
    bad = []
    for m in _messages(cat):
        ids = _strings(m.id)
        wanted = [_placeholders(i) for i in ids]
        for s in _strings(m.string):
            got = _placeholders(s)
            # A plural form may follow either the singular or the plural msgid.
            if got not in wanted:
                bad.append(f"{m.id!r} -> {s!r}: {dict(got)} vs {[dict(w) for w in wanted]}")
    assert not bad, f"{lang}: placeholders differ:\n" + "\n".join(bad)


def test_help_line_numbers_kept(catalog):
    """The pages' help lines: the line itself comes from content/_shared/apu.yaml ({line}), 112 stays."""
    lang, cat = catalog
    found = [m for m in _messages(cat) if "{line}" in _key(m.id) or "%(line)s" in _key(m.id)]
    assert found, "the help-line messages were found"
    for m in found:
        for s in _strings(m.string):
            assert "{line}" in s or "%(line)s" in s, (lang, s)
            assert "112" in s, (lang, s)
            assert HELP_LINE not in s and HELP_LINE_BY_LANG["sv"] not in s, (lang, s)


@pytest.fixture
def client(tmp_path):
    from workshops.app import create_app

    app = create_app({"DATA_DIR": tmp_path, "TIMER_LOOP": False, "TESTING": True})
    return app.test_client()


def _translated(lang: str, msgid: str) -> str:
    for m in _messages(_catalog(lang)):
        if m.id == msgid:
            return m.string
    raise AssertionError(f"{msgid!r} not in the {lang} catalogue")


def test_join_page_is_finnish_by_default(client):
    fi = _translated("fi", "Join a workshop")
    assert fi != "Join a workshop"
    resp = client.get("/join")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert fi in html
    assert "Join a workshop" not in html
    assert '<html lang="fi">' in html


def test_join_page_in_swedish(client):
    sv = _translated("sv", "Join a workshop")
    assert sv not in {"Join a workshop", _translated("fi", "Join a workshop")}
    resp = client.get("/join?lang=sv")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert sv in html
    assert '<html lang="sv">' in html


def test_join_page_in_english(client):
    html = client.get("/join?lang=en").get_data(as_text=True)
    assert "Join a workshop" in html
