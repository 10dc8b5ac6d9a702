"""Export the JSON Schema that pack files name on their first line."""

from __future__ import annotations

import json
from typing import Any

from .models import Pack

SCHEMA_ID = "https://workshops.invalid/pack.schema.json"
SCHEMA_FILE = "pack.schema.json"


def pack_schema() -> dict[str, Any]:
    schema = Pack.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Workshop content pack"
    return schema


def schema_text() -> str:
    return json.dumps(pack_schema(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
