"""A phone's page carries the strings its scripts ask for, and not the console's own."""

from __future__ import annotations

import re
from pathlib import Path

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
