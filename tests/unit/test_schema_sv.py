"""The Swedish pack schema helps a Finland-Swedish author in the editor: the same schema as the
Finnish one, every title, description and ready step's label and description in Swedish from the
table in workshops/packs/schema_sv.py, published as `content/pack.schema.sv.json`,
`/pack.schema.sv.json` and `workshops schema --print-path --lang sv`."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from workshops.activities import REGISTRY
from workshops.cli import main
from workshops.packs import find_pack_dirs
from workshops.packs import schema as schema_module
from workshops.packs.schema import (
    SCHEMA_FILES,
    MissingTranslationError,
    human_texts,
    pack_schema,
    schema_text,
    translated,
)
from workshops.packs.schema_sv import SV
from workshops.packs.yamlsafe import load_yaml

FI_SCHEMA = pack_schema()
SV_SCHEMA = pack_schema("sv")
FI_TEXTS = human_texts(FI_SCHEMA)

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
SV_PATH = CONTENT / SCHEMA_FILES["sv"]
SHIPPED = find_pack_dirs([CONTENT])

# Code in `backticks` and 'quotes' is not prose: field names and values stay as they are.
_CODE = re.compile(r"`[^`]*`|'[^']*'")
# Words of Finnish prose that Swedish never has as a whole word (not "ja": Swedish says "och").
_FINNISH = re.compile(
    r"\b(ja|tai|tämä|tämän|tässä|kenttä|kentän|vaihe|vaiheen|vaiheet|oppilas|oppilaat|oppilaan|ohjaaja|"
    r"ohjaajan|valkokankaalla|puhelimissa|paketin|kansiossa|tunnus|oletus|esim|kun|jos|ei|on|eli|sekä|vain|"
    r"myös|kuva|rasti|rastin|tiimi|hahmo|mittari|lippu)\b",
    re.I,
)


# -- the table -----------------------------------------------------------------------------------------------
def test_every_finnish_text_has_its_swedish() -> None:
    missing = sorted(FI_TEXTS - set(SV))
    assert missing == [], f"translate these in workshops/packs/schema_sv.py: {missing}"
    assert len(FI_TEXTS) >= 300  # the models' descriptions, the titles, the ready steps: fewer means a missed walk


def test_no_entry_of_the_table_is_stale() -> None:
    stale = sorted(set(SV) - FI_TEXTS)
    assert stale == [], f"no text of the schema says these any more: remove or re-key them in schema_sv.py: {stale}"


def test_a_missing_translation_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Vaiheen otsikko valkokankaalla ja ohjaajan aikataulussa"
    assert text in SV
    table = {fi: sv for fi, sv in SV.items() if fi != text}
    with pytest.raises(MissingTranslationError, match=re.escape(repr(text))):
        translated(FI_SCHEMA, table)
    # The CLI and the route build the Swedish schema from the module's table: they fail the same way.
    monkeypatch.setattr(schema_module, "SV", table)
    with pytest.raises(MissingTranslationError, match="1 text"):
        main(["schema", "-o", "-", "--lang", "sv"])


@pytest.mark.parametrize("lang", ["", "se", "en"])
def test_only_finnish_and_swedish_schemas_exist(lang: str) -> None:
    with pytest.raises(ValueError, match="no pack schema"):
        pack_schema(lang)


def test_the_swedish_texts_are_swedish() -> None:
    same = [fi for fi, sv in SV.items() if sv == fi]
    assert same == [], f"these are not translated: {same}"
    finnish = {sv: _FINNISH.findall(_CODE.sub("", sv)) for sv in SV.values()}
    assert {sv: words for sv, words in finnish.items() if words} == {}, "Finnish words in the Swedish texts"


def test_the_finnish_check_can_fail() -> None:
    assert _FINNISH.search("Vaiheen tunnus")
    assert _FINNISH.search("Stegets id ja text")
    assert not _FINNISH.search(_CODE.sub("", "Stegets id, `ja` och 'tai'"))


def test_the_swedish_texts_keep_the_technical_words() -> None:
    """Names and values in `backticks` are what the author writes in the pack: the same in both languages."""
    changed = {
        fi: sv for fi, sv in SV.items() if Counter(re.findall(r"`[^`]*`", fi)) != Counter(re.findall(r"`[^`]*`", sv))
    }
    assert changed == {}


# -- the schema ----------------------------------------------------------------------------------------------
# Keywords whose value maps the names of fields or definitions to schemas.
_NAME_MAPS = {"properties", "patternProperties", "$defs"}
# Keywords whose value is data: sample content and accepted values, never translated.
_DATA = {"examples", "default", "const", "enum", "body", "discriminator"}


def _keywords(path: tuple[str | int, ...]) -> list[str]:
    """The schema keywords along a path: not the names of fields or definitions, nor list positions."""
    keywords: list[str] = []
    a_name = False
    for part in path:
        if isinstance(part, int):
            continue
        if a_name:
            a_name = False
            continue
        keywords.append(part)
        a_name = part in _NAME_MAPS
    return keywords


def _is_text(path: tuple[str | int, ...]) -> bool:
    keywords = _keywords(path)
    if not keywords or _DATA & set(keywords):
        return False
    if keywords[-1] == "label" or (keywords[-1] == "description" and keywords[-2:-1] == ["defaultSnippets"]):
        return keywords[-2:-1] == ["defaultSnippets"]
    return keywords[-1] in ("title", "description")


def _leaves(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, (*path, i))
    else:
        yield path, node


def _differences(fi: Any, sv: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Where two schemas differ: only in leaves, with the same keys in the same order and the same types."""
    assert type(fi) is type(sv), f"{path}: {type(fi).__name__} in Finnish, {type(sv).__name__} in Swedish"
    if isinstance(fi, dict):
        assert list(fi) == list(sv), f"{path}: other keys"
        for key in fi:
            yield from _differences(fi[key], sv[key], (*path, key))
    elif isinstance(fi, list):
        assert len(fi) == len(sv), f"{path}: another length"
        for i, (a, b) in enumerate(zip(fi, sv, strict=True)):
            yield from _differences(a, b, (*path, i))
    elif fi != sv:
        yield path


