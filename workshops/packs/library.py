"""The packs a server offers: loaded from the content folder, reloaded when they change."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from .loader import LoadResult, find_pack_dirs, load_pack
from .models import Pack

log = logging.getLogger(__name__)

Stamp = tuple[tuple[str, int, int], ...]

# The newest parse of each pack folder, by its files' stamp: every app in a process
# (tests make many) may ask for the same pack, and one entry per folder keeps edits
# from piling up.
_parsed: dict[Path, tuple[Stamp, LoadResult]] = {}
_parsed_lock = threading.Lock()


def _stamp(folder: Path) -> Stamp:
    """Name, time and size of every file in the folder: an edit changes one of them even
    where the file system keeps times to the second only."""
    try:
        found = []
        for p in folder.iterdir():
            st = p.stat()
            found.append((p.name, st.st_mtime_ns, st.st_size))
        return tuple(sorted(found))
    except OSError:
        return ()


def _load(folder: Path, stamp: Stamp) -> LoadResult:
    with _parsed_lock:
        cached = _parsed.get(folder)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    result = load_pack(folder)
    with _parsed_lock:
        _parsed[folder] = (stamp, result)
    return result


class PackLibrary:
    """Every pack folder under `root`; a broken pack is reported and skipped, never fatal.

    When an edit breaks a pack that loaded before, the last good version stays on
    offer (sessions started from it go on as they were) and `stale()` names the pack
    with the problems of the edit, until the file is fixed.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self._results: dict[str, LoadResult] = {}
        self._failed: dict[str, LoadResult] = {}  # the newest edit of a pack still offered in an older version
        self._stamps: dict[Path, Stamp] = {}
        self._lock = threading.Lock()

    def refresh(self) -> None:
        """Reload the packs whose files changed; keep the last good version of a pack that broke."""
        with self._lock:
            folders = find_pack_dirs([self.root]) if self.root.is_dir() else []
            for folder in folders:
                stamp = _stamp(folder)
                if self._stamps.get(folder) == stamp:
                    continue
                self._stamps[folder] = stamp
                result = _load(folder, stamp)
                name = folder.name
                previous = self._results.get(name)
                if result.ok:
                    self._results[name] = result
                    self._failed.pop(name, None)
                    if previous is not None:
                        log.info("reloaded pack %s", name)
                    continue
                kept = previous is not None and previous.ok
                for problem in result.errors:
                    if kept:
                        log.warning("pack %s: %s (the previous version stays in use until this is fixed)",
                                    name, problem.format())
                    else:
                        log.warning("pack %s: %s", name, problem.format())
                if kept:
                    self._failed[name] = result
                else:
                    self._results[name] = result
            gone = set(self._results) - {f.name for f in folders}
            for name in gone:
                del self._results[name]
                self._failed.pop(name, None)

    def packs(self) -> list[Pack]:
        self.refresh()
        return [r.pack for r in sorted(self._results.values(), key=lambda r: r.path.name) if r.pack is not None]

    def broken(self) -> list[LoadResult]:
        """Packs that are not offered at all: they have never loaded without errors."""
        return [r for r in self._results.values() if r.pack is None]

    def stale(self) -> list[LoadResult]:
        """Packs offered in their last good version because the newest edit has errors (those problems)."""
        return sorted(self._failed.values(), key=lambda r: r.path.name)

    def get(self, pack_id: str) -> Pack | None:
        self.refresh()
        result = self._results.get(pack_id)
        return result.pack if result else None

    def folder(self, pack_id: str) -> Path | None:
        self.refresh()
        result = self._results.get(pack_id)
        return result.path if result else None
