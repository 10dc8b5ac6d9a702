"""The packs a server offers: loaded from the content folder, reloaded when they change."""

from __future__ import annotations

import logging
import os
import stat
import threading
from pathlib import Path
from typing import BinaryIO

from ..config import SHIPPED_CONTENT
from .loader import LoadResult, find_pack_dirs, load_pack
from .models import Pack
from .shared import HELP_FILE, HelpLines, help_dirs, load_help, shared_dirs
from .yamlsafe import Problem

log = logging.getLogger(__name__)

Stamp = tuple[tuple[str, int, int, int], ...]

#: the Content-Type of each image type a pack may hold (the Image field allows these only)
MEDIA_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}

# The newest parse of each pack folder, by its files' stamp: every app in a process
# (tests make many) may ask for the same pack, and one entry per folder keeps edits
# from piling up.
_parsed: dict[tuple[Path, tuple[Path, ...]], tuple[Stamp, LoadResult]] = {}
_parsed_lock = threading.Lock()


def _stamp(folder: Path) -> Stamp:
    """Name, type, time and size of every entry in the folder and its subfolders: an edit
    changes one of them even where the file system keeps times to the second only.

    lstat only: a symlink is stamped as itself (the loader refuses it) and never followed."""
    found = []
    stack = [""]
    try:
        while stack:
            prefix = stack.pop()
            with os.scandir(folder / prefix if prefix else folder) as listing:
                for entry in listing:
                    st = entry.stat(follow_symlinks=False)
                    name = f"{prefix}{entry.name}"
                    found.append((name, st.st_mode, st.st_mtime_ns, st.st_size))
                    if stat.S_ISDIR(st.st_mode):
                        stack.append(name + "/")
        return tuple(sorted(found))
    except OSError:
        return ()


def _load(folder: Path, stamp: Stamp, roots: list[Path]) -> LoadResult:
    key = (folder, tuple(roots))
    with _parsed_lock:
        cached = _parsed.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    result = load_pack(folder, roots)
    with _parsed_lock:
        _parsed[key] = (stamp, result)
    return result


class PackLibrary:
    """Every pack folder under the roots; a broken pack is reported and skipped, never fatal.

    A pack in a later root replaces one of the same id in an earlier root: `workshops serve
    --content DIR` adds an organisation's packs to the shipped ones, or replaces one of them.

    When an edit breaks a pack that loaded before, the last good version stays on
    offer (sessions started from it go on as they were) and `stale()` names the pack
    with the problems of the edit, until the file is fixed.
    """

    def __init__(self, roots: Path | list[Path]):
        self.roots = [Path(r) for r in roots] if isinstance(roots, list) else [Path(roots)]
        self._results: dict[str, LoadResult] = {}
        self._failed: dict[str, LoadResult] = {}  # the newest edit of a pack still offered in an older version
        self._stamps: dict[Path, Stamp] = {}
        self._lock = threading.Lock()
        self._help: tuple[tuple[str, int, int], HelpLines | None] | None = None

    def refresh(self) -> None:
        """Reload the packs whose files changed; keep the last good version of a pack that broke."""
        with self._lock:
            by_id: dict[str, Path] = {}
            for root in self.roots:
                for found in find_pack_dirs([root]) if root.is_dir() else []:
                    by_id[found.name] = found  # a later root replaces an earlier one's pack
            folders = list(by_id.values())
            for folder in folders:
                # A pack is loaded anew when a shared piece it may include, or the help lines, change too.
                stamp = _stamp(folder) + tuple(
                    item for d in shared_dirs(folder, self.roots, SHIPPED_CONTENT) for item in _stamp(d)
                )
                if self._stamps.get(folder) == stamp:
                    continue
                self._stamps[folder] = stamp
                result = _load(folder, stamp, self.roots)
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
                        log.warning(
                            "pack %s: %s (the previous version stays in use until this is fixed)",
                            name,
                            problem.format(),
                        )
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

    def help_lines(self) -> HelpLines | None:
        """The help lines the kit's own pages name: the last root's `_shared/apu.yaml`, else the shipped one."""
        dirs = help_dirs(self.roots, SHIPPED_CONTENT)  # the packs' rule too
        path = next((d / HELP_FILE for d in dirs if (d / HELP_FILE).exists() or (d / HELP_FILE).is_symlink()), None)
        if path is None:
            return None
        try:
            st = path.stat()
        except OSError:
            return None
        stamp = (str(path), st.st_mtime_ns, st.st_size)
        with self._lock:
            if self._help is not None and self._help[0] == stamp:
                return self._help[1]
        loaded = load_help([path.parent])
        with self._lock:
            if isinstance(loaded, HelpLines):
                self._help = (stamp, loaded)
                return loaded
            # A broken edit: the last good lines stay in use until it is fixed.
            if isinstance(loaded, Problem):
                log.warning("help lines: %s (the previous version stays in use)", loaded.format())
            last_good = self._help[1] if self._help else None
            self._help = (stamp, last_good)
            return last_good

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

    def open_media(self, pack_id: str, name: str) -> tuple[BinaryIO, os.stat_result, str] | None:
        """An image a loaded pack references, opened for sending: (file, its fstat, Content-Type).

        None for anything else: a pack that did not load, a name the pack does not
        reference, and a file that is not an ordinary file in the pack's own folder now
        (the last good version of a pack stays on offer while its folder may have changed).
        """
        self.refresh()
        result = self._results.get(pack_id)
        if result is None or result.pack is None or name not in result.pack.media:
            return None
        kind = MEDIA_TYPES.get(os.path.splitext(name)[1].lower())
        if kind is None:
            return None
        found = open_pack_file(result.path, name)
        if found is None:
            return None
        return found[0], found[1], kind


_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_DIR_FD = os.open in os.supports_dir_fd and os.stat in os.supports_dir_fd and os.stat in os.supports_follow_symlinks


def open_pack_file(folder: Path, name: str) -> tuple[BinaryIO, os.stat_result] | None:
    """Open `name` directly in `folder` without following a symlink: an ordinary file whose
    real path lies inside the real folder, or None.

    The name is opened relative to a descriptor of the folder (so the folder cannot be
    swapped between the checks and the open), with O_NOFOLLOW (a symlink fails to open)
    and O_NONBLOCK (a FIFO put there after the check does not block the server), and the
    open file is checked with fstat. A special file is never opened when lstat shows it.
    """
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        return None
    try:
        real_folder = os.path.realpath(folder, strict=True)
        path = os.path.join(real_folder, name)
        if os.path.dirname(os.path.realpath(path)) != real_folder:
            return None
        if not _DIR_FD:  # no openat() here (Windows): the same checks on the path
            if not stat.S_ISREG(os.lstat(path).st_mode):
                return None
            fd = os.open(path, _OPEN_FLAGS)
        else:
            dir_fd = os.open(real_folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
            try:
                if not stat.S_ISREG(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode):
                    return None
                fd = os.open(name, _OPEN_FLAGS, dir_fd=dir_fd)
            finally:
                os.close(dir_fd)
    except (OSError, ValueError):
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            return None
        return os.fdopen(fd, "rb"), st
    except OSError:
        os.close(fd)
        return None
