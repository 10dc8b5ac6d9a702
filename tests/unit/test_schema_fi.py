"""The pack schema helps a Finnish author in the editor: Finnish descriptions and examples for
every field, Finnish titles, fi/sv/en as a text's keys, a ready step of every kind, and the
schema published by the kit (`workshops schema --print-path`, `/pack.schema.json`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from workshops.activities import REGISTRY
from workshops.cli import main
from workshops.packs import load_pack
from workshops.packs.schema import pack_schema, schema_text

SCHEMA = pack_schema()
DEFS = SCHEMA["$defs"]

REPO = Path(__file__).resolve().parents[2]
# Code in `backticks`, 'quotes' and **bold** is not prose (field names, values, Markdown shown as written).
_CODE = re.compile(r"`[^`]*`|'[^']*'|\*\*[^*]*\*\*")
# Short English words the vocabulary below leaves out (it counts words of three letters or more).
_SHORT_ENGLISH = re.compile(r"\b(of|is|to|or|by|it|an|be|as|at|in|if|e\.g)\b", re.I)


def _english_words() -> set[str]:
    """The words of the kit's English prose (README, architecture and security docs), code aside."""
    words: set[str] = set()
    for doc in ("README.md", "docs/architecture.md", "docs/security.md"):
        prose = re.sub(r"```.*?```", "", (REPO / doc).read_text(encoding="utf-8"), flags=re.S)
        words |= {w.lower() for w in re.findall(r"[^\W\d_]{3,}", _CODE.sub("", prose))}
    return words


ENGLISH_WORDS = _english_words()


def _finnish(text: str) -> bool:
    """Finnish prose: at most a third of its words are words of the kit's English docs, and no short English word."""
    prose = _CODE.sub("", text)
    words = [w.lower() for w in re.findall(r"[^\W\d_]{3,}", prose)]
    english = [w for w in words if w in ENGLISH_WORDS]
    return bool(words) and len(english) * 3 <= len(words) and not _SHORT_ENGLISH.search(prose)


