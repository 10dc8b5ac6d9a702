"""Localized text and shared field types for pack models."""

from __future__ import annotations

import difflib
import re
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

LANGUAGE_NAMES = {"fi": "Finnish", "sv": "Swedish", "en": "English"}
Language = str
# Codes authors write for a language that has another code here.
_LANGUAGE_MISTAKES = {"se": "sv", "swe": "sv", "sw": "sv", "fin": "fi", "su": "fi", "eng": "en", "gb": "en", "uk": "en"}

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}$"


class Strict(BaseModel):
    """Base for every pack model: unknown fields and loose types are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def schema_title(title: str, description: str) -> ConfigDict:
    """Name a pack model in the editor, in Finnish (its docstring stays the programmers' description)."""
    return ConfigDict(title=title, json_schema_extra={"description": description})


def _check_languages(value: str | dict[str, str], info: ValidationInfo) -> str | dict[str, str]:
    ctx = info.context or {}
    required: list[str] = ctx.get("languages", [])
    if isinstance(value, str):
        if not value.strip():
            raise PydanticCustomError("empty_text", "the text is empty; write the text or remove the line")
        # Text with no letters ("112", "1-5") reads the same in every language.
        if len(required) > 1 and any(ch.isalpha() for ch in value):
            missing = ", ".join(f"{LANGUAGE_NAMES.get(lang, lang)} ({lang})" for lang in required[1:])
            lines = " and ".join(f"`{lang}: ...`" for lang in required)
            raise PydanticCustomError(
                "missing_translation",
                "missing translation: {missing}; write the text as a map with a line for each language: {lines}",
                {"missing": missing, "lines": lines, "langs": required},
            )
        return value
    unknown = [lang for lang in value if lang not in LANGUAGE_NAMES]
    if unknown:
        meant = _LANGUAGE_MISTAKES.get(str(unknown[0]).lower())
        hint = f" ({LANGUAGE_NAMES[meant]} is {meant})" if meant else ""
        raise PydanticCustomError(
            "unknown_language",
            "unknown language '{lang}'{hint}; the languages are fi, sv and en",
            {"lang": unknown[0], "hint": hint, "meant": meant},
        )
    for lang in required:
        text = value.get(lang)
        if text is None or not str(text).strip():
            raise PydanticCustomError(
                "missing_translation",
                "missing translation: {name} ({lang}); add a line `{lang}: ...` to this text",
                {"name": LANGUAGE_NAMES.get(lang, lang), "lang": lang, "one": True},
            )
    return value


# The editor's description of the text types is their JSON Schema below (TEXT_SCHEMAS), not a Field here.
Text = Annotated[
    str | dict[str, Annotated[str, Field(min_length=1)]],
    AfterValidator(_check_languages),
]


def _check_rich(value: str | dict[str, str], info: ValidationInfo) -> str | dict[str, str]:
    # The same checks as Text's: a function of its own tells the two types apart (text_kind()).
    return _check_languages(value, info)


# Formatting (a small part of Markdown), as the editor explains it to an author.
RICH_TEXT_FORMATTING = (
    "Muotoilu: kirjoita pitkä teksti pystyviivan | perään omille riveilleen. Tyhjä rivi aloittaa uuden "
    "kappaleen. Rivit, jotka alkavat '- ' tai '* ', tekevät luettelon, ja vähintään kaksi riviä, jotka alkavat "
    "'1. ' tai '1) ', numeroidun luettelon. **lihavointi**, *kursiivi* tai _kursiivi_. Yksittäinen rivinvaihto "
    "kappaleen sisällä näkyy välilyöntinä. HTML, linkit, kuvat ja otsikot näkyvät sellaisinaan"
)

RichText = Annotated[
    str | dict[str, Annotated[str, Field(min_length=1)]],
    AfterValidator(_check_rich),
]

#: the language keys of a text, as the editor names them
LANGUAGE_KEYS = {"fi": "Suomeksi", "sv": "Ruotsiksi", "en": "Englanniksi"}
_WELCOME = {"fi": "Tervetuloa!", "sv": "Välkommen!", "en": "Welcome!"}


def _text_schema(title: str, description: str) -> dict[str, Any]:
    """Build a text type's JSON Schema: a string, or a map of fi, sv and en only (an editor then flags `se:`)."""
    languages = {
        lang: {"type": "string", "minLength": 1, "description": label, "examples": [_WELCOME[lang]]}
        for lang, label in LANGUAGE_KEYS.items()
    }
    return {
        "title": title,
        "description": description,
        "examples": [_WELCOME["fi"], {"fi": _WELCOME["fi"], "sv": _WELCOME["sv"]}],
        "anyOf": [
            {"type": "string", "minLength": 1},
            {"type": "object", "properties": languages, "additionalProperties": False, "minProperties": 1},
        ],
    }


_IN_LANGUAGES = (
    "paketin kielellä, tai jokainen kieli omalla rivillään: fi (suomi), sv (ruotsi), en (englanti). Kun paketissa "
    "on `translations`, jokainen teksti tarvitsee myös ne kielet"
)
#: the JSON Schema of each text type, by the validator that marks the type: `workshops schema`
#: writes them once, as $defs/Text and $defs/RichText, and points every text field at them
TEXT_SCHEMAS: dict[Any, tuple[str, dict[str, Any]]] = {
    _check_languages: ("Text", _text_schema("Teksti (fi, sv, en)", f"Teksti {_IN_LANGUAGES}")),
    _check_rich: (
        "RichText",
        _text_schema("Muotoiltu teksti (fi, sv, en)", f"Muotoiltu teksti {_IN_LANGUAGES}. {RICH_TEXT_FORMATTING}"),
    ),
}


def text_kind(info: FieldInfo) -> Literal["rich", "plain"] | None:
    """Whether a model field holds RichText ("rich"), Text ("plain") or neither: a field of
    either type, or of a type built from it (Text | None, list[Text]...)."""
    kinds: tuple[tuple[Any, Literal["rich", "plain"]], ...] = ((_check_rich, "rich"), (_check_languages, "plain"))
    for func, kind in kinds:
        held = any(isinstance(m, AfterValidator) and m.func is func for m in info.metadata)
        if held or _holds(info.annotation, func):
            return kind
    return None


def _holds(tp: Any, func: Any) -> bool:
    """Is `tp` an Annotated type validated by `func`, or a type built from one?"""
    if typing.get_origin(tp) is Annotated:
        args = typing.get_args(tp)
        if any(isinstance(m, AfterValidator) and m.func is func for m in args[1:]):
            return True
        return _holds(args[0], func)
    return any(_holds(arg, func) for arg in typing.get_args(tp))


Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        # Short id: lower-case letters, digits, - and _, at most 40 characters.
        description="Tunnus: pienet kirjaimet a–z, numerot, - ja _, enintään 40 merkkiä. Ei ä:tä, ö:tä eikä "
        "välilyöntejä. Oppilaat eivät näe tunnuksia",
        examples=["tervetuloa"],
    ),
]


