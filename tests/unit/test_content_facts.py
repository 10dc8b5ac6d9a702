"""Facts and wording in the shipped packs that a school nurse and a Finland-Swedish reader asked
for (issue #17): each check names the text it keeps out, so an old sentence cannot come back."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from workshops.sessions import nicknames

ROOT = Path(__file__).resolve().parents[2]
PACK_FILES = sorted((ROOT / "content").glob("*/pack.yaml"))
PACK_IDS = [p.parent.name for p in PACK_FILES]


@functools.cache
def _load(name: str) -> dict[str, Any]:
    """A pack's YAML as written (read once; the checks only read it)."""
    return yaml.safe_load((ROOT / "content" / name / "pack.yaml").read_text(encoding="utf-8"))


def _texts(node: Any, lang: str | None = None) -> Iterator[tuple[str | None, str]]:
    """Every string of a pack, with its language when it sits under a `fi:`/`sv:` key."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _texts(value, key if key in ("fi", "sv", "en") else lang)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item, lang)
    elif isinstance(node, str):
        yield lang, node


def _text(node: Any, lang: str) -> str:
    return node if isinstance(node, str) else node[lang]


@pytest.fixture(scope="module", params=PACK_FILES, ids=PACK_IDS)
def pack_texts(request) -> list[tuple[str | None, str]]:
    return list(_texts(_load(request.param.parent.name)))


# -- nicknames --------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["Pöllö", "Ahma"])
def test_no_nickname_uses_an_animal_that_is_an_insult(word):
    assert word not in nicknames.ANIMALS
    assert not any(word.casefold() in nick.casefold() for nick in nicknames._PAIRS)
    for lang in ("fi", "sv"):
        assert not any(word.casefold() in nick.casefold() for nick in nicknames.pairs(lang))


# -- nicotine, sleep, energy drinks -------------------------------------------------------------


def test_no_pack_says_that_every_vape_has_nicotine(pack_texts):
    for _lang, text in pack_texts:
        assert not re.search(r"(?<!useimmissa )\bvapeissa\b[^.]*\bon nikotiinia", text, re.I), text
        assert not re.search(r"nikotin i (vejpar|vapes|e-cigaretter)", text, re.I), text
        assert not re.search(r"(?<!de flesta )\b(vejpar|vapes) (innehåller|har) nikotin", text, re.I), text


_SLEEP_HOURS = re.compile(r"\b(9|8|10)\s*[–-]\s*(11|10)\s*(tuntia|timmar|h)\b", re.I)
_AGE = re.compile(r"vuotia|vuotias|åring|års ålder|år gamla", re.I)


def test_sleep_hours_are_given_by_age(pack_texts):
    for _lang, text in pack_texts:
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if _SLEEP_HOURS.search(sentence) or re.search(r"\b9\s*[–-]\s*11\b", sentence):
                assert _AGE.search(sentence), sentence
                assert re.search(r"\b8\s*[–-]\s*10\b", sentence), sentence  # the older pupils' hours too


def test_the_energy_drink_fact_is_said_once_in_the_board_game():
    texts = list(_texts(_load("arjen-valinnat")))
    finnish = [t for lang, t in texts if lang == "fi" and re.search(r"ei suositella", t, re.I)]
    swedish = [t for lang, t in texts if lang == "sv" and re.search(r"rekommenderas inte", t, re.I)]
    assert len(finnish) <= 1, finnish
    assert len(swedish) <= 1, swedish
    assert len(finnish) == len(swedish) == 1  # said once, not dropped altogether


# -- honest ground rules --------------------------------------------------------------------------


def test_no_pack_promises_that_what_is_said_stays_in_the_group(pack_texts):
    for _lang, text in pack_texts:
        assert "jää ryhmään" not in text, text
        assert not re.search(r"stannar i gruppen", text, re.I), text


def test_the_ground_rules_say_when_an_adult_acts():
    rules = _load("jamakkyytta")["agenda"][0]["text"]
    assert "Muiden tarinoita ei kerrota eteenpäin" in rules["fi"]
    assert "turvallisuudesta" in rules["fi"]
    assert "säkerhet" in rules["sv"]


# -- story names that are not nicknames ------------------------------------------------------------


def test_digitutkijat_has_no_story_character_named_like_a_nickname():
    nick_animals = set(nicknames.ANIMALS) | {"Orava", "Karhu"}
    for _lang, text in _texts(_load("digitutkijat")):
        for word in re.findall(r"\b[A-ZÅÄÖ][a-zåäö]+", text):
            assert not any(word.startswith(animal) for animal in nick_animals if len(animal) > 3), (word, text)


def test_digitutkijat_gives_the_media_mentors_a_place():
    pack = _load("digitutkijat")
    texts = [t for lang, t in _texts(pack) if lang == "fi"]
    assert any("mediamentor" in t.casefold() for t in texts)
    assert any("mediementor" in t.casefold() for lang, t in _texts(pack) if lang == "sv")


# -- first aid ---------------------------------------------------------------------------------


def test_the_unconscious_friend_gets_an_open_airway_between_112_and_the_recovery_position():
    stations = next(s for s in _load("jamakkyytta")["agenda"] if s["kind"] == "stations")["stations"]
    order = next(s for s in stations if s["id"] == "puisto")["order"]
    for lang, call, airway, side in (
        ("fi", r"\b112\b", r"avaa hengitystiet", r"kylkiasento"),
        ("sv", r"\b112\b", r"öppna luftvägarna", r"framstupa sidoläge"),
    ):
        steps = [_text(step["text"], lang) for step in order]
        at_call = next(i for i, s in enumerate(steps) if re.search(call, s))
        at_airway = next(i for i, s in enumerate(steps) if re.search(airway, s, re.I))
        at_side = next(i for i, s in enumerate(steps) if re.search(side, s, re.I))
        assert at_call < at_airway < at_side, steps
    assert len(order) >= 5


def test_swedish_first_aid_uses_the_finland_swedish_recovery_position():
    for name in PACK_IDS:
        for _lang, text in _texts(_load(name)):
            assert "stabilt sidoläge" not in text, (name, text)


# -- the empty fridge -----------------------------------------------------------------------------


def test_the_empty_fridge_card_has_a_note_for_the_facilitator():
    game = next(s for s in _load("arjen-valinnat")["agenda"] if s["kind"] == "boardgame")
    card = next(c for c in game["cards"] if c["id"] == "b-leipa-loppu")
    assert "ei ole lapsen valinta" in card["notes"]["fi"]
    assert "inte barnets val" in card["notes"]["sv"]
    assert "terveydenhoitaja" in card["notes"]["fi"] and "hälsovårdare" in card["notes"]["sv"]


# -- screenshots of nude images ---------------------------------------------------------------------


def test_advice_to_take_a_screenshot_says_never_to_screenshot_a_nude_image():
    # Every pack that talks about screenshots also says, in both languages, that a nude or
    # sexual image of anyone is never screenshotted or forwarded: an adult is told instead.
    advised = [n for n in PACK_IDS if any(re.search(r"kuvakaappau", t, re.I) for _lang, t in _texts(_load(n)))]
    assert "digitutkijat" in advised
    for name in advised:
        texts = list(_texts(_load(name)))
        assert any(
            lang == "fi" and re.search(r"alast|seksuaali", t, re.I) and re.search(r"kuvakaappau", t, re.I)
            for lang, t in texts
        ), name
        assert any(
            lang == "sv" and re.search(r"naken|sexuell", t, re.I) and re.search(r"skärmdump", t, re.I)
            for lang, t in texts
        ), name


# -- Swedish wording --------------------------------------------------------------------------


# The packs the Finland-Swedish reader read (issue #17); a pack added later gets its own reading.
READ_IN_SWEDISH = ["arjen-valinnat", "digitutkijat", "digitutkijat-tukioppilaat", "esittely", "jamakkyytta"]


@pytest.mark.parametrize("name", READ_IN_SWEDISH)
@pytest.mark.parametrize(
    "phrase",
    [
        "En förlåtelse gör en glad",
        "äldre kille",
        "Förundra dig",
        "verkstadspaket",  # the kit is "verkstadslådan", as in the user interface
        "ett frågesport",
        "prov känns nervöst",
        "rasten känns nervös",
        "Digitutkijat-verkstad",  # the fourth graders' workshop is "Digiforskarna" in Swedish
    ],
)
def test_unnatural_swedish_is_gone(name, phrase):
    for lang, text in _texts(_load(name)):
        if lang == "sv":
            assert phrase.casefold() not in text.casefold(), text
