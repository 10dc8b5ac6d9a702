"""The catalogue of `workshops check`'s messages: complete in fi, sv and en, and used for every check."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from workshops.activities import AUTHOR_CHECKS
from workshops.packs import load_pack
from workshops.packs.messages import LANGUAGES, MESSAGES, ByLang, Lang, Msg, render, text

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "packs" / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if (p / "pack.yaml").is_file())

CATALOGUE = {code: says for code, says in MESSAGES.items()} | {c: check.says for c, check in AUTHOR_CHECKS.items()}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_language_has_the_message_with_the_same_values(code: str) -> None:
    says = CATALOGUE[code]
    fields = {lang: _fields(says.get(lang)) for lang in LANGUAGES}
    assert fields["fi"] == fields["sv"] == fields["en"], fields
    for lang in LANGUAGES:
        says.get(lang).format(**{name: "X" for name in fields[lang]})  # a lone { or } would raise here
    if code not in {"value.other", "lang.with_code"}:
        assert says.fi != says.en, f"{code}: the Finnish text is the English one"


def _error_types() -> set[str]:
    """Every error type the pack models raise for an author (PydanticCustomError, keyed unions)."""
    found: set[str] = set()
    for path in (ROOT / "workshops").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'PydanticCustomError\(\s*"(\w+)"', source))
        found |= {f"unknown_{k}" for k in re.findall(r'_known\("(\w+)"\)', source)}
        found |= {f"unknown_{k}" for k in re.findall(r'_keyed_union\(\s*"(\w+)"', source)}
    return found


def test_the_scan_finds_the_models_checks() -> None:
    assert {"id_reused", "unknown_node", "unknown_meter", "unknown_effect", "ways_missing"} <= _error_types()


@pytest.mark.parametrize("code", sorted(_error_types()))
def test_every_check_of_the_models_is_worded_in_the_catalogue(code: str) -> None:
    for lang in LANGUAGES:
        assert text(code, lang)


@pytest.mark.parametrize("case", CASES)
def test_every_problem_is_a_catalogue_message(case: str) -> None:
    problems = load_pack(BAD.relative_to(ROOT) / case if Path.cwd() == ROOT else BAD / case).problems
    assert problems
    for problem in problems:
        assert isinstance(problem.message, Msg), problem.format()
        assert problem.text("fi") != problem.text("en"), problem.format()


def test_a_message_renders_its_values_in_its_own_language() -> None:
    said = Msg("missing_translation_one", name=Lang("sv"), lang="sv")
    assert said == "missing translation: Swedish (sv); add a line `sv: ...` to this text"
    assert said.render("fi") == "käännös puuttuu: ruotsi (sv); lisää tähän tekstiin rivi `sv: ...`"
    assert said.render("sv").startswith("översättning saknas: svenska (sv)")
    nested = Msg("value.expected", expected=Msg("expect.int"), got=Msg("got.number", number=5), hint=ByLang(fi="!"))
    assert nested.render("fi") == "tähän kuuluu kokonaisluku, nyt on luku 5!"
    assert nested.render("en") == "expected a whole number, got the number 5"
    assert render("plain text", "fi") == "plain text"


def test_a_message_survives_copying() -> None:
    import copy
    import pickle

    said = Msg("id.invalid", value="Alku", example=Msg("id.example", slug="alku"))
    for twin in (copy.deepcopy(said), pickle.loads(pickle.dumps(said))):
        assert isinstance(twin, Msg)
        assert twin.render("sv") == said.render("sv")


@pytest.mark.parametrize(
    "case",
    [
        "colon-in-text",
        "colon-on-next-line",
        "quote-inside-quotes",
        "apostrophe-inside-quotes",
        "missing-dash-at-list",
        "tab-indent",
        "syntax-error",
    ],
)
def test_a_big_file_gets_the_same_explanation(case: str, tmp_path: Path) -> None:
    """Shipped packs are 30-150 kB: a mistake in one is explained as in a small file, at its own line."""
    source = (BAD / case / "pack.yaml").read_text(encoding="utf-8").split("\n")
    padding = [f"# {'täytettä ' * 10}{n}" for n in range(600)]  # about 60 kB of comments
    folder = tmp_path / case
    folder.mkdir()
    (folder / "pack.yaml").write_text("\n".join(source[:1] + padding + source[1:]), encoding="utf-8")
    assert (folder / "pack.yaml").stat().st_size > 60_000
    small, big = load_pack(BAD / case).problems, load_pack(folder).problems
    said = [(p.line + len(padding), p.col, re.sub(r"\d+", "N", p.text("fi"))) for p in small]  # line numbers in it
    assert said == [(p.line, p.col, re.sub(r"\d+", "N", p.text("fi"))) for p in big]


@pytest.mark.parametrize(("guide", "lang"), [("OHJE.md", "fi"), ("HANDLEDNING.md", "sv")])
def test_the_guides_quote_the_check_as_it_speaks(guide: str, lang: str) -> None:
    """Each line a guide quotes from `workshops check` is a line it prints, in the guide's language."""
    golden = {line for f in BAD.glob(f"*/expected.{lang}.txt") for line in f.read_text("utf-8").splitlines()}
    text = (ROOT / "content" / guide).read_text(encoding="utf-8")
    quoted = [line for line in text.splitlines() if line.startswith("tests/packs/bad/")]
    assert len(quoted) >= 3
    assert [line for line in quoted if line not in golden] == []
