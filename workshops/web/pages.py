"""HTTP routes: the home page, the host console, the projector, the pupil pages, QR codes."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import gettext as _

from ..packs.text import resolve
from ..sessions import views
from ..sessions.journal import JournalError
from ..sessions.keys import normalise_code
from .context import join_url, library, manager, public_base
from .guard import RateLimiter, is_local
from .live import broadcast, close_session
from .qr import qr_svg
from .uitext import ui_strings

bp = Blueprint("pages", __name__)

_IMAGE_TYPES = {".svg", ".png", ".jpg", ".jpeg", ".webp"}


def _limiter(name: str) -> RateLimiter:
    return current_app.extensions["workshops"]["limits"][name]


def _password_mark(password: str) -> str:
    # Stored in the signed cookie, so a changed password signs everyone out.
    return hashlib.sha256(f"{current_app.config['SECRET_KEY']}:{password}".encode()).hexdigest()[:16]


def _may_create() -> bool:
    """The facilitator's own machine may start sessions; with a password, only who knows it.

    With a password set, loopback is not trusted: behind a reverse proxy every
    request comes from 127.0.0.1.
    """
    password = current_app.config.get("FACILITATOR_PASSWORD")
    if password:
        return session.get("facilitator") == _password_mark(str(password))
    return is_local(request.remote_addr)


def _same_origin() -> bool:
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin:
        return False
    return urlsplit(origin).netloc == request.host


def _not_found(status: int = 404) -> Response:
    resp = make_response(render_template("not_found.html", strings=ui_strings()), status)
    return resp


class _Throttled(Exception):
    pass


def _over_guess_limit() -> bool:
    """Too many wrong codes from this address lately: answer nothing, not even a right code.

    Refusing only the misses would still let a guesser see which code works.
    """
    return _limiter("misses").blocked(request.remote_addr or "?")


def _count_miss() -> None:
    _limiter("misses").allow(request.remote_addr or "?")


def _live_or_404(code: str):
    """The session for a code; a wrong code counts as a guess (and too many are throttled)."""
    if _over_guess_limit():
        raise _Throttled()
    live = manager().get(normalise_code(code))
    if live is None:
        _count_miss()
        abort(404)
    return live


def _wrong_key() -> Response:
    # The same answer as a wrong code, and it counts as a guess too: a code must not be
    # confirmed by a "forbidden" where a wrong one says "not found".
    _count_miss()
    return _not_found(404)


def _key_from_request(code: str, name: str) -> str | None:
    return request.args.get("k") or request.cookies.get(f"{name}_{code}")


def _with_key_cookie(resp: Response, code: str, name: str, key: str) -> Response:
    resp.set_cookie(
        f"{name}_{code}", key, max_age=7 * 24 * 3600, httponly=True, samesite="Lax", secure=request.is_secure
    )
    return resp


@bp.get("/")
def home():
    if not _may_create():
        if current_app.config.get("FACILITATOR_PASSWORD"):
            return render_template("login.html", strings=ui_strings(), error=None)
        return render_template("local_only.html", strings=ui_strings()), 403
    lang = select_lang()
    packs = [
        {
            "id": p.id,
            "title": resolve(p.title, lang, p.language),
            "description": resolve(p.description, lang, p.language),
            "audience": p.audience,
            "minutes": p.minutes,
            "steps": len(p.agenda),
            "cover": p.cover,
        }
        for p in library().packs()
    ]
    broken = [r.path.name for r in library().broken()]
    stale = [r.path.name for r in library().stale()]
    sessions = [
        {"code": live.code, "title": resolve(live.state.pack.title, lang, live.state.pack.language),
         "pupils": len(live.state.active), "ended": live.state.ended}
        for live in manager().all()
    ]
    deleted = request.args.get("deleted")
    deleted = normalise_code(deleted) if deleted else None
    return render_template(
        "home.html", packs=packs, broken=broken, stale=stale, sessions=sessions, strings=ui_strings(),
        deleted=deleted
    )


@bp.post("/login")
def login():
    expected = current_app.config.get("FACILITATOR_PASSWORD")
    if not _limiter("misses").allow("login:" + (request.remote_addr or "?")):
        return render_template("login.html", strings=ui_strings(), error=_("Too many tries. Wait a minute.")), 429
    given = request.form.get("password", "")
    if expected and hmac.compare_digest(given.encode(), str(expected).encode()):
        session["facilitator"] = _password_mark(str(expected))
        return redirect(url_for("pages.home"))
    return render_template("login.html", strings=ui_strings(), error=_("Wrong password.")), 403


@bp.post("/sessions")
def create_session():
    if not _may_create() or not _same_origin():
        abort(403)
    pack = library().get(request.form.get("pack", ""))
    if pack is None:
        abort(404)
    live = manager().create(pack)
    key = manager().keys.host_key(live.id)
    resp = redirect(url_for("pages.host", code=live.code))
    return _with_key_cookie(resp, live.code, "host", key)


def _keyed_page(code: str, role: str):
    """Check a host or projector key (from ?k= or its cookie); return (live, key) or a response.

    A key that arrives in the address is moved into a cookie and dropped from the address bar.
    """
    live = _live_or_404(code)
    key = _key_from_request(live.code, role)
    check = manager().keys.check_host if role == "host" else manager().keys.check_screen
    if not check(live.id, key):
        return None, _wrong_key()
    if request.args.get("k"):
        endpoint = "pages.host" if role == "host" else "pages.screen"
        return None, _with_key_cookie(redirect(url_for(endpoint, code=live.code)), live.code, role, key)
    return (live, key), None


@bp.get("/host/<code>")
def host(code: str):
    found, response = _keyed_page(code, "host")
    if response is not None:
        return response
    live, key = found
    return render_template(
        "host.html",
        code=live.code,
        auth={"code": live.code, "role": "host", "key": key},
        join_url=join_url(live.code),
        screen_url=url_for("pages.screen", code=live.code, k=manager().keys.screen_key(live.id)),
        retention_hours=f"{current_app.config['RETENTION_HOURS']:g}",
        strings=ui_strings(),
    )


@bp.get("/screen/<code>")
def screen(code: str):
    found, response = _keyed_page(code, "screen")
    if response is not None:
        return response
    live, key = found
    return render_template(
        "screen.html",
        code=live.code,
        auth={"code": live.code, "role": "screen", "key": key},
        join_url=join_url(live.code),
        join_host=urlsplit(join_url(live.code)).netloc,
        strings=ui_strings(),
    )


@bp.get("/join")
def join_form():
    raw = request.args.get("code")
    if raw is None:
        return render_template("join.html", strings=ui_strings(), error=None)
    if _over_guess_limit():
        return render_template("join.html", strings=ui_strings(), error=_("Too many tries. Wait a minute.")), 429
    code = normalise_code(raw)
    live = manager().get(code)
    if live is None or live.state.ended:
        _count_miss()
        return render_template("join.html", strings=ui_strings(), error=_("No workshop with that code.")), 404
    return redirect(url_for("pages.play", code=code))


@bp.get("/j/<code>")
def play(code: str):
    # An ended session's page still opens: its pupils' phones show the thank-you and help lines.
    if _over_guess_limit():
        return _not_found(429)
    live = manager().get(normalise_code(code))
    if live is None:
        _count_miss()
        return _not_found()
    return render_template(
        "play.html",
        code=live.code,
        pack_title=live.state.pack.title,
        pack_language=live.state.pack.language,
        strings=ui_strings(),
    )


@bp.post("/j/<code>/seat")
def take_seat(code: str):
    """Give a newcomer a seat and the reconnect token their phone keeps."""
    if not _same_origin():
        return jsonify(ok=False, error="forbidden", message=_("Open the join page again.")), 403
    if _over_guess_limit():
        return jsonify(ok=False, error="rate_limited", message=_("Too many tries. Wait a minute.")), 429
    live = manager().get(normalise_code(code))
    if live is None or live.state.ended:
        _count_miss()
        return jsonify(ok=False, error="not_found", message=_("No workshop with that code.")), 404
    # Per session, not per address: a whole class may share one school NAT address. A seat
    # costs less in a session made for more pupils, so a school-wide event of 2,000 fills in
    # seconds while a script against a class of 30 is slowed down after the class's worth.
    burst = current_app.config["JOIN_BURST"]
    if not _limiter("joins").allow(live.code, cost=burst / max(burst, live.state.max_pupils)):
        return jsonify(ok=False, error="rate_limited", message=_("Too many tries. Wait a minute.")), 429
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    lang = body.get("lang") if body.get("lang") in current_app.config["LANGUAGES"] else "fi"
    outcome = manager().join(live, lang)
    if not outcome.ok:
        messages = {
            "locked": _("The workshop is not taking new pupils right now. Ask the facilitator."),
            "full": _("The workshop is full."),
        }
        return jsonify(ok=False, error=outcome.error, message=messages.get(outcome.error, outcome.message)), 409
    broadcast(live, outcome)
    token = manager().keys.pupil_token(live.id, outcome.seat)
    return jsonify(ok=True, token=token, seat=outcome.seat)


@bp.post("/host/<code>/delete")
def delete_session(code: str):
    """Erase a session's data now: journal, answers, nicknames; every page of it is closed."""
    live = _live_or_404(code)
    if not _same_origin() or not manager().keys.check_host(live.id, request.cookies.get(f"host_{live.code}")):
        return _wrong_key()
    try:
        manager().delete(live)
    except JournalError:
        return render_template("not_found.html", strings=ui_strings()), 500
    close_session(live)
    resp = redirect(url_for("pages.home", deleted=live.code))
    resp.delete_cookie(f"host_{live.code}")
    return resp


