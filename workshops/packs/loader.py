"""Read pack folders into validated Pack models, or into problems an author can fix."""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import stat
import types
import typing
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..activities import AUTHOR_CHECKS, REGISTRY, richtext
from ..activities.text import ID_PATTERN, LANGUAGE_NAMES, Id, Image, RichText, Text, text_kind
from ..config import SHIPPED_CONTENT
from .messages import MESSAGES, ByLang, Lang, Msg
from .models import Pack
from .setup import MAX_VALUE, Setup, SetupError, prepare
from .shared import (
    HELP,
    add_barometer,
    expand_includes,
    fill,
    help_dirs,
    load_help,
    shared_dirs,
    strings,
    unknown_placeholders,
)
from .yamlsafe import MAX_BYTES, Located, Mark, Problem, YamlError, describe, load_yaml, nodes_along

PACK_FILE = "pack.yaml"
SYMLINK = Msg("file.symlink")
SPECIAL = Msg("file.special")


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


# -- naming values ---------------------------------------------------------------


def _got(value: Any, raw: str | None = None) -> Msg:
    """Describe a value the way the author wrote it, and what YAML made of it."""
    if isinstance(value, bool):
        word = str(value).lower()
        if raw and raw.lower() != word:
            return Msg("got.yes_no_raw", raw=raw, word=word)
        return Msg("got.yes_no", word=word)
    if isinstance(value, (int, float)):
        number = _number(value)
        if raw and raw != number:
            return Msg("got.number_raw", raw=raw, number=number)
        return Msg("got.number", number=number)
    if value is None:
        if raw and raw.startswith("#"):
            return Msg("got.comment")
        if raw:
            return Msg("got.null_raw", raw=raw)
        return Msg("got.nothing")
    if isinstance(value, list):
        return Msg("got.list")
    if isinstance(value, dict):
        return Msg("got.map")
    return Msg("got.text", text=value)


def _number(value: float) -> str:
    """A number as a person writes it: 1000 rather than 1000.0."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _quote_hint(value: Any, raw: str | None, key: Any) -> Msg:
    """'; put the text in quotes: title: "no"' for a value YAML read as something other than text."""
    if raw is not None:
        shown = raw
    elif value is None:
        shown = ""
    else:
        shown = str(value).lower() if isinstance(value, bool) else str(value)
    if not shown or '"' in shown:
        return Msg("hint.quote")
    return Msg("hint.quote_as", prefix=f"{key}: " if isinstance(key, str) else "", shown=shown)


def _is_number(text: str) -> bool:
    try:
        float(text.strip())
    except ValueError:
        return False
    return True


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9_-]+", "-", plain).strip("-_")[:40].rstrip("-_")
    return slug if re.match(ID_PATTERN, slug) else ""


def _choices(expected: str) -> list[str]:
    return re.findall(r"'([^']*)'", expected)


# -- following pydantic's locations into the YAML ------------------------------------


def _walk_annotation(tp: Any, step: Any, value: Any) -> Any:
    """Follow one location element from a type annotation to the inner annotation."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _walk_annotation(typing.get_args(tp)[0], step, value)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                kind = arg.model_fields.get("kind")
                if (kind is not None and typing.get_args(kind.annotation) == (step,)) or arg.__name__ == step:
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


def _model_at(loc: tuple[Any, ...], root: type[BaseModel] = Pack) -> type[BaseModel] | None:
    tp: Any = root
    for step in loc:
        tp = _walk_annotation(tp, step, None)
        if tp is None:
            return None
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _type_descriptions() -> set[str | None]:
    """Descriptions that belong to a shared type (Text, Image, Id), not to one field."""
    found: set[str | None] = {None}
    for tp in (Id, Image, Text, RichText):
        for meta in typing.get_args(tp)[1:]:
            found.add(getattr(meta, "description", None))
    return found


_TYPE_DESCRIPTIONS = _type_descriptions()

_SCALAR_BRANCHES = {"str", "int", "float", "bool", "none", "constrained-str", "constrained-int", "constrained-float"}


def _is_branch(step: Any) -> bool:
    """Is this location element the name of a union member pydantic tried ('str', 'list[constrained-str]')?"""
    return isinstance(step, str) and (step in _SCALAR_BRANCHES or "[" in step or _is_model(step))


def _is_model(branch: str) -> bool:
    """A model's class name as a union member ('BarometerLine' in `bool | BarometerLine`): pack keys are lower case."""
    return branch[:1].isupper() and branch.isidentifier()


