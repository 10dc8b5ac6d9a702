"""Formatted pack texts (issue #17): a small, safe subset of Markdown.

Slide text, notes, explanations and the like are long prose on the projector: authors need
paragraphs and lists in them. The grammar below is all there is; anything else (`#`, `>`,
`<b>`, `[x](y)`, a backslash) stays text exactly as written. Nothing here makes HTML: the
clients build DOM nodes from the same grammar (static/js/lib.js's rich(), which mirrors
this module rule for rule), the print pages escape every text (workshops/web/printing.py).

Blocks, line by line (a line ends at \\n; \\r\\n and \\r count as \\n):

- A blank line (nothing but spaces) ends a paragraph or a list.
- `- ` or `* ` at the start of a line (spaces before it allowed) makes the line an item of a
  bulleted list. A number, `.` or `)` and a space (`1. `, `2) `) makes it an item of a numbered
  list, which counts from its first item's number; a numbered list needs two items or more in
  a row, so a lone line such as `6. luokka` stays text. An item needs text after its marker.
- Items in a row form one list (a bulleted and a numbered one are two lists); a list may start
  right under a paragraph's line. An indented line (one starting with a space or a tab) right
  under an item continues the item; any other line ends the list.
- Any other line belongs to a paragraph. A single line break inside a paragraph is shown as a
  space: the lines join (`lost_breaks` finds the ones an author probably meant as breaks).

Inline, in a paragraph's or an item's text once its lines are joined:

- `**bold**`, and `*emphasis*` or `_emphasis_`. The opening mark is not preceded by a letter
  or a digit and is followed by neither a space nor the same mark; the closing one is the
  first after it that is preceded by neither a space nor the same mark and followed by
  neither a letter, a digit nor the same mark. No nesting: the text between is shown as
  written. A mark without its pair is text (`5 * 3`, `tiedosto_nimi`, `**`).

Spaces are the Unicode space separators (category Zs) and tab, line feed, vertical tab, form
feed and carriage return; letters and digits are the Unicode categories L and N.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

#: the spaces of the grammar: Unicode's space separators (Zs) and the ASCII control spaces
SPACES = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_SP = "[" + SPACES + "]"
_BULLET = re.compile(rf"{_SP}*[-*]{_SP}+")
_NUMBER = re.compile(rf"{_SP}*([0-9]{{1,9}})[.)]{_SP}+")

Kind = Literal["paragraph", "bullets", "numbers"]
Style = Literal["text", "strong", "em"]
#: what the marks make, by mark
_STYLES: dict[str, Style] = {"**": "strong", "*": "em", "_": "em"}


@dataclass(frozen=True)
class Span:
    """A run of text: plain, bold (`strong`) or emphasised (`em`)."""

    text: str
    style: Style = "text"


@dataclass(frozen=True)
class Block:
    """A paragraph (one item: its text), a bulleted list or a numbered list (counting from `start`)."""

    kind: Kind
    items: tuple[tuple[Span, ...], ...]
    start: int = 1


@dataclass
class _Raw:
    """A block before its inline marks are read: its items' lines, each as (line number, text)."""

    kind: Kind
    items: list[list[tuple[int, str]]]
    start: int = 1


def _is_space(ch: str) -> bool:
    return ch in SPACES


