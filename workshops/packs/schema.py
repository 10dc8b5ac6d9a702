"""Export the JSON Schema that pack files name on their first line."""

from __future__ import annotations

import json
from typing import Any

from .models import Pack

SCHEMA_ID = "https://workshops.invalid/pack.schema.json"
SCHEMA_FILE = "pack.schema.json"


#: `- include: name` in place of a list item (a step, an option...): a piece from the _shared folder
INCLUDE = {
    "type": "object",
    "title": "Include",
    "description": "A shared piece from the _shared folder in place of this item, e.g. `include: apu-dia` "
    "(the file _shared/apu-dia.yaml)",
    "properties": {"include": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_-]{0,59}$"}},
    "required": ["include"],
    "additionalProperties": False,
}


def pack_schema() -> dict[str, Any]:
    schema = Pack.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Workshop content pack"
    schema.setdefault("$defs", {})["Include"] = INCLUDE
    _includable(schema)
    return schema


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


def schema_text() -> str:
    return json.dumps(pack_schema(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
