"""Content packs: safe YAML, strict models, line-precise problems, the JSON Schema."""

from __future__ import annotations

from .library import PackLibrary
from .loader import LoadResult, find_pack_dirs, load_pack
from .models import Pack
from .yamlsafe import Problem

__all__ = ["LoadResult", "Pack", "PackLibrary", "Problem", "find_pack_dirs", "load_pack"]