def _fits(branch: str, node: Any) -> bool:
    """Does the value have the shape of the union member pydantic tried?"""
    if branch.startswith("dict[") or _is_model(branch):
        return isinstance(node, dict)
    if branch.startswith(("list[", "tuple[", "set[")):
        return isinstance(node, list)
    return not isinstance(node, (dict, list))


@dataclass
class _Error:
    err: ErrorDetails
    path: tuple[Any, ...]
    branch: tuple[tuple[Any, ...], str, Any] | None  # where a union was tried, which member, the value there


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[tuple[Any, ...], Any]:
    """Drop the union tags pydantic adds to locations, keeping the path into the YAML.

    Also return the first union member the location went through, so that errors
    from members that do not fit the value (a 'dict' complaint about a plain
    text) can be left out.
    """
    path: list[Any] = []
    node = data
    branch = None
    untagged = True  # the node's kind tag not met yet (it comes before the step's fields)
    for step in loc:
        if untagged and isinstance(node, dict) and isinstance(step, str) and node.get("kind") == step:
            untagged = False  # the discriminator tag of a step, even if a field has the kind's name
            continue
        if (isinstance(node, dict) and step in node) or (
            isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        ):
            node = node[step]
            path.append(step)
            untagged = True
        elif isinstance(step, str) and step.startswith(("effect:", "condition:")):
            continue  # the tag of a board game's effect or condition
        elif _is_branch(step):
            if branch is None:
                branch = (tuple(path), step, node)
            continue
        else:
            path.append(step)
            node = None
    return tuple(path), branch


def _select(errors: list[_Error]) -> list[_Error]:
    """Keep, for every union, only the complaints of the members that fit the value's shape."""
    fitting: dict[tuple[Any, ...], bool] = {}
    for e in errors:
        if e.branch is not None and _fits(e.branch[1], e.branch[2]):
            fitting[e.branch[0]] = True
    return [e for e in errors if e.branch is None or not fitting.get(e.branch[0]) or _fits(e.branch[1], e.branch[2])]


# -- messages --------------------------------------------------------------------


_EXPECTED = {
    "string_type": "expect.text",
    "int_type": "expect.int",
    "float_type": "expect.float",
    "bool_type": "expect.bool",
    "list_type": "expect.list",
    "dict_type": "expect.map",
    "model_type": "expect.map",
    "model_attributes_type": "expect.map",
}

# pydantic's bounds on numbers: (its context key, the message)
_BOUNDS = {
    "greater_than_equal": ("ge", "number.ge"),
    "less_than_equal": ("le", "number.le"),
    "greater_than": ("gt", "number.gt"),
    "less_than": ("lt", "number.lt"),
}

_Said = tuple[tuple[Any, ...], Mark, Msg]


