"""Task kinds for workshops like Digitutkijat: the shared rules (base.py) and one module per kind.

A new task kind is a new module here: every module of this package is imported and each
activity class defined in it that names its `kind` is registered, so nothing else needs an edit.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from ..base import Activity

# The kinds as they were listed before discovery (error messages and the schema keep this
# order); a new module's kind comes after them, in the order of module names.
_LISTED = ("truefalse", "scale", "open", "sort", "order", "hotspot", "scenario", "invent")


def _discover() -> tuple[Activity, ...]:
    """Import every module of this package and make one instance of each kind defined in it."""
    found: dict[str, type[Activity]] = {}
    for name in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        module = importlib.import_module(f"{__name__}.{name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Activity) and cls.__module__ == module.__name__ and "kind" in cls.__dict__:
                found[cls.kind] = cls
    rank = {kind: i for i, kind in enumerate(_LISTED)}
    return tuple(found[k]() for k in sorted(found, key=lambda k: (rank.get(k, len(rank)), found[k].__module__)))


KINDS = _discover()

__all__ = ["KINDS"]