def _fields() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property of the root and of every $defs entry, named `Model.field`."""
    for name, prop in SCHEMA["properties"].items():
        yield f"Pack.{name}", prop
    for model, entry in DEFS.items():
        for name, prop in entry.get("properties", {}).items():
            yield f"{model}.{name}", prop


FIELDS = list(_fields())


def test_the_finnish_check_can_fail() -> None:
    """The detector refuses English, and mixed English, wording."""
    assert not _finnish("Planned minutes for this step (for the facilitator's timing plan)")
    assert not _finnish("Vaiheen kesto minuutteina, shown on the projector")
    assert not _finnish("")
    assert _finnish("Arvioitu kesto minuutteina. Ohjaajan konsoli näyttää, oletteko aikataulussa")


def test_the_schema_has_all_its_fields() -> None:
    # 208 fields of the pack models and the include piece's one; fewer means the walk missed some.
    assert len(FIELDS) >= 200


@pytest.mark.parametrize(("field", "prop"), FIELDS, ids=[f for f, _ in FIELDS])
def test_every_field_has_a_finnish_description(field: str, prop: dict[str, Any]) -> None:
    description = prop.get("description", "")
    assert _finnish(description), f"{field}: write the description in Finnish (now: {description!r})"


@pytest.mark.parametrize(("field", "prop"), FIELDS, ids=[f for f, _ in FIELDS])
def test_every_field_has_examples_that_fit_it(field: str, prop: dict[str, Any]) -> None:
    examples = prop.get("examples")
    assert examples, f"{field}: give `examples=[...]`"
    validator = jsonschema.Draft202012Validator({"$defs": DEFS, **prop})
    for example in examples:
        problems = [e.message for e in validator.iter_errors(example)]
        assert not problems, f"{field}: the example {example!r} does not fit: {problems}"


@pytest.mark.parametrize("name", list(DEFS))
def test_every_definition_has_a_finnish_title_and_description(name: str) -> None:
    entry = DEFS[name]
    title = entry.get("title", "")
    assert re.fullmatch(r"[^()]+ \([^()]+\)", title), f"$defs/{name}: a title like 'Dia (slide)', not {title!r}"
    assert _finnish(title.split(" (")[0]), title
    assert _finnish(entry.get("description", "")), f"$defs/{name}: describe it in Finnish"


def test_no_name_or_title_shows_a_class_path() -> None:
    titles = [node["title"] for node in _nodes(SCHEMA) if isinstance(node.get("title"), str)]
    for name in [*DEFS, *titles]:
        assert "__" not in name and "workshops." not in name, name
    assert SCHEMA["title"] == "Työpajapaketti (pack.yaml)"


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


@pytest.mark.parametrize("name", ["Text", "RichText"])
def test_a_text_is_a_string_or_fi_sv_en(name: str) -> None:
    text, languages = DEFS[name]["anyOf"]
    assert text["type"] == "string"
    assert languages["type"] == "object"
    assert languages["additionalProperties"] is False and languages["minProperties"] == 1
    said = {lang: prop["description"] for lang, prop in languages["properties"].items()}
    assert said == {"fi": "Suomeksi", "sv": "Ruotsiksi", "en": "Englanniksi"}
    assert all(prop["type"] == "string" and prop["minLength"] == 1 for prop in languages["properties"].values())


def test_every_text_field_refers_to_a_text_type() -> None:
    refs = [node["$ref"] for node in _nodes(SCHEMA) if "$ref" in node]
    assert refs.count("#/$defs/Text") >= 80 and refs.count("#/$defs/RichText") >= 5
    # No text field kept pydantic's own map of any key to a text.
    any_key = [n for n in _nodes(SCHEMA) if isinstance(n.get("additionalProperties"), dict)]
    assert not [n for n in any_key if n["additionalProperties"].get("type") == "string"], any_key


def _errors(data: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


def _pack(**step: Any) -> dict[str, Any]:
    audience = {"min_age": 13, "max_age": 15}
    return {"id": "kokeilu", "title": "Kokeilu", "audience": audience, "minutes": 2, "agenda": [step]}


def test_the_editor_flags_a_wrong_language_key() -> None:
    assert not _errors(_pack(id="alku", kind="slide", title={"fi": "Tervetuloa!", "sv": "Välkommen!"}))
    flagged = _errors(_pack(id="alku", kind="slide", title={"fi": "Tervetuloa!", "se": "Välkommen!"}))
    assert flagged and any("se" in problem for problem in flagged)
    assert _errors(_pack(id="alku", kind="slide", title={}))


# -- the ready steps (defaultSnippets) -------------------------------------------------------------
SNIPPETS = SCHEMA["properties"]["agenda"]["items"]["defaultSnippets"]


def test_every_kind_offers_its_ready_step_in_the_agenda() -> None:
    assert [s["body"]["kind"] for s in SNIPPETS] == list(REGISTRY)
    for snippet in SNIPPETS:
        assert set(snippet) == {"label", "description", "body"}
        assert snippet["body"]["kind"] in snippet["label"], snippet["label"]
        assert _finnish(snippet["description"]), snippet["description"]


@pytest.mark.parametrize("kind", list(REGISTRY))
def test_a_ready_step_passes_the_check(tmp_path: Path, kind: str) -> None:
    body = REGISTRY[kind].snippet["body"]
    folder = tmp_path / "valmis"
    folder.mkdir()
    for name in _image_names(body):  # the author puts the picture there; here, any picture
        (folder / name).write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    pack = {**_pack(), "id": "valmis", "minutes": body["minutes"], "agenda": [body]}
    (folder / "pack.yaml").write_text(yaml.safe_dump(pack, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = load_pack(folder)
    assert result.ok and result.problems == [], [p.format() for p in result.problems]
    assert not _errors(pack)


def _image_names(node: Any) -> set[str]:
    if isinstance(node, dict):
        return {n for key, value in node.items() for n in ({value} if key == "image" else _image_names(value))}
    if isinstance(node, list):
        return {n for value in node for n in _image_names(value)}
    return set()


@pytest.mark.parametrize("kind", list(REGISTRY))
def test_a_ready_step_inserts_as_plain_yaml(kind: str) -> None:
    """The editor writes the body as YAML without quoting, and reads `$` as a snippet's tab stop."""
    for text in _strings(REGISTRY[kind].snippet["body"]):
        assert "$" not in text, text
        assert yaml.safe_load(f"k: {text}") == {"k": text}, f"{text!r} needs quotes in YAML: reword it"


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


# -- the schema published ----------------------------------------------------------------------------------
def test_print_path_names_the_shipped_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--print-path"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.is_absolute() and path.is_file() and path.name == "pack.schema.json"
    assert main(["schema", "-o", "-"]) == 0
    assert path.read_text(encoding="utf-8") == capsys.readouterr().out


def test_the_kit_serves_the_schema(client) -> None:
    resp = client.get("/pack.schema.json")
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    assert resp.get_data(as_text=True) == schema_text()
    assert json.loads(resp.get_data(as_text=True))["$defs"]["Text"]["title"] == "Teksti (fi, sv, en)"