class _Phrase:
    """Turn one pydantic error into (where, position, message) for an author."""

    def __init__(self, located: Located, root: type[BaseModel] = Pack):
        self.root = root
        self.located = located
        self.data = located.data

    def value_at(self, path: tuple[Any, ...]) -> Any:
        return nodes_along(self.data, path)[-1]

    def line_of(self, path: tuple[Any, ...]) -> int:
        return self.located.key_mark(path).line

    def container(self, path: tuple[Any, ...]) -> Msg:
        """Name the map a field belongs in: 'this step', 'the pack', 'audience'."""
        if not path:
            return Msg("container.pack")
        if len(path) == 2 and path[0] == "agenda" and isinstance(path[1], int):
            return Msg("container.step")
        if isinstance(path[-1], int) and len(path) >= 2:
            return Msg("container.item", list=path[-2])
        return Msg("container.map", key=path[-1])

    def phrase(self, e: _Error) -> _Said:
        err, path = e.err, e.path
        kind = err["type"]
        value = err.get("input")
        raw = self.located.sources.get(path)
        key = path[-1] if path else None
        mark = self.located.mark(path)
        ctx = err.get("ctx") or {}

        def expected(what: str | Msg, hint: Msg | str = "", got: Msg | None = None) -> _Said:
            shown = Msg(what) if isinstance(what, str) and not isinstance(what, Msg) else what
            return path, mark, Msg("value.expected", expected=shown, got=got or _got(value, raw), hint=hint)

        if kind == "missing":
            parent = path[:-1]
            model = _model_at(err["loc"][:-1], self.root)
            info = model.model_fields.get(str(key)) if model else None
            desc = info.description if info and info.description not in _TYPE_DESCRIPTIONS else None
            # the schema's descriptions are Finnish (they help the author in the editor)
            what = ByLang(fi=f" ({desc[0].lower()}{desc[1:].split('. ')[0].rstrip('.')})") if desc else ""
            said = Msg("field.missing", key=key, what=what, container=self.container(parent))
            return parent, self.located.mark(parent), said
        if kind == "extra_forbidden":
            model = _model_at(err["loc"][:-1], self.root)
            allowed = sorted(f.alias or n for n, f in model.model_fields.items()) if model else []
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            hint: Msg | str = ""
            if close:
                hint = Msg("hint.did_you_mean", close=close[0])
            elif allowed:
                hint = Msg("hint.fields_here", names=[a for a in allowed if not a.startswith("$")])
            return path[:-1], self.located.key_mark(path), Msg("field.unknown", key=key, hint=hint)
        if kind == "union_tag_invalid":
            kinds = _choices(ctx.get("expected_tags", ""))
            at = path + ("kind",)
            tag = self.value_at(at)
            if not isinstance(tag, str):
                got = _got(tag, self.located.sources.get(at))
                return path, self.located.mark(at), Msg("kind.not_text", got=got, kinds=kinds)
            close = difflib.get_close_matches(tag, kinds, n=1, cutoff=0.6)
            lead = Msg("kind.did_you_mean", close=close[0]) if close else Msg("kind.the_kinds")
            return path, self.located.mark(at), Msg("kind.unknown", kind=tag, hint=lead, kinds=kinds)
        if kind == "union_tag_not_found":
            return path, mark, Msg("kind.missing", kinds=list(REGISTRY))
        if kind == "string_type":
            if value is None:
                if raw:  # `~`, `null` or a comment (#...): text that YAML does not read as text
                    return expected("expect.text", _quote_hint(value, raw, key))
                if isinstance(key, str):
                    return expected("expect.text", Msg("hint.write_after_key", key=key))
                return expected("expect.text", Msg("hint.write_after_dash"))
            if isinstance(value, (bool, int, float)):
                return expected("expect.text", _quote_hint(value, raw, key))
            if isinstance(value, dict) and len(value) == 1 and isinstance(key, int):
                # `- Huom: tärkeä` in a list of texts: the colon made a key and a value
                ((k, v),) = value.items()
                if isinstance(k, str) and isinstance(v, (str, int, float)) and not isinstance(v, bool):
                    return path, mark, Msg("text.colon_made_map", key=k, value=v)
            return expected("expect.text")
        if kind in ("int_type", "float_type"):
            what = _EXPECTED[kind]
            if isinstance(value, str) and _is_number(value):
                return expected(what, Msg("hint.unquote"))
            if isinstance(value, str):
                return expected(Msg("expect.digits", what=Msg(what)))
            if value is None and key is not None:
                return expected(what, Msg("hint.write_number", key=key))
            return expected(what)
        if kind == "bool_type":
            return expected("expect.bool", Msg("hint.write_bool"))
        if kind in ("model_type", "model_attributes_type", "dict_type") and len(path) == 2 and path[0] == "agenda":
            return path, mark, Msg("step.not_map", got=_got(value, raw))
        if kind == "list_type" and isinstance(value, str) and key is not None:
            return expected("expect.list", Msg("hint.as_list", key=key, value=value))
        if kind in _EXPECTED:
            return expected(_EXPECTED[kind])
        if kind == "literal_error":
            options = _choices(ctx.get("expected", ""))
            close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.6) if isinstance(value, str) else []
            hint = Msg("hint.did_you_mean", close=close[0]) if close else ""
            return path, mark, Msg("value.one_of", options=options, got=_got(value, raw), hint=hint)
        if kind == "string_pattern_mismatch":
            slug = _slug(value) if isinstance(value, str) else ""
            example = Msg("id.example", slug=slug) if slug and slug != value else ""
            return path, mark, Msg("id.invalid", value=value, example=example)
        if kind == "string_too_short" and isinstance(value, str) and not value.strip():
            return path, mark, Msg("text.empty")
        if kind == "string_too_short":
            return path, mark, Msg("text.too_short", n=ctx.get("min_length"))
        if kind == "string_too_long" and isinstance(value, str):
            return path, mark, Msg("text.too_long", n=ctx.get("max_length"), actual=len(value))
        if kind == "too_short":
            n, actual = ctx["min_length"], ctx["actual_length"]
            code = "list.too_short_steps" if path == ("agenda",) else "list.too_short"
            return path, mark, Msg(code, n=n, actual=actual)
        if kind == "too_long":
            n, actual = ctx["max_length"], ctx["actual_length"]
            return path, mark, Msg("list.too_long", n=n, actual=actual, extra=actual - n)
        if kind in _BOUNDS:
            name, code = _BOUNDS[kind]
            return path, mark, Msg(code, bound=ctx[name], got=_got(value, raw))
        if kind in _TEXT_CHECKS:
            return self.text_check(kind, ctx, path, mark, value)
        if kind in _MODEL_CHECKS:
            return self.model_check(kind, ctx, path)
        detail = err["msg"].removeprefix("Value error, ")
        return path, mark, Msg("value.other", detail=detail)

    def text_check(self, kind: str, ctx: dict[str, Any], path: tuple[Any, ...], mark: Mark, value: Any) -> _Said:
        """The shared text and image types' own checks (activities/text.py), in the author's words."""
        if kind == "unknown_language" and isinstance(value, dict):
            lang = next((k for k in value if k not in LANGUAGE_NAMES), ctx.get("lang"))
            meant = ctx.get("meant")
            if len(value) == 1 and not meant and isinstance(lang, str) and not re.fullmatch(r"[a-z]{2,3}", lang):
                # `- Huom: kysy ensin`: the colon made a key and a value, not a language
                return path, mark, Msg("text.colon_made_map", key=lang, value=value[lang])
            meaning = Msg("language_meant", name=Lang(meant), code=meant) if meant else ""
            return path, self.located.key_mark(path + (lang,)), Msg("unknown_language", lang=lang, hint=meaning)
        if kind == "missing_translation" and ctx.get("one"):
            return path, mark, Msg("missing_translation_one", name=Lang(ctx["lang"]), lang=ctx["lang"])
        if kind == "missing_translation":
            langs = list(ctx.get("langs") or [])
            missing = [Msg("lang.with_code", name=Lang(lang), code=lang) for lang in langs[1:]]
            lines = ", ".join(f"`{lang}: ...`" for lang in langs)
            return path, mark, Msg("missing_translation", missing=missing, lines=lines)
        if kind == "image_missing":
            hint = (
                Msg("image_other_case", other=ctx["same"])
                if ctx.get("same")
                else Msg("image_close", other=ctx["close"])
                if ctx.get("close")
                else Msg("image_put_there")
            )
            return path, mark, Msg("image_missing", name=ctx.get("name"), folder=ctx.get("folder"), hint=hint)
        return path, mark, Msg(kind)  # empty_text, image_path, image_type: nothing to fill in

    def model_check(self, kind: str, ctx: dict[str, Any], path: tuple[Any, ...]) -> _Said:
        """Point a model's own check (a stable error type) at the line to change, and say what to write."""
        ident = ctx.get("id")
        node = self.value_at(path)
        if kind == "id_reused" and isinstance(node, list):
            return self.second_use(path, ident, ctx.get("what", "item"))
        if kind == "unknown_option" and isinstance(node, list) and ident in node:
            item = path + (node.index(ident),)
            return item, self.located.mark(item), Msg("unknown_option", id=ident, known=_listed(ctx.get("known")))
        if kind == "ages_reversed" and isinstance(node, dict):
            at = path + ("max_age",)
            said = Msg("ages_reversed", max_age=node.get("max_age"), min_age=node.get("min_age"))
            return path, self.located.mark(at), said
        values = {k: _listed(v) for k, v in ctx.items() if k != "at"}
        check = AUTHOR_CHECKS.get(kind)
        if check is not None and check.args is not None and isinstance(node, dict):
            values.update(check.args(node))
        message = Msg(kind, **values)
        if isinstance(ctx.get("at"), tuple):  # the check names the item to change, from where it failed
            at = path + ctx["at"]
            return at, self.located.mark(at), message
        if check is not None and check.at is not None and isinstance(node, dict):
            at = path + (check.at,)
            return path, (self.located.mark(at) if check.value else self.located.key_mark(at)), message
        return path, self.located.mark(path), message

    def second_use(self, list_path: tuple[Any, ...], ident: str | None, what: str) -> _Said:
        items = self.value_at(list_path)
        uses = [i for i, item in enumerate(items) if isinstance(item, dict) and item.get("id") == ident]
        if len(uses) < 2:
            return list_path, self.located.mark(list_path), Msg("id_reused", what=_what(what), id=ident)
        first, second = (list_path + (uses[0], "id")), (list_path + (uses[1], "id"))
        said = Msg("id_reused_at", what=_what(what), id=ident, first=self.line_of(first))
        return second, self.located.mark(second), said


