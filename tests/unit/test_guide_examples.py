"""The authors' guides' examples of whole packs and of stations steps pass `workshops check`.

Section 10 of content/OHJE.md and content/HANDLEDNING.md (shared pieces, help lines, the
session's choices, adults) ends with a whole pack; the stations section's "own questions" has
a stations step. An author copies them, so they must work as written.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml

from workshops.packs import load_pack

ROOT = Path(__file__).resolve().parents[2]
GUIDES = ["OHJE.md", "HANDLEDNING.md"]
LANGUAGE = {"OHJE.md": "fi", "HANDLEDNING.md": "sv"}


def _yaml_blocks(guide: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", (ROOT / "content" / guide).read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("guide", GUIDES)
def test_the_whole_pack_examples_pass_the_check(tmp_path: Path, guide: str) -> None:
    packs = [b for b in _yaml_blocks(guide) if b.startswith("id:") and "agenda:" in b]
    assert packs, "the guide has a whole pack as an example"
    for example in packs:
        ident = yaml.safe_load(example)["id"]
        (tmp_path / ident).mkdir()
        (tmp_path / ident / "pack.yaml").write_text(example, encoding="utf-8")
        result = load_pack(tmp_path / ident)
        assert result.ok and result.problems == [], [p.format() for p in result.problems]


@pytest.mark.parametrize("guide", GUIDES)
def test_the_stations_examples_with_their_own_questions_pass_the_check(tmp_path: Path, guide: str) -> None:
    steps = [b for b in _yaml_blocks(guide) if "kind: stations" in b and "prompts:" in b]
    assert steps, "the guide shows a stations step with its own questions"
    for n, example in enumerate(steps):
        parsed = yaml.safe_load(example)
        step = parsed[0] if isinstance(parsed, list) else parsed
        body = example if isinstance(parsed, list) else "- " + textwrap.indent(example, "  ")[2:]
        folder = tmp_path / f"rastit-{n}"
        folder.mkdir()
        (folder / "pack.yaml").write_text(
            f"id: rastit-{n}\ntitle: Rastit\naudience: {{min_age: 13, max_age: 15}}\n"
            f"minutes: {step.get('minutes', 0)}\nlanguage: {LANGUAGE[guide]}\nagenda:\n" + textwrap.indent(body, "  "),
            encoding="utf-8",
        )
        result = load_pack(folder)
        assert result.ok and not result.errors, [p.format() for p in result.problems]
