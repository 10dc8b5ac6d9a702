"""Load YAML safely and remember where every value came from.

PyYAML's own constructors would lose line numbers and silently accept duplicate
keys, so we compose the node graph ourselves from the parser's events (libyaml's
when PyYAML has it, the pure-Python safe parser otherwise or to word an error) and
build the Python values ourselves: the walk is where duplicate keys, foreign tags,
alias bombs, deep nesting and oversize input are refused with a position an author
can find.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .messages import Msg, render

MAX_BYTES = 256_000  # the biggest real pack is tens of kB; the pure-Python parser needs ~10 s per MB
MAX_DEPTH = 64
MAX_NODES = 50_000  # values after alias expansion; a real pack has a few thousand

Path = tuple[Any, ...]


@dataclass(frozen=True)
class Mark:
    line: int  # 1-based
    col: int  # 1-based
    file: str | None = None  # set for a value from a shared piece (`include:`), not the pack's own file


@dataclass
class Problem:
    """One thing wrong in a pack, located in its file."""

    file: str
    line: int
    col: int
    message: str  # a Msg (messages.py) from the kit's own checks: English as a str, any language by render()
    where: str = ""
    severity: str = "error"

    def text(self, lang: str = "en") -> str:
        """The message in `lang`."""
        return render(self.message, lang)

    def format(self, lang: str = "en") -> str:
        """`file:line:col: [warning: ]where: message`, in `lang`."""
        where = f"{self.where}: " if self.where else ""
        prefix = f"{Msg('check.warning').render(lang)}: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}:{self.col}: {prefix}{where}{self.text(lang)}"


class YamlError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.format())
        self.problem = problem


@dataclass
class Located:
    """Parsed YAML plus the position of every value and key, by path.

    `sources` keeps, for every plain scalar that YAML read as something other
    than text (yes -> True, 12:30 -> 750, 0123 -> 83), the characters the author
    wrote, so that messages can quote them back.
    """

    data: Any
    values: dict[Path, Mark] = field(default_factory=dict)
    keys: dict[Path, Mark] = field(default_factory=dict)
    sources: dict[Path, str] = field(default_factory=dict)
    #: plain texts a ` #` on their line cut short (YAML reads the rest as a comment): what was
    #: kept, what was cut, and where the # is
    cuts: dict[Path, tuple[str, str, Mark]] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)  # the file's lines, for messages that quote them
    file: str | None = None  # the file it was read from, when that is not the pack's own

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


def describe(path: Path, data: Any) -> str:
    """Name a location for a person: agenda[quiz-1].options[b].text.

    List items that are maps with a text `id` are named by it, others by their
    number counted from 1.
    """
    return _describe(path, nodes_along(data, path))


def nodes_along(data: Any, path: Path) -> list[Any]:
    """The values met walking `path` from `data` (first `data` itself); None past a dead end."""
    nodes = [data]
    node = data
    for step in path:
        if (isinstance(node, dict) and step in node) or (
            isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        ):
            node = node[step]
        else:
            node = None
        nodes.append(node)
    return nodes


def _describe(path: Path, nodes: list[Any]) -> str:
    out = ""
    for j, step in enumerate(path):
        if isinstance(step, int):
            item = nodes[j + 1] if j + 1 < len(nodes) else None
            label = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else step + 1
            out += f"[{label}]"
        else:
            out += f".{step}" if out else str(step)
    return out


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
_TAG_NAMES = {  # what a standard tag asks for, as messages.py words it
    "tag:yaml.org,2002:int": "expect.int",
    "tag:yaml.org,2002:float": "expect.float",
    "tag:yaml.org,2002:bool": "expect.bool",
    "tag:yaml.org,2002:null": "got.nothing",
    "tag:yaml.org,2002:map": "got.map",
    "tag:yaml.org,2002:seq": "got.list",
}

#: plain scalars YAML reads as types no pack uses: a lone `=` (value) and `<<` (merge, refused as a key)
_PLAIN_TEXT_TAGS = {"tag:yaml.org,2002:value", "tag:yaml.org,2002:merge"}

# Numbers in YAML 1.2 (what editors and other tools read) that YAML 1.1 (PyYAML) leaves as text:
# 1e3, 1.5e3, +.5, 0o17. Reading them as numbers keeps a pack meaning one thing to every reader,
# and where text is expected the author is told to quote them, as for yes or 0123.
_YAML12_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_YAML12_OCTAL = re.compile(r"0o[0-7]+")


def _yaml12_number(text: str) -> int | float | None:
    if _YAML12_OCTAL.fullmatch(text):
        return int(text, 0)
    if _YAML12_FLOAT.fullmatch(text):
        try:
            return float(text)
        except (OverflowError, ValueError):  # pragma: no cover - float() reads every such text
            return None
    return None


_BRACKETS = re.compile(r"[\[\]{}]")
_TOO_DEEP = Msg("yaml.too_deep", depth=MAX_DEPTH)
_TOO_MANY_OPEN = Msg("yaml.too_many_open", depth=MAX_DEPTH)


def _too_many_values() -> Msg:
    return Msg("yaml.too_many_values", count=MAX_NODES)  # read when raised: tests lower MAX_NODES


def _show_tag(tag: str) -> str:
    """Write a tag the way the author typed it: !!python/object, not tag:yaml.org,2002:python/object."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _pre_scan(text: str, file: str) -> None:
    """Refuse flow nesting ([ and {) too deep before the text reaches a parser.

    Counting brackets is quick and lets the message say what to do (close them);
    the composer stops any nesting this misses (block nesting, brackets in quotes)
    at the first value too deep.
    """
    depth = 0
    for lineno, line in enumerate(text.splitlines(), 1):
        for m in _BRACKETS.finditer(line):
            depth += 1 if m.group() in "[{" else -1
            if depth > MAX_DEPTH:
                raise YamlError(Problem(file, lineno, m.start() + 1, _TOO_MANY_OPEN))
        depth = max(depth, 0)


