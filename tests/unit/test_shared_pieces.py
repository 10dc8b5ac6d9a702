"""Shared pieces (`include:`), the shared help lines (`{apu}`), placeholders and a session's setup."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workshops.packs import load_pack
from workshops.packs.setup import Setup, SetupError, clean_value, prepare
from workshops.packs.shared import HelpLines, fill, load_help

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "packs" / "good" / "miniilta"
SHIPPED_HELP = ROOT / "content" / "_shared"


@pytest.fixture
def mini():
    result = load_pack(MINI)
    assert result.ok, [p.format() for p in result.problems]
    return result.pack


def _step(pack, step_id):
    return next(s for s in pack.agenda if s.id == step_id)


def test_an_included_step_and_option_come_from_the_shared_folder(mini):
    help_slide = _step(mini, "mista-apua")
    assert help_slide.kind == "slide"
    assert [o.id for o in _step(mini, "uni").options] == ["ennen9", "jalkeen9", "eos"]
    assert _step(mini, "uni").options[2].text["sv"] == "Vet inte"


def test_the_help_list_is_filled_in_each_language_from_the_shared_help_lines(mini):
    text = _step(mini, "mista-apua").text
    assert "Lasten ja nuorten puhelin 116 111" in text["fi"]
    assert "**Barn- och ungdomstelefonen 0800 96 116**" in text["sv"]
    assert "nuortennetti.fi" in text["fi"] and "nuortennetti.fi" in text["sv"]
    assert "{apu" not in text["fi"] + text["sv"]
    phone = _step(mini, "mista-apua").phone
    assert phone["sv"].startswith("Hjälp finns: Barn- och ungdomstelefonen 0800 96 116.")


def test_changing_the_help_file_changes_every_pack_that_names_it(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(MINI, content / "miniilta")
    shutil.copytree(SHIPPED_HELP, content / "_shared")
    help_file = content / "_shared" / "apu.yaml"
    help_file.write_text(help_file.read_text(encoding="utf-8").replace("0800 96 116", "0800 00 000"), encoding="utf-8")
    pack = load_pack(content / "miniilta").pack
    assert "0800 00 000" in _step(pack, "mista-apua").text["sv"]
    assert "0800 96 116" not in _step(pack, "mista-apua").text["sv"]


def test_a_problem_inside_a_shared_piece_points_into_the_piece(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(MINI, content / "miniilta")
    (content / "_shared").mkdir()
    shutil.copy(SHIPPED_HELP / "apu.yaml", content / "_shared")
    shutil.copy(SHIPPED_HELP / "apu-dia.yaml", content / "_shared")
    (content / "_shared" / "en-osaa-sanoa.yaml").write_text("id: eos\ntext:\n  fi: En osaa sanoa\n", encoding="utf-8")
    problems = load_pack(content / "miniilta").problems
    assert [(Path(p.file).name, p.line) for p in problems] == [("en-osaa-sanoa.yaml", 3)], problems
    assert "missing translation: Swedish (sv)" in problems[0].message


def test_a_piece_that_includes_itself_is_refused_not_followed_forever(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(MINI, content / "miniilta")
    shutil.copytree(SHIPPED_HELP, content / "_shared")
    (content / "_shared" / "en-osaa-sanoa.yaml").write_text("include: en-osaa-sanoa\n", encoding="utf-8")
    problems = load_pack(content / "miniilta").problems
    assert len(problems) == 1 and "loop" in problems[0].message, problems


def test_a_broken_help_file_is_named_with_its_line(tmp_path):
    (tmp_path / "apu.yaml").write_text(
        "lines:\n  - id: puhelin\n    text: 116 111\n    hours: 24/7\n", encoding="utf-8"
    )
    problem = load_help([tmp_path])
    assert not isinstance(problem, HelpLines)
    assert problem.line == 4 and "hours" in problem.message


def test_fill_replaces_known_names_per_language_and_leaves_the_rest():
    data = {"title": {"fi": "Hei {nimi}!", "sv": "Hej {nimi}!"}, "plain": "{nimi} ja {muu}", "id": "x"}
    names = {("nimi", "fi"): "Kiki", ("nimi", "sv"): "Kicki"}
    filled = fill(data, "fi", lambda name, lang: names.get((name, lang)))
    assert filled == {"title": {"fi": "Hei Kiki!", "sv": "Hej Kicki!"}, "plain": "Kiki ja {muu}", "id": "x"}
    assert data["title"]["fi"] == "Hei {nimi}!"  # a copy: the loaded pack stays as it was


# -- a session's setup ---------------------------------------------------------------------


def test_the_session_language_leads_and_the_other_stays_for_phones(mini):
    prepared = prepare(mini, Setup(language="sv"))
    assert prepared.language == "sv" and prepared.translations == ["fi"]
    assert _step(prepared, "loppu").title == {"fi": "Kiitos illasta", "sv": "Tack för kvällen"}


def test_placeholders_take_the_typed_value_or_each_language_s_default(mini):
    typed = prepare(mini, Setup(values={"koulu": "Kallion koulu"}))
    assert _step(typed, "tervetuloa").title == {"fi": "Tervetuloa, Kallion koulu!", "sv": "Välkommen, Kallion koulu!"}
    empty = prepare(mini, Setup(values={"koulu": "   "}))
    assert _step(empty, "tervetuloa").title == {"fi": "Tervetuloa, koulumme!", "sv": "Välkommen, vår skola!"}
    assert typed.placeholders == [] and empty.placeholders == []


def test_optional_steps_can_be_left_out_and_others_cannot(mini):
    shorter = prepare(mini, Setup(leave_out=frozenset({"uni"})))
    assert [s.id for s in shorter.agenda] == ["tervetuloa", "mista-apua", "loppu"]
    assert prepare(mini, Setup(leave_out=frozenset({"loppu"}))) == SetupError("not_optional", "loppu")


def test_a_language_the_pack_is_not_written_in_is_refused(mini):
    assert prepare(mini, Setup(language="en")) == SetupError("unknown_language", "en")


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Kallion koulu", "Kallion koulu"),
        ("  Anna\nVirtanen  ", "Anna Virtanen"),
        ("{apu}", "(apu)"),  # a value never becomes a placeholder of its own
        ("x" * 200, "x" * 100),
    ],
)
def test_a_typed_value_is_one_short_line(typed, kept):
    assert clean_value(typed) == kept


def test_a_setup_with_nothing_to_change_keeps_the_very_same_pack(mini):
    plain = load_pack(ROOT / "content" / "esittely").pack
    assert prepare(plain, Setup()) is plain


def _content_with(tmp_path, piece: str) -> Path:
    content = tmp_path / "content"
    shutil.copytree(MINI, content / "miniilta")
    shutil.copytree(SHIPPED_HELP, content / "_shared")
    (content / "_shared" / "en-osaa-sanoa.yaml").write_text(piece, encoding="utf-8")
    return content


def test_a_piece_that_includes_itself_many_times_is_refused_once_and_quickly(tmp_path):
    import time

    content = _content_with(tmp_path, "".join("- include: en-osaa-sanoa\n" for _ in range(100)))
    started = time.perf_counter()
    problems = load_pack(content / "miniilta").problems
    assert time.perf_counter() - started < 5  # was exponential: 30 lines took 44 s
    assert len(problems) == 1 and "loop" in problems[0].message, [p.format() for p in problems]


def test_the_pieces_of_a_pack_are_held_to_one_pack_file_s_size(tmp_path):
    big = "id: eos\ntext:\n  fi: En osaa sanoa\n  sv: Vet inte\n# " + "x" * 150_000 + "\n"
    content = _content_with(tmp_path, big)
    pack = (content / "miniilta" / "pack.yaml").read_text(encoding="utf-8")
    (content / "miniilta" / "pack.yaml").write_text(
        pack.replace("      - include: en-osaa-sanoa\n", "      - include: en-osaa-sanoa\n" * 2), encoding="utf-8"
    )
    problems = load_pack(content / "miniilta").problems
    assert any("add up to more than 256 kB" in p.message for p in problems), [p.format() for p in problems]


def test_a_symlinked_piece_is_refused_and_not_followed(tmp_path):
    content = _content_with(tmp_path, "id: eos\ntext: x\n")
    outside = tmp_path / "secret.yaml"
    outside.write_text("id: eos\ntext:\n  fi: salaisuus\n  sv: hemlighet\n", encoding="utf-8")
    (content / "_shared" / "en-osaa-sanoa.yaml").unlink()
    (content / "_shared" / "en-osaa-sanoa.yaml").symlink_to(outside)
    problems = load_pack(content / "miniilta").problems
    assert len(problems) == 1 and "symlink" in problems[0].message, [p.format() for p in problems]


def test_the_help_file_is_not_a_piece(tmp_path):
    content = _content_with(tmp_path, "include: apu\n")
    problems = load_pack(content / "miniilta").problems
    assert len(problems) == 1 and "write {apu} in a text" in problems[0].message


def test_a_broken_help_file_fails_only_the_packs_that_name_the_help_lines(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(MINI, content / "miniilta")
    shutil.copytree(ROOT / "tests" / "packs" / "good" / "minitehtavat", content / "minitehtavat")
    shutil.copytree(SHIPPED_HELP, content / "_shared")
    (content / "_shared" / "apu.yaml").write_text("lines: [\n", encoding="utf-8")
    assert load_pack(content / "minitehtavat", [content]).ok
    broken = load_pack(content / "miniilta", [content])
    assert not broken.ok and Path(broken.problems[0].file).name == "apu.yaml"


def test_an_organisation_s_help_file_replaces_the_shipped_one_for_its_packs_and_the_shipped_ones(tmp_path):
    from workshops.config import SHIPPED_CONTENT
    from workshops.packs import PackLibrary

    org = tmp_path / "org"
    (org / "_shared").mkdir(parents=True)
    text = (SHIPPED_HELP / "apu.yaml").read_text(encoding="utf-8").replace("0800 96 116", "0800 00 000")
    (org / "_shared" / "apu.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(MINI, org / "miniilta")
    library = PackLibrary([SHIPPED_CONTENT, org])
    assert library.help_lines().main("sv") == "Barn- och ungdomstelefonen 0800 00 000"
    for pack_id in ("miniilta", "jamakkyytta"):  # the organisation's pack and a shipped one alike
        said = str(library.get(pack_id).model_dump())
        assert "0800 00 000" in said and "0800 96 116" not in said, pack_id
    # A broken edit of the file keeps the last good lines for the pages.
    (org / "_shared" / "apu.yaml").write_text("lines: [\n", encoding="utf-8")
    assert library.help_lines().main("sv") == "Barn- och ungdomstelefonen 0800 00 000"


def test_a_line_break_warning_after_the_help_list_points_at_the_author_s_line(tmp_path):
    """{apu} becomes several lines; a warning further down still names the line the author wrote."""
    folder = tmp_path / "content" / "apulista"
    folder.mkdir(parents=True)
    text = """\
id: apulista
title: Apulista
audience: {min_age: 9, max_age: 12}
minutes: 1
agenda:
  - id: loppu
    kind: slide
    minutes: 1
    title: Loppu
    text: |
      Kiitos tästä päivästä.

      {apu}

      Muista tämä
      ja tämäkin.
"""
    (folder / "pack.yaml").write_text(text, encoding="utf-8")
    [warning] = [p for p in load_pack(folder).problems if p.severity == "warning"]
    assert warning.line == text.splitlines().index("      ja tämäkin.") + 1, warning.format()
