"""What packs share: pieces kept once in a `_shared` folder, the help lines, and placeholders.

A pack may write `include: name` in place of any value (a step, an option, a list of
options...): the value comes from `_shared/name.yaml`. The help lines live in
`_shared/apu.yaml`, the one file the organisation updates when a number or an opening time
changes; texts name them with `{apu}` (the whole list) and `{apu.<id>}` (one line). A pack's
own placeholders (`{kuraattori}`) are filled in when a session starts (see `prepare`).

Everything here works on plain data and returns problems as values; the loader reads files.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from ..activities.text import LANGUAGE_NAMES, Id, Strict, Text, resolve
from .yamlsafe import Located, Mark, Problem, YamlError, describe, load_yaml

SHARED = "_shared"
HELP_FILE = "apu.yaml"
HELP = "apu"  # the placeholder of the whole list; `apu.<id>` names one line
MAX_INCLUDE_DEPTH = 4  # a piece may include pieces; deeper is a loop or a mistake

#: `{name}` or `{apu.puhelin}`: lower-case letters, digits and _ (a dot only after `apu`)
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]{0,39}(?:\.[a-z0-9][a-z0-9_-]{0,39})?)\}")
INCLUDE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")

SharedPath = tuple[Any, ...]


class HelpLine(Strict):
    """One service a child, a young person or a parent can turn to."""

    id: Id
    text: Text = Field(
        description="The service and its number as a text names it, e.g. 'Lasten ja nuorten puhelin 116 111'"
    )
    note: Text | None = Field(default=None, description="What to know: free of charge, anonymous, when it is open")


class HelpLines(Strict):
    """`_shared/apu.yaml`: the help lines every pack names, kept in one place."""

    lines: list[HelpLine] = Field(min_length=1)

    def line(self, line_id: str) -> HelpLine | None:
        return next((line for line in self.lines if line.id == line_id), None)

    def list_text(self, lang: str) -> str:
        """The whole list as formatted text (a bulleted list, the service in bold)."""
        rows = []
        for line in self.lines:
            note = resolve(line.note, lang, lang) if line.note else ""
            rows.append(f"- **{resolve(line.text, lang, lang)}**" + (f" – {note}" if note else ""))
        return "\n".join(rows)

    def main(self, lang: str) -> str:
        """The first line's text: the one the kit's own pages name ("call ...")."""
        return resolve(self.lines[0].text, lang, lang)

    def lookup(self, name: str, lang: str) -> str | None:
        """The text of the placeholder `name` (`apu` or `apu.<id>`) in `lang`, or None if unknown."""
        if name == HELP:
            return self.list_text(lang)
        prefix, _, line_id = name.partition(".")
        line = self.line(line_id) if prefix == HELP else None
        return resolve(line.text, lang, lang) if line else None


def shared_dirs(pack_folder: Path, fallback: Path | None = None) -> list[Path]:
    """Where a pack's shared pieces are looked up: beside the pack first, then the shipped ones."""
    found = [pack_folder.parent / SHARED]
    if fallback is not None and (fallback / SHARED).resolve() != found[0].resolve():
        found.append(fallback / SHARED)
    return found


def _find(dirs: list[Path], name: str) -> Path | None:
    for folder in dirs:
        path = folder / name
        if path.is_file() and not path.is_symlink():
            return path
    return None


def load_help(dirs: list[Path]) -> HelpLines | Problem | None:
    """The help lines from the first `_shared/apu.yaml` found; None if there is none."""
    path = _find(dirs, HELP_FILE)
    if path is None:
        return None
    try:
        located = load_yaml(path.read_bytes(), str(path))
    except YamlError as exc:
        return exc.problem
    except OSError as exc:
        return Problem(str(path), 1, 1, f"cannot read the file: {exc.strerror}")
    try:
        return HelpLines.model_validate(located.data, context={"languages": ["fi", "sv"]})
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = tuple(first["loc"])
        mark = located.mark(loc)
        where = ".".join(str(p) for p in loc)
        return Problem(str(path), mark.line, mark.col, f"{where}: {first['msg']}")


# -- include: ---------------------------------------------------------------------


def _is_include(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"include"}


