"""A phone's page carries the strings its scripts ask for, and not the console's own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workshops.app import create_app
from workshops.web.uitext import CONSOLE_ONLY, kit_strings

ROOT = Path(__file__).resolve().parents[2]
#: every script a phone runs: its page, the kinds' renderers (shared with the console) and the libraries
PHONE_SCRIPTS = [ROOT / "static/js/play.js", ROOT / "static/js/lib.js", ROOT / "static/js/rich.js"] + sorted(
    (ROOT / "static/js/kinds").glob("*.js")
)
ASKED = re.compile(r"""\bt\(\s*["']([a-z_]+)["']""")


def test_no_script_a_phone_runs_asks_for_a_console_only_string():
    asked = {key for f in PHONE_SCRIPTS for key in ASKED.findall(f.read_text(encoding="utf-8"))}
    assert len(asked) > 50  # the scan found the phone's strings
    assert sorted(asked & CONSOLE_ONLY) == []


def test_every_console_only_string_is_a_string_of_the_kit(tmp_path):
    app = create_app({"DATA_DIR": tmp_path, "TIMER_LOOP": False, "TESTING": True})
    with app.test_request_context("/"):
        assert sorted(CONSOLE_ONLY - set(kit_strings())) == []


IMPORT = re.compile(r"""import\s[^"']*?["']([^"']+)["']""")
DYNAMIC_ERRORS = re.compile(r"errorText\(")
SHIPPED = sorted(p.parent.name for p in (ROOT / "content").glob("*/pack.yaml"))


def _modules(start: Path, seen: set[Path]) -> set[Path]:
    """A module and every module it imports statically, each once."""
    if start in seen or not start.is_file():
        return seen
    seen.add(start)
    for target in IMPORT.findall(start.read_text(encoding="utf-8")):
        if target.startswith("."):
            _modules((start.parent / target).resolve(), seen)
    return seen


@pytest.mark.parametrize("pack_id", SHIPPED)
def test_a_phone_page_carries_every_string_its_scripts_ask_for(tmp_path, pack_id):
    """The phone page sends only its pack's kinds' strings: each key its modules ask for is there."""
    from workshops.packs import load_pack
    from workshops.web.kinds import pack_kinds
    from workshops.web.uitext import phone_strings

    pack = load_pack(ROOT / "content" / pack_id).pack
    kinds = pack_kinds(pack)
    modules: set[Path] = set()
    for start in [ROOT / "static/js/play.js", *(ROOT / f"static/js/kinds/{k}.js" for k in kinds)]:
        _modules(start.resolve(), modules)
    asked = {key for f in modules for key in ASKED.findall(f.read_text(encoding="utf-8"))}
    app = create_app({"DATA_DIR": tmp_path, "TIMER_LOOP": False, "TESTING": True})
    for lang in ("fi", "sv"):
        with app.test_request_context(f"/?lang={lang}"):
            sent = phone_strings(pack.audience.adults, kinds)
        missing = sorted(asked - set(sent) - CONSOLE_ONLY)  # scan.js: the console's card scanner
        assert missing == [], f"{pack_id} ({lang}): the phone page lacks {missing}"
