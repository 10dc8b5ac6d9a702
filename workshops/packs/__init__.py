"""Content packs: safe YAML, strict models, line-precise problems, the JSON Schema."""

from __future__ import annotations

from typing import Any

__all__ = ["LoadResult", "Pack", "PackLibrary", "Problem", "find_pack_dirs", "load_pack"]

_WHERE = {
    "PackLibrary": "library",
    "LoadResult": "loader",
    "find_pack_dirs": "loader",
    "load_pack": "loader",
    "Pack": "models",
    "Problem": "yamlsafe",
}


def __getattr__(name: str) -> Any:
    # Imported on first use: the activity kinds import packs.text, and the pack models
    # import the activity kinds; eager imports here made that a cycle for whoever came first.
    if name in _WHERE:
        from importlib import import_module

        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(name)
