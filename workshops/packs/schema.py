"""Export the JSON Schema that pack files name on their first line: the editor's help, in Finnish.

The models give every field its Finnish description and examples and every model its title;
this module adds what pydantic cannot: the text types as `$defs/Text` and `$defs/RichText`
(only fi, sv and en as keys), `include:` in place of any list item, and each kind's ready step
as the agenda's `defaultSnippets` (Ctrl+Space in VS Code's YAML extension).

JSON Schema has one `title` and `description` per node and editors pick no language, so the kit
publishes a second schema for Finland-Swedish authors, `pack.schema.sv.json`: the same schema
with every human text (titles, descriptions, the ready steps' labels and descriptions) looked up
in the table of workshops/packs/schema_sv.py. Examples and the ready steps' bodies are sample
content and stay as they are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from ..activities import REGISTRY
from ..activities.text import TEXT_SCHEMAS
from ..config import SHIPPED_CONTENT
from .models import Pack
from .schema_sv import SV

SCHEMA_ID = "https://workshops.invalid/pack.schema.json"
SCHEMA_FILE = "pack.schema.json"
#: The published schemas: Finnish (the models' own words) and Swedish (translated by schema_sv.py).
SCHEMA_FILES = {"fi": SCHEMA_FILE, "sv": "pack.schema.sv.json"}


#: `- include: name` in place of a list item (a step, an option...): a piece from the _shared folder
INCLUDE = {
    "type": "object",
    "title": "Yhteinen pala (include)",
    "description": "Yhteinen pala kansiosta _shared tämän kohdan tilalle, esim. `include: apu-dia` "
    "(tiedosto _shared/apu-dia.yaml)",
    "properties": {
        "include": {
            "type": "string",
            "pattern": r"^[a-z0-9][a-z0-9_-]{0,59}$",
            "description": "Palan nimi ilman .yaml-päätettä: tiedosto kansiossa content/_shared",
            "examples": ["apu-dia", "en-osaa-sanoa"],
        }
    },
    "required": ["include"],
    "additionalProperties": False,
}

# Marks a text field while pydantic writes the schema; replaced by a $ref to the type's $defs entry.
_TEXT_MARK = "x-workshops-text"
# A title or $defs name that leaks a class path (pydantic's way out of two classes of one name).
_CLASS_PATH = re.compile(r"__|\bworkshops\.")


class _Generator(GenerateJsonSchema):
    """Pydantic's generator, with the text types marked and without English field titles."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        # A field's title would be its name in English words ("Min Age") above the Finnish description.
        return False

    def function_after_schema(self, schema: core_schema.AfterValidatorFunctionSchema) -> JsonSchemaValue:
        text = TEXT_SCHEMAS.get(schema["function"]["function"])
        if text is not None:
            return {_TEXT_MARK: text[0]}
        return super().function_after_schema(schema)


def pack_schema(lang: str = "fi") -> dict[str, Any]:
    """Build the pack schema as a dict, its human texts in Finnish or (lang="sv") in Swedish."""
    if lang not in SCHEMA_FILES:
        raise ValueError(f"no pack schema in {lang!r}: one of {', '.join(SCHEMA_FILES)}")
    schema = _finnish_schema()
    return translated(schema, SV) if lang == "sv" else schema


def _finnish_schema() -> dict[str, Any]:
    schema = Pack.model_json_schema(by_alias=True, mode="validation", schema_generator=_Generator)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    defs = schema.setdefault("$defs", {})
    for name, text_schema in TEXT_SCHEMAS.values():
        defs[name] = json.loads(json.dumps(text_schema))  # a copy: the table stays as it is
    _refer_texts(schema)
    defs["Include"] = INCLUDE
    _includable(schema)
    schema["properties"]["agenda"]["items"]["defaultSnippets"] = [
        dict(kind.snippet) for kind in REGISTRY.values() if kind.snippet
    ]
    _named_plainly(schema)
    return schema


def _refer_texts(node: Any) -> None:
    """Point every marked text field at its type's entry in $defs."""
    if isinstance(node, dict):
        name = node.pop(_TEXT_MARK, None)
        if name is not None:
            node["$ref"] = f"#/$defs/{name}"
        for value in node.values():
            _refer_texts(value)
    elif isinstance(node, list):
        for value in node:
            _refer_texts(value)