def _what(word: str) -> Msg | str:
    """An item's name (step, option...) in the message's language."""
    return Msg(f"what.{word}") if f"what.{word}" in MESSAGES else word


def _listed(value: Any) -> Any:
    """A context value as a message shows it: a comma-joined list stays a list."""
    return list(value) if isinstance(value, (list, tuple)) else value


# The shared types' own checks (activities/text.py), worded in text_check.
_TEXT_CHECKS = {"unknown_language", "missing_translation", "image_missing", "empty_text", "image_path", "image_type"}
# The models' own cross-field checks, by their PydanticCustomError type.
# The kinds' own (AUTHOR_CHECKS) are worded by each kind's module.
_MODEL_CHECKS = {
    "id_reused",
    "unknown_option",
    "ages_reversed",
    "ages_missing",
    "placeholder_reserved",
    "paced_unknown",
    "paced_kind",
    "paced_team",
    "paced_twice",
    "barometer_not_last",
    *AUTHOR_CHECKS,
}


def problems_from_validation(
    exc: ValidationError, located: Located, file: str, root: type[BaseModel] = Pack
) -> list[Problem]:
    """The problems of a model's validation, each at its YAML line in the author's words (`root`: the model)."""
    errors = []
    for err in exc.errors(include_url=False):
        path, branch = _data_path(err["loc"], located.data)
        errors.append(_Error(err, path, branch))
    errors = _select(errors)
    # A misspelt field is reported once, as unknown with a did-you-mean, not also as missing.
    explained: set[tuple[Any, ...]] = set()
    for e in errors:
        if e.err["type"] == "extra_forbidden":
            model = _model_at(e.err["loc"][:-1], root)
            names = [f.alias or n for n, f in model.model_fields.items()] if model else []
            for close in difflib.get_close_matches(str(e.path[-1]), names, n=1, cutoff=0.6):
                explained.add(e.path[:-1] + (close,))
    errors = [e for e in errors if not (e.err["type"] == "missing" and e.path in explained)]

    phrase = _Phrase(located, root)
    problems = []
    seen = set()
    for e in errors:
        where_path, mark, message = phrase.phrase(e)
        key = (mark, message)
        if key in seen:
            continue  # unions report the same failure once per branch
        seen.add(key)
        problems.append(Problem(mark.file or file, mark.line, mark.col, message, describe(where_path, located.data)))
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


