"""`workshops new`: a new pack's first files, which pass `workshops check` as they are.

`pack_files` is pure: the files of a pack from its facts. `create` is the command: it asks in
Finnish for what the command line left out (when someone is at the keyboard), refuses to
write over a pack, and writes the files.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import yaml

from ..activities.text import ID_PATTERN
from .loader import PACK_FILE
from .schema import SCHEMA_FILE, shipped_schema_path

COVER = "kansi.svg"
DEFAULT_TITLE = "Uusi työpaja"
DEFAULT_MINUTES = 45
DEFAULT_AGES = (13, 15)
#: the longest step (StepBase.minutes)
STEP_MINUTES = 240
#: what a refusal exits with (the command line's usual "you asked for something I will not do")
REFUSED = 2

#: a text the scaffold writes: Finnish, Swedish
Say = tuple[str, str]

_TEXTS: dict[str, Say] = {
    "welcome": (
        "Tervetuloa! Tänään teemme yhdessä tehtäviä, joihin vastataan puhelimella.",
        "Välkommen! I dag gör vi uppgifter tillsammans och svarar med telefonen.",
    ),
    "cover_alt": ("Puhekupla, jossa on kolme pistettä.", "En pratbubbla med tre punkter."),
    "look": ("Katso valkokangasta!", "Titta på duken!"),
    "welcome_notes": (
        "Esittäydy ja kerro, mitä tänään tehdään. Kerro myös, että vastaukset ovat nimettömiä.",
        "Presentera dig och berätta vad ni ska göra i dag. Berätta också att svaren är anonyma.",
    ),
    "poll_title": ("Fiiliskysely", "Hur känns det?"),
    "poll_question": ("Miltä sinusta tuntuu juuri nyt?", "Hur känns det för dig just nu?"),
    "good": ("Hyvältä", "Bra"),
    "ok": ("Ihan ok", "Helt okej"),
    "bad": ("Ei kovin hyvältä", "Inte så bra"),
    "unsure": ("En osaa sanoa", "Vet inte"),
    "poll_notes": (
        "Tulokset näkyvät valkokankaalla vasta, kun painat Näytä tulokset.",
        "Resultaten syns på duken först när du trycker på Visa resultaten.",
    ),
    "thanks_title": ("Kiitos!", "Tack!"),
    "thanks_text": ("Kiitos, että olit mukana.", "Tack för att du var med."),
}

_HEADER = (
    "# Uuden työpajan runko (workshops new). Kirjoittajan ohje: OHJE.md työpajapakin content-kansiossa.",
    '# Lisää vaiheita agendaan: tyhjällä "- "-rivillä Ctrl + välilyönti tarjoaa valmiin vaiheen.',
)
_BEFORE_LAST = (
    "# Lisää omat vaiheesi tähän yläpuolelle ja siirrä niille minuutteja viimeiseltä dialta:",
    "# vaiheiden minuuttien summan pitää olla sama kuin paketin minutes.",
)
#: the closing barometer's minutes (its step in content/_shared/barometri.yaml): a new pack of at
#: least BAROMETER_FROM minutes ends with it, its minutes taken from the closing slide
BAROMETER_MINUTES = 2
BAROMETER_FROM = 10
_BAROMETER = (
    "# Loppubarometri: kolme nimetöntä kasvokysymystä viimeisenä vaiheena (OHJE.md, luku 10).",
    f"# Se vie {BAROMETER_MINUTES} min, ja ne on laskettu mukaan paketin minuutteihin.",
    "barometer: true",
)

# A speech bubble with three dots, drawn for this kit (never copied from the internet).
COVER_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 360" role="img" aria-labelledby="kansi">
  <title id="kansi">Puhekupla, jossa on kolme pistettä</title>
  <rect width="640" height="360" fill="#e8eef7"/>
  <circle cx="550" cy="80" r="44" fill="#f39c12"/>
  <path d="M150 90 h300 a40 40 0 0 1 40 40 v110 a40 40 0 0 1 -40 40 h-190 l-60 50 v-50 h-50
           a40 40 0 0 1 -40 -40 v-110 a40 40 0 0 1 40 -40 z"
        fill="#ffffff" stroke="#1f6fb2" stroke-width="8" stroke-linejoin="round"/>
  <circle cx="230" cy="185" r="18" fill="#1f6fb2"/>
  <circle cx="300" cy="185" r="18" fill="#1f6fb2"/>
  <circle cx="370" cy="185" r="18" fill="#1f6fb2"/>
</svg>
"""


