"""The authors' guides' sections on formatted text (content/OHJE.md, content/HANDLEDNING.md):
their example passes `workshops check` without a warning and shows every part of the grammar,
and the warning they explain is the one the check really prints (a golden line)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml

from workshops.activities.richtext import parse
from workshops.packs import load_pack

ROOT = Path(__file__).resolve().parents[2]
GUIDES = [("OHJE.md", "### Muotoiltu teksti", "fi"), ("HANDLEDNING.md", "### Formaterad text", "sv")]
IDS = [g[0] for g in GUIDES]


def _section(guide: str, heading: str) -> str:
    text = (ROOT / "content" / guide).read_text(encoding="utf-8")
    start = text.index(f"\n{heading}\n")
    end = re.compile(r"\n#{2,3} ").search(text, start + 1)
    return text[start : end.start() if end else len(text)]


def _blocks(section: str, lang: str) -> list[str]:
    return [body for kind, body in re.findall(r"```(\w+)\n(.*?)```", section, re.S) if kind == lang]


@pytest.mark.parametrize(("guide", "heading", "lang"), GUIDES, ids=IDS)
def test_the_example_passes_the_check_without_a_warning(tmp_path: Path, guide: str, heading: str, lang: str) -> None:
    [example] = _blocks(_section(guide, heading), "yaml")
    [step] = yaml.safe_load(example)
    folder = tmp_path / "esimerkki"
    folder.mkdir()
    (folder / "pack.yaml").write_text(
        f"id: esimerkki\ntitle: Esimerkki\nlanguage: {lang}\naudience: {{min_age: 9, max_age: 12}}\n"
        f"minutes: {step['minutes']}\nagenda:\n" + textwrap.indent(example, "  "),
        encoding="utf-8",
    )
    result = load_pack(folder)
    assert result.ok and result.problems == [], [p.format() for p in result.problems]
    # The example shows every part of the grammar.
    blocks = parse(step["text"])
    assert [b.kind for b in blocks] == ["paragraph", "paragraph", "bullets", "paragraph", "numbers"]
    styles = {s.style for b in blocks for item in b.items for s in item}
    assert styles == {"text", "strong", "em"}
    assert [b.kind for b in parse(step["notes"])] == ["paragraph", "paragraph"]


@pytest.mark.parametrize(("guide", "heading", "lang"), GUIDES, ids=IDS)
def test_the_warning_explained_is_what_the_check_prints(guide: str, heading: str, lang: str) -> None:
    golden = {
        line
        for f in (ROOT / "tests" / "packs" / "bad").glob(f"*/expected.{lang}.txt")
        for line in f.read_text("utf-8").splitlines()
    }
    quoted = [line for body in _blocks(_section(guide, heading), "text") for line in body.splitlines() if line]
    assert quoted, f"{guide} quotes no warning"
    assert [line for line in quoted if line not in golden] == []
