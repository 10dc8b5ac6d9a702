"""Export the JSON Schema that pack files name on their first line: the editor's help, in Finnish.

The models give every field its Finnish description and examples and every model its title;
this module adds what pydantic cannot: the text types as `$defs/Text` and `$defs/RichText`
(only fi, sv and en as keys), `include:` in place of any list item, and each kind's ready step
as the agenda's `defaultSnippets` (Ctrl+Space in VS Code's YAML extension).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from ..activities import REGISTRY
from ..activities.text import TEXT_SCHEMAS
from ..config import SHIPPED_CONTENT
from .models import Pack

SCHEMA_ID = "https://workshops.invalid/pack.schema.json"
SCHEMA_FILE = "pack.schema.json"


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


def pack_schema() -> dict[str, Any]:
    """Build the pack schema as a dict."""
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


def shipped_schema_path() -> Path:
    """Return where the schema ships: content/ in a checkout, the package's own copy in a wheel."""
    return (SHIPPED_CONTENT / SCHEMA_FILE).resolve()


def schema_text() -> str:
    """Return the pack schema as the text `workshops schema` writes."""
    return json.dumps(pack_schema(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
