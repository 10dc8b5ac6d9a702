"""The activity kinds a page loads: the kinds its session's pack uses, each with its files.

A kind's browser part is one module, `static/js/kinds/<kind>.js`, and optionally one
stylesheet, `static/css/kinds/<kind>.css`. The host, projector and phone pages list the
kinds of their pack (boot data for `static/js/kinds/index.js`, which imports the modules,
and `<link>`s in templates/base.html), so adding a kind touches no shared client file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app, url_for

if TYPE_CHECKING:
    from ..packs.models import Pack


def pack_kinds(pack: Pack) -> tuple[str, ...]:
    """The kinds a pack's agenda uses, each once, in the order they first appear."""
    return tuple(dict.fromkeys(step.kind for step in pack.agenda))


def kind_assets(pack: Pack) -> list[dict[str, str | None]]:
    """`[{"kind", "js", "css"}]` for a pack's kinds, with versioned (`?v=` hash) addresses.

    `css` is None for a kind without a stylesheet. A module that is missing is still listed
    (its address has no hash): the page then says in its console which kind failed to load.
    Not cached beyond what assets.version keeps (each file's hash, by its mtime and size): the
    addresses then follow files edited while the server runs, and a pack has only a handful of
    kinds to look up.
    """
    static = Path(current_app.static_folder or "")
    return [
        {
            "kind": kind,
            "js": url_for("static", filename=f"js/kinds/{kind}.js"),
            "css": url_for("static", filename=f"css/kinds/{kind}.css")
            if (static / "css" / "kinds" / f"{kind}.css").is_file()
            else None,
        }
        for kind in pack_kinds(pack)
    ]