@bp.get("/qr/<code>.svg")
def join_qr(code: str):
    live = _live_or_404(code)
    resp = make_response(qr_svg(join_url(live.code)))
    resp.headers["Content-Type"] = "image/svg+xml"
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/qr/<code>/remote.svg")
def remote_qr(code: str):
    live = _live_or_404(code)
    key = request.cookies.get(f"host_{live.code}")
    if not manager().keys.check_host(live.id, key):
        return _wrong_key()
    resp = make_response(qr_svg(public_base() + url_for("pages.host", code=live.code, k=key)))
    resp.headers["Content-Type"] = "image/svg+xml"
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/media/<pack_id>/<path:name>")
def pack_media(pack_id: str, name: str):
    folder = library().folder(pack_id)
    if folder is None or Path(name).suffix.lower() not in _IMAGE_TYPES or "/" in name:
        abort(404)
    return send_from_directory(folder, name, max_age=3600)


@bp.get("/report/<code>")
def report(code: str):
    live = _live_or_404(code)
    if not manager().keys.check_host(live.id, request.cookies.get(f"host_{live.code}")):
        return _wrong_key()
    return render_template("report.html", report=views.report(live.state), strings=ui_strings())


@bp.get("/export/<code>/<step_id>.yaml")
def export_ideas(code: str, step_id: str):
    """The approved exercise ideas of an `invent` step, as a draft pack to save and edit."""
    from ..activities.tasks.invent import draft_pack

    live = _live_or_404(code)
    if not manager().keys.check_host(live.id, request.cookies.get(f"host_{live.code}")):
        return _wrong_key()
    state = live.state
    step = next((s for s in state.pack.agenda if s.id == step_id and s.kind == "invent"), None)
    if step is None or step.id not in state.activities:
        abort(404)
    ideas = [i for i in state.activities[step.id].ideas.values() if i["status"] == "approved"]
    if not ideas:
        return render_template("not_found.html", strings=ui_strings()), 404
    pack_id = f"ideat-{live.code.lower()}"
    text = draft_pack(pack_id, resolve(step.title, state.pack.language), ideas, state.pack.language)
    text = f"# Tallenna tämä tiedosto nimellä content/{pack_id}/pack.yaml ja tarkista: workshops check content/{pack_id}\n" + text
    resp = make_response(text)
    resp.headers["Content-Type"] = "application/yaml; charset=utf-8"
    resp.headers["Content-Disposition"] = f'attachment; filename="{pack_id}.yaml"'
    return resp


@bp.get("/lang/<lang>")
def set_lang(lang: str):
    target = request.args.get("next", "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    resp = redirect(target)
    if lang in current_app.config["LANGUAGES"]:
        resp.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax")
    return resp


@bp.get("/privacy")
def privacy():
    return render_template("privacy.html", strings=ui_strings())


@bp.get("/healthz")
def healthz():
    return jsonify(ok=True, sessions=len(manager().all()))


def select_lang() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "fi")


@bp.app_errorhandler(404)
def _404(_exc):
    return _not_found()


@bp.app_errorhandler(403)
def _403(_exc):
    return _not_found(403)


@bp.app_errorhandler(_Throttled)
def _throttled(_exc):
    return _not_found(429)
