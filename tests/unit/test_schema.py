"""The JSON Schema editors use for autocompletion stays in step with the models."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from workshops.packs import find_pack_dirs
from workshops.packs.schema import SCHEMA_FILE, schema_text
from workshops.packs.yamlsafe import load_yaml

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
SCHEMA_PATH = CONTENT / SCHEMA_FILE
HEADER = f"# yaml-language-server: $schema=../{SCHEMA_FILE}"
SHIPPED = find_pack_dirs([CONTENT])
IDS = [p.name for p in SHIPPED]


def test_committed_schema_is_current() -> None:
    committed = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
    if committed != schema_text():
        pytest.fail(f"{SCHEMA_PATH.relative_to(REPO)} is stale: run `workshops schema`", pytrace=False)


def test_schema_is_a_valid_json_schema() -> None:
    schema = json.loads(schema_text())
    jsonschema.validators.validator_for(schema).check_schema(schema)


@pytest.mark.parametrize("folder", SHIPPED, ids=IDS)
def test_pack_names_the_schema_on_its_first_line(folder: Path) -> None:
    first = (folder / "pack.yaml").read_text(encoding="utf-8").split("\n", 1)[0]
    assert first == HEADER, f"{folder.name}/pack.yaml must start with the line: {HEADER}"


@pytest.mark.parametrize("folder", SHIPPED, ids=IDS)
def test_schema_accepts_the_shipped_pack(folder: Path) -> None:
    schema = json.loads(schema_text())
    data = load_yaml((folder / "pack.yaml").read_bytes()).data
    validator = jsonschema.validators.validator_for(schema)(schema)
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("case", "words"),
    [("unknown-field", "'titel' was unexpected"), ("unknown-kind", "slides"), ("missing-required", "question")],
)
def test_schema_is_not_vacuous(case: str, words: str) -> None:
    """The schema refuses what the loader refuses, so editors underline the same mistakes."""
    schema = json.loads(schema_text())
    data = load_yaml((REPO / "tests/packs/bad" / case / "pack.yaml").read_bytes()).data
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = list(validator.iter_errors(data))
    assert errors, f"the schema accepts tests/packs/bad/{case}"
    messages = " ".join(m for e in errors for m in _messages(e))
    assert words in messages


def _messages(error: jsonschema.ValidationError) -> list[str]:
    """An error's message and those of the alternatives it tried (oneOf: a step's kinds)."""
    return [error.message] + [m for sub in error.context or [] for m in _messages(sub)]
