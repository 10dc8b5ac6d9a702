"""Every refusal the server can send has a translated text, so no one reads raw English codes."""

from __future__ import annotations

import re
from pathlib import Path

from workshops.app import create_app
from workshops.web.uitext import ui_strings

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r'(?:Rejected|_refusal|_error|NicknameError)\(\s*"([a-z_]+)"')


def test_every_refusal_code_has_a_ui_text(tmp_path):
    codes = {m for f in (ROOT / "workshops").rglob("*.py") for m in CODE.findall(f.read_text(encoding="utf-8"))}
    assert len(codes) > 40  # the scan found the rules' refusals
    app = create_app({"DATA_DIR": tmp_path, "TIMER_LOOP": False, "TESTING": True})
    with app.test_request_context("/?lang=fi"):
        strings = ui_strings()
    missing = sorted(c for c in codes if f"err_{c}" not in strings)
    assert missing == [], "add err_<code> texts to workshops/web/uitext.py: " + ", ".join(missing)