class _Refusal(Exception):
    """The composer refuses the file (too deep, too many values): a position and a message, no parser words."""

    def __init__(self, mark: Any, message: Msg):
        super().__init__(message)
        self.mark = mark
        self.message = message


class _ComposeError(yaml.composer.ComposerError):
    """PyYAML's own composer errors (undefined alias, duplicate anchor, a second document), raised by ours."""


_RESOLVER = yaml.resolver.Resolver()
_FAST_PARSER: Any = getattr(yaml, "CSafeLoader", None)  # libyaml, when PyYAML was built with it


def _plain(style: Any) -> Any:
    return None if style == "" else style  # libyaml says '' for a plain scalar, PyYAML None


class _Composer:
    """Build the node graph from parser events, without recursion.

    PyYAML's composers (the Python one and libyaml's) recurse once per level of
    nesting, and libyaml's can overflow the C stack; this one keeps its own stack
    and stops at MAX_DEPTH levels or MAX_NODES values, at the value to blame, after
    reading no more of the file than that. An alias (*name) gets a node of its own,
    marked where the alias is written and knowing its name, that shares the
    anchored node's children (PyYAML hands back the anchored node itself, so every
    use of an alias would carry the anchor's position).
    """

    def __init__(self, parser: Any):
        self.parser = parser
        self.anchors: dict[str, yaml.Node] = {}
        self.count = 0

    def compose(self) -> yaml.Node | None:
        p = self.parser
        p.get_event()  # stream start
        document = None
        if not p.check_event(yaml.StreamEndEvent):
            p.get_event()  # document start
            document = self.node()
            p.get_event()  # document end
        if not p.check_event(yaml.StreamEndEvent):
            event = p.get_event()
            raise _ComposeError(
                "expected a single document in the stream",
                document.start_mark if document else None,
                "but found another document",
                event.start_mark,
            )
        return document

    def node(self) -> yaml.Node:
        p = self.parser
        stack: list[yaml.Node] = []  # open collections, outermost first
        pending: list[Any] = []  # a mapping's key waiting for its value, per open collection
        while True:
            event = p.get_event()
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                done = stack.pop()
                pending.pop()
                done.end_mark = event.end_mark
                node = done
            else:
                self.count += 1
                if self.count > MAX_NODES:
                    raise _Refusal(event.start_mark, _too_many_values())
                is_key = bool(stack) and isinstance(stack[-1], yaml.MappingNode) and pending[-1] is None
                if len(stack) > MAX_DEPTH and not is_key:  # a key belongs to its map's level, as in _Builder
                    raise _Refusal(event.start_mark, _TOO_DEEP)
                node = self.start(event)
                if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) and not hasattr(node, "alias_of"):
                    stack.append(node)
                    pending.append(None)
                    continue
            if not stack:
                return node
            parent = stack[-1]
            if isinstance(parent, yaml.SequenceNode):
                parent.value.append(node)
            elif pending[-1] is None:
                pending[-1] = node
            else:
                parent.value.append((pending[-1], node))
                pending[-1] = None

    def start(self, event: Any) -> yaml.Node:
        """The node an event starts: a scalar, an alias's copy, or an empty collection to fill."""
        # The event's marks, untyped: libyaml's events carry its own Mark class, which PyYAML's
        # nodes take as well (its CLoader builds them so), though PyYAML's stubs name only yaml.Mark.
        start, end = event.start_mark, event.end_mark
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.anchors:
                raise _ComposeError(None, None, f"found undefined alias {event.anchor!r}", start)
            target = self.anchors[event.anchor]
            if isinstance(target, yaml.ScalarNode):
                alias: yaml.Node = yaml.ScalarNode(target.tag, target.value, start, end, target.style)
            else:
                assert isinstance(target, yaml.CollectionNode)  # anchors name scalars, lists and maps only
                alias = type(target)(target.tag, target.value, start, end, target.flow_style)
            alias.alias_of = event.anchor  # type: ignore[attr-defined]
            alias.resolved = getattr(target, "resolved", False)  # type: ignore[attr-defined]
            return alias
        anchor = event.anchor
        if anchor is not None and anchor in self.anchors:
            raise _ComposeError(
                f"found duplicate anchor {anchor!r}; first occurrence",
                self.anchors[anchor].start_mark,
                "second occurrence",
                start,
            )
        tag = event.tag
        node: yaml.Node
        if isinstance(event, yaml.ScalarEvent):
            if tag is None or tag == "!":
                # PyYAML's parser resolves a scalar tagged just `!` as if it were plain; libyaml does not
                implicit = (True, False) if tag == "!" else event.implicit
                tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, implicit)
                resolved = implicit[0]
            else:
                resolved = False
            node = yaml.ScalarNode(tag, event.value, start, end, _plain(event.style))
            node.resolved = resolved  # type: ignore[attr-defined]  # YAML chose the type from the plain text
        elif isinstance(event, yaml.SequenceStartEvent):
            if tag is None or tag == "!":
                tag = _RESOLVER.resolve(yaml.SequenceNode, None, event.implicit)
            node = yaml.SequenceNode(tag, [], start, None, event.flow_style)
        else:
            if tag is None or tag == "!":
                tag = _RESOLVER.resolve(yaml.MappingNode, None, event.implicit)
            node = yaml.MappingNode(tag, [], start, None, event.flow_style)
        if anchor is not None:
            self.anchors[anchor] = node
        return node


