"""The pack schema at /pack.schema.json: an editor's `$schema=` line may name the running kit."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, Response

bp = Blueprint("schema", __name__)


@cache
def _schema_text() -> str:
    # Built once, on first request: the same text `workshops schema` writes, from the same models.
    from ..packs.schema import schema_text

    return schema_text()


@bp.get("/pack.schema.json")
def pack_schema() -> Response:
    """Serve the JSON Schema of pack files (public: it holds nothing of any session)."""
    resp = Response(_schema_text(), mimetype="application/json")
    resp.headers["Cache-Control"] = "no-cache"  # a newer kit's schema reaches the editor at once
    return resp