def _includable(node: Any) -> None:
    """Let every list item of the schema be an `include:` too, as the loader allows."""
    if isinstance(node, dict):
        for value in node.values():
            _includable(value)
        items = node.get("items")
        if node.get("type") == "array" and isinstance(items, dict) and items.get("type") != "string":
            node["items"] = {"anyOf": [items, {"$ref": "#/$defs/Include"}]}
    elif isinstance(node, list):
        for value in node:
            _includable(value)


def _named_plainly(schema: dict[str, Any]) -> None:
    """Refuse a $defs name or title that shows a class path: two models then share a class name."""
    names = list(schema["$defs"]) + [d.get("title", "") for d in schema["$defs"].values()] + [schema["title"]]
    leaked = [n for n in names if _CLASS_PATH.search(n)]
    if leaked:
        raise RuntimeError(f"the pack schema names {leaked[0]!r}: give one of the models of that name another name")


# -- the human texts, and their translation -----------------------------------------------------------
# Keywords whose value maps names (of fields, definitions) to schemas: a name is never a text.
_NAMED_SCHEMAS = frozenset({"properties", "patternProperties", "$defs", "dependentSchemas"})
# Keywords whose value is data (sample content, values the loader accepts), never a text to translate.
_DATA = frozenset({"examples", "default", "const", "enum", "discriminator"})


# What becomes of a human text: called with the text and where it is (a JSON pointer).
_Change = Callable[[str, str], str]


class MissingTranslationError(LookupError):
    """A Finnish text of the schema has no entry in the translation table."""


def human_texts(schema: dict[str, Any]) -> set[str]:
    """Every human text of the schema: titles, descriptions, the ready steps' labels and descriptions."""
    found: set[str] = set()

    def note(text: str, _where: str) -> str:
        found.add(text)
        return text

    _map_texts(schema, note)
    return found


def translated(schema: dict[str, Any], table: dict[str, str]) -> dict[str, Any]:
    """A copy of the schema with every human text replaced by its entry in the table.

    Raises MissingTranslationError naming every text that has no entry (and where it is).
    """
    missing: dict[str, str] = {}

    def look_up(text: str, where: str) -> str:
        if text in table:
            return table[text]
        missing.setdefault(text, where)
        return text

    result = _map_texts(schema, look_up)
    if missing:
        listed = "\n".join(f"  {text!r} (at {where})" for text, where in missing.items())
        raise MissingTranslationError(
            f"{len(missing)} text(s) of the pack schema have no Swedish in workshops/packs/schema_sv.py:\n{listed}"
        )
    return result


def _map_texts(node: Any, change: _Change, where: str = "#") -> Any:
    """A copy of a schema node with `change(text, where)` in place of each human text."""
    if isinstance(node, list):
        return [_map_texts(value, change, f"{where}/{i}") for i, value in enumerate(node)]
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        at = f"{where}/{key}"
        if key in ("title", "description") and isinstance(value, str):
            result[key] = change(value, at)
        elif key in _NAMED_SCHEMAS and isinstance(value, dict):
            result[key] = {name: _map_texts(sub, change, f"{at}/{name}") for name, sub in value.items()}
        elif key == "defaultSnippets" and isinstance(value, list):
            result[key] = [_snippet(snippet, change, f"{at}/{i}") for i, snippet in enumerate(value)]
        elif key in _DATA:
            result[key] = value
        else:
            result[key] = _map_texts(value, change, at)
    return result


def _snippet(snippet: dict[str, Any], change: _Change, where: str) -> dict[str, Any]:
    """A ready step: its label and description are texts, its body is sample content."""
    return {
        key: change(value, f"{where}/{key}") if key in ("label", "description") else value
        for key, value in snippet.items()
    }


def shipped_schema_path(lang: str = "fi") -> Path:
    """Return where the schema ships: content/ in a checkout, the package's own copy in a wheel."""
    return (SHIPPED_CONTENT / SCHEMA_FILES[lang]).resolve()


def schema_text(lang: str = "fi") -> str:
    """Return the pack schema (Finnish, or lang="sv" Swedish) as the text `workshops schema` writes."""
    return json.dumps(pack_schema(lang), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