def _warnings(pack: Pack, located: Located, file: str, source: list[str] | None = None) -> list[Problem]:
    problems = []
    planned = sum(step.minutes for step in pack.agenda)
    if abs(planned - pack.minutes) > 0.01:
        mark = located.mark(("minutes",))
        # The closing barometer's minutes count too: say so, or an author who added the one
        # line looks for the missing minutes among their own steps.
        barometer = sum(step.minutes for step in pack.agenda if step.kind == "barometer")
        said = (
            Msg("pack.minutes_barometer", planned=f"{planned:g}", minutes=pack.minutes, barometer=f"{barometer:g}")
            if barometer
            else Msg("pack.minutes", planned=f"{planned:g}", minutes=pack.minutes)
        )
        problems.append(
            Problem(
                file,
                mark.line,
                mark.col,
                said,
                "minutes",
                severity="warning",
            )
        )
    problems.extend(_line_break_warnings(pack, located, file, source or []))
    problems.extend(_comment_cuts(pack, located, file))
    problems.sort(key=lambda p: (p.line, p.col))
    return problems


# -- line breaks a text would lose (issue #17) ---------------------------------------------


def _texts(model: BaseModel, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str, str]]:
    """(path, text, "rich" or "plain") for every string of a Text or RichText field in the model
    and the models inside it; a language map's strings each with its language in the path."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        here = path + (info.alias or name,)
        kind = text_kind(info)
        if kind is not None:
            for at, text in _strings_at(value, here):
                yield at, text, kind
        else:
            yield from _models_in(value, here)


def _strings_at(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings_at(item, path + (key,))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _strings_at(item, path + (i,))


def _models_in(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str, str]]:
    if isinstance(value, BaseModel):
        yield from _texts(value, path)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _models_in(item, path + (key,))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _models_in(item, path + (i,))


#: what YAML counts as a line break (PyYAML: also NEL, LS and PS)
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_LIST_LINE = re.compile(r"\s*(?:[-*]|[0-9]{1,9}[.)])\s+\S")


def _line_break_warnings(pack: Pack, located: Located, file: str, source: list[str]) -> list[Problem]:
    """Line breaks a text will not show: single ones inside a RichText paragraph the author
    probably meant, ones YAML itself folds away (a text not written with `|`), and any in a
    plain Text field (shown on one line)."""
    problems = []
    sources: dict[str, list[str]] = {file: source}
    for path, text, kind in _texts(pack, ()):
        if "\n" not in text.strip() and kind == "plain":
            continue
        mark = located.mark(path)
        # A text from an included file is located in that file.
        shown = getattr(mark, "file", None) or file
        if shown not in sources:
            try:
                sources[shown] = _LINE_BREAK.split(Path(shown).read_text(encoding="utf-8", errors="replace"))
            except OSError:
                sources[shown] = []
        source = sources[shown]
        key = next((k for k in reversed(path) if isinstance(k, str)), "text")
        literal = 0 < mark.line <= len(source) and source[mark.line - 1][mark.col - 1 : mark.col] == "|"
        where = describe(path, located.data)

        def warn(line: int, col: int, message: Msg, where: str = where, shown: str = shown) -> None:
            problems.append(Problem(shown, line, col, message, where, severity="warning"))

        if kind == "plain":
            warn(mark.line, mark.col, Msg("breaks.plain"))
        elif literal:
            lost = richtext.lost_breaks(text)
            if not lost:
                continue
            at = _block_lines(text, source, mark.line)
            lines = [at[n - 1] if n - 1 < len(at) else mark.line + n for n in lost]
            first = source[lines[0] - 1] if lines[0] <= len(source) else ""
            rest = lines[1:]
            more: Msg | str = ""
            if len(rest) == 1:
                more = Msg("breaks.more_one", line=rest[0])
            elif rest:
                more = Msg("breaks.more_many", lines=rest[:-1], last=rest[-1])
            warn(lines[0], len(first) - len(first.lstrip()) + 1, Msg("breaks.joined", more=more))
        else:
            folded = _folded_list_line(source, mark, located.key_mark(path))
            if folded is None and not richtext.joins(text):
                continue
            line, col = folded or (mark.line, mark.col)
            warn(line, col, Msg("breaks.folded", key=key))
    return problems


def _comment_cuts(pack: Pack, located: Located, file: str) -> list[Problem]:
    """A ` #` after a text on its line: YAML read the rest as a comment and cut the text short."""
    if not located.cuts:
        return []
    problems = []
    for path, _text, _kind in _texts(pack, ()):
        cut = located.cuts.get(path)
        if cut is None:
            continue
        kept, rest, mark = cut
        if kept.rstrip()[-1:] in ".!?)" and rest.startswith("#") and _spaced_comment(located, mark):
            continue  # a finished sentence, then "  # ...": a comment the author meant
        key = next((k for k in reversed(path) if isinstance(k, str)), None)
        prefix = f"{key}: " if key else "- "
        said = Msg("yaml.comment_cuts", kept=kept, cut=rest, key=prefix, whole=f"{kept} {rest}")
        shown = located.mark(path).file or file
        problems.append(Problem(shown, mark.line, mark.col, said, describe(path, located.data), severity="warning"))
    return problems


def _spaced_comment(located: Located, mark: Mark) -> bool:
    """Is the # at `mark` set off by two spaces or more, as comments usually are?"""
    line = located.lines[mark.line - 1] if 0 < mark.line <= len(located.lines) else ""
    return line[max(mark.col - 3, 0) : mark.col - 1] == "  "