_REREAD_LIMIT = 160_000  # characters the Python parser reads again: ~0.15 s for a pack, ~1.3 s at worst


def _compose(text: str) -> yaml.Node | None:
    """Compose with libyaml (quick) when there is one; let PyYAML's Python parser find and word any error."""
    if _FAST_PARSER is not None:
        parser = _FAST_PARSER(text)
        reread, found = text, None
        try:
            return _Composer(parser).compose()
        except (_Refusal, _ComposeError):
            raise
        except yaml.MarkedYAMLError as exc:
            # The Python parser reads again only the file up to the line after the error (a
            # shipped pack is 30-150 kB): its wording is the one _explain knows.
            found = exc
            if exc.problem_mark is not None:
                reread = "\n".join(text.split("\n")[: exc.problem_mark.line + 2])
            if len(reread) > _REREAD_LIMIT:
                raise
        except Exception:  # whatever libyaml disliked, the Python parser reads again below
            pass
        finally:
            parser.dispose()
        # Reading events only, the Python parser reaches the error sooner than composing would.
        parser = yaml.SafeLoader(reread)
        try:
            depth = events = 0
            while parser.check_event() and depth <= MAX_DEPTH and events <= 3 * MAX_NODES:
                event = parser.get_event()  # nesting or size the composer refuses: compose below to say so
                events += 1
                if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                    depth += 1
                elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                    depth -= 1
        except yaml.MarkedYAMLError as again:
            mark, first = again.problem_mark, found.problem_mark if found is not None else None
            if found is None or first is None or reread is text or (mark is not None and mark.line <= first.line):
                raise
            raise found from None  # the cut at the end of the text read again made this one
        finally:
            parser.dispose()
        if found is not None and reread is not text:
            raise found  # the part read again was fine: libyaml's own wording, then
    parser = yaml.SafeLoader(text)
    try:
        return _Composer(parser).compose()
    finally:
        parser.dispose()


