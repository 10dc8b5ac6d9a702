"""A session's own copy of a pack: its language, its placeholders filled, its left-out steps gone.

The facilitator chooses these when starting; the prepared pack is what the session's journal
keeps, so a restart replays the session exactly as it was set up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import ValidationError

from ..activities.text import resolve
from .models import Pack
from .shared import fill

MAX_VALUE = 100  # names, a place, days: the projector shows it inside sentences


@dataclass(frozen=True)
class Setup:
    """What the facilitator chose for one session."""

    language: str | None = None  # None: the pack's own
    values: Mapping[str, str] = field(default_factory=dict)  # placeholder id -> what was typed
    leave_out: frozenset[str] = frozenset()  # ids of optional steps


@dataclass(frozen=True)
class SetupError:
    code: str
    detail: str = ""
    loc: tuple[str | int, ...] = ()  # value_does_not_fit: where in the pack's data


def clean_value(text: str) -> str:
    """One line, no braces (a value never makes a new placeholder), at most MAX_VALUE characters."""
    text = " ".join(text.replace("{", "(").replace("}", ")").split())
    return text[:MAX_VALUE].strip()


def prepare(pack: Pack, setup: Setup) -> Pack | SetupError:
    """The pack as this session runs it, or why the setup cannot be used."""
    language = setup.language or pack.language
    if language not in pack.languages:
        return SetupError("unknown_language", language)
    optional = {step.id for step in pack.agenda if step.optional}
    wrong = sorted(setup.leave_out - optional)
    if wrong:
        return SetupError("not_optional", wrong[0])
    if len(setup.leave_out) and len(setup.leave_out) >= len(pack.agenda):
        return SetupError("nothing_left")
    typed = {p.id: clean_value(setup.values.get(p.id, "")) for p in pack.placeholders}
    defaults = {p.id: p.default for p in pack.placeholders}

    def lookup(name: str, lang: str) -> str | None:
        if name not in defaults:
            return None
        return typed[name] or resolve(defaults[name], lang, pack.language)

    if not pack.placeholders and not setup.leave_out and language == pack.language:
        return pack
    data = pack.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["agenda"] = [step for step in data["agenda"] if step["id"] not in setup.leave_out]
    if "self_paced" in data:
        data["self_paced"] = [step_id for step_id in data["self_paced"] if step_id not in setup.leave_out]
    data = fill(data, pack.language, lookup)
    # The session's language leads: the projector and the console notes speak it, and the
    # other languages stay for phones that ask for them.
    data["language"] = language
    data["translations"] = [lang for lang in pack.languages if lang != language]
    data["placeholders"] = []
    try:
        return Pack.model_validate(data, context={})
    except ValidationError as exc:
        # A value longer than its field allows (`workshops check` tries the longest ones too).
        loc = tuple(exc.errors(include_url=False)[0]["loc"])
        return SetupError("value_does_not_fit", ".".join(map(str, loc)), loc)