def expand_includes(located: Located, dirs: list[Path], file: str) -> list[Problem]:
    """Replace every `{include: name}` in `located.data` by `_shared/name.yaml`, in place.

    The positions of the included values are added to `located`, naming their own file, so
    a problem inside a piece points into the piece.
    """
    problems: list[Problem] = []

    def visit(node: Any, path: SharedPath, depth: int, where: Located, prefix: SharedPath) -> Any:
        if _is_include(node):
            return include(node["include"], path, depth, where, prefix)
        if isinstance(node, dict):
            for key in list(node):
                node[key] = visit(node[key], path + (key,), depth, where, prefix)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                node[i] = visit(item, path + (i,), depth, where, prefix)
        return node

    def include(name: Any, path: SharedPath, depth: int, where: Located, prefix: SharedPath) -> Any:
        mark = where.mark(path[len(prefix) :] + ("include",))
        mark = replace(mark, file=mark.file or where.file or file)
        if not isinstance(name, str) or not INCLUDE_NAME.match(name.removesuffix(".yaml")):
            problems.append(
                _at(
                    mark,
                    file,
                    "write the name of a file in the _shared folder without .yaml, e.g. `include: apu-dia`",
                    describe(path, located.data),
                )
            )
            return None
        name = name.removesuffix(".yaml")
        if depth >= MAX_INCLUDE_DEPTH:
            problems.append(_at(mark, file, f"'{name}' includes pieces {MAX_INCLUDE_DEPTH} deep; is there a loop?"))
            return None
        piece = _find(dirs, f"{name}.yaml")
        if piece is None:
            problems.append(_at(mark, file, _no_piece(name, dirs), describe(path, located.data)))
            return None
        try:
            loaded = load_yaml(piece.read_bytes(), str(piece))
        except YamlError as exc:
            problems.append(exc.problem)
            return None
        except OSError as exc:
            problems.append(_at(mark, file, f"cannot read {piece}: {exc.strerror}"))
            return None
        loaded.file = str(piece)
        # Positions inside the piece, under the path where it lands in the pack.
        for sub, pos in loaded.values.items():
            located.values[path + sub] = replace(pos, file=str(piece))
        for sub, pos in loaded.keys.items():
            located.keys[path + sub] = replace(pos, file=str(piece))
        return visit(loaded.data, path, depth + 1, loaded, path)

    located.data = visit(located.data, (), 0, located, ())
    return problems


def pieces(dirs: list[Path]) -> list[str]:
    """The names of the shared pieces one can include (the help lines' file is not one)."""
    found = {p.stem for d in dirs if d.is_dir() for p in d.glob("*.yaml") if p.name != HELP_FILE}
    return sorted(found)


def _no_piece(name: str, dirs: list[Path]) -> str:
    known = pieces(dirs)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"did you mean `include: {close[0]}`? " if close else ""
    listed = ", ".join(known) or "none"
    return f"there is no shared piece '{name}' in the _shared folder; {hint}the pieces are: {listed}"


def _at(mark: Mark, file: str, message: str, where: str = "") -> Problem:
    return Problem(mark.file or file, mark.line, mark.col, message, where)


# -- placeholders ------------------------------------------------------------------


def strings(data: Any, lang: str, path: SharedPath = ()) -> Iterator[tuple[SharedPath, str, str]]:
    """Every text in a pack's data with its path and language: a text map gives one per language."""
    if isinstance(data, dict):
        if data and all(k in LANGUAGE_NAMES for k in data) and all(isinstance(v, str) for v in data.values()):
            for k, v in data.items():
                yield path + (k,), k, v
            return
        for key, value in data.items():
            yield from strings(value, lang, path + (key,))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from strings(item, lang, path + (i,))
    elif isinstance(data, str):
        yield path, lang, data


def fill(data: Any, lang: str, lookup: Callable[[str, str], str | None]) -> Any:
    """A copy of `data` with each known `{name}` replaced by `lookup(name, language)`; unknown ones stay."""

    def sub(text: str, text_lang: str) -> str:
        if "{" not in text:
            return text
        return PLACEHOLDER.sub(lambda m: _found(lookup(m.group(1), text_lang), m.group(0)), text)

    def walk(node: Any, node_lang: str) -> Any:
        if isinstance(node, dict):
            if node and all(k in LANGUAGE_NAMES for k in node) and all(isinstance(v, str) for v in node.values()):
                return {k: sub(v, k) for k, v in node.items()}
            return {k: walk(v, node_lang) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(item, node_lang) for item in node]
        if isinstance(node, str):
            return sub(node, node_lang)
        return node

    return walk(data, lang)


def _found(value: str | None, original: str) -> str:
    return original if value is None else value


@dataclass(frozen=True)
class Unknown:
    path: SharedPath
    name: str


def unknown_placeholders(data: Any, lang: str, known: Callable[[str], bool]) -> list[Unknown]:
    """Each `{name}` in a text that `known` does not know, with the text's path."""
    return [
        Unknown(path, m.group(1))
        for path, _lang, text in strings(data, lang)
        if "{" in text
        for m in PLACEHOLDER.finditer(text)
        if not known(m.group(1))
    ]
