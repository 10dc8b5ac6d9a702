"""Build hook: put the kit's templates, static files and shipped packs into the wheel.

Everything else is declared in pyproject.toml. The repository keeps `templates/`, `static/`
and `content/` at its top level, where authors and designers find them; a wheel must carry
them inside the package, so the build copies them to `workshops/_share/` (found at run time by
workshops/config.py). An editable install or a checkout uses the top-level folders directly.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHARED = ("templates", "static", "content")
# Never packaged: editor and OS litter, and caches.
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".DS_Store", "*~", ".#*")


class BuildWithShare(build_py):
    """build_py, then copy the shared folders into the built package."""

    def run(self) -> None:
        super().run()
        root = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "workshops" / "_share"
        for name in SHARED:
            source = root / name
            if not source.is_dir():
                raise SystemExit(f"cannot build: the folder {source} is missing")
            shutil.rmtree(target / name, ignore_errors=True)
            # symlinks=True copies a link as a link: the pack loader then refuses it, as in a checkout.
            shutil.copytree(source, target / name, ignore=IGNORED, symlinks=True)


setup(cmdclass={"build_py": BuildWithShare})