class ScaffoldError(ValueError):
    """An answer `workshops new` cannot use; the message says, in Finnish, what to write instead."""


@dataclass(frozen=True)
class NewPack:
    """The facts of a new pack."""

    id: str
    title: str
    minutes: int = DEFAULT_MINUTES
    ages: tuple[int, int] | None = DEFAULT_AGES  # None: a workshop for adults
    title_sv: str | None = None  # set: the pack is translated into Swedish


# -- the files -----------------------------------------------------------------------------------
def pack_files(spec: NewPack, schema: str = f"../{SCHEMA_FILE}") -> dict[str, str]:
    """Return a new pack's files by name: pack.yaml (a welcome slide, a poll, a closing slide) and its cover."""
    sv = spec.title_sv is not None

    def say(key: str) -> tuple[str, str | None]:
        fi, swedish = _TEXTS[key]
        return fi, swedish if sv else None

    closing = spec.minutes >= BAROMETER_FROM
    welcome, poll, rest = plan_minutes(spec.minutes - (BAROMETER_MINUTES if closing else 0))
    audience = {"adults": True} if spec.ages is None else {"min_age": spec.ages[0], "max_age": spec.ages[1]}
    steps = [
        {
            "id": "tervetuloa",
            "kind": "slide",
            "minutes": welcome,
            "title": (spec.title, spec.title_sv),
            "text": say("welcome"),
            "image": COVER,
            "image_alt": say("cover_alt"),
            "phone": say("look"),
            "notes": say("welcome_notes"),
        },
        {
            "id": "fiilis",
            "kind": "choice",
            "minutes": poll,
            "title": say("poll_title"),
            "question": say("poll_question"),
            "options": [
                {"id": option, "text": say(key)}
                for option, key in (("hyvalta", "good"), ("ok", "ok"), ("huonolta", "bad"), ("en-osaa-sanoa", "unsure"))
            ],
            "notes": say("poll_notes"),
        },
        {
            "id": "lopuksi",
            "kind": "slide",
            "minutes": rest,
            "title": say("thanks_title"),
            "text": say("thanks_text"),
        },
    ]
    lines = [f"# yaml-language-server: $schema={schema}", *_HEADER, f"id: {spec.id}"]
    lines += _field("title", (spec.title, spec.title_sv), "")
    lines += ["audience:", *(f"  {key}: {_scalar(value)}" for key, value in audience.items())]
    lines += [f"minutes: {spec.minutes}", *(["translations: [sv]"] if sv else []), f"cover: {COVER}"]
    lines += [*(_BAROMETER if closing else ()), "agenda:"]
    for step in steps:
        if step is steps[-1]:
            lines += [f"  {line}" for line in _BEFORE_LAST]
        lines += _item(step, "  ")
    return {PACK_FILE: "\n".join(lines) + "\n", COVER: COVER_SVG}


