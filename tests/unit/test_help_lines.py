"""Help lines a school nurse would sign: in Swedish, Barn- och ungdomstelefonen 0800 96 116.

Lasten ja nuorten puhelin 116 111 answers in Finnish; a Swedish text may name it only beside the
Swedish line. (Issue #17 item 4: the single place for help lines is still to come.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PACKS = sorted(p.parent for p in (ROOT / "content").glob("*/pack.yaml"))
SWEDISH_LINE = "0800 96 116"


def swedish_texts(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every Swedish text of a pack's YAML, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "sv" and isinstance(value, str):
                yield where, value
            else:
                yield from swedish_texts(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from swedish_texts(item, f"{where}[{i}]")


@pytest.mark.parametrize("folder", PACKS, ids=[p.name for p in PACKS])
def test_no_swedish_text_gives_the_finnish_line_as_the_swedish_one(folder):
    data = yaml.safe_load((folder / "pack.yaml").read_text(encoding="utf-8"))
    wrong = [
        where
        for where, text in swedish_texts(data)
        if ("116 111" in text or "ungdomstelefon" in text.lower()) and SWEDISH_LINE not in text
    ]
    assert wrong == [], f"name Barn- och ungdomstelefonen {SWEDISH_LINE} in these Swedish texts"


def test_the_pages_take_the_line_from_the_shared_help_lines():
    """No catalogue names a line's number: the pages fill it in from content/_shared/apu.yaml."""
    for lang in ("fi", "sv", "en"):
        with open(ROOT / f"workshops/translations/{lang}/LC_MESSAGES/messages.po", "rb") as f:
            catalogue = read_po(f)
        named = [m.id for m in catalogue if m.id and re.search(r"116 111|0800 96 116", str(m.string))]
        assert named == [], f"{lang}: write {{line}} or %(line)s instead of the number: {named}"
