"""The page strings: each activity kind's own texts (its `strings` and `errors`) and the kit's.

- every kind's texts are in fi, sv and en, with the same `{placeholders}`, and translated;
- no kind's key shadows one of the kit's (`kit_strings()`, from the catalogues);
- the page strings have the same keys in every language;
- every key the browser scripts ask for with `t("key")` is there.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from workshops.activities import REGISTRY, KindError, Says, declared
from workshops.app import create_app
from workshops.web.uitext import kit_strings, ui_strings

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "static" / "js"
LANGS = ("fi", "sv", "en")

# Texts that are the same in every language (a unit, a dash): nothing to translate.
SAME_IN_EVERY_LANGUAGE = {"extend_minute", "line_none"}

_PLACEHOLDER = re.compile(r"\{(\w*)\}")
# t("key"), t('key') and t(`key`) without interpolation; not x.t(…) or split(…)
_T_LITERAL = re.compile(r"""(?<![\w.$])t\(\s*(["'`])([^"'`$\\]+)\1""")
# statusLine(el, "joining"), onStatus?.("reconnecting"): the status is a key too (shown with t(status))
_STATUS_LITERAL = re.compile(r"""(?:\bstatusLine\(\s*\w+\s*,|\bonStatus\?\.\()\s*["']([a-z_]+)["']""")


def kind_texts(activity) -> dict[str, Says]:
    """A kind's page strings with its own and inherited declarations: `key` and `err_<code>`."""
    texts: dict[str, Says] = dict(declared(activity, "strings"))
    errors: dict[str, KindError] = declared(activity, "errors")
    texts |= {f"err_{code}": error.says for code, error in errors.items()}
    return texts


def text_problems(key: str, says: Says) -> list[str]:
    """What is wrong with one of a kind's texts (nothing, for a good one)."""
    problems = []
    by_lang = {lang: getattr(says, lang) for lang in LANGS}
    for lang, text in by_lang.items():
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{key}: no {lang} text")
    if problems:
        return problems
    wanted = Counter(_PLACEHOLDER.findall(says.en))
    for lang in ("fi", "sv"):
        got = Counter(_PLACEHOLDER.findall(by_lang[lang]))
        if got != wanted:
            problems.append(f"{key}: {lang} has placeholders {sorted(got)}, en has {sorted(wanted)}")
    if says.sv == says.en and key not in SAME_IN_EVERY_LANGUAGE:
        problems.append(f"{key}: sv is the English text, untranslated")
    return problems


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app({"DATA_DIR": tmp_path_factory.mktemp("data"), "TIMER_LOOP": False, "TESTING": True})


@pytest.fixture(scope="module")
def page_strings(app) -> dict[str, dict[str, str]]:
    """ui_strings() in each language."""
    found = {}
    for lang in LANGS:
        with app.test_request_context(f"/?lang={lang}"):
            found[lang] = ui_strings()
    return found


@pytest.fixture(scope="module")
def kit_keys(app) -> set[str]:
    with app.test_request_context("/?lang=fi"):
        return set(kit_strings())


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_a_kinds_texts_are_in_every_language_with_the_same_placeholders(kind):
    activity = REGISTRY[kind]
    problems = [p for key, says in kind_texts(activity).items() for p in text_problems(key, says)]
    assert problems == [], f"{kind}: fix the texts in its module:\n" + "\n".join(problems)
    errors: dict[str, KindError] = declared(activity, "errors")
    assert [code for code, error in errors.items() if not error.meaning.strip()] == [], "each code needs its meaning"


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_no_kind_key_shadows_a_kit_string(kind, kit_keys):
    clash = sorted(set(kind_texts(REGISTRY[kind])) & kit_keys)
    assert clash == [], f"{kind} redeclares the kit's strings (workshops/web/uitext.py): {clash}"


def test_the_page_strings_have_the_same_keys_in_every_language(page_strings):
    keys = {lang: set(strings) for lang, strings in page_strings.items()}
    for lang in ("sv", "en"):
        assert keys[lang] == keys["fi"], (lang, sorted(keys[lang] ^ keys["fi"]))
    assert all(text for strings in page_strings.values() for text in strings.values())


def test_the_language_neutral_texts_are_still_declared():
    # Keeps SAME_IN_EVERY_LANGUAGE from outliving the texts it excuses.
    declared_keys = {key for activity in REGISTRY.values() for key in kind_texts(activity)}
    assert SAME_IN_EVERY_LANGUAGE - declared_keys == set()


def script_keys() -> dict[str, str]:
    """The keys the browser scripts ask for by name (key -> a file asking); built keys are not seen."""
    keys: dict[str, str] = {}
    for path in sorted(SCRIPTS.rglob("*.js")):
        text = path.read_text(encoding="utf-8")
        where = str(path.relative_to(ROOT))
        for _quote, key in _T_LITERAL.findall(text):
            keys.setdefault(key, where)
        for key in _STATUS_LITERAL.findall(text):
            keys.setdefault(key, where)
    return keys


def test_every_key_the_scripts_ask_for_is_a_page_string(page_strings):
    keys = script_keys()
    # the scan found the kit's keys and the kinds' (the task kinds', the board game's, the stations')
    assert {"reconnecting", "joining", "answers_in", "true", "board", "group_n", "idea_sent"} <= set(keys)
    assert len(keys) > 150
    for lang, strings in page_strings.items():
        missing = sorted(f"{key} ({where})" for key, where in keys.items() if key not in strings)
        assert missing == [], f"{lang}: the scripts ask for keys no kind nor uitext.py has:\n" + "\n".join(missing)
