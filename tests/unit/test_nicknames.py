"""Generated nicknames and the clean-up of typed ones."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workshops.sessions import nicknames


def test_generated_nicknames_are_adjective_and_animal():
    rng = random.Random(1)
    nick = nicknames.generate(rng, set())
    adjective, animal = nick.split(" ")
    assert adjective in nicknames.ADJECTIVES and animal in nicknames.ANIMALS


def test_generation_avoids_taken_nicknames_even_when_all_are_taken():
    rng = random.Random(2)
    taken = {f"{a} {b}" for a in nicknames.ADJECTIVES for b in nicknames.ANIMALS}
    nick = nicknames.generate(rng, taken)
    assert nick not in taken and nick.rsplit(" ", 1)[1].isdigit()


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Aino  ", "Aino"),
        ("Ａｉｎｏ", "Aino"),  # full-width look-alikes fold
        ("Ai\u200bno", "Aino"),  # zero-width space
        ("\u202eoniA", "oniA"),  # right-to-left override dropped
        ("A\u0301\u0301\u0301\u0301\u0301ino", "\u00c1\u0301\u0301ino"),  # composed, then at most 2 marks
        ("Matti   Meikäläinen", "Matti Meikäläinen"),
        ("<script>alert(1)</script>", "<script>alert(1)</script"),  # kept as text, capped at 24
        ("x" * 500, "x" * 24),
    ],
)
def test_clean(raw, clean):
    assert nicknames.clean(raw) == clean


@pytest.mark.parametrize("raw", ["", "   ", "\u200b\u200b", "\u0301\u0301", "!!!"])
def test_clean_refuses_nicknames_without_letters(raw):
    with pytest.raises(nicknames.NicknameError) as exc:
        nicknames.clean(raw)
    assert exc.value.code == "nick_empty"


@given(st.text(max_size=300))
def test_clean_never_returns_control_characters_or_long_text(raw):
    try:
        out = nicknames.clean(raw)
    except nicknames.NicknameError:
        return
    import unicodedata

    assert 0 < len(out) <= nicknames.MAX_LENGTH
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in out)
    assert out == out.strip()