class _Builder:
    def __init__(self, file: str, lines: list[str] | None = None):
        self.file = file
        self.lines = lines or []
        self.located = Located(None)
        self.count = 0
        self.scalar_constructor = yaml.SafeLoader("")
        self.stack: list[Any] = []  # the containers being built, one per level of the current path
        self.sizes: dict[int, int] = {}

    def fail(self, node: yaml.Node, message: Msg, path: Path | None = None) -> YamlError:
        m = node.start_mark
        where = _describe(path, self.stack) if path else ""
        return YamlError(Problem(self.file, m.line + 1, m.column + 1, message, where))

    # -- expansion ------------------------------------------------------
    def size(self, node: yaml.Node, depth: int, active: set[int]) -> int:
        """How many values `node` becomes once every alias is written out."""
        if isinstance(node, yaml.ScalarNode):
            return 1
        if depth > MAX_DEPTH:
            raise self.fail(node, _TOO_DEEP)
        key = id(node.value)
        if key in self.sizes:
            return self.sizes[key]
        if key in active:
            name = getattr(node, "alias_of", "")
            raise self.fail(node, Msg("yaml.alias_loop", name=name))
        active.add(key)
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(self.size(k, depth + 1, active) + self.size(v, depth + 1, active) for k, v in node.value)
        else:
            total = 1 + sum(self.size(item, depth + 1, active) for item in node.value)
        active.discard(key)
        self.sizes[key] = min(total, MAX_NODES + 1)
        return self.sizes[key]

    def refuse_bomb(self, root: yaml.Node) -> None:
        """Refuse a file whose aliases would expand to more than MAX_NODES values, at the alias to blame."""
        if self.size(root, 0, set()) <= MAX_NODES:
            return
        count = 0
        node = root
        while True:
            alias_of = getattr(node, "alias_of", None)
            if alias_of is not None:
                raise self.fail(node, Msg("yaml.alias_bomb", name=alias_of, count=MAX_NODES))
            children = [c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode) else node.value
            count += 1
            for child in children:
                n = self.size(child, 0, set())
                if count + n > MAX_NODES and not isinstance(child, yaml.ScalarNode):
                    node = child
                    break
                count += n
                if count > MAX_NODES:
                    raise self.fail(child, _too_many_values())
            else:  # pragma: no cover - the sizes said otherwise
                raise self.fail(node, _too_many_values())

    # -- building -------------------------------------------------------
    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, _too_many_values(), path)
        if depth > MAX_DEPTH:
            raise self.fail(node, _TOO_DEEP, path)
        if node.tag not in _STANDARD_TAGS and not (node.tag in _PLAIN_TEXT_TAGS and getattr(node, "resolved", False)):
            raise self.fail(node, Msg("yaml.tag", tag=_show_tag(node.tag)), path)
        self.located.values[path] = Mark(node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            self.stack.append(result)
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self.fail(key_node, Msg("yaml.merge_key"), path)
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.fail(key_node, Msg("yaml.key_not_word"), path)
                key = self.scalar(key_node, path)
                if not isinstance(key, (str, int)):
                    key = str(key_node.value)
                if key in result:
                    first = self.located.keys[path + (key,)]
                    raise self.fail(key_node, self.duplicate(node, key_node, key, first, path), path + (key,))
                self.located.keys[path + (key,)] = Mark(key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                result[key] = None  # in place while the value is built, so a problem inside can name it
                result[key] = self.build(value_node, path + (key,), depth + 1)
            self.stack.pop()
            return result
        if isinstance(node, yaml.SequenceNode):
            items: list[Any] = []
            self.stack.append(items)
            for i, item in enumerate(node.value):
                items.append(None)
                items[i] = self.build(item, path + (i,), depth + 1)
            self.stack.pop()
            return items
        assert isinstance(node, yaml.ScalarNode)  # the composer makes only scalars, lists and maps
        value = self.scalar(node, path)
        if isinstance(value, str) and node.style is None:
            self.comment_after(node, value, path)
        if not isinstance(value, str) and node.style is None:
            self.located.sources[path] = node.value
            if value is None and not node.value and node.start_mark.line < len(self.lines):
                # `title: #1 tip` is an empty title and a comment: keep what the author meant as text.
                rest = self.lines[node.start_mark.line][node.start_mark.column :].strip()
                if rest.startswith("#"):
                    self.located.sources[path] = rest
        return value

    def comment_after(self, node: yaml.ScalarNode, value: str, path: Path) -> None:
        """Remember a ` #` right after a plain text on its last line: YAML dropped the rest as a comment."""
        end = node.end_mark
        if not value or end.line >= len(self.lines):
            return
        rest = self.lines[end.line][end.column :]
        m = re.match(r"\s+#", rest)
        if m:
            mark = Mark(end.line + 1, end.column + m.end())
            self.located.cuts[path] = (value, rest[m.end() - 1 :].strip(), mark)

    def duplicate(self, node: yaml.MappingNode, key_node: yaml.Node, key: Any, first: Mark, path: Path) -> Msg:
        """Word a key set twice; a list item's first key set again most likely starts an item without its `- `."""
        first_key = node.value[0][0]
        if path and isinstance(path[-1], int) and first_key is not key_node and first_key.value == key_node.value:
            value_node = next(v for k, v in node.value if k is key_node)
            shown = value_node.value if isinstance(value_node, yaml.ScalarNode) else "..."
            return Msg("yaml.missing_dash", key=key, first=first.line, dash=first.line, value=shown)
        return Msg("yaml.duplicate_key", key=key, first=first.line)

    def scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        if node.tag == "tag:yaml.org,2002:timestamp":
            # Dates and times are never meaningful in a pack; keep the author's text.
            return node.value
        resolved = getattr(node, "resolved", False)
        if node.tag in _PLAIN_TEXT_TAGS and resolved:
            return node.value  # a lone = or << written as a value is text, not YAML's value or merge type
        if node.tag == "tag:yaml.org,2002:str":
            if resolved and node.style is None:
                number = _yaml12_number(node.value)
                if number is not None:
                    return number
            return node.value
        try:
            return self.scalar_constructor.construct_object(node, deep=True)
        except Exception:  # converting text to a standard type; any failure means "cannot be read as"
            if node.tag == "tag:yaml.org,2002:int" and node.value.lstrip("+-").isdigit():
                message = Msg("yaml.number_too_long")
            else:
                what = Msg(_TAG_NAMES[node.tag]) if node.tag in _TAG_NAMES else _show_tag(node.tag)
                message = Msg("yaml.tag_value", value=node.value, what=what, tag=_show_tag(node.tag))
            raise self.fail(node, message, path) from None


# -- syntax errors, in words an author can act on ----------------------------


def _line(lines: list[str], mark: Any) -> str:
    return lines[mark.line] if mark is not None and 0 <= mark.line < len(lines) else ""


_KEY_LIKE = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_-]*$")


def _explain(exc: yaml.MarkedYAMLError, lines: list[str]) -> tuple[Any, Msg]:
    """Return the mark to report and a message for a PyYAML syntax error."""
    problem = exc.problem or ""
    context = exc.context or ""
    pm, cm = exc.problem_mark, exc.context_mark
    line = _line(lines, pm)

    if "exceeded maximum nesting depth" in problem:
        # libyaml 0.2.6 and later have a nesting limit of their own (1,000 levels), which can
        # fire before the kit's; the author gets the same message either way.
        return pm or cm, _TOO_DEEP
    if "found character '\\t'" in problem or "tab character" in problem:
        tab = _tab_mark(lines, pm)
        if tab is not None:
            number = tab.line + 1
            at_start = not lines[tab.line][: tab.column].strip()
            return tab, Msg("yaml.tab" if at_start else "yaml.tab_inside", line=number)
    m = re.search(r"found character '(.)' that cannot start any token", problem)
    if m:
        return pm, Msg("yaml.bad_start", char=m.group(1))
    if context == "while scanning an alias" or context == "while scanning an anchor":
        char = "*" if "alias" in context else "&"
        return cm or pm, Msg("yaml.alias_start", char=char)
    m = re.search(r"found undefined alias '?([^']*)'?", problem)
    if m:
        return pm, Msg("yaml.undefined_alias", name=m.group(1))
    if "found duplicate anchor" in context:
        return pm, Msg("yaml.duplicate_anchor", first=cm.line + 1 if cm else "?")
    if problem == "mapping values are not allowed here":
        before = line[: pm.column] if pm else ""
        if ": " in before or before.rstrip().endswith(":"):
            key, _, value = line.strip().removeprefix("- ").partition(": ")
            example = Msg("yaml.colon_example", key=key, value=value.strip()) if value and '"' not in value else ""
            return pm, Msg("yaml.colon", example=example)
        if pm is not None and before.strip() and not _KEY_LIKE.match(before):
            # `ja huom: tämä` on a line that goes on with the text above: not a key, a colon in a text
            return pm, Msg("yaml.colon_folded", key=_text_key(lines, pm.line) or "text")
        return pm, Msg("yaml.indent_deeper")
    if problem == "sequence entries are not allowed here":
        return pm, Msg("yaml.dash_after_key")
    if context == "while scanning a quoted scalar" and "end of stream" in problem:
        return cm or pm, Msg("yaml.quote_not_closed")
    if "quoted scalar" in context and "unknown escape character" in problem:
        return pm, Msg("yaml.backslash")
    if context == "while scanning a simple key" and "could not find expected ':'" in problem:
        return cm or pm, Msg("yaml.no_colon")
    if context == "expected a single document in the stream":
        return pm, Msg("yaml.second_document")
    m = re.match(r"expected <block end>, but found '(.*)'", problem)
    if m or problem.startswith("did not find expected key") or "expected '-' indicator" in problem:
        found = m.group(1) if m else ""
        before = line[: pm.column].rstrip() if pm else ""
        if pm is not None and found == "<scalar>" and before.endswith(("'", '"')):
            return pm, _after_quote(before, line[pm.column :])
        if found == "-":
            return pm, Msg("yaml.item_not_lined_up")
        dashless = _dash_missing(lines, pm)
        if dashless:
            return pm, Msg("yaml.dash_missing_here", key=dashless)
        return pm, Msg("yaml.indent_differs")
    m = re.match(r"expected '?,'? or '?([\]}])'?, but got '(.*)'", problem) or re.match(
        r"expected the node content, but found '(.*)'", problem
    )
    if m and "flow" in context:
        if "sequence" in context or "mapping" in context:
            bracket, close = ("[", "]") if "sequence" in context else ("{", "}")
            opened = Msg("yaml.opened_on", line=cm.line + 1) if cm is not None else ""
            return pm, Msg("yaml.bracket_open", bracket=bracket, opened=opened, close=close)
        return pm, Msg("yaml.flow_not_closed")
    what = f"{context}: {problem}" if context else problem or "the YAML cannot be read"
    return pm or cm, Msg("yaml.syntax", what=what)


def _tab_mark(lines: list[str], pm: Any) -> Any:
    """The tab the parser tripped on: on its line, else the nearest line above that has one."""
    if pm is None:
        return None
    for number in range(min(pm.line, len(lines) - 1), -1, -1):
        col = lines[number].find("\t")
        if col >= 0:
            return yaml.Mark("", 0, number, col, "", 0)
    return pm


def _after_quote(before: str, after: str) -> Msg:
    """Text after a closing quote: a quote inside the quoted text ended it early (the line
    has another one of the same further on), or text was written after the quotes."""
    m = re.search(r":\s+([\"'])", before)
    opener = m.group(1) if m else before[-1]
    if opener in after.rstrip():
        return Msg("yaml.quote_inside_double" if opener == '"' else "yaml.quote_inside_single")
    return Msg("yaml.after_quote")


def _text_key(lines: list[str], number: int) -> str | None:
    """The key of the text that goes on over the lines above line `number` (0-based)."""
    indent = len(lines[number]) - len(lines[number].lstrip())
    for above in range(number - 1, -1, -1):
        text = lines[above]
        if text.strip() and len(text) - len(text.lstrip()) < indent:
            m = re.match(r"\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_-]*):", text)
            return m.group(1) if m else None
    return None


def _dash_missing(lines: list[str], pm: Any) -> str | None:
    """The key of a line that stands where a list's items begin but has no `- `: likely a forgotten dash."""
    if pm is None or pm.line >= len(lines):
        return None
    text = lines[pm.line]
    m = re.match(r"(\s*)([A-Za-z_][A-Za-z0-9_-]*):", text)
    if not m:
        return None
    indent = len(m.group(1))
    for above in range(pm.line - 1, -1, -1):
        other = lines[above]
        if not other.strip() or other.lstrip().startswith("#"):
            continue
        here = len(other) - len(other.lstrip())
        if here == indent:
            return m.group(2) if other.lstrip().startswith("- ") else None
        if here < indent:
            return None
    return None


def _not_utf8(raw: bytes, start: int, file: str) -> YamlError:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return YamlError(Problem(file, 1, 1, Msg("file.utf16")))
    line_start = raw.rfind(b"\n", 0, start) + 1
    line = raw.count(b"\n", 0, start) + 1
    col = len(raw[line_start:start].decode("utf-8", errors="replace")) + 1
    return YamlError(
        Problem(
            file,
            line,
            col,
            Msg("file.not_utf8", byte=f"{raw[start]:02X}"),
        )
    )


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def load_yaml(text: str | bytes, file: str = "<pack>") -> Located:
    """Parse one YAML document into plain values with positions; raise YamlError."""
    too_big = Msg("file.too_big", kb=MAX_BYTES // 1000)
    if isinstance(text, bytes):
        raw = text
        if len(raw) > MAX_BYTES:
            raise YamlError(Problem(file, 1, 1, too_big))
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _not_utf8(raw, exc.start, file) from None
    if len(text) > MAX_BYTES:
        raise YamlError(Problem(file, 1, 1, too_big))
    text = text.removeprefix("\ufeff")
    bad = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if bad:
        line, col = _position(text, bad.start())
        raise YamlError(
            Problem(
                file,
                line,
                col,
                Msg("file.control_char", code=f"{ord(bad.group()):04X}"),
            )
        )
    _pre_scan(text, file)
    try:
        node = _compose(text)
    except _Refusal as exc:
        raise YamlError(Problem(file, exc.mark.line + 1, exc.mark.column + 1, exc.message)) from None
    except yaml.MarkedYAMLError as exc:
        mark, message = _explain(exc, text.splitlines())
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlError(Problem(file, line, col, message)) from None
    except RecursionError:
        raise YamlError(Problem(file, 1, 1, _TOO_DEEP)) from None
    except yaml.YAMLError as exc:
        raise YamlError(Problem(file, 1, 1, Msg("yaml.syntax", what=str(exc)))) from None
    except ValueError:  # e.g. a %YAML directive with a number too long to read
        raise YamlError(Problem(file, 1, 1, Msg("yaml.number_in_directive"))) from None
    builder = _Builder(file, text.splitlines())
    builder.located.lines = builder.lines
    if node is None:
        builder.located.data = None
        return builder.located
    builder.refuse_bomb(node)
    builder.located.data = builder.build(node, (), 0)
    return builder.located
