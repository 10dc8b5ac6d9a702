"""Write the generated parts of docs/protocol.md: the action schemas, each kind's view fields and the errors.

    python3 -m workshops.protocol_doc           # rewrite the generated sections
    python3 -m workshops.protocol_doc --check   # exit 1 if the document is out of date

The sections sit between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` lines;
everything else in the document is written by hand. The action tables come from the
pydantic models the server validates with (sessions/actions.py and each kind's
`pupil_actions`/`host_actions`), each kind's view fields from its `view_doc` (checked against
real play by tests/unit/test_protocol_doc.py), the error table from the registry in errors.py
and the kinds' `errors`, so none can drift from the code.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel

from .activities import REGISTRY
from .config import PROJECT_ROOT
from .errors import every_error
from .sessions import actions

DOC = PROJECT_ROOT / "docs" / "protocol.md"
_BOUNDS = re.compile(r"^(<!-- generated:([a-z-]+) -->\n)(.*?)(^<!-- /generated:\2 -->$)", re.S | re.M)
# What the id patterns mean, in words.
_PATTERNS = {
    r"^p\d{1,6}$": "a seat id (`p1`, `p2`, …)",
    r"^t\d{1,2}$": "a team id (`t1`…`t8`)",
    r"^(p\d{1,6}|t\d{1,2})$": "a seat id, or a team id when the step is answered by teams",
    r"^i\d{1,5}$": "an idea id (`i1`, `i2`, …)",
}


# -- describing a field from its JSON schema ----------------------------------------------------------
def _range(lo: Any, hi: Any) -> str:
    if lo is not None and hi is not None:
        return f"{lo}…{hi}"
    if lo is not None:
        return f"≥ {lo}"
    return f"≤ {hi}" if hi is not None else ""


def _type(schema: dict[str, Any] | bool, defs: dict[str, Any]) -> str:
    if not isinstance(schema, dict) or not schema:
        return "any JSON value"
    if "$ref" in schema:
        return _type(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "anyOf" in schema:
        kinds = [s for s in schema["anyOf"] if s.get("type") != "null"]
        nullable = len(kinds) < len(schema["anyOf"])
        text = " or ".join(_type(s, defs) for s in kinds)
        return f"{text} or `null`" if nullable else text
    if "const" in schema:
        return f'`"{schema["const"]}"`'
    if "enum" in schema:
        return "one of " + ", ".join(f'`"{v}"`' for v in schema["enum"])
    kind = schema.get("type")
    if kind == "string":
        if schema.get("pattern") in _PATTERNS:
            return _PATTERNS[schema["pattern"]]
        if "pattern" in schema:
            return f"a string matching `{schema['pattern']}`"
        return f"a string of ≤ {schema['maxLength']} characters" if "maxLength" in schema else "a string"
    if kind in ("integer", "number"):
        bounds = _range(schema.get("minimum", schema.get("exclusiveMinimum")), schema.get("maximum"))
        word = "an integer" if kind == "integer" else "a number"
        return f"{word} {bounds}" if bounds else word
    if kind == "boolean":
        return "`true` or `false`"
    if kind == "array":
        count = _range(schema.get("minItems"), schema.get("maxItems"))
        return f"a list ({count + ' ' if count else ''}items) of {_type(schema['items'], defs)}"
    if kind == "object" and "properties" in schema:
        fields = ", ".join(f"`{name}`: {_type(sub, defs)}" for name, sub in schema["properties"].items())
        return "{" + fields + "}"
    if kind == "object" and schema.get("additionalProperties") is True:
        return "an object"
    if kind == "object":
        count = _range(schema.get("minProperties"), schema.get("maxProperties"))
        keys = _type({"type": "string", **schema.get("propertyNames", {})}, defs)
        values = _type(schema.get("additionalProperties", {}), defs)
        return f"an object ({count + ' ' if count else ''}entries) of {keys} → {values}"
    return "any JSON value"


def fields(model: type[BaseModel]) -> str:
    """The fields of an action besides `type`, in words."""
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    required = set(schema.get("required", ()))
    out = []
    for name, sub in schema["properties"].items():
        if name == "type":
            continue
        text = f"`{name}`: {_type(sub, defs)}"
        if name not in required:
            text += f" (optional, default `{json.dumps(sub.get('default'), ensure_ascii=False)}`)"
        if sub.get("description"):
            text += f" — {sub['description']}"
        out.append(text)
    return "; ".join(out) or "–"


def _types_of(model: type[BaseModel]) -> list[str]:
    return list(get_args(model.model_fields["type"].annotation))


def _table(rows: Sequence[tuple[str, ...]], head: tuple[str, ...]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join("---" for _ in head) + " |"]
    return lines + ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]


# -- the sections --------------------------------------------------------------------------------------
def session_actions() -> str:
    rows = []
    for event, union in (("pupil", actions.PupilAction), ("host", actions.HostAction)):
        for model in get_args(get_args(union)[0]):
            for kind in _types_of(model):
                rows.append((f"`{event}`", f"`{kind}`", fields(model)))
    return "\n".join(_table(rows, ("event", "`type`", "fields"))) + "\n"


def activity_actions() -> str:
    out: list[str] = []
    for kind, activity in REGISTRY.items():
        out += [f"#### `{kind}`", ""]
        rows = [
            (who, f"`{name}`", fields(model))
            for who, table in (("pupil", activity.pupil_actions), ("facilitator", activity.host_actions))
            for name, model in table.items()
        ]
        out += _table(rows, ("who", "`type`", "fields")) if rows else ["No actions: nothing to answer or command."]
        out.append("")
    return "\n".join(out)


def kind_views() -> str:
    """Each kind's view fields, as its module documents them; the task kinds' shared ones first."""
    from .activities.tasks.base import TaskKind

    tasks = [kind for kind, activity in REGISTRY.items() if isinstance(activity, TaskKind)]
    out: list[str] = []
    for kind, activity in REGISTRY.items():
        if kind == (tasks[0] if tasks else None):
            names = ", ".join(f"`{k}`" for k in tasks)
            out += [f"### Tasks: {names}", "", TaskKind.view_doc.strip("\n"), ""]
        doc = type(activity).__dict__.get("view_doc", "").strip("\n")
        out += [f"### `{kind}`", "", doc or "No fields of its own.", ""]
    return "\n".join(out)


def errors() -> str:
    names = {"ack": "ack", "connect": "`connect_error`", "join": "join (HTTP)"}
    table = sorted(every_error().items())
    rows = [(f"`{code}`", ", ".join(names[w] for w in entry.where), entry.meaning) for code, entry in table]
    return "\n".join(_table(rows, ("code", "answered in", "meaning"))) + "\n"


SECTIONS: dict[str, Callable[[], str]] = {
    "session-actions": session_actions,
    "activity-actions": activity_actions,
    "kind-views": kind_views,
    "errors": errors,
}


def render(text: str) -> str:
    """The document with every generated section rewritten."""
    found = {m.group(2) for m in _BOUNDS.finditer(text)}
    missing = set(SECTIONS) - found
    if missing:
        raise ValueError(f"docs/protocol.md lacks the generated section(s): {', '.join(sorted(missing))}")
    return _BOUNDS.sub(lambda m: m.group(1) + "\n" + SECTIONS[m.group(2)]() + "\n" + m.group(4), text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m workshops.protocol_doc", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if the document is out of date")
    parser.add_argument("--doc", type=Path, default=DOC, help="the document (default: docs/protocol.md)")
    args = parser.parse_args(argv)
    text = args.doc.read_text(encoding="utf-8")
    fresh = render(text)
    if args.check:
        if fresh != text:
            print(f"{args.doc} is out of date: run python3 -m workshops.protocol_doc", file=sys.stderr)
            return 1
        return 0
    if fresh != text:
        args.doc.write_text(fresh, encoding="utf-8")
        print(f"rewrote the generated sections of {args.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