def _check_image(value: str, info: ValidationInfo) -> str:
    ctx = info.context or {}
    if "/" in value.replace("\\", "/"):
        # The server serves a pack's images from its own folder only, never from subfolders.
        raise PydanticCustomError(
            "image_path", "put the image directly in the pack's folder and write just its file name, e.g. kuva.svg"
        )
    if not re.search(r"\.(svg|png|jpe?g|webp)$", value, re.I):
        raise PydanticCustomError("image_type", "an image must be an .svg, .png, .jpg or .webp file")
    pack_dir: Path | None = ctx.get("pack_dir")
    if pack_dir is not None and not (pack_dir / value).is_file():
        raise PydanticCustomError(
            "image_missing",
            "the image file '{name}' is not in the pack's folder {folder}{hint}",
            {"name": value, "folder": str(pack_dir), **_image_hint(pack_dir, value)},
        )
    return value


def _image_hint(pack_dir: Path, name: str) -> dict[str, str | None]:
    """Suggest the file the author probably meant (`same`: the name in other letters, `close`:
    a name like it), or say what to do (`hint`, in English; the check words it per language)."""
    try:
        present = sorted(
            str(p.relative_to(pack_dir)).replace("\\", "/")
            for p in (pack_dir / name).parent.iterdir()
            if p.is_file() and re.search(r"\.(svg|png|jpe?g|webp)$", p.name, re.I)
        )
    except OSError:
        present = []
    same = [p for p in present if p.lower() == name.lower()]
    if same:
        hint = f"; it is named '{same[0]}': write the name exactly, capital letters too"
        return {"hint": hint, "same": same[0], "close": None}
    close = difflib.get_close_matches(name, present, n=1, cutoff=0.6)
    if close:
        return {"hint": f"; did you mean '{close[0]}'?", "same": None, "close": close[0]}
    return {"hint": "; put the image there, or correct the name", "same": None, "close": None}


Image = Annotated[
    str,
    AfterValidator(_check_image),
    Field(
        description="Kuvatiedoston nimi paketin kansiossa (.svg, .png, .jpg tai .webp), ilman alikansiota",
        examples=["kansi.svg"],
    ),
]


def _holds_image(tp: Any) -> bool:
    """Is `tp` the Image type, or a type built from it (Image | None, list[Image]...)?"""
    if typing.get_origin(tp) is Annotated:
        args = typing.get_args(tp)
        if any(isinstance(m, AfterValidator) and m.func is _check_image for m in args[1:]):
            return True
        return _holds_image(args[0])
    return any(_holds_image(arg) for arg in typing.get_args(tp))


def _is_image_field(info: FieldInfo) -> bool:
    # `image: Image = Field(...)` keeps the validator in the field's metadata, not its annotation.
    return any(isinstance(m, AfterValidator) and m.func is _check_image for m in info.metadata) or _holds_image(
        info.annotation
    )


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    return []


def image_names(model: BaseModel) -> set[str]:
    """The file names of every image field in a validated model and the models inside it.

    Found from the types, not from a list of field names: an image field added to any
    activity's config is included without touching this.
    """
    found: set[str] = set()
    stack: list[Any] = [model]
    while stack:
        value = stack.pop()
        if isinstance(value, BaseModel):
            for name, info in type(value).model_fields.items():
                inner = getattr(value, name)
                if _is_image_field(info):
                    found.update(_strings(inner))
                stack.append(inner)
        elif isinstance(value, (list, tuple, set, frozenset)):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
    return found


def require_unique_ids(items: list[Any], what: str) -> list[Any]:
    """Refuse a list whose items share an id; the loader points the error at the second use."""
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise PydanticCustomError(
                "id_reused",
                "{what} id '{id}' is used twice; every {what} needs its own id",
                {"what": what, "id": item.id},
            )
        seen.add(item.id)
    return items


def resolve(text: Any, lang: str, fallback: str = "fi") -> str:
    """Pick the text for `lang` from a Text value."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(lang) or text.get(fallback) or next(iter(text.values()), "")


def as_map(text: Any, lang: str) -> dict[str, str] | None:
    """Return a Text value as a language map (a plain string belongs to `lang`)."""
    if text is None:
        return None
    if isinstance(text, str):
        return {lang: text}
    return dict(text)
