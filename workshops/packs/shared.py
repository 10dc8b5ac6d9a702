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
import errno
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from ..activities.tasks.barometer import Statement
from ..activities.text import LANGUAGE_NAMES, Id, Strict, Text, resolve
from .messages import Msg
from .yamlsafe import MAX_BYTES, Located, Mark, Problem, YamlError, describe, load_yaml

SHARED = "_shared"
HELP_FILE = "apu.yaml"
HELP = "apu"  # the placeholder of the whole list; `apu.<id>` names one line
#: the closing barometer's standard step and statements (`barometer: true` in a pack)
BAROMETER_FILE = "barometri.yaml"
MAX_INCLUDE_DEPTH = 4  # a piece may include pieces; deeper is a loop or a mistake
MAX_INCLUDES = 200  # includes in one pack, pieces' own included

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


def _unique(folders: list[Path]) -> list[Path]:
    seen: set[Path] = set()
    out = []
    for folder in folders:
        key = folder.resolve()
        if key not in seen:
            seen.add(key)
            out.append(folder)
    return out


def help_dirs(roots: list[Path], shipped: Path) -> list[Path]:
    """Where the help lines are looked up, for every pack and page alike: the last content root
    that has `_shared/apu.yaml` (an organisation's folder replaces the shipped file), else the shipped one."""
    return _unique([root / SHARED for root in reversed(roots)] + [shipped / SHARED])


def shared_dirs(pack_folder: Path, roots: list[Path], shipped: Path) -> list[Path]:
    """Where a pack's pieces are looked up: beside the pack first, then the other roots, then the shipped ones."""
    return _unique([pack_folder.parent / SHARED, *help_dirs(roots, shipped)])


#: the pages' help line when no help file can be read at all (a broken install): per language,
#: so a Swedish page never names the Finnish line as its own
FALLBACK_LINE = {
    "fi": "Lasten ja nuorten puhelin 116 111",
    "sv": "Barn- och ungdomstelefonen 0800 96 116",
    "en": "Lasten ja nuorten puhelin 116 111",
}


def _find(dirs: list[Path], name: str) -> Path | None:
    """The first `name` in the folders; a symlink is found too (reading it then says why not)."""
    for folder in dirs:
        path = folder / name
        if path.is_symlink() or path.is_file():
            return path
    return None


def load_help(dirs: list[Path]) -> HelpLines | Problem | None:
    """The help lines from the first `_shared/apu.yaml` found; None if there is none."""
    path = _find(dirs, HELP_FILE)
    if path is None:
        return None
    data = read_shared(path)
    if isinstance(data, str):
        return Problem(str(path), 1, 1, Msg("file.unreadable", why=data))
    try:
        located = load_yaml(data, str(path))
    except YamlError as exc:
        return exc.problem
    try:
        return HelpLines.model_validate(located.data, context={"languages": ["fi", "sv"]})
    except ValidationError as exc:
        from .loader import problems_from_validation  # the loader imports this module

        return problems_from_validation(exc, located, str(path), HelpLines)[0]


# -- include: ---------------------------------------------------------------------


def _is_include(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"include"}