def _is_word(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LN"


def _strip(text: str) -> str:
    return text.strip(SPACES)


def _indented(line: str) -> bool:
    return line[:1] != "" and line[0] in SPACES


def _item(line: str) -> tuple[Kind, int, str] | None:
    """(kind, number, text) if the line is a list item, else None."""
    m = _BULLET.match(line)
    kind: Kind = "bullets"
    number = 1
    if m is None:
        m = _NUMBER.match(line)
        if m is None:
            return None
        kind = "numbers"
        number = int(m.group(1))
    rest = _strip(line[m.end() :])
    return (kind, number, rest) if rest else None


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _raw_blocks(text: str) -> list[_Raw]:
    lines = _lines(text)
    blocks: list[_Raw] = []
    current: _Raw | None = None
    for i, line in enumerate(lines):
        number = i + 1
        if not _strip(line):
            current = None
            continue
        item = _item(line)
        if item is not None and item[0] == "numbers" and not (current is not None and current.kind == "numbers"):
            # A numbered list needs a second item: skip the lines that would continue this one.
            j = i + 1
            while j < len(lines) and _strip(lines[j]) and _indented(lines[j]) and _item(lines[j]) is None:
                j += 1
            following = _item(lines[j]) if j < len(lines) else None
            if following is None or following[0] != "numbers":
                item = None
        if item is not None:
            kind, start, rest = item
            if current is None or current.kind != kind:
                current = _Raw(kind, [], start)
                blocks.append(current)
            current.items.append([(number, rest)])
        elif current is not None and current.kind != "paragraph" and _indented(line):
            current.items[-1].append((number, _strip(line)))
        elif current is not None and current.kind == "paragraph":
            current.items[0].append((number, _strip(line)))
        else:
            current = _Raw("paragraph", [[(number, _strip(line))]])
            blocks.append(current)
    return blocks


def _closing(text: str, i: int, mark: str) -> int:
    """Where the mark opening at `i` closes, or -1 when it does not open or has no pair."""
    c, k, n = mark[0], len(mark), len(text)
    if i > 0 and _is_word(text[i - 1]):
        return -1
    if i + k >= n or _is_space(text[i + k]) or text[i + k] == c:
        return -1
    j = text.find(mark, i + k + 1)
    while j != -1:
        before = text[j - 1]
        after = text[j + k] if j + k < n else ""
        if not _is_space(before) and before != c and (not after or (not _is_word(after) and after != c)):
            return j
        j = text.find(mark, j + 1)
    return -1


def inline(text: str) -> tuple[Span, ...]:
    """The bold, emphasised and plain runs of one paragraph's or item's text."""
    spans: list[Span] = []
    plain: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "*_":
            mark = "**" if text.startswith("**", i) else ch
            end = _closing(text, i, mark)
            if end == -1:
                plain.append(mark)
            else:
                if plain:
                    spans.append(Span("".join(plain)))
                    plain = []
                spans.append(Span(text[i + len(mark) : end], _STYLES[mark]))
                i = end
            i += len(mark)
            continue
        plain.append(ch)
        i += 1
    if plain:
        spans.append(Span("".join(plain)))
    return tuple(spans)


def parse(text: str) -> list[Block]:
    """The paragraphs and lists of a formatted text; never raises (any text is valid)."""
    return [
        Block(raw.kind, tuple(inline(" ".join(line for _, line in item)) for item in raw.items), raw.start)
        for raw in _raw_blocks(text)
    ]


# -- what an author probably did not mean --------------------------------------------------------

#: characters that start a list item in other editors (or in Markdown without the space)
_LOOKS_LIKE_ITEM = re.compile(r"[-*+•·‣◦▪▫●○■□–—]|[0-9]{1,3}[.)]|[a-zA-Z][.)]" + _SP)
#: a line shorter than this, or ending a sentence, is a line of its own, not prose wrapped in the editor
SHORT_LINE = 50
_ENDS_SENTENCE = tuple(".!?:;…")


def joins(text: str) -> list[int]:
    """The lines (numbered from 1 within the text) that a paragraph joins to the line above them."""
    return [number for raw in _raw_blocks(text) if raw.kind == "paragraph" for number, _ in raw.items[0][1:]]


def lost_breaks(text: str) -> list[int]:
    """The lines (numbered from 1 within the text) joined to the line above them where the author
    probably meant a new line: one that looks like a list item the grammar does not take (`•`,
    `–`, `1.` with no space), or one under a short line or a line that ends a sentence. Prose
    wrapped in the editor (a long line broken mid-sentence) is not reported."""
    found = []
    for raw in _raw_blocks(text):
        if raw.kind != "paragraph":
            continue
        lines = raw.items[0]
        for (_, above), (number, line) in itertools.pairwise(lines):
            if _LOOKS_LIKE_ITEM.match(line) or len(above) < SHORT_LINE or above.endswith(_ENDS_SENTENCE):
                found.append(number)
    return found


def as_data(blocks: list[Block]) -> list[dict[str, Any]]:
    """Blocks as JSON-ready data: what tests compare with the clients' rich() (their DOM, read back)."""
    return [
        {"kind": b.kind, "start": b.start, "items": [[[s.style, s.text] for s in item] for item in b.items]}
        for b in blocks
    ]


def plain_text(blocks: list[Block]) -> str:
    """The blocks' text without marks: paragraphs and items on lines of their own."""
    return "\n".join("".join(s.text for s in item) for b in blocks for item in b.items)