def _block_lines(text: str, source: list[str], start: int) -> list[int]:
    """For each line of a `|` block's text as loaded, the line of the file it came from: the
    help list that `{apu}` became stands on the one line where the author wrote `{apu}`."""
    at: list[int] = []
    filled = text.split("\n")
    i, line = 0, start + 1  # the block's text starts on the line after its `|`
    while i < len(filled):
        if 0 < line <= len(source) and source[line - 1].strip() == "{" + HELP + "}":
            first = i
            while i < len(filled) and (filled[i].startswith("- ") or i == first):
                at.append(line)
                i += 1
        else:
            at.append(line)
            i += 1
        line += 1
    return at


def _folded_list_line(source: list[str], value: Mark, key: Mark) -> tuple[int, int] | None:
    """The first line of a text YAML folds (plain, `>` or quoted, over several lines) that starts
    like a list item, as (line, column); None if there is none."""
    indent = key.col - 1
    for number in range(value.line + 1, len(source) + 1):
        line = source[number - 1]
        if not line.strip():
            continue
        if len(line) - len(line.lstrip(" ")) <= indent:
            return None  # the next field: the text ended
        if _LIST_LINE.match(line):
            return number, len(line) - len(line.lstrip()) + 1
    return None


def _id_problem(data: dict[str, Any], located: Located, folder: Path, file: str) -> Problem | None:
    ident = data.get("id")
    name = folder.resolve().name  # `workshops check .` inside the folder names it too
    if not isinstance(ident, str) or not re.match(ID_PATTERN, ident) or ident == name:
        return None
    mark = located.mark(("id",))
    return Problem(
        file,
        mark.line,
        mark.col,
        Msg("pack.id_folder", ident=ident, name=name),
        "id",
    )


