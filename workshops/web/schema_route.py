"""The pack schemas at /pack.schema.json (Finnish) and /pack.schema.sv.json (Swedish explanations):
an editor's `$schema=` line may name the running kit."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, Response

bp = Blueprint("schema", __name__)


@cache
def _schema_text(lang: str) -> str:
    # Built once per language, on first request: the same text `workshops schema` writes, from the same models.
    from ..packs.schema import schema_text

    return schema_text(lang)


def _serve(lang: str) -> Response:
    resp = Response(_schema_text(lang), mimetype="application/json")
    resp.headers["Cache-Control"] = "no-cache"  # a newer kit's schema reaches the editor at once
    return resp


@bp.get("/pack.schema.json")
def pack_schema() -> Response:
    """Serve the JSON Schema of pack files (public: it holds nothing of any session)."""
    return _serve("fi")


@bp.get("/pack.schema.sv.json")
def pack_schema_sv() -> Response:
    """Serve the same schema with its explanations in Swedish, for Finland-Swedish authors."""
    return _serve("sv")
