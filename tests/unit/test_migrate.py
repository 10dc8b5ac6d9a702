"""`workshops migrate`: a stations pack written before prompts existed keeps what it showed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workshops.cli import main
from workshops.packs import load_pack
from workshops.packs.migrate import LEGACY_PROMPTS, migrate_text

ROOT = Path(__file__).resolve().parents[2]
JAMAKKYYTTA = ROOT / "content" / "jamakkyytta"


def _without_prompts(folder: Path) -> None:
    """Turn the shipped stations pack back into one of the time before `prompts:` (git: 304b217)."""
    text = (folder / "pack.yaml").read_text(encoding="utf-8")
    start = text.index("\n    prompts:\n")
    end = text.index("\n    ways:\n", start)
    (folder / "pack.yaml").write_text(text[:start] + text[end:], encoding="utf-8")


def test_an_old_stations_pack_gets_back_its_refusal_words_and_two_ratings(tmp_path, capsys):
    folder = tmp_path / "jamakkyytta"
    shutil.copytree(JAMAKKYYTTA, folder)
    _without_prompts(folder)
    old = load_pack(folder).pack
    step = next(s for s in old.agenda if s.kind == "stations")
    assert step.prompts is None or step.prompts.rate_second is None  # before: one rating, neutral words

    assert main(["migrate", str(folder)]) == 0
    assert "stations step" in capsys.readouterr().out
    result = load_pack(folder)
    assert result.ok, [p.format() for p in result.problems]
    prompts = next(s for s in result.pack.agenda if s.kind == "stations").prompts
    assert prompts.rate_second == {lang: LEGACY_PROMPTS["rate_second"][lang] for lang in ("fi", "sv")}
    assert prompts.ways["sv"] == LEGACY_PROMPTS["ways"]["sv"]
    # The comments and the rest of the file are as they were.
    text = (folder / "pack.yaml").read_text(encoding="utf-8")
    assert text.startswith((JAMAKKYYTTA / "pack.yaml").read_text(encoding="utf-8").split("agenda:")[0])

    assert main(["migrate", str(folder)]) == 0  # a second run changes nothing
    assert (folder / "pack.yaml").read_text(encoding="utf-8") == text


def test_a_pack_with_prompts_or_without_stations_is_left_alone():
    for pack in ("jamakkyytta", "esittely"):
        text = (ROOT / "content" / pack / "pack.yaml").read_text(encoding="utf-8")
        assert migrate_text(text) == (text, [])


def test_the_shipped_packs_need_no_migration():
    for folder in sorted((ROOT / "content").glob("*/pack.yaml")):
        text = folder.read_text(encoding="utf-8")
        assert migrate_text(text)[1] == [], folder.parent.name


STATIONS_FIRST = """\
id: rastit
title: Rastit
audience: {min_age: 14, max_age: 15}
minutes: 10
agenda:
  - id: alku
    kind: slide
    title: Alku
  - stations:
      - id: a
        title: A
        scenario: Tilanne.
        tasks: [line]
    id: rastit
    kind: stations
    title: Rastit
"""


@pytest.mark.parametrize(
    "text",
    [STATIONS_FIRST, STATIONS_FIRST.replace("    kind: stations\n", "    kind: stations\n    {broken\n")],
    ids=["a step that starts with stations:", "a file that no longer parses"],
)
def test_a_step_the_migration_cannot_edit_safely_leaves_the_file_as_it_was(tmp_path, text, capsys):
    folder = tmp_path / "rastit"
    folder.mkdir()
    (folder / "pack.yaml").write_text(text, encoding="utf-8")
    assert main(["migrate", str(folder)]) == 1
    assert (folder / "pack.yaml").read_text(encoding="utf-8") == text
    assert "not migrated" in capsys.readouterr().err
