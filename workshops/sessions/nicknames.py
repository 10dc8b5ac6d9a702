"""Generated Finnish nicknames, and the clean-up of nicknames pupils type themselves."""

from __future__ import annotations

import random
import re
import unicodedata

# Friendly adjectives and Finnish animals. Animals that double as insults in the
# playground (pig, cow, donkey, monkey, rat...) are left out on purpose.
ADJECTIVES = (
    "Iloinen Reipas Rohkea Utelias Nopea Viisas Ystävällinen Leppoisa Pirteä Hymyilevä "
    "Kekseliäs Sinnikäs Rauhallinen Reilu Avulias Sisukas Tarkka Hilpeä Eloisa Lempeä "
    "Vikkelä Ketterä Taitava Urhea Hauska Tyyni Valpas Innokas Kiltti Mainio "
    "Kirkas Vauhdikas Touhukas Aurinkoinen Sähäkkä Huomaavainen Reilu Päättäväinen Säkenöivä Lystikäs"
).split()
ANIMALS = (
    "Ilves Kettu Karhu Hirvi Orava Jänis Siili Majava Saukko Kärppä Peura Poro Hylje Norppa "
    "Pöllö Huuhkaja Tikka Kurki Joutsen Haukka Kotka Harakka Tiainen Peippo Punatulkku Lokki "
    "Sorsa Hauki Ahven Lohi Sammakko Perhonen Kimalainen Leppäkerttu Muurahainen Sudenkorento "
    "Mäyrä Ahma Kuikka Sieppo"
).split()
ADJECTIVES = tuple(dict.fromkeys(ADJECTIVES))
ANIMALS = tuple(dict.fromkeys(ANIMALS))

MAX_LENGTH = 24
_MAX_MARKS = 2  # combining marks kept per letter: enough for any real name


def generate(rng: random.Random, taken: set[str]) -> str:
    """Pick a nickname not yet taken in the session."""
    for _ in range(50):
        nick = f"{rng.choice(ADJECTIVES)} {rng.choice(ANIMALS)}"
        if nick not in taken:
            return nick
    base = f"{rng.choice(ADJECTIVES)} {rng.choice(ANIMALS)}"
    n = 2
    while f"{base} {n}" in taken:
        n += 1
    return f"{base} {n}"


class NicknameError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def clean(raw: str) -> str:
    """Normalise a typed nickname, or raise NicknameError saying what is wrong.

    NFKC folds look-alike full-width letters; control and format characters
    (zero-width joiners, right-to-left overrides) are dropped; piles of
    combining marks are cut; whitespace collapses; the length is capped.
    """
    text = unicodedata.normalize("NFKC", raw)
    out: list[str] = []
    marks = 0
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        if cat.startswith("M"):
            marks += 1
            if marks > _MAX_MARKS or not out:
                continue
        else:
            marks = 0
        if cat.startswith("Z"):
            ch = " "
        out.append(ch)
    text = re.sub(r"\s+", " ", "".join(out)).strip()
    text = unicodedata.normalize("NFC", text)
    if not any(unicodedata.category(c)[0] in "LN" for c in text):
        raise NicknameError("nick_empty", "Write a nickname with at least one letter.")
    if len(text) > MAX_LENGTH:
        text = text[:MAX_LENGTH].rstrip()
    return text
