"""Help lines a school nurse would sign, kept in one place the organisation updates.

The lines live in content/_shared/apu.yaml; packs name them with {apu} and {apu.<id>}, the pages
with {line}. In Swedish the line is Barn- och ungdomstelefonen 0800 96 116; Lasten ja nuorten
puhelin 116 111 answers in Finnish. Neither is open around the clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.pofile import read_po

from workshops.packs import load_pack
from workshops.packs.shared import strings

ROOT = Path(__file__).resolve().parents[2]
PACKS = sorted(p.parent for p in (ROOT / "content").glob("*/pack.yaml"))
SWEDISH_LINE = "0800 96 116"
NUMBERS = re.compile(r"116 ?111|0800 ?96 ?116")  # a number as it is written (an id like n116111 too)
#: "always" said of a help line; 112 is the one number that does answer around the clock
ALWAYS = re.compile(r"\b(aina|alltid|always|ympäri vuorokauden|dygnet runt|around the clock)\b", re.I)


def swedish_texts(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every Swedish text of a pack's data, with where it is."""
    for path, lang, text in strings(node, "fi"):
        if lang == "sv":
            yield ".".join(map(str, path)), text


@pytest.mark.parametrize("folder", PACKS, ids=[p.name for p in PACKS])
def test_no_swedish_text_gives_the_finnish_line_as_the_swedish_one(folder):
    pack = load_pack(folder).pack
    data = pack.model_dump(mode="json", exclude_none=True)
    wrong = [
        where
        for where, text in swedish_texts(data)
        if ("116 111" in text or "ungdomstelefon" in text.lower()) and SWEDISH_LINE not in text
    ]
    assert wrong == [], f"name Barn- och ungdomstelefonen {SWEDISH_LINE} in these Swedish texts"


@pytest.mark.parametrize("folder", PACKS, ids=[p.name for p in PACKS])
def test_a_pack_names_help_lines_only_through_the_shared_help_lines(folder):
    """A number written into a pack goes stale when the organisation's line changes: write {apu…}."""
    raw = (folder / "pack.yaml").read_text(encoding="utf-8")
    found = [f"line {raw[: m.start()].count(chr(10)) + 1}: {m.group(0)}" for m in NUMBERS.finditer(raw)]
    assert found == [], "write {apu.puhelin} (or {apu}) instead of the number"


@pytest.mark.parametrize("folder", PACKS, ids=[p.name for p in PACKS])
def test_every_pack_names_help_from_the_shared_help_lines(folder):
    """Each pack has a step that names help through {apu} or {apu.<id>} (or includes apu-dia)."""
    data = yaml.safe_load((folder / "pack.yaml").read_text(encoding="utf-8"))
    helped = [
        step.get("id") or step.get("include")
        for step in data["agenda"]
        if step.get("include") == "apu-dia" or any("{apu" in text for _p, _l, text in strings(step, "fi"))
    ]
    assert helped, "end the pack with `- include: apu-dia`, or a slide whose text has {apu}"


def test_the_shared_help_lines_name_the_swedish_line_in_swedish_and_never_promise_always():
    data = yaml.safe_load((ROOT / "content" / "_shared" / "apu.yaml").read_text(encoding="utf-8"))
    phone = next(line for line in data["lines"] if line["id"] == "puhelin")
    assert phone["text"]["sv"] == f"Barn- och ungdomstelefonen {SWEDISH_LINE}"
    assert phone["text"]["fi"] == "Lasten ja nuorten puhelin 116 111"
    chat = next(line for line in data["lines"] if line["id"] == "chat")
    assert "nuortennetti" in chat["text"]["fi"].lower()
    for line in data["lines"]:
        if line["id"] == "hata":
            continue
        for lang, text in {**line["text"], **line.get("note", {})}.items():
            negated = r"\b(ei|inte|not)\b[^.]*"
            claims = [
                m.group(0) for m in ALWAYS.finditer(text) if not re.search(negated + re.escape(m.group(0)), text, re.I)
            ]
            assert claims == [], f"{line['id']}.{lang}: {text}"


def test_the_pages_take_the_line_from_the_shared_help_lines():
    """No catalogue names a line's number: the pages fill it in from content/_shared/apu.yaml."""
    for lang in ("fi", "sv", "en"):
        with open(ROOT / f"workshops/translations/{lang}/LC_MESSAGES/messages.po", "rb") as f:
            catalogue = read_po(f)
        named = [m.id for m in catalogue if m.id and NUMBERS.search(str(m.string))]
        assert named == [], f"{lang}: write {{line}} or %(line)s instead of the number: {named}"