def read_shared(path: Path) -> bytes | str:
    """A shared file's bytes, or why it cannot be read: an ordinary file, not through a
    symlink, at most MAX_BYTES (like a pack file; a FIFO does not block)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        if path.parent.is_symlink():
            return Msg("shared.folder_symlink")
        fd = os.open(path, flags)
    except OSError as exc:
        return Msg("shared.symlink") if exc.errno == errno.ELOOP else str(exc.strerror)
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return Msg("shared.special")
        data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return Msg("shared.file_too_big", kb=MAX_BYTES // 1000)
    return data


def expand_includes(located: Located, dirs: list[Path], file: str) -> list[Problem]:
    """Replace every `{include: name}` in `located.data` by `_shared/name.yaml`, in place.

    The positions of the included values are added to `located`, naming their own file, so
    a problem inside a piece points into the piece. A piece is read once per pack; a piece
    that includes itself (directly or not) is reported once; and all the pieces of a pack
    together are held to one pack file's size, so no piece can make loading slow.
    """
    problems: list[Problem] = []
    raw: dict[Path, bytes | str] = {}
    budget = {"bytes": MAX_BYTES, "includes": MAX_INCLUDES}
    loops: set[str] = set()

    def visit(node: Any, path: SharedPath, chain: tuple[str, ...], where: Located, prefix: SharedPath) -> Any:
        if _is_include(node):
            return include(node["include"], path, chain, where, prefix)
        if isinstance(node, dict):
            for key in list(node):
                node[key] = visit(node[key], path + (key,), chain, where, prefix)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                node[i] = visit(item, path + (i,), chain, where, prefix)
        return node

    def include(name: Any, path: SharedPath, chain: tuple[str, ...], where: Located, prefix: SharedPath) -> Any:
        mark = where.mark(path[len(prefix) :] + ("include",))
        mark = replace(mark, file=mark.file or where.file or file)
        said = describe(path, located.data)
        if not isinstance(name, str) or not INCLUDE_NAME.match(name.removesuffix(".yaml")):
            problems.append(_at(mark, file, Msg("shared.bad_name"), said))
            return None
        name = name.removesuffix(".yaml")
        if name == HELP:
            problems.append(_at(mark, file, Msg("shared.help_file"), said))
            return None
        if f"{name}.yaml" == BAROMETER_FILE:
            problems.append(_at(mark, file, Msg("shared.barometer_file"), said))
            return None
        if name in chain or len(chain) >= MAX_INCLUDE_DEPTH:
            if name not in loops:
                loops.add(name)
                route = " → ".join((*chain, name))
                problems.append(_at(mark, file, Msg("shared.loop", route=route), said))
            return None
        budget["includes"] -= 1
        if budget["includes"] < 0:
            if budget["includes"] == -1:
                problems.append(_at(mark, file, Msg("shared.too_many", count=MAX_INCLUDES), said))
            return None
        piece = _find(dirs, f"{name}.yaml")
        if piece is None:
            problems.append(_at(mark, file, _no_piece(name, dirs), said))
            return None
        if piece not in raw:
            raw[piece] = read_shared(piece)
        data = raw[piece]
        if isinstance(data, str):
            problems.append(_at(mark, file, Msg("shared.unreadable", name=piece.name, why=data), said))
            return None
        budget["bytes"] -= len(data)
        if budget["bytes"] < 0:
            problems.append(_at(mark, file, Msg("shared.too_big", kb=MAX_BYTES // 1000), said))
            budget["bytes"] = -(10**12)  # said once
            return None
        try:
            loaded = load_yaml(data, str(piece))
        except YamlError as exc:
            problems.append(exc.problem)
            return None
        loaded.file = str(piece)
        # Positions inside the piece, under the path where it lands in the pack.
        for sub, pos in loaded.values.items():
            located.values[path + sub] = replace(pos, file=str(piece))
        for sub, pos in loaded.keys.items():
            located.keys[path + sub] = replace(pos, file=str(piece))
        return visit(loaded.data, path, (*chain, name), loaded, path)

    located.data = visit(located.data, (), (), located, ())
    return problems


# -- the closing barometer ------------------------------------------------------------


def add_barometer(located: Located, dirs: list[Path], file: str, languages: list[str]) -> list[Problem]:
    """Append the closing barometer that the pack's `barometer:` asks for as its last step, in place.

    The step is `_shared/barometri.yaml`'s `step` with the statements for the pack's audience
    (`pupils`, or `adults` for a pack with `audience: adults: true`) and the pack's own `extra`
    statement after them. Its values keep their positions in the shared file, the extra its own
    in the pack, so a problem in either points where it can be fixed.
    """
    data = located.data
    line, agenda = data.get("barometer"), data.get("agenda")
    if not (line is True or isinstance(line, dict)) or not isinstance(agenda, list):
        return []  # no barometer, or a value the pack model words
    own = next((i for i, s in enumerate(agenda) if isinstance(s, dict) and s.get("kind") == "barometer"), None)
    if own is not None:
        where = describe(("agenda", own), data)
        return [_at(located.mark(("agenda", own, "kind")), file, Msg("barometer.twice"), where)]
    path = _find(dirs, BAROMETER_FILE)
    if path is None:
        return [_at(located.key_mark(("barometer",)), file, Msg("barometer.no_file"), "barometer")]
    raw = read_shared(path)
    if isinstance(raw, str):
        return [Problem(str(path), 1, 1, Msg("shared.unreadable", name=path.name, why=raw))]
    try:
        piece = load_yaml(raw, str(path))
    except YamlError as exc:
        return [exc.problem]
    audience = data.get("audience")
    group = "adults" if isinstance(audience, dict) and audience.get("adults") is True else "pupils"
    body = piece.data
    if not (
        isinstance(body, dict)
        and isinstance(body.get("step"), dict)
        and isinstance(body.get(group), dict)
        and isinstance(body[group].get("statements"), list)
    ):
        return [Problem(str(path), 1, 1, Msg("barometer.bad_file", group=group))]
    statements = body[group]["statements"]
    extra = line.get("extra") if isinstance(line, dict) else None
    try:
        Statement.model_validate(extra, context={"languages": languages})
    except ValidationError:
        extra = None  # the pack model names what is wrong with it where the author wrote it, once
    ids = [s.get("id") for s in statements if isinstance(s, dict)]
    if isinstance(extra, dict) and extra.get("id") in ids:
        mark = located.mark(("barometer", "extra", "id"))
        said = Msg("barometer.extra_id", id=extra["id"], known=ids)
        return [_at(mark, file, said, "barometer.extra.id")]
    at = ("agenda", len(agenda))
    # Where each value came from: the shared file's step and group, the pack's own statement.
    for source in ("step", group):
        for sub, pos in piece.values.items():
            if sub[:1] == (source,):
                located.values[at + sub[1:]] = replace(pos, file=str(path))
        for sub, pos in piece.keys.items():
            if sub[:1] == (source,) and len(sub) > 1:
                located.keys[at + sub[1:]] = replace(pos, file=str(path))
    located.values[at] = replace(piece.mark(("step",)), file=str(path))
    if extra is not None:
        mine = ("barometer", "extra")
        into = at + ("statements", len(statements))
        for table in (located.values, located.keys):
            for sub, pos in list(table.items()):
                if sub[:2] == mine:
                    table[into + sub[2:]] = pos
    agenda.append({**body["step"], **body[group], "statements": [*statements, *([extra] if extra is not None else [])]})
    return []


def pieces(dirs: list[Path]) -> list[str]:
    """The names of the shared pieces one can include (the help lines' file is not one)."""
    found = {p.stem for d in dirs if d.is_dir() for p in d.glob("*.yaml") if p.name not in (HELP_FILE, BAROMETER_FILE)}
    return sorted(found)


def _no_piece(name: str, dirs: list[Path]) -> Msg:
    known = pieces(dirs)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = Msg("shared.did_you_mean", close=close[0]) if close else ""
    return Msg("shared.missing", name=name, hint=hint, known=known or Msg("shared.none"))


def _at(mark: Mark, file: str, message: Msg, where: str = "") -> Problem:
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
