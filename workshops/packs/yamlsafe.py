"""Load YAML safely and remember where every value came from.

PyYAML's own constructors would lose line numbers and silently accept duplicate
keys, so we compose the node graph with the pure-Python safe loader and build the
Python values ourselves: the walk is where duplicate keys, foreign tags, alias
bombs and oversize input are refused with a position an author can find.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_BYTES = 1_000_000
MAX_DEPTH = 64
MAX_NODES = 200_000

Path = tuple[Any, ...]


@dataclass(frozen=True)
class Mark:
    line: int  # 1-based
    col: int  # 1-based


@dataclass
class Problem:
    """One thing wrong in a pack, located in its file."""

    file: str
    line: int
    col: int
    message: str
    where: str = ""
    severity: str = "error"

    def format(self) -> str:
        where = f"{self.where}: " if self.where else ""
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}:{self.col}: {prefix}{where}{self.message}"


class YamlError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.format())
        self.problem = problem


@dataclass
class Located:
    """Parsed YAML plus the position of every value and key, by path."""

    data: Any
    values: dict[Path, Mark] = field(default_factory=dict)
    keys: dict[Path, Mark] = field(default_factory=dict)

    def mark(self, path: Path) -> Mark:
        """Return the position of the value at `path`, or of its nearest ancestor."""
        p = tuple(path)
        while p:
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), Mark(1, 1))

    def key_mark(self, path: Path) -> Mark:
        return self.keys.get(tuple(path)) or self.mark(path)


_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
}

_BRACKETS = re.compile(r"[\[\]{}]")


def _pre_scan(text: str, file: str) -> None:
    """Refuse nesting too deep to parse before handing the text to PyYAML.

    Deeply nested flow collections make parsers recurse; counting brackets and
    indentation first keeps a hostile or broken file from ever reaching it.
    """
    depth = 0
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" -")
        indent = len(line) - len(stripped)
        if stripped and not stripped.startswith("#") and indent > MAX_DEPTH * 4:
            raise YamlError(Problem(file, lineno, indent + 1, f"nesting is too deep (more than {MAX_DEPTH} levels)"))
        for m in _BRACKETS.finditer(line):
            depth += 1 if m.group() in "[{" else -1
            if depth > MAX_DEPTH:
                raise YamlError(
                    Problem(file, lineno, m.start() + 1, f"nesting is too deep (more than {MAX_DEPTH} levels)")
                )
        depth = max(depth, 0)


class _Builder:
    def __init__(self, file: str):
        self.file = file
        self.located = Located(None)
        self.count = 0
        self.scalar_constructor = yaml.SafeLoader("")

    def fail(self, node: yaml.Node, message: str) -> YamlError:
        m = node.start_mark
        return YamlError(Problem(self.file, m.line + 1, m.column + 1, message))

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, "the file expands to too many values (are anchors and aliases repeating each other?)")
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nesting is too deep (more than {MAX_DEPTH} levels)")
        if node.tag not in _STANDARD_TAGS:
            raise self.fail(node, f"the tag {node.tag!r} is not allowed in a content pack; remove it")
        self.located.values[path] = Mark(node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self.fail(key_node, "merge keys (<<) are not supported in content packs; write the fields out")
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.fail(key_node, "a key must be a plain word, not a list or a map")
                key = self.scalar(key_node)
                if not isinstance(key, (str, int)):
                    key = str(key_node.value)
                if key in result:
                    first = self.located.keys[path + (key,)]
                    raise self.fail(
                        key_node, f"duplicate key {key!r}: it is already set on line {first.line}; keep only one"
                    )
                self.located.keys[path + (key,)] = Mark(key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                result[key] = self.build(value_node, path + (key,), depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == "tag:yaml.org,2002:timestamp":
            # Dates and times are never meaningful in a pack; keep the author's text.
            return node.value
        return self.scalar_constructor.construct_object(node, deep=True)


def load_yaml(text: str | bytes, file: str = "<pack>") -> Located:
    """Parse one YAML document into plain values with positions; raise YamlError."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise YamlError(Problem(file, 1, 1, f"the file is larger than {MAX_BYTES // 1000} kB; split it up"))
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise YamlError(Problem(file, 1, 1, f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8")) from None
    if len(text) > MAX_BYTES:
        raise YamlError(Problem(file, 1, 1, f"the file is larger than {MAX_BYTES // 1000} kB; split it up"))
    _pre_scan(text, file)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or "the YAML cannot be read"
        if exc.context:
            what = f"{exc.context}: {what}"
        raise YamlError(Problem(file, line, col, f"YAML syntax: {what}")) from None
    except yaml.YAMLError as exc:
        raise YamlError(Problem(file, 1, 1, f"YAML syntax: {exc}")) from None
    finally:
        loader.dispose()
    builder = _Builder(file)
    if node is None:
        builder.located.data = None
        return builder.located
    builder.located.data = builder.build(node, (), 0)
    return builder.located
