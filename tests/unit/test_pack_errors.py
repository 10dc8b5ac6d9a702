"""Golden files of the messages `workshops check` gives content authors.

Every folder under tests/packs/bad/ is a small pack with one thing wrong (the
folder name is its id) and, per language, an expected.<lang>.txt holding the exact lines
`workshops check -q --lang <lang> tests/packs/bad/<case>` prints, paths relative to the
repo root: Finnish (the default), Swedish and English.

Regenerate after a deliberate change of wording, then read every changed line
as an author who is not a programmer would (where? what is wrong? what to write?):

    UPDATE_GOLDEN=1 python -m pytest tests/unit/test_pack_errors.py
    git diff tests/packs/bad

`{kinds}` in a golden file stands for the registry's kinds as the loader lists them, so
registering a kind changes no golden file.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest

from workshops.activities import REGISTRY
from workshops.cli import main
from workshops.packs import find_pack_dirs, load_pack

REPO = Path(__file__).resolve().parents[2]
BAD = Path("tests/packs/bad")  # relative: the messages name files the way authors see them
CASES = sorted(p.name for p in (REPO / BAD).iterdir() if (p / "pack.yaml").is_file())
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

LANGS = ("fi", "sv", "en")
#: cases whose only problem is a warning: `workshops check` exits 0 for them
WARNING_CASES = {"minutes-mismatch", "lost-line-break", "hash-cuts-text", "barometer-minutes"}
#: cases where the whole file is at fault, so 1:1 is the honest position
WHOLE_FILE_CASES = {"empty-file"}

LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<rest>.+)$")


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def _diff(expected: str, actual: str, name: str) -> str:
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"{name}/expected.<lang>.txt",
            tofile=f"{name} (actual)",
        )
    )


KINDS = ", ".join(REGISTRY)


def _golden(case: str, lang: str) -> Path:
    return REPO / BAD / case / f"expected.{lang}.txt"


def _expected(case: str, lang: str = "fi") -> str:
    return _golden(case, lang).read_text(encoding="utf-8").replace("{kinds}", KINDS)


def _check_golden(case: str, actual: str, lang: str) -> None:
    golden = _golden(case, lang)
    if UPDATE:
        golden.write_text(actual.replace(KINDS, "{kinds}"), encoding="utf-8")
        return
    assert golden.is_file(), f"{golden} is missing: run UPDATE_GOLDEN=1 pytest {__file__}"
    expected = _expected(case, lang)
    if actual != expected:
        pytest.fail(f"messages for {case} changed:\n{_diff(expected, actual, str(BAD / case))}", pytrace=False)


def _skip_if_case_insensitive(case: str) -> None:
    if case == "image-wrong-case" and (REPO / BAD / case / "KUVA.SVG").exists():
        pytest.skip("the file system ignores case, so Kuva.svg is found")


def test_there_are_cases() -> None:
    assert len(CASES) >= 19


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", CASES)
def test_loader_messages(case: str, lang: str) -> None:
    _skip_if_case_insensitive(case)
    result = load_pack(BAD / case)
    actual = "".join(p.format(lang) + "\n" for p in result.problems)
    _check_golden(case, actual, lang)
    assert result.problems, f"{case}: a bad pack must produce at least one problem"
    if case in WARNING_CASES:
        assert result.ok and not result.errors
    else:
        assert not result.ok and result.errors


#: `workshops check`'s last line on stderr, per language
SUMMARY = {
    "fi": r"virheitä \d+, varoituksia \d+, paketteja 1",
    "sv": r"fel: \d+, varningar: \d+, paket: 1",
    "en": r"\d+ error\(s\), \d+ warning\(s\) in 1 pack\(s\)",
}


@pytest.fixture
def no_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine whose locale names no language of the kit: the check speaks Finnish."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_locale")
@pytest.mark.parametrize(
    ("case", "args", "lang"), [(c, [], "fi") for c in CASES] + [(c, ["--lang", "sv"], "sv") for c in CASES]
)
def test_cli_prints_the_golden_lines(case: str, args: list[str], lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    _skip_if_case_insensitive(case)
    code = main(["check", "-q", *args, str(BAD / case)])
    out, err = capsys.readouterr()
    expected = _expected(case, lang)
    if out != expected:
        pytest.fail(f"`workshops check` printed other lines for {case}:\n{_diff(expected, out, str(BAD / case))}")
    assert code == (0 if case in WARNING_CASES else 1)
    assert re.search(SUMMARY[lang], err)


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({}, "fi"),
        ({"LANG": "C.UTF-8"}, "fi"),
        ({"LANG": "sv_FI.UTF-8"}, "sv"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "fi"),
        ({"LANGUAGE": "sv:fi", "LANG": "en_US.UTF-8"}, "sv"),
        ({"LC_ALL": "fi_FI.UTF-8", "LANG": "en_US.UTF-8"}, "fi"),
        ({"LC_MESSAGES": "en_US.UTF-8", "LANG": "sv_SE.UTF-8"}, "en"),
    ],
)
def test_the_language_follows_the_locale(environ: dict[str, str], lang: str) -> None:
    from workshops.packs.messages import choose_language

    assert choose_language(None, environ) == lang
    assert choose_language("en", environ) == "en"


def test_the_locale_picks_the_language_of_the_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    main(["check", "-q", str(BAD / "duplicate-key")])
    assert capsys.readouterr().out == _expected("duplicate-key", "en")


def test_cli_ok_line_after_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--lang", "en", str(BAD / "minutes-mismatch")])
    out, _ = capsys.readouterr()
    assert code == 0
    assert out.splitlines()[-1] == "ok: tests/packs/bad/minutes-mismatch/pack.yaml (2 steps)"


def test_cli_checks_several_packs_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "-q", "--lang", "en", str(BAD / "duplicate-key"), str(BAD / "minutes-mismatch")])
    out, err = capsys.readouterr()
    assert code == 1
    assert len(out.splitlines()) == 2
    assert "1 error(s), 1 warning(s) in 2 pack(s)" in err


@pytest.mark.parametrize("case", CASES)
def test_every_message_is_located(case: str) -> None:
    """Each line names the file, a line and a column inside the file, and says something."""
    _skip_if_case_insensitive(case)
    text = (REPO / BAD / case / "pack.yaml").read_bytes()
    lines = text.count(b"\n") + 1
    for problem in load_pack(BAD / case).problems:
        m = LINE.match(problem.format())
        assert m, problem.format()
        assert m["file"] == f"tests/packs/bad/{case}/pack.yaml"
        assert 1 <= int(m["line"]) <= lines
        if case not in WHOLE_FILE_CASES:
            # line 1 is the schema comment: a position there means "somewhere in the file"
            assert int(m["line"]) > 1, f"{case}: {problem.format()} does not point at the offending text"
        assert len(problem.message) > 20


def test_the_golden_files_are_all_used() -> None:
    stray = [p.parent.name for p in (REPO / BAD).glob("*/expected*.txt") if p.parent.name not in CASES]
    assert not stray
    old = [p.parent.name for p in (REPO / BAD).glob("*/expected.txt")]
    assert not old, "golden files are per language now: expected.fi.txt, expected.sv.txt, expected.en.txt"


SHIPPED = find_pack_dirs([REPO / "content"])


@pytest.mark.parametrize("folder", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_packs_have_no_errors(folder: Path) -> None:
    result = load_pack(folder)
    assert not result.errors, "\n".join(p.format() for p in result.problems)
    assert result.ok


def test_some_pack_is_shipped() -> None:
    assert SHIPPED


def test_a_field_named_like_its_kind_is_located_in_the_yaml() -> None:
    """pydantic's location holds the step's kind tag before its fields: a field of the same
    name (a kind `pairs` with a `pairs:` list) must still be followed into the YAML."""
    from workshops.packs.loader import _data_path

    data = {"agenda": [{"kind": "pairs", "pairs": [{"id": "a"}, {"id": "b", "left": 1}]}]}
    path, _branch = _data_path(("agenda", 0, "pairs", "pairs", 1, "left"), data)
    assert path == ("agenda", 0, "pairs", 1, "left")