def test_the_swedish_schema_differs_only_in_its_human_texts() -> None:
    """Same keys, types, enums, patterns, defaults, examples and ready steps' bodies; every text in Swedish."""
    texts = {path for path, value in _leaves(FI_SCHEMA) if _is_text(path) and isinstance(value, str)}
    assert len(texts) >= 400
    differing = set(_differences(FI_SCHEMA, SV_SCHEMA))
    assert sorted(map(str, differing - texts)) == [], "changed where it is not a human text"
    assert sorted(map(str, texts - differing)) == [], "a human text left in Finnish"


def test_a_title_keeps_the_yaml_name_in_brackets() -> None:
    """'Bild (slide)': the name in brackets is what the author writes, in every language."""
    titles = {v for path, v in _leaves(FI_SCHEMA) if _is_text(path) and _keywords(path)[-1] in ("title", "label")}
    assert len(titles) >= 50
    for title in titles:
        name = re.fullmatch(r".+ (\([^()]+\))", title)
        assert name, title
        assert SV[title].endswith(f" {name.group(1)}"), (title, SV[title])


def test_the_text_types_name_the_languages_in_swedish() -> None:
    for name in ("Text", "RichText"):
        languages = SV_SCHEMA["$defs"][name]["anyOf"][1]["properties"]
        said = {lang: prop["description"] for lang, prop in languages.items()}
        assert said == {"fi": "På finska", "sv": "På svenska", "en": "På engelska"}
    assert SV_SCHEMA["title"] == "Verkstadspaket (pack.yaml)"


def test_every_ready_step_keeps_its_kind_and_body() -> None:
    snippets = SV_SCHEMA["properties"]["agenda"]["items"]["defaultSnippets"]
    assert [s["body"] for s in snippets] == [kind.snippet["body"] for kind in REGISTRY.values() if kind.snippet]
    for snippet in snippets:
        assert snippet["body"]["kind"] in snippet["label"], snippet["label"]


def test_the_swedish_schema_is_a_valid_json_schema() -> None:
    jsonschema.validators.validator_for(SV_SCHEMA).check_schema(SV_SCHEMA)


@pytest.mark.parametrize("folder", SHIPPED, ids=[p.name for p in SHIPPED])
def test_the_swedish_schema_accepts_the_shipped_pack(folder: Path) -> None:
    data = load_yaml((folder / "pack.yaml").read_bytes()).data
    validator = jsonschema.validators.validator_for(SV_SCHEMA)(SV_SCHEMA)
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
    assert not problems, "\n".join(problems)


# -- the schema published ------------------------------------------------------------------------------------
def test_committed_swedish_schema_is_current() -> None:
    committed = SV_PATH.read_text(encoding="utf-8") if SV_PATH.exists() else ""
    if committed != schema_text("sv"):
        pytest.fail(f"{SV_PATH.relative_to(REPO)} is stale: run `workshops schema`", pytrace=False)
    assert json.loads(committed) == SV_SCHEMA


def test_print_path_names_the_shipped_swedish_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--print-path", "--lang", "sv"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.is_absolute() and path.is_file() and path.name == "pack.schema.sv.json"
    assert main(["schema", "-o", "-", "--lang", "sv"]) == 0
    assert path.read_text(encoding="utf-8") == capsys.readouterr().out


def test_output_with_lang_writes_only_that_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "sv.json"
    assert main(["schema", "-o", str(target), "--lang", "sv"]) == 0
    assert target.read_text(encoding="utf-8") == schema_text("sv")
    assert main(["schema", "--check", "-o", str(target), "--lang", "sv"]) == 0
    assert main(["schema", "--check", "-o", str(target)]) == 1  # the Finnish one is another text
    assert "is stale" in capsys.readouterr().err


def test_check_checks_both_schemas(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--check"]) == 0
    out = capsys.readouterr().out
    assert "pack.schema.json is up to date" in out and "pack.schema.sv.json is up to date" in out


def test_the_kit_serves_the_swedish_schema(client) -> None:
    resp = client.get("/pack.schema.sv.json")
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    assert resp.headers["Cache-Control"] == "no-cache"
    assert resp.get_data(as_text=True) == schema_text("sv")
    assert json.loads(resp.get_data(as_text=True))["$defs"]["Text"]["title"] == "Text (fi, sv, en)"
    assert client.get("/pack.schema.json").get_data(as_text=True) == schema_text()
