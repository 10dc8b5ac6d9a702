"""Generated nicknames (Finnish, or Swedish for a Swedish session), and the clean-up of
nicknames pupils type themselves."""

from __future__ import annotations

import functools
import itertools
import logging
import random
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..config import SHIPPED_CONTENT

log = logging.getLogger(__name__)


def _word_list(text: str) -> tuple[str, ...]:
    """The words of a list written as one text, each once, in their order."""
    return tuple(dict.fromkeys(text.split()))


# Friendly adjectives and Finnish animals. Animals that double as insults in the
# playground (pig, cow, donkey, monkey, rat...) are left out on purpose, and so are
# pöllö ("dimwit") and ahma ("glutton").
ADJECTIVES = _word_list(
    "Iloinen Reipas Rohkea Utelias Nopea Viisas Ystävällinen Leppoisa Pirteä Hymyilevä "
    "Kekseliäs Sinnikäs Rauhallinen Reilu Avulias Sisukas Tarkka Hilpeä Eloisa Lempeä "
    "Vikkelä Ketterä Taitava Urhea Hauska Tyyni Valpas Innokas Kiltti Mainio "
    "Kirkas Vauhdikas Touhukas Aurinkoinen Sähäkkä Huomaavainen Reilu Päättäväinen Säkenöivä Lystikäs"
)
ANIMALS = _word_list(
    "Ilves Kettu Karhu Hirvi Orava Jänis Siili Majava Saukko Kärppä Peura Poro Hylje Norppa "
    "Huuhkaja Tikka Kurki Joutsen Haukka Kotka Harakka Tiainen Peippo Punatulkku Lokki "
    "Sorsa Hauki Ahven Lohi Sammakko Perhonen Kimalainen Leppäkerttu Muurahainen Sudenkorento "
    "Mäyrä Kuikka Sieppo"
)

# The Swedish list, for a session whose pack is in Swedish ("Glad Ekorre"). Every animal is an
# en-word, so the adjective's plain form agrees with it ("Glad Ekorre", never "Glatt Rådjur").
# Left out like the Finnish insults: words that are also slang or insults in Swedish (mus, gök,
# mes, hare, groda, padda, kråka, skata, gris, ko, åsna, apa, råtta), vikare (a supply
# teacher), the owl and the wolverine (pöllö and ahma to a bilingual class), Björn (a common
# first name), and adjectives about size, looks or the body.
SV_ADJECTIVES = _word_list(
    "Glad Modig Nyfiken Snabb Klok Vänlig Lugn Pigg Livlig Påhittig Ihärdig Rättvis Hjälpsam "
    "Tapper Noggrann Munter Snäll Kvick Vig Skicklig Rolig Vaksam Ivrig Strålande Tålmodig "
    "Fiffig Omtänksam Beslutsam Gladlynt Kavat Trygg Lekfull Flitig Klurig Fundersam Pålitlig "
    "Sprallig Finurlig Fyndig"
)
SV_ANIMALS = _word_list(
    "Ekorre Räv Lo Älg Igelkott Bäver Utter Hermelin Hjort Säl Hök Örn Trana Svan Bofink "
    "Domherre Mås Gädda Abborre Lax Fjäril Humla Nyckelpiga Myra Trollslända Grävling Lom "
    "Flugsnappare Hackspett Tjäder Korp Sparv Lärka Rödhake Mård Öring Gräshoppa Näktergal Ejder"
)

_WORDS = {"fi": (ADJECTIVES, ANIMALS), "sv": (SV_ADJECTIVES, SV_ANIMALS)}


