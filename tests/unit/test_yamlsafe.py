"""load_yaml: plain values with positions, and a YamlError (never anything else) for bad input."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshops.packs import load_pack, yamlsafe
from workshops.packs.yamlsafe import MAX_BYTES, MAX_DEPTH, MAX_NODES, Mark, YamlError, describe, load_yaml


def error(text: str | bytes) -> YamlError:
    with pytest.raises(YamlError) as info:
        load_yaml(text, "pack.yaml")
    return info.value


# -- values and positions --------------------------------------------------------


DOC = """\
id: demo
title:
  fi: Hei
  sv: Hej
agenda:
  - id: alku
    kind: slide
    minutes: 2.5
  - id: visa
    options: [a, b]
"""


def test_values_are_plain_python() -> None:
    data = load_yaml(DOC).data
    assert data == {
        "id": "demo",
        "title": {"fi": "Hei", "sv": "Hej"},
        "agenda": [
            {"id": "alku", "kind": "slide", "minutes": 2.5},
            {"id": "visa", "options": ["a", "b"]},
        ],
    }


def test_positions_of_values() -> None:
    located = load_yaml(DOC)
    assert located.values[()] == Mark(1, 1)
    assert located.values[("id",)] == Mark(1, 5)
    assert located.values[("title",)] == Mark(3, 3)  # a map starts at its first key
    assert located.values[("title", "sv")] == Mark(4, 7)
    assert located.values[("agenda", 0)] == Mark(6, 5)
    assert located.values[("agenda", 0, "minutes")] == Mark(8, 14)
    assert located.values[("agenda", 1, "options", 1)] == Mark(10, 18)


def test_positions_of_keys() -> None:
    located = load_yaml(DOC)
    assert located.keys[("title",)] == Mark(2, 1)
    assert located.keys[("title", "sv")] == Mark(4, 3)
    assert located.keys[("agenda", 1, "options")] == Mark(10, 5)


def test_mark_falls_back_to_the_nearest_ancestor() -> None:
    located = load_yaml(DOC)
    assert located.mark(("agenda", 0, "question")) == Mark(6, 5)
    assert located.key_mark(("agenda", 0, "question")) == Mark(6, 5)
    assert located.mark(("nothing", "here")) == Mark(1, 1)


def test_describe_names_steps_by_id() -> None:
    data = load_yaml(DOC).data
    assert describe(("agenda", 1, "options", 0), data) == "agenda[visa].options[1]"
    assert describe(("title", "sv"), data) == "title.sv"
    assert describe((), data) == ""


def test_empty_document_is_none() -> None:
    assert load_yaml("").data is None
    assert load_yaml("# only a comment\n").data is None


def test_bytes_with_a_utf8_bom_are_read() -> None:
    assert load_yaml("\ufeffid: ä\n".encode()).data == {"id": "ä"}


def test_alias_values_are_copied_and_located_where_the_alias_is() -> None:
    located = load_yaml("a: &x {fi: Hei}\nb: *x\n")
    assert located.data == {"a": {"fi": "Hei"}, "b": {"fi": "Hei"}}
    assert located.values[("b",)] == Mark(2, 4)


def test_timestamps_stay_text() -> None:
    assert load_yaml("a: 2024-05-01\n").data == {"a": "2024-05-01"}


# -- refusals ---------------------------------------------------------------------


def test_duplicate_key_points_at_the_second() -> None:
    exc = error("agenda:\n  - id: a\n    title: x\n    title: y\n")
    p = exc.problem
    assert (p.line, p.col) == (4, 5)
    assert "duplicate key 'title'" in p.message and "line 3" in p.message
    assert p.where == "agenda[a].title"
    assert p.file == "pack.yaml"


def test_duplicate_key_after_yaml_reads_it() -> None:
    # `1` and `01` are both the number 1 for YAML
    assert "duplicate key '1'" in error("1: a\n01: b\n").problem.message


def test_merge_keys_are_refused() -> None:
    exc = error("base: &b {kind: slide}\nstep:\n  <<: *b\n  id: a\n")
    assert (exc.problem.line, exc.problem.col) == (3, 3)
    assert "merge keys (<<)" in exc.problem.message


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a: !!python/object/apply:os.system [echo hi]\n", "!!python/object/apply:os.system"),
        ("a: !!python/name:os.system ''\n", "!!python/name:os.system"),
        ("a: !custom x\n", "!custom"),
        ("a: !!binary aGVsbG8=\n", "!!binary"),
        ("a: !!set {x}\n", "!!set"),
    ],
)
def test_tags_are_refused(text: str, shown: str) -> None:
    exc = error(text)
    assert (exc.problem.line, exc.problem.col) == (1, 4)
    assert f"the tag {shown} is not allowed" in exc.problem.message


def test_standard_tags_are_allowed() -> None:
    assert load_yaml("a: !!str 12\nb: !!int '3'\n").data == {"a": "12", "b": 3}


@pytest.mark.parametrize(
    "text", ["a: !!int abc\n", "a: !!bool maybe\n", "a: !!float x\n", "a: !!seq abc\n", "a: !!map abc\n"]
)
def test_a_standard_tag_on_the_wrong_value_is_refused(text: str) -> None:
    assert error(text).problem.line == 1


def test_a_number_too_long_to_read_is_refused() -> None:
    exc = error("a: " + "9" * 5000 + "\n")
    assert "too long" in exc.problem.message


def billion_laughs(levels: int = 10) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_at_an_alias() -> None:
    exc = error(billion_laughs())
    assert "the alias *a" in exc.problem.message
    assert str(MAX_NODES) in exc.problem.message
    assert exc.problem.line > 1


def test_alias_bomb_in_bytes_is_refused() -> None:
    with pytest.raises(YamlError):
        load_yaml(billion_laughs(30).encode())


def test_modest_aliases_are_fine() -> None:
    assert len(load_yaml(billion_laughs(4)).data["a3"]) == 9


def test_recursive_alias_is_refused() -> None:
    exc = error("a: &a [1, *a]\n")
    assert "*a" in exc.problem.message and "forever" in exc.problem.message


def test_too_many_values_without_aliases(monkeypatch: pytest.MonkeyPatch) -> None:
    # MAX_NODES values fit in MAX_BYTES; a smaller limit keeps the pure-Python parser quick here
    assert len("1," * MAX_NODES) < MAX_BYTES
    monkeypatch.setattr(yamlsafe, "MAX_NODES", 500)
    exc = error("a: [" + "1," * 600 + "1]\n")
    assert "more than 500 values" in exc.problem.message
    assert exc.problem.line == 1


@pytest.mark.parametrize("size", [MAX_BYTES + 1, 5_000_000])
def test_oversize_input_is_refused(size: int) -> None:
    text = "a: " + "x" * (size - 3)
    assert "larger than" in error(text).problem.message
    assert "larger than" in error(text.encode()).problem.message


def test_deep_flow_nesting_is_refused_by_the_pre_scan() -> None:
    exc = error("a: " + "[" * 200 + "x" + "]" * 200 + "\n")
    assert (exc.problem.line, exc.problem.col) == (1, 4 + MAX_DEPTH)
    assert "nesting is too deep" in exc.problem.message


def test_deep_flow_nesting_across_lines() -> None:
    text = "a:\n" + "".join("  [\n" for _ in range(MAX_DEPTH + 1))
    assert error(text).problem.line == MAX_DEPTH + 2


def test_deep_block_indentation_is_refused_at_the_first_level_too_deep() -> None:
    text = "".join(" " * i + f"k{i}:\n" for i in range(0, 300))
    p = error(text).problem
    assert "nesting is too deep" in p.message
    assert (p.line, p.col) == (MAX_DEPTH + 2, MAX_DEPTH + 2)  # the key of level MAX_DEPTH + 1
    p = error("a:\n  " + "- " * 30_000 + "x\n").problem
    assert (p.line, p.col) == (2, 3 + 2 * MAX_DEPTH)  # the - of level MAX_DEPTH + 1


def test_deep_nesting_built_from_files(tmp_path: Path) -> None:
    # the depth limit also holds for nesting the pre-scan cannot see (one space per level)
    text = "".join(" " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5))
    (tmp_path / "deep").mkdir()
    (tmp_path / "deep" / "pack.yaml").write_text(text)
    (problem,) = load_pack(tmp_path / "deep").problems
    assert "nesting is too deep" in problem.message


def test_deep_nesting_through_aliases() -> None:
    lines = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, MAX_DEPTH + 5)]
    assert "nesting is too deep" in error("\n".join(lines) + "\n").problem.message


def test_deep_nesting_hidden_from_the_pre_scan_is_refused_where_it_gets_too_deep() -> None:
    # brackets closed inside a quoted text make a count of brackets see no nesting at all;
    # the composer counts the levels it builds and stops at the first one too many
    text = 'a: ["' + "]" * 30_000 + '", ' + "[" * 30_000 + "x" + "]" * 30_001 + "\n"
    p = error(text).problem
    first = text.index("[", 10)
    assert "nesting is too deep" in p.message
    # The bracket of level MAX_DEPTH + 1 (the map is level 0), where the kit's composer stops;
    # libyaml 0.2.6 and later may stop first at their own limit (1,000 levels), still on a
    # bracket that is too deep. Either way the author is shown a place that is too deep.
    assert p.line == 1 and text[p.col - 1] == "["
    assert p.col - first >= MAX_DEPTH


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 30_000 + "]" * 30_000 + "\n",
        "a: " + "{a: " * 30_000 + "b" + "}" * 30_000 + "\n",
        "a:\n  " + "- " * 30_000 + "x\n",
        "a:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 700)),  # about as deep as MAX_BYTES allows
        "a:\n" + "".join(" " * i + ("- [\n" if i % 2 else "k: {\n") for i in range(1, 500)),
        "a:\n" + "".join(" " * (i % 200) + "- " * 5 + "[{k: \n" for i in range(2_000)),
        # nesting the pre-scan lets through, for the composer to stop
        "a:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 200)),
        "a:\n  " + "- " * 100 + "x\n",
        'a: ["' + "]" * 30_000 + '", ' + "[" * 30_000 + "x" + "]" * 30_001 + "\n",
        "".join(" " * i + f"k{i}:\n" for i in range(30))
        + " " * 30
        + 'x: ["'
        + "]" * 198
        + '", '
        + "{a: [" * 99
        + "y"
        + "]}" * 99
        + "]\n",
    ],
    ids=[
        "flow-lists",
        "flow-maps",
        "block-lists-on-one-line",
        "block-maps",
        "mixed",
        "mixed-flat",
        "block-maps-one-space",
        "block-lists-100",
        "flow-hidden",
        "mixed-hidden",
    ],
)
@pytest.mark.parametrize("fast", [True, False], ids=["libyaml", "python"])
def test_deep_nesting_of_every_kind_is_refused_with_a_position(
    text: str, fast: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not fast:
        monkeypatch.setattr(yamlsafe, "_FAST_PARSER", None)
    p = error(text).problem
    assert "nesting is too deep" in p.message or "larger than" in p.message, p.format()
    assert p.line > 1 or p.col > 1 or "larger than" in p.message


def test_nesting_just_under_the_limit_is_fine() -> None:
    depth = MAX_DEPTH - 1
    assert load_yaml("[" * depth + "]" * depth).data is not None


def test_not_utf8_is_located_at_the_bad_byte() -> None:
    exc = error("id: x\ntitle: Hyvä\n".encode("latin-1"))
    assert (exc.problem.line, exc.problem.col) == (2, 11)
    assert "UTF-8" in exc.problem.message and "0xE4" in exc.problem.message


def test_utf16_is_named() -> None:
    assert "UTF-16" in error("id: x\n".encode("utf-16")).problem.message


@pytest.mark.parametrize("char", ["\x00", "\x07", "\ud800", "\x1b"])
def test_control_characters_are_refused_where_they_are(char: str) -> None:
    exc = error(f"id: x\ntitle: a{char}b\n")
    assert (exc.problem.line, exc.problem.col) == (2, 9)
    assert "control character" in exc.problem.message


# -- syntax errors, explained ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "col", "words"),
    [
        ("a:\n  b: 1\n c: 2\n", 3, 2, "indented differently"),
        ("title: Huom: tärkeä\n", 1, 12, 'put the whole text in quotes, e.g. title: "Huom: tärkeä"'),
        ("a: 1\n  b: 2\n", 2, 4, "indented deeper than the one above"),
        ("a:\n\tb: 1\n", 2, 1, "tab"),
        ('title: "Hei\nb: 2\n', 1, 8, "quote is never closed"),
        ('title: "Hei" kaikki\n', 1, 14, "text after a closing quote"),
        ("text: *tärkeä* asia\n", 1, 7, "cannot start with *"),
        ("a: *x\n", 1, 4, "*x names no anchor"),
        ("a: @me\n", 1, 4, "cannot start with @"),
        ("a: 1\n---\nb: 2\n", 2, 1, "a single document"),
        ("a: [1, 2\nb: 3\n", 2, 2, "the [ opened on line 1 is not closed"),
        ("a: 1\nb\nc: 2\n", 2, 1, "not `key: value`"),
        ("a: - 1\n", 1, 4, "list item"),
        ("a: 1\n- b\n", 2, 1, "list item"),
        ('a: "x\\q"\n', 1, 7, "backslash"),
        ("a: &x 1\nb: &x 2\n", 2, 4, "already used on line 1"),
    ],
)
def test_syntax_errors_say_what_to_do(text: str, line: int, col: int, words: str) -> None:
    p = error(text).problem
    assert (p.line, p.col) == (line, col), p.format()
    assert words in p.message, p.message
    assert "<block" not in p.message  # parser jargon stays out of sight


# -- YAML 1.1 reads some words as something other than text --------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("no", False),
        ("on", True),
        ("yes", True),
        ("off", False),
        ("0123", 83),
        ("12:30", 750),
        ("~", None),
        ("null", None),
    ],
)
def test_yaml_11_scalars(raw: str, value: object) -> None:
    located = load_yaml(f"a: {raw}\n")
    assert located.data["a"] == value
    if not isinstance(value, str):
        assert located.sources[("a",)] == raw


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1e3", 1000.0), ("2E5", 200000.0), ("1.5e3", 1500.0), ("-1e-3", -0.001), ("+.5", 0.5), ("0o17", 15)],
)
def test_yaml_12_numbers_are_numbers(raw: str, value: object) -> None:
    # YAML 1.1 (PyYAML) leaves these as text, YAML 1.2 (editors, other tools) reads numbers:
    # read as numbers, so that a pack means one thing to every reader and `title: 1e3` is refused
    located = load_yaml(f"a: {raw}\nb: '{raw}'\nc: !!str {raw}\n")
    assert located.data == {"a": value, "b": raw, "c": raw}
    assert located.sources[("a",)] == raw


@pytest.mark.parametrize("raw", ["=", "<<"])
def test_a_lone_equals_or_merge_sign_is_text(raw: str) -> None:
    # YAML 1.1 types them !!value and !!merge; an author who writes them as a value means the sign
    assert load_yaml(f"a: {raw}\n{raw}: b\n" if raw == "=" else f"a: {raw}\n").data["a"] == raw


def test_quoted_scalars_are_text() -> None:
    assert load_yaml("a: 'no'\nb: \"12:30\"\n").data == {"a": "no", "b": "12:30"}


PACK = """\
id: p
title: {title}
audience: {{min_age: 9, max_age: 12}}
minutes: 5
agenda:
  - id: alku
    kind: choice
    title: Kysely
    question: Mitä?
    options:
      - id: {option_id}
        text: {option_text}
      - id: b
        text: Toinen