def plan_minutes(total: int) -> tuple[int, int, int]:
    """Split the pack's minutes: a short welcome, a poll, and the rest on the closing slide for the author to share."""
    welcome, poll = min(3, total // 3), min(5, total // 3)
    rest = total - welcome - poll
    # A step lasts at most STEP_MINUTES: a longer workshop's surplus goes to the poll, then to the welcome.
    surplus = max(0, rest - STEP_MINUTES)
    to_poll = min(surplus, STEP_MINUTES - poll)
    return welcome + surplus - to_poll, poll + to_poll, rest - surplus


def _field(key: str, value: object, pad: str) -> list[str]:
    """One field as YAML lines: a text (Finnish, Swedish or None), a list of maps, or a plain value."""
    if isinstance(value, tuple):
        fi, sv = value
        if sv is None:
            return [f"{pad}{key}: {_scalar(fi)}"]
        return [f"{pad}{key}:", f"{pad}  fi: {_scalar(fi)}", f"{pad}  sv: {_scalar(sv)}"]
    if isinstance(value, list):
        return [f"{pad}{key}:", *(line for item in value for line in _item(item, pad + "  "))]
    return [f"{pad}{key}: {_scalar(value)}"]


def _item(fields: dict[str, object], pad: str) -> list[str]:
    """A map as an item of a YAML list (`- id: ...`)."""
    lines = [line for key, value in fields.items() for line in _field(key, value, pad + "  ")]
    return [f"{pad}- {lines[0][len(pad) + 2 :]}", *lines[1:]]


def _scalar(value: object) -> str:
    """A value as YAML writes it: plain when YAML reads it back as the same text, else in quotes."""
    if isinstance(value, bool):
        return str(value).lower()
    if not isinstance(value, str):
        return str(value)
    try:
        plain = yaml.safe_load(f"k: {value}") == {"k": value} and value == value.strip()
    except yaml.YAMLError:
        plain = False
    # JSON's double-quoted string is YAML's too ("Huom: tärkeä", "#1 vinkki", "no", "12:30").
    return value if plain else json.dumps(value, ensure_ascii=False)


# -- the answers -------------------------------------------------------------------------------------
def slug(title: str) -> str:
    """Make a pack id from a title: Uni ja jaksaminen -> uni-ja-jaksaminen."""
    text = unicodedata.normalize("NFKD", title.lower().translate(str.maketrans("äöå", "aoa")))
    text = re.sub(r"[^a-z0-9]+", "-", text.encode("ascii", "ignore").decode()).strip("-")
    return text[:40].strip("-") or slug(DEFAULT_TITLE)


def title_of(pack_id: str) -> str:
    """Guess a title from an id: uni-ja-jaksaminen -> Uni ja jaksaminen."""
    words = re.sub(r"[-_]+", " ", pack_id).strip()
    return words[:1].upper() + words[1:] if words else DEFAULT_TITLE


def check_id(pack_id: str) -> str:
    """Return the id if the loader takes it as a pack id."""
    if not re.fullmatch(ID_PATTERN, pack_id):
        raise ScaffoldError(
            f"”{pack_id}” ei käy paketin tunnukseksi. Tunnus on kansion nimi: vain pienet kirjaimet a–z, numerot, "
            f"- ja _, enintään 40 merkkiä, ei ä:tä, ö:tä eikä välilyöntejä. Esimerkiksi {slug(pack_id)}"
        )
    return pack_id


def parse_minutes(text: str) -> int:
    """Read a workshop's length in minutes."""
    try:
        minutes = int(text.strip())
    except ValueError:
        raise ScaffoldError(f"Kesto kirjoitetaan minuutteina numerolla, esimerkiksi 45 (ei ”{text}”).") from None
    if not 1 <= minutes <= 600:
        raise ScaffoldError("Kesto on 1–600 minuuttia, esimerkiksi 45.")
    return minutes


_ADULTS = {"aikuiset", "aikuisille", "aikuinen", "adults", "vuxna"}


def parse_ages(text: str) -> tuple[int, int] | None:
    """Read an age group: 11-16, 13, or aikuiset (None)."""
    words = text.strip().lower()
    if words in _ADULTS:
        return None
    match = re.fullmatch(r"(\d{1,2})\s*(?:[-–]\s*(\d{1,2}))?", words)
    if not match:
        raise ScaffoldError(f"Ikäryhmä kirjoitetaan esimerkiksi 11-16 tai 13, tai aikuiset (ei ”{text}”).")
    low, high = int(match[1]), int(match[2] or match[1])
    if not 5 <= low <= high <= 20:
        raise ScaffoldError("Iät ovat 5–20 vuotta, nuorin ensin, esimerkiksi 11-16.")
    return low, high


_YES = {"k", "kyllä", "kylla", "y", "yes", "j", "ja"}
_NO = {"e", "ei", "n", "no", "nej"}


def parse_yes(text: str) -> bool:
    """Read a yes or a no (k/e)."""
    word = text.strip().lower()
    if word in _YES | _NO:
        return word in _YES
    raise ScaffoldError("Vastaa k (kyllä) tai e (ei).")


# -- the command ------------------------------------------------------------------------------------
Ask = Callable[[str], str]
T = TypeVar("T")


def _answer(ask: Ask | None, given: str | None, question: str, default: str, read: Callable[[str], T]) -> T:
    """A value from the command line, else from the author (until it reads), else the default."""
    if given is not None:
        return read(given)
    while ask is not None:
        try:
            text = ask(f"{question} [{default}]: ").strip()
        except EOFError:
            break
        try:
            return read(text or default)
        except ScaffoldError as exc:
            print(exc)
    return read(default)


def schema_line_for(folder: Path) -> str:
    """What the new pack's first line names: the schema beside it under content/, else the kit's own copy."""
    return f"../{SCHEMA_FILE}" if (folder.parent / SCHEMA_FILE).is_file() else str(shipped_schema_path())


def create(
    folder: str | None = None,
    pack_id: str | None = None,
    title: str | None = None,
    minutes: str | None = None,
    ages: str | None = None,
    swedish: bool = False,
    ask: Ask | None = None,
    here: Path | None = None,
) -> int:
    """Run `workshops new`: ask what is missing (when `ask` is given), write the pack, say what next."""
    try:
        return _create(folder, pack_id, title, minutes, ages, swedish, ask, here or Path.cwd())
    except ScaffoldError as exc:
        print(exc, file=sys.stderr)
        return REFUSED
    except KeyboardInterrupt:
        print("\nKeskeytetty: mitään ei kirjoitettu.")
        return REFUSED


def _create(
    folder: str | None,
    pack_id: str | None,
    title: str | None,
    minutes: str | None,
    ages: str | None,
    swedish: bool,
    ask: Ask | None,
    here: Path,
) -> int:
    target: Path | None = None
    if folder is not None:
        target = (here / Path(folder).expanduser()).resolve()
        if pack_id is not None and pack_id != target.name:
            raise ScaffoldError(
                f"Paketin tunnus on aina sama kuin sen kansion nimi: anna kansio {target.parent / pack_id} tai "
                f"jätä --id pois (nyt kansio on {target.name} ja tunnus {pack_id})."
            )
        pack_id = check_id(target.name)
    elif pack_id is not None:
        target = here / check_id(pack_id)
    if target is not None:
        _refuse_existing(target)
    if ask is not None:
        print("Uusi työpaja. Enter hyväksyy hakasulkeissa olevan vastauksen.")
    default_title = title_of(pack_id) if pack_id else DEFAULT_TITLE
    name = _answer(ask, title, "Työpajan nimi", default_title, _title)
    length = _answer(ask, minutes, "Kesto minuutteina", str(DEFAULT_MINUTES), parse_minutes)
    default_ages = "-".join(map(str, DEFAULT_AGES))
    group = _answer(ask, ages, "Ikäryhmä, esim. 11-16, tai aikuiset", default_ages, parse_ages)
    translated = swedish or _answer(ask, None, "Tuleeko ruotsinkielinen käännös? (k/e)", "e", parse_yes)
    name_sv = _answer(ask, None, "Nimi ruotsiksi", name, _title) if translated else None
    if target is None:
        pack_id = check_id(slug(name))
        target = here / pack_id
        _refuse_existing(target)
    assert pack_id is not None  # set from the folder, --id or the title above
    spec = NewPack(pack_id, name, length, group, name_sv)
    return _write(target, pack_files(spec, schema_line_for(target)))


def _title(text: str) -> str:
    if not text.strip():
        raise ScaffoldError("Kirjoita työpajalle nimi.")
    return text.strip()


def _refuse_existing(target: Path) -> None:
    if (target / PACK_FILE).exists():
        raise ScaffoldError(
            f"Kansiossa {target} on jo {PACK_FILE}. En kirjoita sen päälle: valitse toinen kansio tai nimi."
        )
    if target.exists() and not target.is_dir():
        raise ScaffoldError(f"{target} on tiedosto eikä kansio: valitse toinen nimi.")


def _write(target: Path, files: dict[str, str]) -> int:
    target.mkdir(parents=True, exist_ok=True)
    print(f"Uusi paketti: {target}")
    for name, text in files.items():
        path = target / name
        if path.exists():
            print(f"  {name}  oli jo kansiossa, jätin sen ennalleen")
            continue
        path.write_text(text, encoding="utf-8")
        said = _WROTE.get(name, "")
        if name == PACK_FILE and "\nbarometer: true\n" in text:
            said = "tervetulodia, fiiliskysely, loppudia ja loppubarometri valmiina"
        print(f"  {name}  {said}".rstrip())
    print(
        "Seuraavaksi:\n"
        f"  1. Avaa {target / PACK_FILE} VS Codessa: Ctrl + välilyönti ehdottaa kenttiä ja valmiita vaiheita.\n"
        f"  2. Tarkista paketti: workshops check {target}\n"
        f"  3. Kokeile sitä: workshops serve --content {target.parent}"
    )
    return 0


_WROTE = {
    PACK_FILE: "tervetulodia, fiiliskysely ja loppudia valmiina",
    COVER: "kansikuva (vaihda omaan piirrokseesi, jos haluat)",
}