def folder_problems(folder: Path) -> list[Problem]:
    """A symlink or a special file (FIFO, socket, device) anywhere in a pack's folder.

    Packs are shared between schools as folders: a symlink would let the server send any
    file of the machine as a pack's image, and a FIFO would block whoever opened it. Walked
    with lstat only: no symlinked folder is entered and nothing is opened.
    """
    problems: list[Problem] = []
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            problems.append(Problem(str(current), 1, 1, Msg("folder.unreadable", why=exc.strerror)))
            continue
        subfolders = []
        for entry in entries:
            path = current / entry.name
            try:
                if entry.is_symlink():
                    problems.append(Problem(str(path), 1, 1, SYMLINK))
                elif entry.is_dir(follow_symlinks=False):
                    subfolders.append(path)
                elif not entry.is_file(follow_symlinks=False):
                    problems.append(Problem(str(path), 1, 1, SPECIAL))
            except OSError as exc:
                problems.append(Problem(str(path), 1, 1, Msg("file.unreadable", why=exc.strerror)))
        stack.extend(reversed(subfolders))
    return problems


def _read_pack_file(file: Path) -> bytes | Problem:
    """The bytes of pack.yaml (at most one byte over the size limit), never through a symlink
    and never from a FIFO or a device."""
    shown = str(file)
    try:
        fd = os.open(
            file,
            os.O_RDONLY
            | getattr(os, "O_NOFOLLOW", 0)
            | getattr(os, "O_NONBLOCK", 0)
            | getattr(os, "O_CLOEXEC", 0)
            | getattr(os, "O_BINARY", 0),
        )
    except OSError as exc:
        if os.path.islink(file):
            return Problem(shown, 1, 1, SYMLINK)
        return Problem(shown, 1, 1, Msg("file.unreadable", why=exc.strerror))
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            return Problem(shown, 1, 1, Msg("file.is_folder"))
        if not stat.S_ISREG(mode):
            return Problem(shown, 1, 1, SPECIAL)
        try:
            return fh.read(MAX_BYTES + 1)
        except OSError as exc:
            return Problem(shown, 1, 1, Msg("file.unreadable", why=exc.strerror))


def load_pack(folder: Path, roots: list[Path] | None = None) -> LoadResult:
    """Load and validate `folder/pack.yaml`; never raises for a bad pack.

    `roots`: the content folders the pack is served with (shared pieces and the help lines are
    looked up there too); by default the pack's own folder of packs."""
    folder = Path(folder)
    file = folder / PACK_FILE
    shown = str(file)
    result = LoadResult(folder)
    if folder.is_dir():
        refused = folder_problems(folder)
        if refused:
            result.problems.extend(refused)
            return result
    raw = _read_pack_file(file)
    if isinstance(raw, Problem):
        result.problems.append(raw)
        return result
    result.digest = hashlib.sha256(raw).hexdigest()[:16]
    try:
        located = load_yaml(raw, shown)
    except YamlError as exc:
        result.problems.append(exc.problem)
        return result
    if not isinstance(located.data, dict):
        mark = located.mark(())
        said = Msg("file.empty") if located.data is None else Msg("file.not_map", got=_got(located.data))
        result.problems.append(Problem(shown, mark.line, mark.col, said))
        return result
    id_problem = _id_problem(located.data, located, folder, shown)
    languages = _languages(located.data)
    context = {"languages": languages, "pack_dir": folder}
    shared = _shared_pieces(located, folder, shown, (languages or ["fi"])[0], roots or [folder.parent])
    if shared:
        result.problems.extend(shared)
        return result
    try:
        pack = Pack.model_validate(located.data, context=context)
    except ValidationError as exc:
        result.problems.extend(problems_from_validation(exc, located, shown))
        if id_problem:
            result.problems.append(id_problem)
            result.problems.sort(key=lambda p: (p.line, p.col))
        return result
    if id_problem:
        result.problems.append(id_problem)
        return result
    fit = _placeholders_fit(pack, located, shown)
    if fit:
        result.problems.extend(fit)
        return result
    result.problems.extend(_warnings(pack, located, shown, _LINE_BREAK.split(raw.decode("utf-8", "replace"))))
    result.pack = pack
    return result


