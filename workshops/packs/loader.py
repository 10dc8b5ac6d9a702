"""Read pack folders into validated Pack models, or into problems an author can fix."""

from __future__ import annotations

import difflib
import hashlib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .models import Pack
from .text import LANGUAGE_NAMES
from .yamlsafe import Located, Problem, YamlError, load_yaml

PACK_FILE = "pack.yaml"


@dataclass
class LoadResult:
    path: Path
    pack: Pack | None = None
    problems: list[Problem] = field(default_factory=list)
    digest: str = ""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return self.pack is not None and not self.errors


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (yes/no)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a map"
    return f"the text {value!r}"


_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list (lines starting with '- ')",
    "dict_type": "a map (key: value lines)",
    "model_type": "a map (key: value lines)",
    "model_attributes_type": "a map (key: value lines)",
}


def _walk_annotation(tp: Any, step: Any, value: Any) -> Any:
    """Follow one location element from a type annotation to the inner annotation."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _walk_annotation(typing.get_args(tp)[0], step, value)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                kind = arg.model_fields.get("kind")
                if kind is not None and typing.get_args(kind.annotation) == (step,):
                    return arg
        for arg in typing.get_args(tp):
            inner = _walk_annotation(arg, step, value)
            if inner is not None:
                return inner
        return None
    if origin in (list, tuple) and isinstance(step, int):
        return typing.get_args(tp)[0]
    if origin is dict:
        return typing.get_args(tp)[1]
    if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(step, str):
        for name, f in tp.model_fields.items():
            if step in (name, f.alias):
                return f.annotation
    return None


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    tp: Any = Pack
    for step in loc:
        tp = _walk_annotation(tp, step, None)
        if tp is None:
            return None
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[Any, ...]:
    """Drop the union tags pydantic adds to locations, keeping the path into the YAML."""
    path: list[Any] = []
    node = data
    for step in loc:
        if isinstance(node, dict) and step in node:
            node = node[step]
            path.append(step)
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
            path.append(step)
        elif isinstance(node, dict) and step not in node and isinstance(step, str) and node.get("kind") == step:
            continue  # the discriminator tag of a step
        elif isinstance(step, str) and step in ("str", "dict[str,constrained-str]", "list[constrained-str]"):
            continue  # the branch pydantic tried inside a union
        else:
            path.append(step)
            node = None
    return tuple(path)


def _where(path: tuple[Any, ...], data: Any) -> str:
    """Name a location for a person: agenda[quiz-1].options[b].text."""
    out = ""
    node = data
    for step in path:
        if isinstance(step, int):
            item = node[step] if isinstance(node, list) and step < len(node) else None
            label = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else step + 1
            out += f"[{label}]"
            node = item
        else:
            out += f".{step}" if out else str(step)
            node = node.get(step) if isinstance(node, dict) else None
    return out


def _message(err: dict[str, Any], path: tuple[Any, ...], data: Any) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind == "missing":
        return f"missing required field {path[-1]!r}" if path else "missing required field"
    if kind == "extra_forbidden":
        name = path[-1]
        model = _model_at(err["loc"][:-1])
        allowed = sorted(f.alias or n for n, f in model.model_fields.items()) if model else []
        close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        if allowed:
            hint += f" (allowed here: {', '.join(allowed)})"
        return f"unknown field {name!r}{hint}"
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        return f"unknown kind {ctx.get('tag')!r}; the kinds are: {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return "a step needs `kind:` (one of its kinds, e.g. slide or choice)"
    if kind in _EXPECTED:
        expected = _EXPECTED[kind]
        got = _type_name(value)
        hint = ""
        if kind == "string_type" and isinstance(value, (bool, int, float)):
            hint = "; YAML reads it that way: put the text in quotes"
        return f"expected {expected}, got {got}{hint}"
    if kind == "literal_error":
        return f"expected one of {err['ctx']['expected']}, got {_type_name(value)}"
    if kind == "string_pattern_mismatch":
        return f"{value!r} is not a valid id: use lower-case letters, digits, - and _ (at most 40)"
    if kind in ("too_short", "too_long"):
        return err["msg"].replace("List", "the list").replace("Value", "the value")
    if kind.startswith("greater_than") or kind.startswith("less_than"):
        return f"{err['msg'].lower()}, got {_type_name(value)}"
    if kind == "value_error":
        return err["msg"].removeprefix("Value error, ")
    return err["msg"]


def problems_from_validation(exc: ValidationError, located: Located, file: str) -> list[Problem]:
    problems = []
    seen = set()
    for err in exc.errors(include_url=False):
        path = _data_path(err["loc"], located.data)
        if err["type"] == "missing" and path:
            mark = located.mark(path[:-1])
        elif err["type"] == "extra_forbidden":
            mark = located.key_mark(path)
        else:
            mark = located.mark(path)
        message = _message(err, path, located.data)
        key = (mark, message)
        if key in seen:
            continue  # unions report the same failure once per branch
        seen.add(key)
        problems.append(Problem(file, mark.line, mark.col, message, _where(path, located.data)))
    problems.sort(key=lambda p: (p.line, p.col))
    return problems


def _languages(data: Any) -> list[str]:
    if not isinstance(data, dict):
        return []
    langs = [data.get("language", "fi")]
    extra = data.get("translations") or []
    if isinstance(extra, list):
        langs += [t for t in extra if isinstance(t, str) and t in LANGUAGE_NAMES and t not in langs]
    return [lang for lang in langs if isinstance(lang, str)]


def _warnings(pack: Pack, located: Located, file: str) -> list[Problem]:
    planned = sum(step.minutes for step in pack.agenda)
    if abs(planned - pack.minutes) > 0.01:
        mark = located.mark(("minutes",))
        return [
            Problem(
                file,
                mark.line,
                mark.col,
                f"the agenda's steps plan {planned:g} minutes but the pack says {pack.minutes}",
                "minutes",
                severity="warning",
            )
        ]
    return []


def load_pack(folder: Path) -> LoadResult:
    """Load and validate `folder/pack.yaml`; never raises for a bad pack."""
    folder = Path(folder)
    file = folder / PACK_FILE
    shown = str(file)
    result = LoadResult(folder)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        result.problems.append(Problem(shown, 1, 1, f"cannot read the file: {exc.strerror}"))
        return result
    result.digest = hashlib.sha256(raw).hexdigest()[:16]
    try:
        located = load_yaml(raw, shown)
    except YamlError as exc:
        result.problems.append(exc.problem)
        return result
    if not isinstance(located.data, dict):
        result.problems.append(Problem(shown, 1, 1, "a pack must be a map of fields (id:, title:, agenda: ...)"))
        return result
    context = {"languages": _languages(located.data), "pack_dir": folder}
    try:
        pack = Pack.model_validate(located.data, context=context)
    except ValidationError as exc:
        result.problems.extend(problems_from_validation(exc, located, shown))
        return result
    if pack.id != folder.name:
        mark = located.mark(("id",))
        result.problems.append(
            Problem(shown, mark.line, mark.col, f"the id {pack.id!r} must match the folder name {folder.name!r}", "id")
        )
        return result
    result.problems.extend(_warnings(pack, located, shown))
    result.pack = pack
    return result


def find_pack_dirs(paths: list[Path]) -> list[Path]:
    """Expand paths (a pack folder, a pack.yaml, or a folder of packs) into pack folders."""
    found: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_file():
            found.append(p.parent)
        elif (p / PACK_FILE).is_file():
            found.append(p)
        elif p.is_dir():
            found.extend(sorted(d for d in p.iterdir() if (d / PACK_FILE).is_file()))
        else:
            found.append(p)  # reported as unreadable by load_pack
    return found