"""


@pytest.mark.parametrize(
    ("field", "raw", "position", "message"),
    [
        (
            "title",
            "no",
            (2, 8),
            "title: expected text, got no, which YAML reads as false (a yes/no value); "
            'put the text in quotes: title: "no"',
        ),
        (
            "title",
            "on",
            (2, 8),
            "title: expected text, got on, which YAML reads as true (a yes/no value); "
            'put the text in quotes: title: "on"',
        ),
        (
            "option_id",
            "0123",
            (11, 13),
            "agenda[alku].options[1].id: expected text, got 0123, which YAML reads as the number 83; "
            'put the text in quotes: id: "0123"',
        ),
        (
            "option_text",
            "12:30",
            (12, 15),
            "agenda[alku].options[a].text: expected text, got 12:30, which YAML reads as the number 750; "
            'put the text in quotes: text: "12:30"',
        ),
        (
            "title",
            "null",
            (2, 8),
            "title: expected text, got null, which YAML reads as nothing (an empty value); "
            'put the text in quotes: title: "null"',
        ),
        (
            "option_text",
            "~",
            (12, 15),
            "agenda[alku].options[a].text: expected text, got ~, which YAML reads as nothing (an empty value); "
            'put the text in quotes: text: "~"',
        ),
        (
            "title",
            "1e3",
            (2, 8),
            'title: expected text, got 1e3, which YAML reads as the number 1000; put the text in quotes: title: "1e3"',
        ),
        (
            "option_text",
            "yes",
            (12, 15),
            "agenda[alku].options[a].text: expected text, got yes, which YAML reads as true (a yes/no value); "
            'put the text in quotes: text: "yes"',
        ),
    ],
)
def test_models_reject_yaml_11_scalars_where_text_is_expected(
    tmp_path: Path, field: str, raw: str, position: tuple[int, int], message: str
) -> None:
    values = {"title": "Testi", "option_id": "a", "option_text": "Eka"} | {field: raw}
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "pack.yaml").write_text(PACK.format(**values), encoding="utf-8")
    (problem,) = load_pack(tmp_path / "p").problems
    assert (problem.line, problem.col) == position
    assert f"{problem.where}: {problem.message}" == message


def test_a_hash_starts_a_comment(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "pack.yaml").write_text(PACK.format(title="#1 paja", option_id="a", option_text="x"))
    (problem,) = load_pack(tmp_path / "p").problems
    assert (problem.line, problem.col) == (2, 7)
    assert 'comment); put the text in quotes: title: "#1 paja"' in problem.message


# -- libyaml reads, PyYAML's Python parser words the errors --------------------------------------


def _outcome(text: str) -> object:
    try:
        located = load_yaml(text)
    except YamlError as exc:
        return exc.problem.format()
    return located.data, located.values, located.keys, located.sources


PARITY = [
    DOC,
    "a: &x {fi: Hei}\nb: *x\nc: [*x, *x]\n",
    "a: no\nb: 0123\nc: 12:30\nd: ~\ne: 1e3\nf: 2024-05-01\ng: 'yes'\nh: |\n  rivi\n  toinen\n",
    "agenda:\n  - id: a\n    title: x\n    title: y\n",
    "a: !!python/object/apply:os.system [echo hi]\n",
    "a: [1, *a]\n",
    "a: &a 1\nb: &a 2\n",
    "a: 1\n---\nb: 2\n",
    "title: Huom: tärkeä\n",
    "ä: [ö, {å: 1}]\nb: 'x'\n",
    "a:\n  b: 1\n c: 2\n",
    "a:\n\tb: 1\n",
    "",
    "# only a comment\n",
]


@pytest.mark.parametrize("text", PARITY)
def test_libyaml_and_the_python_parser_agree(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if yamlsafe._FAST_PARSER is None:
        pytest.skip("PyYAML is built without libyaml here")
    fast = _outcome(text)
    monkeypatch.setattr(yamlsafe, "_FAST_PARSER", None)
    assert _outcome(text) == fast


def test_a_tab_inside_a_line_is_fine_but_not_one_that_indents() -> None:
    if yamlsafe._FAST_PARSER is None:
        pytest.skip("PyYAML's Python parser refuses every tab")
    assert load_yaml("title:\tHei\tkaikki\n").data == {"title": "Hei\tkaikki"}
    assert "tab" in error("a:\n\tb: 1\n").problem.message


# -- never anything but YamlError ----------------------------------------------------------


TOKENS = list(":-[]{}!&*#'\"|>%@`?,~ \t\n\\abcxyz019.<=") + ["no", "- ", ": ", "!!", "  ", "\n  ", "&a ", "*a", "<<: "]
YAMLISH = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)


def _returns_or_raises_yaml_error(text: str) -> None:
    try:
        located = load_yaml(text)
    except YamlError as exc:
        assert exc.problem.line >= 1 and exc.problem.col >= 1
        assert exc.problem.message
    else:
        assert located.values or located.data is None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text_loads_or_raises_yaml_error(text: str) -> None:
    _returns_or_raises_yaml_error(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(YAMLISH)
def test_yaml_like_text_loads_or_raises_yaml_error(text: str) -> None:
    _returns_or_raises_yaml_error(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary())
def test_any_bytes_load_or_raise_yaml_error(raw: bytes) -> None:
    with contextlib.suppress(YamlError):
        load_yaml(raw)
