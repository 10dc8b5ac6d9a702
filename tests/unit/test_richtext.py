"""Formatted pack texts (issue #17): the grammar of workshops/activities/richtext.py.

CASES is also the table tests/e2e/test_rich_text.py runs static/js/lib.js's rich() on: the
projector must show what `workshops check` read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshops.activities.richtext import SPACES, Block, as_data, joins, lost_breaks, parse
from workshops.packs import load_pack


def compact(blocks: list[Block]) -> list[Any]:
    """("p", runs), ("ul", [runs...]) or ("ol", start, [runs...]); a run is its text, or (style, text)."""

    def runs(spans: Any) -> list[Any]:
        return [s.text if s.style == "text" else (s.style, s.text) for s in spans]

    out: list[Any] = []
    for b in blocks:
        if b.kind == "paragraph":
            out.append(("p", runs(b.items[0])))
        elif b.kind == "bullets":
            out.append(("ul", [runs(i) for i in b.items]))
        else:
            out.append(("ol", b.start, [runs(i) for i in b.items]))
    return out


#: (text, what it parses into)
CASES: list[tuple[str, list[Any]]] = [
    ("", []),
    ("  \n\t\n", []),
    ("Tänään puhutaan unesta.", [("p", ["Tänään puhutaan unesta."])]),
    # paragraphs: a blank line separates them, a single line break joins lines with a space
    ("Eka.\n\nToka.", [("p", ["Eka."]), ("p", ["Toka."])]),
    ("Eka rivi\ntoka rivi", [("p", ["Eka rivi toka rivi"])]),
    ("  sisennetty  \n   jatkuu", [("p", ["sisennetty jatkuu"])]),
    ("Windows\r\nrivit\r\n\r\nja Mac\rrivit", [("p", ["Windows rivit"]), ("p", ["ja Mac rivit"])]),
    # bulleted lists: `- ` or `* `, right under a paragraph too
    ("- uni\n- ruoka", [("ul", [["uni"], ["ruoka"]])]),
    ("Tarvitset:\n- puhelimen\n* hetken", [("p", ["Tarvitset:"]), ("ul", [["puhelimen"], ["hetken"]])]),
    ("- uni\n\n- ruoka", [("ul", [["uni"]]), ("ul", [["ruoka"]])]),
    ("- pitkä kohta\n  jatkuu\n- toinen", [("ul", [["pitkä kohta jatkuu"], ["toinen"]])]),
    ("- kohta\nUusi kappale.", [("ul", [["kohta"]]), ("p", ["Uusi kappale."])]),
    ("  - sisennetty\n    - ei sisäkkäin", [("ul", [["sisennetty"], ["ei sisäkkäin"]])]),
    # numbered lists: two items or more; they count from the first number
    ("1. Lue\n2. Vastaa", [("ol", 1, [["Lue"], ["Vastaa"]])]),
    ("1) Lue\n2) Vastaa", [("ol", 1, [["Lue"], ["Vastaa"]])]),
    ("3. kolmas\n4. neljäs", [("ol", 3, [["kolmas"], ["neljäs"]])]),
    ("1. Lue\n   tarkasti\n2. Vastaa", [("ol", 1, [["Lue tarkasti"], ["Vastaa"]])]),
    ("6. luokka tulee tänään.", [("p", ["6. luokka tulee tänään."])]),
    ("Tule\n24. joulukuuta", [("p", ["Tule 24. joulukuuta"])]),
    ("- kohta\n1. eka\n2. toka", [("ul", [["kohta"]]), ("ol", 1, [["eka"], ["toka"]])]),
    # not items: no space after the mark, or nothing after it
    ("-5 astetta", [("p", ["-5 astetta"])]),
    ("2020. vuonna", [("p", ["2020. vuonna"])]),
    ("-\n- ", [("p", ["- -"])]),
    ("1.\n2.", [("p", ["1. 2."])]),
    # bold and emphasis
    (
        "**Tärkeää:** lue *tarkasti* ja _hitaasti_",
        [("p", [("strong", "Tärkeää:"), " lue ", ("em", "tarkasti"), " ja ", ("em", "hitaasti")])],
    ),
    ("- **112** hätänumero", [("ul", [[("strong", "112"), " hätänumero"]])]),
    ("**rivi\nvaihtuu**", [("p", [("strong", "rivi vaihtuu")])]),
    ("*a **b** c*", [("p", [("em", "a **b** c")])]),
    ("**a *b* c**", [("p", [("strong", "a *b* c")])]),
    ("**a*b**", [("p", [("strong", "a*b")])]),
    # marks without a pair, inside words, or next to spaces stay text
    ("5 * 3 * 2", [("p", ["5 * 3 * 2"])]),
    ("tiedosto_nimi_2 ja __init__", [("p", ["tiedosto_nimi_2 ja __init__"])]),
    ("a*b*c", [("p", ["a*b*c"])]),
    ("** ei **", [("p", ["** ei **"])]),
    ("***", [("p", ["***"])]),
    ("***a***", [("p", ["***a***"])]),
    ("*kesken", [("p", ["*kesken"])]),
    ("sana*", [("p", ["sana*"])]),
    ("*ä*ö", [("p", ["*ä*ö"])]),
    ("(*sulut*)", [("p", ["(", ("em", "sulut"), ")"])]),
    ("\U0001d400*x* *y*\U0001d400 *z*", [("p", ["\U0001d400*x* ", ("em", "y*\U0001d400 *z")])]),  # an astral letter
    ("\u00a0*a*\u3000", [("p", [("em", "a")])]),
    # everything else is text exactly as written: no HTML, links, images or headings
    ("# Otsikko", [("p", ["# Otsikko"])]),
    ("<b>lihava</b> <script>alert(1)</script>", [("p", ["<b>lihava</b> <script>alert(1)</script>"])]),
    ("[linkki](https://example.com) ![kuva](a.png)", [("p", ["[linkki](https://example.com) ![kuva](a.png)"])]),
    ("> lainaus\n`koodi` &amp;", [("p", ["> lainaus `koodi` &amp;"])]),
    ("\\*ei kenoviivaa\\*", [("p", ["\\", ("em", "ei kenoviivaa\\")])]),
    ("• uni\n– ruoka", [("p", ["• uni – ruoka"])]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[repr(t)[:40] for t, _ in CASES])
def test_parse(text: str, expected: list[Any]) -> None:
    assert compact(parse(text)) == expected


#: (text, the lines lost_breaks reports)
BREAKS: list[tuple[str, list[int]]] = [
    ("Yksi rivi.", []),
    ("Eka.\n\nToka.", []),
    ("Tarvitset:\n- puhelimen\n- hetken", []),
    ("- pitkä kohta\n  jatkuu", []),
    # short lines, or lines that end a sentence: meant as lines of their own
    ("Muista:\nPese kädet.", [2]),
    ("Pese kädet.\nSyö aamupala.\nNuku hyvin.", [2, 3]),
    ("Uni\nRuoka\nLiikunta", [2, 3]),
    ("Tämä rivi on tarpeeksi pitkä ollakseen kappaleen rivi, ja se päättyy.\nUusi lause.", [2]),
    # looks like a list item, but the grammar does not take it
    ("Tämä rivi on tarpeeksi pitkä ollakseen kappaleen rivi ja jatkuu vielä\n• uni", [2]),
    ("Tämä rivi on tarpeeksi pitkä ollakseen kappaleen rivi ja jatkuu vielä\n-uni", [2]),
    ("Tämä rivi on tarpeeksi pitkä ollakseen kappaleen rivi ja jatkuu vielä\n1.uni", [2]),
    ("Tämä rivi on tarpeeksi pitkä ollakseen kappaleen rivi ja jatkuu vielä\na) uni", [2]),
    ("Katso:\n6. luokka", [2]),
    # prose wrapped in the editor: a long line broken mid-sentence
    ("Tämä kappale on kirjoitettu editorissa kahdelle riville, koska se on\nniin pitkä.", []),
    ("Sisältö\n\nTämä kappale on kirjoitettu editorissa kahdelle riville, koska se on\nniin pitkä.", []),
]


@pytest.mark.parametrize(("text", "lines"), BREAKS, ids=[repr(t)[:40] for t, _ in BREAKS])
def test_lost_breaks(text: str, lines: list[int]) -> None:
    assert lost_breaks(text) == lines
    assert set(lines) <= set(joins(text))


def test_joins_counts_every_single_break_inside_a_paragraph() -> None:
    text = "Tämä kappale on kirjoitettu editorissa kahdelle riville, koska se on\nniin pitkä.\n\n- a\n  b\nc\nd"
    assert joins(text) == [2, 7]  # not 5: an indented line under an item continues the item


def test_as_data_is_what_the_clients_build() -> None:
    assert as_data(parse("Hei **sinä**\n\n3. a\n4. b")) == [
        {"kind": "paragraph", "start": 1, "items": [[["text", "Hei "], ["strong", "sinä"]]]},
        {"kind": "numbers", "start": 3, "items": [[["text", "a"]], [["text", "b"]]]},
    ]


# -- properties --------------------------------------------------------------------------------

#: the characters the grammar may take away: spaces, the marks and the list items' numbers
_MARKS = re.compile("[" + re.escape(SPACES + "*_-.)0123456789") + "]")
#: texts made of what the grammar reads, and of anything else
_TEXTS = st.one_of(
    st.text(alphabet=st.sampled_from(list("ab ä1.)-*_#<>[]\n\t\u00a0\r\U0001d400")), max_size=60),
    st.text(max_size=60),
)


def _shown(blocks: list[Block]) -> str:
    return "".join(s.text for b in blocks for item in b.items for s in item)


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_parse_never_raises_and_keeps_every_character(text: str) -> None:
    blocks = parse(text)
    # Every character but spaces, marks and item numbers is shown, in order; nothing is added.
    assert _MARKS.sub("", _shown(blocks)) == _MARKS.sub("", text)
    for b in blocks:
        assert b.items and all(item for item in b.items)
        assert all(s.text for item in b.items for s in item)
        assert all("\n" not in s.text and "\r" not in s.text for item in b.items for s in item)


@settings(max_examples=200, deadline=None)
@given(_TEXTS)
def test_lost_breaks_are_lines_of_the_text(text: str) -> None:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found = lost_breaks(text)
    assert found == sorted(set(found))
    assert all(2 <= n <= len(lines) for n in found)
    assert set(found) <= set(joins(text))


# -- the check's warning ------------------------------------------------------------------------


def _pack(tmp_path: Path, steps: str) -> Path:
    folder = tmp_path / "muotoilu"
    folder.mkdir()
    (folder / "pack.yaml").write_text(
        "id: muotoilu\ntitle: Testi\naudience: {min_age: 9, max_age: 12}\nminutes: 5\nagenda:\n" + steps,
        encoding="utf-8",
    )
    return folder


def test_the_check_warns_at_the_line_that_would_be_joined(tmp_path: Path) -> None:
    folder = _pack(
        tmp_path,
        "  - id: a\n"
        "    kind: slide\n"
        "    minutes: 5\n"
        "    title: Hei\n"
        "    text: |\n"
        "      Tarvitset:\n"
        "      - puhelimen\n"
        "\n"
        "      Muista:\n"
        "      Pese kädet.\n",
    )
    result = load_pack(folder)
    assert result.ok
    [problem] = result.problems
    assert (problem.severity, problem.line, problem.col, problem.where) == ("warning", 15, 7, "agenda[a].text")
    assert "blank line" in problem.message and "`- `" in problem.message


def test_the_check_warns_when_yaml_folds_a_list_away(tmp_path: Path) -> None:
    folder = _pack(
        tmp_path,
        "  - id: a\n    kind: slide\n    minutes: 5\n    title: Hei\n    notes:\n      fi: Kysy\n        - Mitä?\n",
    )
    [problem] = load_pack(folder).problems
    assert (problem.line, problem.col, problem.where) == (12, 9, "agenda[a].notes.fi")
    assert "`fi: |`" in problem.message


def test_the_check_warns_about_a_line_break_in_plain_text(tmp_path: Path) -> None:
    folder = _pack(tmp_path, '  - id: a\n    kind: slide\n    minutes: 5\n    title: "Hei\\nkaikki"\n')
    [problem] = load_pack(folder).problems
    assert (problem.line, problem.where) == (9, "agenda[a].title")
    assert "one line" in problem.message


def test_well_formatted_texts_get_no_warning(tmp_path: Path) -> None:
    folder = _pack(
        tmp_path,
        "  - id: a\n"
        "    kind: slide\n"
        "    minutes: 5\n"
        "    title: Hei\n"
        "    text: |\n"
        "      Tämä kappale on kirjoitettu editorissa kahdelle riville, koska se on\n"
        "      niin pitkä.\n"
        "\n"
        "      1. Lue\n"
        "      2. Vastaa\n"
        "    notes: Tämä pitkä teksti on kirjoitettu\n"
        "      kahdelle riville ilman pystyviivaa.\n",
    )
    result = load_pack(folder)
    assert result.ok and result.problems == []