def _data_where(loc: tuple[str | int, ...], located: Located) -> str:
    """A validation location named as the author sees it (agenda[peli].characters[aino].name)."""
    path = tuple(p for i, p in enumerate(loc) if not (i and isinstance(loc[i - 1], int) and p in REGISTRY))
    return describe(path, located.data)


def _placeholders_fit(pack: Pack, located: Located, file: str) -> list[Problem]:
    """Each placeholder's default, and the longest value a facilitator may type, fit every field it is in."""
    problems = []
    for i, placeholder in enumerate(pack.placeholders):
        tries = (("", Msg("placeholder.its_default")), ("x" * MAX_VALUE, Msg("placeholder.long_value", n=MAX_VALUE)))
        for typed, what in tries:
            found = prepare(pack, Setup(values={placeholder.id: typed}))
            if isinstance(found, SetupError):
                mark = located.mark(("placeholders", i, "id"))
                problems.append(
                    Problem(
                        file,
                        mark.line,
                        mark.col,
                        Msg(
                            "placeholder.too_long",
                            name=placeholder.id,
                            what=what,
                            where=_data_where(found.loc, located),
                        ),
                        describe(("placeholders", i), located.data),
                    )
                )
                break
    return problems


def _shared_pieces(located: Located, folder: Path, file: str, lang: str, roots: list[Path]) -> list[Problem]:
    """Bring in the `include:` pieces and the help lines' texts; name what cannot be found."""
    dirs = shared_dirs(folder, roots, SHIPPED_CONTENT)
    # The closing barometer joins before the placeholders are checked and filled: its texts name {apu.…}.
    problems = expand_includes(located, dirs, file) or add_barometer(located, dirs, file, _languages(located.data))
    if problems:
        return problems
    help_lines = load_help(help_dirs(roots, SHIPPED_CONTENT))
    if isinstance(help_lines, Problem):
        # A broken help file fails only the packs that name the help lines.
        if any("{" + HELP in text for _path, _lang, text in strings(located.data, lang)):
            return [help_lines]
        help_lines = None
    declared = _declared_placeholders(located.data)
    shared_names = [HELP, *(f"{HELP}.{line.id}" for line in help_lines.lines)] if help_lines else []

    def known(name: str) -> bool:
        return name in declared or name in shared_names

    for path, _lang, text in strings(located.data, lang):
        lines = text.split("\n")
        if "{" + HELP + "}" in text and not (len(lines) > 1 and any(ln.strip() == "{" + HELP + "}" for ln in lines)):
            mark = located.mark(path)
            problems.append(
                Problem(
                    mark.file or file,
                    mark.line,
                    mark.col,
                    Msg("help.list_in_sentence"),
                    describe(path, located.data),
                )
            )
    for unknown in unknown_placeholders(located.data, lang, known):
        mark = located.mark(unknown.path)
        names = [*declared, *shared_names]
        close = difflib.get_close_matches(unknown.name, names, n=1, cutoff=0.6)
        hint = Msg("placeholder.did_you_mean", close=close[0]) if close else ""
        listed = [f"{{{n}}}" for n in names] or Msg("placeholder.none_yet")
        problems.append(
            Problem(
                mark.file or file,
                mark.line,
                mark.col,
                Msg("placeholder.unknown", name=unknown.name, hint=hint, known=listed),
                describe(unknown.path, located.data),
            )
        )
    if not problems and help_lines is not None:
        located.data = fill(located.data, lang, help_lines.lookup)
    return problems


def _declared_placeholders(data: dict[str, Any]) -> list[str]:
    declared = data.get("placeholders")
    if not isinstance(declared, list):
        return []
    return [p["id"] for p in declared if isinstance(p, dict) and isinstance(p.get("id"), str)]


def find_pack_dirs(paths: list[Path]) -> list[Path]:
    """Expand paths (a pack folder, a pack.yaml, or a folder of packs) into pack folders."""
    found: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_file() or (p.name == PACK_FILE and _is_pack_file(p)):
            found.append(p.parent)
        elif _is_pack_file(p / PACK_FILE):
            found.append(p)
        elif p.is_dir():
            found.extend(sorted(d for d in p.iterdir() if _is_pack_file(d / PACK_FILE)))
        else:
            found.append(p)  # reported as unreadable by load_pack
    return found


def _is_pack_file(path: Path) -> bool:
    """Is there a pack.yaml here? A symlink or a FIFO of that name counts (load_pack refuses
    it with a message), a folder does not. lstat only: nothing is followed or opened."""
    try:
        return not stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return False
