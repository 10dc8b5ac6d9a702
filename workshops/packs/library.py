"""The packs a server offers: loaded from the content folder, reloaded when they change."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from .loader import LoadResult, find_pack_dirs, load_pack
from .models import Pack

log = logging.getLogger(__name__)

# Parsed packs by (folder, newest file time): parsing a large pack in pure Python takes
# a noticeable fraction of a second, and every app in a process may ask for the same one.
_parsed: dict[tuple[Path, float], LoadResult] = {}


class PackLibrary:
    """Every pack folder under `root`; a broken pack is reported and skipped, never fatal."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._results: dict[str, LoadResult] = {}
        self._stamps: dict[Path, float] = {}
        self._lock = threading.Lock()

    def _stamp(self, folder: Path) -> float:
        try:
            return max(p.stat().st_mtime for p in folder.iterdir())
        except (OSError, ValueError):
            return 0.0

    def refresh(self) -> None:
        """Reload the packs whose files changed; keep the last good version of a pack that broke."""
        with self._lock:
            folders = find_pack_dirs([self.root]) if self.root.is_dir() else []
            for folder in folders:
                stamp = self._stamp(folder)
                if self._stamps.get(folder) == stamp:
                    continue
                self._stamps[folder] = stamp
                result = _parsed.get((folder, stamp))
                if result is None:
                    result = _parsed[(folder, stamp)] = load_pack(folder)
                previous = self._results.get(folder.name)
                if result.ok:
                    self._results[folder.name] = result
                    if previous is not None:
                        log.info("reloaded pack %s", folder.name)
                else:
                    for problem in result.errors:
                        log.warning("pack %s: %s", folder.name, problem.format())
                    if previous is None or not previous.ok:
                        self._results[folder.name] = result
            gone = set(self._results) - {f.name for f in folders}
            for name in gone:
                del self._results[name]

    def packs(self) -> list[Pack]:
        self.refresh()
        return [r.pack for r in sorted(self._results.values(), key=lambda r: r.path.name) if r.pack is not None]

    def broken(self) -> list[LoadResult]:
        return [r for r in self._results.values() if r.pack is None]

    def get(self, pack_id: str) -> Pack | None:
        self.refresh()
        result = self._results.get(pack_id)
        return result.pack if result else None

    def folder(self, pack_id: str) -> Path | None:
        self.refresh()
        result = self._results.get(pack_id)
        return result.path if result else None
