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


#: A phone loads up front only the kinds of its pack's first steps; the others come right after
#: its first view (`loadLater` in static/js/kinds/index.js). The phone page's weight before its
#: first view is a budget (tests/protocol/test_assets.py): a pack's later kinds (the closing
#: barometer, always last) must not add to what a cheap phone fetches while a class joins.
PHONE_FIRST_STEPS = 3


def kind_assets(pack: Pack, phone: bool = False) -> list[dict[str, str | bool | None]]:
    """`[{"kind", "js", "css", "later"}]` for a pack's kinds, with versioned (`?v=` hash) addresses.

    `css` is None for a kind without a stylesheet. A module that is missing is still listed
    (its address has no hash): the page then says in its console which kind failed to load.
    `later`: on a phone (`phone`), a kind none of the first PHONE_FIRST_STEPS steps uses.
    Not cached beyond what assets.version keeps (each file's hash, by its mtime and size): the
    addresses then follow files edited while the server runs, and a pack has only a handful of
    kinds to look up.
    """
    static = Path(current_app.static_folder or "")
    first = {step.kind for step in pack.agenda[:PHONE_FIRST_STEPS]}
    return [
        {
            "kind": kind,
            "js": url_for("static", filename=f"js/kinds/{kind}.js"),
            "css": url_for("static", filename=f"css/kinds/{kind}.css")
            if (static / "css" / "kinds" / f"{kind}.css").is_file()
            else None,
        }
        | ({"later": True} if phone and kind not in first else {})
        for kind in pack_kinds(pack)
    ]
