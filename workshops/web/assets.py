"""Static files, compressed once and cached: a class's phones all load the same few files.

A join storm is hundreds of phones asking for the same dozen files within seconds: each
file is read and gzipped once per change (not per request), answered with an ETag so a
returning phone gets a 304, and addressed with its hash (`?v=`) from the templates so
those URLs may be cached for good.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, abort, current_app, request
from werkzeug.security import safe_join

_COMPRESSIBLE = ("text/", "application/javascript", "image/svg+xml", "application/json")
_SHORT = 3600  # seconds: modules imported by relative paths carry no hash, so they revalidate hourly
_FOREVER = 365 * 24 * 3600


@dataclass(frozen=True)
class Asset:
    stamp: tuple[int, int]  # (mtime in ns, size): a changed file is read again
    raw: bytes
    gz: bytes | None
    etag: str
    mimetype: str


_assets: dict[str, Asset] = {}
_lock = threading.Lock()


def _load(folder: str, filename: str) -> Asset | None:
    path = safe_join(folder, filename)
    if path is None:
        return None
    try:
        st = Path(path).stat()
    except OSError:
        return None
    if not Path(path).is_file():
        return None
    stamp = (st.st_mtime_ns, st.st_size)
    with _lock:
        cached = _assets.get(path)
    if cached is not None and cached.stamp == stamp:
        return cached
    raw = Path(path).read_bytes()
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if filename.endswith(".js"):
        mimetype = "text/javascript"  # what module scripts need, whatever the system's table says
    gz = gzip.compress(raw, 9, mtime=0) if mimetype.startswith(_COMPRESSIBLE) and len(raw) > 512 else None
    asset = Asset(
        stamp,
        raw,
        gz if gz is not None and len(gz) < len(raw) else None,
        hashlib.sha256(raw).hexdigest()[:16],
        mimetype,
    )
    with _lock:
        _assets[path] = asset
    return asset


def version(filename: str) -> str | None:
    """The content hash the templates put in a static file's URL."""
    asset = _load(current_app.static_folder or "", filename)
    return asset.etag if asset else None


def static_file(filename: str) -> Response:
    asset = _load(current_app.static_folder or "", filename)
    if asset is None:
        abort(404)
    headers = {
        "ETag": f'"{asset.etag}"',
        "Vary": "Accept-Encoding",
        "Cache-Control": f"public, max-age={_FOREVER}, immutable"
        if request.args.get("v") == asset.etag
        else f"public, max-age={_SHORT}",
    }
    if asset.etag in request.if_none_match:
        return Response(status=304, headers=headers)
    body = asset.raw
    if asset.gz is not None and "gzip" in request.accept_encodings:
        body = asset.gz
        headers["Content-Encoding"] = "gzip"
    return Response(body, mimetype=asset.mimetype, headers=headers)


def init_app(app: Flask) -> None:
    """Serve /static through the cache, and stamp url_for('static') with each file's hash."""
    app.view_functions["static"] = static_file

    @app.url_defaults
    def _versioned(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            stamp = version(values["filename"])
            if stamp:
                values["v"] = stamp
