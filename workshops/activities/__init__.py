"""The registry of activity kinds: the one place a new kind is added.

Everything else that differs by kind (the pack schema, the page strings, the error table,
`workshops check`'s wording, the download route, the tests' moves) is read from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from .base import Activity, AuthorCheck, Ctx, Download, KindError, Rejected, Says, Seat, StepBase
from .boardgame import BoardGame
from .choice import Choice
from .slide import Slide
from .stations import Stations
from .tasks import KINDS as TASK_KINDS

_KINDS: tuple[Activity, ...] = (Slide(), Choice(), BoardGame(), Stations(), *TASK_KINDS)
REGISTRY: dict[str, Activity] = {a.kind: a for a in _KINDS}

T = TypeVar("T")


def declared(activity: Activity, table: str) -> dict[str, T]:
    """A kind's table with what its base classes declare (the task kinds' shared strings)."""
    merged: dict[str, T] = {}
    for cls in reversed(type(activity).__mro__):
        merged |= cls.__dict__.get(table, {})
    return merged


def _gather(table: str) -> dict[str, T]:
    """One kind-declared table over the registry; two kinds may share an entry only if it is the same."""
    merged: dict[str, T] = {}
    owner: dict[str, str] = {}
    for kind, activity in REGISTRY.items():
        entries: Mapping[str, T] = declared(activity, table)
        for key, value in entries.items():
            if key in merged and merged[key] != value:
                raise TypeError(f"kinds {owner[key]!r} and {kind!r} both declare {table}[{key!r}] differently")
            merged.setdefault(key, value)
            owner.setdefault(key, kind)
    return merged


#: UI texts of every kind, by key
KIND_STRINGS: dict[str, Says] = _gather("strings")
#: refusal codes of every kind, by code
KIND_ERRORS: dict[str, KindError] = _gather("errors")
#: `workshops check`'s wording of the kinds' own config checks, by error type
AUTHOR_CHECKS: dict[str, AuthorCheck] = _gather("author_checks")


def activity_for(kind: str) -> Activity:
    return REGISTRY[kind]


__all__ = [
    "AUTHOR_CHECKS",
    "KIND_ERRORS",
    "KIND_STRINGS",
    "REGISTRY",
    "Activity",
    "AuthorCheck",
    "Ctx",
    "Download",
    "KindError",
    "Rejected",
    "Says",
    "Seat",
    "StepBase",
    "activity_for",
    "declared",
]