def word_lists(language: str = "fi") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The adjectives and animals for a session in `language`: Swedish for "sv", else Finnish."""
    return _WORDS.get(language, _WORDS["fi"])


MAX_LENGTH = 24
_MAX_MARKS = 2  # combining marks kept per letter: enough for any real name

# The block list: a text file a content author edits (see its header and content/OHJE.md).
BLOCKLIST_FILE = "blocked-nicknames.txt"
SHIPPED_BLOCKLIST = SHIPPED_CONTENT / BLOCKLIST_FILE


# Every "adjective animal" pair, in one fixed order: a nickname is one draw and a short walk.
_PAIRS_BY_LANGUAGE = {
    language: tuple(f"{a} {b}" for a in adjectives for b in animals)
    for language, (adjectives, animals) in _WORDS.items()
}
_PAIRS = _PAIRS_BY_LANGUAGE["fi"]
_PROBES = 50


def pairs(language: str = "fi") -> tuple[str, ...]:
    """Every generated nickname without a number, for a session in `language` (see `word_lists`)."""
    return _PAIRS_BY_LANGUAGE.get(language, _PAIRS)


def generate(rng: random.Random, taken: set[str] | frozenset[str], language: str = "fi") -> str:
    """Pick a nickname not yet taken in the session; Swedish ones when `language` is "sv".

    One random pair, then the next ones in order: a school-wide event fills all the pairs
    (about 1,500 in each language), and drawing again and again would cost more with every
    pupil. When the pairs near the draw are taken, the drawn pair gets a number ("Iloinen Ilves 2").
    """
    every = pairs(language)
    start = rng.randrange(len(every))
    for i in range(_PROBES):
        nick = every[(start + i) % len(every)]
        if nick not in taken:
            return nick
    base = every[start]
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
    A nickname with a word from the block list is refused (`nick_blocked`);
    the refusal never repeats the word. So is a word that mixes Latin, Cyrillic or
    Greek letters ("Lystіkäs" with a Cyrillic і): see `mixes_scripts`.
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
    if mixes_scripts(text) or is_blocked(text):
        raise NicknameError("nick_blocked", "Choose another nickname.")
    return text


# -- the block list -------------------------------------------------------------
#
# How a nickname is compared with the list (the list's entries go through the same
# folding, except the look-alike digits, so an author writes words as they are spelt):
#
# * NFKC and casefold: "ＶＩＴＴＵ" and "Vittu" are "vittu"; invisible characters go.
# * Diacritics are dropped ("vïttú" is "vittu"), except that ä, ö and å stay letters of
#   their own: in Finnish and Swedish they are not decorated a/o ("pässi" is an insult,
#   "passi" a passport; "sekä" is not "seka"). ø and æ count as ö and ä.
# * Latin look-alikes from Cyrillic and Greek, and small capitals, count as the Latin
#   letter ("vіttu" with a Cyrillic і).
# * Look-alike digits and signs are read as letters (0 o, 1 i or l, 3 e, 4 a, 5 s, 7 t,
#   8 b, 9 g, @ a, $ s, ! i or l, € e, + t), and the nickname is also read without them.
# * Letters repeated three or more times match one or two ("vittuuu", "viiittu"), but a
#   doubled letter is a different word: Finnish vowel and consonant length changes the
#   meaning (kusi/kuusi, tuli/tulli, kasi/kassi), so "kuusi" never matches "kusi".
# * Whole words only, never a piece inside a longer word (the Scunthorpe problem):
#   "kassi", "Lasse" and "Hitsi" are not blocked by anything inside them. A plain entry
#   matches the whole word; an entry ending in * matches the words that begin with it.
# * The words of a nickname are also read run together: "vi.ttu" and "v-i-t-u-n" as one
#   word with prefix entries (but not "P.Askola", an initial and a name); spaced-out
#   letters likewise ("v i t t u", "vi ttuun": every piece but the last at most two
#   letters long, and not a lone initial before a name, "P Askola"); and any run of
#   words such as "Paska Pää" as one word against plain entries and the stems of *
#   entries taken whole. Prefix entries do not reach across an ordinary space between
#   words ("Per Sebastian" is not "perse...").

_KEEP = frozenset("äöå")
# Look-alikes, looked up before and again after casefolding: a capital can look like a
# Latin letter its small form does not (Greek Ν is N, ν is v; Cyrillic Н is H).
_LOOKALIKES = {
    # Nordic letters that stand for ä/ö, and Latin letters NFD does not take apart.
    "ø": "ö",
    "Ø": "ö",
    "æ": "ä",
    "Æ": "ä",
    "ı": "i",
    "ł": "l",
    "Ł": "l",
    "đ": "d",
    "Đ": "d",
    "ð": "d",
    "ŀ": "l",
    "ȷ": "j",
    "ɩ": "i",
    "ɑ": "a",
    "ɡ": "g",
    "ʋ": "u",
    "ɜ": "e",
    # Small capitals.
    "ᴀ": "a",
    "ʙ": "b",
    "ᴄ": "c",
    "ᴅ": "d",
    "ᴇ": "e",
    "ꜰ": "f",
    "ɢ": "g",
    "ʜ": "h",
    "ɪ": "i",
    "ᴊ": "j",
    "ᴋ": "k",
    "ʟ": "l",
    "ᴍ": "m",
    "ɴ": "n",
    "ᴏ": "o",
    "ᴘ": "p",
    "ǫ": "q",
    "ʀ": "r",
    "ꜱ": "s",
    "ᴛ": "t",
    "ᴜ": "u",
    "ᴠ": "v",
    "ᴡ": "w",
    "ʏ": "y",
    "ᴢ": "z",
    # Cyrillic capitals, then small letters (and what casefold makes of the capitals).
    "А": "A",
    "В": "B",
    "Е": "E",
    "К": "K",
    "М": "M",
    "Н": "H",
    "О": "O",
    "Р": "P",
    "С": "C",
    "Т": "T",
    "У": "Y",
    "Х": "X",
    "Ѕ": "S",
    "І": "I",
    "Ј": "J",
    "Ԛ": "Q",
    "Ԝ": "W",
    "Һ": "H",
    "Ӏ": "l",
    "Ү": "Y",
    "Ԁ": "D",
    "а": "a",
    "в": "b",
    "е": "e",
    "ё": "e",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "к": "k",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "с": "c",
    "т": "t",
    "у": "y",
    "х": "x",
    "ѕ": "s",
    "ԁ": "d",
    "һ": "h",
    "ԛ": "q",
    "ԝ": "w",
    "ӏ": "l",
    "ь": "b",
    "п": "n",
    "ү": "y",
    "ѵ": "v",
    # Greek capitals, then small letters.
    "Α": "A",
    "Β": "B",
    "Ε": "E",
    "Ζ": "Z",
    "Η": "H",
    "Ι": "I",
    "Κ": "K",
    "Μ": "M",
    "Ν": "N",
    "Ο": "O",
    "Ρ": "P",
    "Τ": "T",
    "Υ": "Y",
    "Χ": "X",
    "Ϲ": "C",
    "Ϳ": "J",
    "α": "a",
    "β": "b",
    "γ": "y",
    "ε": "e",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "μ": "u",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "ω": "w",
    "ϲ": "c",
    "ϳ": "j",
    # Armenian and Cherokee letters that pass for Latin ones (casefold gives Cherokee capitals).
    "օ": "o",
    "ս": "u",
    "ց": "g",
    "հ": "h",
    "ո": "n",
    "զ": "q",
    "Ꭺ": "A",
    "Ᏼ": "B",
    "Ꮯ": "C",
    "Ꭰ": "D",
    "Ꭼ": "E",
    "Ꮐ": "G",
    "Ꮋ": "H",
    "Ꭻ": "J",
    "Ꮶ": "K",
    "Ꮮ": "L",
    "Ꮇ": "M",
    "Ꮲ": "P",
    "Ꮪ": "S",
    "Ꭲ": "T",
    "Ꮩ": "V",
    "Ꮃ": "W",
    "Ꮓ": "Z",
}
_LEET = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a", "$": "s", "€": "e", "+": "t"}
_LEET_I_OR_L = frozenset("1!|")
_MAX_AMBIGUOUS = 4  # beyond this many 1/!/| only the all-i and all-l readings are tried
_SEPARATORS_IN_ENTRY = frozenset(" -'’.")
_MIN_ENTRY_LETTERS = 2
_INVISIBLE = ("Cc", "Cf", "Cs", "Co", "Cn")
_DIAERESIS, _RING = "\u0308", "\u030a"


def _letter(base: str, marks: str) -> str:
    """One character with its combining marks, folded: a look-alike becomes its Latin letter,
    the case goes, decorating marks go, and ä, ö, å stay (also when made of look-alikes:
    Cyrillic ӓ is ä)."""
    plain = "".join(_LOOKALIKES.get(c, c) for c in _LOOKALIKES.get(base, base).casefold())
    plain = "".join(
        c
        if c in _KEEP
        else "".join(d for d in unicodedata.normalize("NFD", c) if not unicodedata.category(d).startswith("M"))
        for c in plain
    )
    if plain == "a" and _DIAERESIS in marks:
        return "ä"
    if plain == "a" and _RING in marks:
        return "å"
    if plain == "o" and _DIAERESIS in marks:
        return "ö"
    return plain


def _fold(text: str) -> str:
    """Lower-case letters as the matcher compares them; spaces stay, other signs stay.

    The confusable folding shared by the block list and by uniqueness (`skeleton`).
    """
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if unicodedata.category(c) not in _INVISIBLE)
    out: list[str] = []
    base, marks = "", ""
    for ch in unicodedata.normalize("NFD", text) + " ":
        if unicodedata.category(ch).startswith("M"):
            marks += ch  # a mark with no letter before it is dropped with the empty base
            continue
        if base:
            out.append(" " if unicodedata.category(base).startswith("Z") else _letter(base, marks))
        base, marks = ch, ""
    return "".join(out)


# -- look-alike nicknames: uniqueness -------------------------------------------
#
# Two pupils may not have nicknames that read the same on the projector. Nicknames are
# compared by their skeleton (in the spirit of Unicode TR39's confusable skeletons, with the
# kit's own table above):
#
# * the block list's folding: NFKC (full-width and mathematical letters), case, invisible
#   characters, Latin look-alikes from Cyrillic, Greek, Armenian and Cherokee and small
#   capitals, and decorating diacritics ("Aíno" is "Aino");
# * ä, ö and å stay letters of their own, as TR39 keeps them: "Lystikäs" and "Lystikas",
#   "Pöllö" and "Pollo" are different words in Finnish and Swedish, the dots are plain to see
#   on the projector, and a class may well hold both a Mäkinen and a Makinen;
# * look-alike digits and signs read as letters, as the block list reads them (0 o, 3 e, 5 s,
#   @ a, ...), and one reading for 1, !, |, I and l: a capital I and a small l are the same
#   stroke in most fonts, and comparison ignores case, so i and l count as one letter;
# * "rn" is "m"; punctuation separates words like a space ("Aino-Liisa", "Aino Liisa").
#
# Folding too much only ever refuses a typed nickname while a near twin is in use; the
# pupil types another. Doubled letters and numbers stay: "Kettu" is not "Ketu", and
# "Iloinen Ilves 2" is not "Iloinen Ilves 3".

_SKELETON_SIGNS = {**_LEET, "1": "i", "!": "i", "|": "i", "l": "i"}


@functools.lru_cache(maxsize=8192)
def skeleton(nick: str) -> str:
    """What a nickname looks like, for telling whether two nicknames can be told apart."""
    chars = []
    for c in _fold(nick):
        c = _SKELETON_SIGNS.get(c, c)
        chars.append(" " if unicodedata.category(c)[0] in "PZ" else c)
    return " ".join("".join(chars).split()).replace("rn", "m")


def nick_taken(nick: str, others: Iterable[str]) -> bool:
    """Whether `nick` looks like one of `others` (the nicknames and waiting nicknames in use)."""
    key = skeleton(nick)
    return any(skeleton(other) == key for other in others)


# Scripts with letters that pass for Latin ones. A word mixing two of them ("Lystіkäs" with a
# Cyrillic і) is refused outright as `nick_blocked` ("Choose another nickname."): no language
# a pupil writes mixes them inside a word, so it is almost always a trick to slip past the
# block list or to pose as a classmate, and typed nicknames wait for the facilitator anyway.
# Words each in one script stay welcome ("Вера", "Ελένη", "Вера Kettu", "Aino 李"): those
# are real names, and uniqueness compares them by their skeletons.
_LOOKALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC", "LISU"})


def _script(ch: str) -> str:
    return unicodedata.name(ch, "").split(" ", 1)[0]


def mixes_scripts(text: str) -> bool:
    """Whether a word of `text` (NFKC-normalised, as `clean` makes it) has letters from two
    of the scripts whose letters pass for Latin ones."""
    for word in text.split():
        scripts = {_script(c) for c in word if c.isalpha()} & _LOOKALIKE_SCRIPTS
        if len(scripts) > 1:
            return True
    return False


def _runs(word: str) -> tuple[str, tuple[int, ...]]:
    """The letters without repeats, and each run's length with three or more counted as 3:
    "vittuuu" gives ("vitu", (1, 1, 2, 3))."""
    letters: list[str] = []
    counts: list[int] = []
    for ch in word:
        if letters and letters[-1] == ch:
            counts[-1] = min(counts[-1] + 1, 3)
        else:
            letters.append(ch)
            counts.append(1)
    return "".join(letters), tuple(counts)


@dataclass(frozen=True)
class Blocklist:
    """Entries by their letters without repeats; each keeps its run lengths."""

    words: dict[str, tuple[tuple[int, ...], ...]] = field(default_factory=dict, repr=False)
    prefixes: dict[str, tuple[tuple[int, ...], ...]] = field(default_factory=dict, repr=False)
    source: Path | None = None

    def __len__(self) -> int:
        return sum(map(len, self.words.values())) + sum(map(len, self.prefixes.values()))

    def matches(self, word: str, prefix_ok: bool = True) -> bool:
        """Whether one word (letters only, folded) is blocked."""
        if len(word) < _MIN_ENTRY_LETTERS:
            return False
        skeleton, counts = _runs(word)
        for pattern in self.words.get(skeleton, ()):
            if all(c == p or c == 3 for c, p in zip(counts, pattern, strict=False)):
                return True
        lengths = range(1, len(skeleton) + 1) if prefix_ok else (len(skeleton),)
        for k in lengths:
            for pattern in self.prefixes.get(skeleton[:k], ()):
                # The stem's last run may go on in the word: "vittu*" blocks "vittuun".
                stem = zip(counts[: k - 1], pattern, strict=False)
                if all(c == p or c == 3 for c, p in stem) and counts[k - 1] >= pattern[-1]:
                    return True
        return False


def parse_blocklist(text: str, source: Path | None = None) -> Blocklist:
    """Read the block list's text; a line that is not a word is skipped with a warning."""
    words: dict[str, list[tuple[int, ...]]] = {}
    prefixes: dict[str, list[tuple[int, ...]]] = {}
    where = str(source) if source else "block list"
    for lineno, line in enumerate(text.splitlines(), 1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        prefix = entry.endswith("*")
        body = entry[:-1].rstrip() if prefix else entry
        folded = _fold(body)
        letters = "".join(c for c in folded if c.isalpha())
        bad = {c for c in folded if not c.isalpha() and c not in _SEPARATORS_IN_ENTRY}
        if bad or "*" in body or len(letters) < _MIN_ENTRY_LETTERS:
            why = "only letters, and * at the end" if bad or "*" in body else "at least two letters"
            log.warning("%s:%d: skipped %r (an entry is one word: %s)", where, lineno, line.strip(), why)
            continue
        skeleton, counts = _runs(letters)
        (prefixes if prefix else words).setdefault(skeleton, []).append(counts)
    return Blocklist(
        {k: tuple(dict.fromkeys(v)) for k, v in words.items()},
        {k: tuple(dict.fromkeys(v)) for k, v in prefixes.items()},
        source,
    )


def read_blocklist(path: Path) -> Blocklist:
    """Read a block list file (UTF-8; a stray byte spoils only its own line)."""
    data = path.read_bytes()
    return parse_blocklist(data.decode("utf-8-sig", errors="replace"), path)


_blocklist: Blocklist | None = None


def load_blocklist(path: Path | None = None) -> Blocklist:
    """Use the block list at `path` from now on; the shipped one when `path` is None or
    missing. An unreadable file is never fatal: the shipped list, or at worst none."""
    global _blocklist
    for candidate in (path, SHIPPED_BLOCKLIST):
        if candidate is None or not Path(candidate).is_file():
            continue
        try:
            _blocklist = read_blocklist(Path(candidate))
        except OSError as exc:
            log.warning("cannot read the nickname block list %s: %s", candidate, exc)
            continue
        return _blocklist
    log.warning("no nickname block list found (%s); typed nicknames are not filtered", path or SHIPPED_BLOCKLIST)
    _blocklist = Blocklist()
    return _blocklist


def blocklist() -> Blocklist:
    """The block list in use, loading the shipped one on first use."""
    return _blocklist if _blocklist is not None else load_blocklist(None)


def _readings(folded: str) -> Iterator[str]:
    """The nickname as typed, and with look-alike digits and signs read as letters."""
    yield folded
    leet = "".join(_LEET.get(c, c) for c in folded)
    spots = [i for i, c in enumerate(leet) if c in _LEET_I_OR_L]
    choices: Iterator[tuple[str, ...]]
    if len(spots) <= _MAX_AMBIGUOUS:
        choices = itertools.product("il", repeat=len(spots))
    else:
        choices = iter([("i",) * len(spots), ("l",) * len(spots)])
    for choice in choices:
        chars = list(leet)
        for i, letter in zip(spots, choice, strict=True):
            chars[i] = letter
        yield "".join(chars)


def _spaced_out(pieces: list[str]) -> bool:
    """Whether pieces read together look like one word spelt apart ("v i t t u", "vi ttuun"),
    rather than words or an initial and a name ("Per Sebastian", "P. Askola")."""
    if len(pieces) == 2 and len(pieces[0]) == 1:
        return False
    return all(len(p) <= 2 for p in pieces[:-1])


def _words(reading: str) -> Iterator[tuple[str, bool]]:
    """(word, whether prefix entries apply) for one reading of the nickname."""
    chunks: list[str] = []
    for chunk in reading.split():
        pieces = ["".join(g) for is_letter, g in itertools.groupby(chunk, str.isalpha) if is_letter]
        for piece in pieces:
            yield piece, True
        if len(pieces) > 1:
            # "vi.ttu", "v-i-t-u-n": signs inside a word; but "P.Askola" is an initial.
            yield "".join(pieces), not (len(pieces) == 2 and len(pieces[0]) == 1)
        if pieces:
            chunks.append("".join(pieces))
    for i in range(len(chunks)):
        for j in range(i + 2, len(chunks) + 1):
            yield "".join(chunks[i:j]), _spaced_out(chunks[i:j])


def is_blocked(nickname: str, entries: Blocklist | None = None) -> bool:
    """Whether a nickname contains a word from the block list (see the notes above)."""
    entries = entries if entries is not None else blocklist()
    if not len(entries):
        return False
    folded = _fold(nickname)
    seen: set[tuple[str, bool]] = set()
    for reading in dict.fromkeys(_readings(folded)):
        for word, prefix_ok in _words(reading):
            if (word, prefix_ok) in seen:
                continue
            seen.add((word, prefix_ok))
            if entries.matches(word, prefix_ok):
                return True
    return False
