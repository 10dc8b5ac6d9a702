"""HTTP routes: the home page, the host console, the projector, the pupil pages, QR codes."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import secrets
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import force_locale, format_date, get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from ..activities import activity_for
from ..activities.text import resolve
from ..packs.loader import LoadResult
from ..packs.models import Pack
from ..packs.setup import Setup, SetupError, prepare
from ..sessions import statistics
from ..sessions.journal import JournalError
from ..sessions.keys import normalise_code
from ..sessions.rehearsal import DEFAULT_PUPILS, clamp_pupils
from . import paced, rehearsing
from .context import join_url, kit, library, manager, public_base
from .guard import CLIENT_COOKIE, NO_SESSION, is_local, log_failure, safe_next, same_secret
from .kinds import kind_assets, pack_kinds
from .live import broadcast, close_session
from .qr import qr_svg
from .uitext import help_line, phone_strings, ui_strings

bp = Blueprint("pages", __name__)

_MEDIA_MAX_AGE = 3600  # seconds a browser keeps a pack's image


def _limiter(name: str) -> Any:
    return getattr(kit().limits, name)


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


def _who() -> tuple[str, str | None]:
    return request.remote_addr or "?", request.cookies.get(CLIENT_COOKIE)


def _over_guess_limit() -> bool:
    """Too many wrong codes from this browser or address lately: answer nothing, not even a right code.

    Refusing only the misses would still let a guesser see which code works.
    """
    return _limiter("misses").blocked(*_who())


def _count_miss() -> None:
    _limiter("misses").miss(*_who())
    g.missed = True  # the browser gets its own guess budget (see _client_cookie)


def _live_or_404(code: str):
    """The session for a code; a wrong code counts as a guess (and too many are throttled)."""
    if _over_guess_limit():
        raise _Throttled()
    live = manager().get(normalise_code(code))
    if live is None:
        _count_miss()
        abort(404)
    return live


def _with_key(code: str, roles: tuple[str, ...] = ("host",), from_address: bool = False):
    """The session and the key that opens it for one of `roles`, or (None, the refusal).

    A request that carries a valid key is never throttled: pupils' wrong guesses from the
    same school address must not lock the facilitator out of their own console. Without a
    valid key it is a guess, answered exactly like a wrong code.
    """
    code = normalise_code(code)
    live = manager().get(code)
    sid = live.id if live is not None else NO_SESSION
    keys = manager().keys
    for role in roles:
        key = (request.args.get("k") if from_address else None) or request.cookies.get(f"{role}_{code}")
        check = keys.check_host if role == "host" else keys.check_screen
        if check(sid, key) and live is not None:
            return (live, role, key), None
    if _over_guess_limit():
        return None, _not_found(429)
    _count_miss()
    return None, _not_found(404)


def _wrong_key() -> Response:
    # The same answer as a wrong code, and it counts as a guess too: a code must not be
    # confirmed by a "forbidden" where a wrong one says "not found".
    _count_miss()
    return _not_found(404)


def _no_store(resp: BaseResponse) -> BaseResponse:
    # Pages that carry a key or list session codes: never kept in a browser's or proxy's cache.
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _with_key_cookie(resp: BaseResponse, code: str, name: str, key: str) -> BaseResponse:
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
            # a title or description with a placeholder ({koulu}) reads as its default here
            "title": resolve(_with_defaults(p).title, lang, p.language),
            "description": resolve(_with_defaults(p).description, lang, p.language),
            "audience": p.audience,
            "minutes": p.minutes,
            "steps": len(p.agenda),
            "cover": p.cover,
            "setup": _setup_choices(p, lang),
            "paced": len(p.self_paced),
        }
        for p in library().packs()
    ]
    broken = [_first_problem(r, lang) for r in library().broken()]
    stale = [_first_problem(r, lang) for r in library().stale()]
    sessions = [
        {
            "code": live.code,
            "title": resolve(live.state.pack.title, lang, live.state.pack.language),
            "pupils": len(live.state.active),
            "adults": live.state.pack.audience.adults,
            "ended": live.state.ended,
            "rehearsal": live.rehearsal is not None,
            "paced": bool(live.state.paced),
        }
        for live in manager().all()
    ]
    deleted = request.args.get("deleted")
    deleted = normalise_code(deleted) if deleted else None
    now = manager().clock()
    dates = {  # the self-paced form's date field: from today to paced.MAX_DAYS ahead
        "today": paced.today(now).isoformat(),
        "default": paced.default_last_day(now).isoformat(),
        "last": (paced.today(now) + dt.timedelta(days=paced.MAX_DAYS)).isoformat(),
    }
    return render_template(
        "home.html",
        packs=packs,
        broken=broken,
        stale=stale,
        sessions=sessions,
        strings=ui_strings(),
        deleted=deleted,
        paced_dates=dates,
    )


@bp.post("/login")
def login():
    expected = current_app.config.get("FACILITATOR_PASSWORD")
    address = request.remote_addr or "?"
    if _limiter("logins").blocked(address):
        return render_template("login.html", strings=ui_strings(), error=_("Too many tries. Wait a minute.")), 429
    given = request.form.get("password", "")
    if expected and same_secret(given, str(expected)):
        session["facilitator"] = _password_mark(str(expected))
        return redirect(url_for("pages.home"))
    _limiter("logins").failed(address)
    return render_template("login.html", strings=ui_strings(), error=_("Wrong password.")), 403


def _with_defaults(pack: Pack) -> Pack:
    """The pack with its placeholders read as their defaults (the home page, before any session)."""
    if not pack.placeholders:
        return pack
    prepared = prepare(pack, Setup())
    return prepared if isinstance(prepared, Pack) else pack


#: each language named in itself, as the language menu names it
LANGUAGE_SELF_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}


def _setup_choices(pack: Pack, lang: str) -> dict[str, Any]:
    """What the facilitator may choose when starting a session of `pack` (its start form)."""
    languages = pack.languages
    return {
        "languages": [{"code": code, "name": LANGUAGE_SELF_NAMES.get(code, code)} for code in languages],
        "language": lang if lang in languages else pack.language,
        "placeholders": [
            {
                "id": ph.id,
                "label": resolve(ph.label, lang, pack.language),
                "default": resolve(ph.default, lang, pack.language),
            }
            for ph in pack.placeholders
        ],
        "optional": [
            {"id": step.id, "title": resolve(step.title, lang, pack.language), "minutes": step.minutes}
            for step in pack.agenda
            if step.optional
        ],
    }


@bp.post("/sessions")
def create_session():
    if not _may_create() or not _same_origin():
        abort(403)
    pack = library().get(request.form.get("pack", ""))
    if pack is None:
        abort(404)
    chosen = Setup(
        language=request.form.get("language") or None,
        values={ph.id: request.form.get(f"ph_{ph.id}", "")[:1000] for ph in pack.placeholders},
        leave_out=frozenset(request.form.getlist("leave_out")[:200]),
    )
    prepared = prepare(pack, chosen)
    if isinstance(prepared, SetupError):
        abort(400)
    pupils = _rehearsal_pupils() if request.form.get("rehearsal") else None
    # The facilitator's labels for the statistics (a rehearsal keeps none): trimmed, 80 characters at most.
    labels = statistics.clean_labels({k: request.form.get(f"stats_{k}", "")[:1000] for k in statistics.LABELS})
    until = None
    if request.form.get("paced") and pupils is None:
        until = paced.until_from_form(request.form.get("until", ""), manager().clock())
        if until is None or not prepared.self_paced:
            abort(400)  # the home page's date field allows only today to MAX_DAYS ahead
    live = manager().create(prepared, rehearsal_pupils=pupils, labels=labels if pupils is None else None)
    if until is not None and not manager().open_paced(live, until).ok:
        with contextlib.suppress(JournalError):
            manager().delete(live)  # not a session the facilitator can lead instead: try again
        abort(503)
    if pupils is not None:
        rehearsing.start(current_app._get_current_object(), live)  # type: ignore[attr-defined]
    key = manager().keys.host_key(live.id)
    resp = redirect(url_for("pages.host", code=live.code))
    return _with_key_cookie(resp, live.code, "host", key)


def _rehearsal_pupils() -> int:
    """How many simulated pupils the home page's rehearsal asks for (its number field), within limits."""
    try:
        return clamp_pupils(int(request.form.get("simulated", DEFAULT_PUPILS)))
    except ValueError:
        return DEFAULT_PUPILS


def _keyed_page(code: str, role: str):
    """Check a host or projector key (from ?k= or its cookie); return (live, key) or a response.

    A key that arrives in the address is moved into a cookie and dropped from the address bar.
    """
    found, refusal = _with_key(code, (role,), from_address=True)
    if refusal is not None:
        return None, refusal
    live, _role, key = found
    if request.args.get("k"):
        endpoint = "pages.host" if role == "host" else "pages.screen"
        resp = _with_key_cookie(redirect(url_for(endpoint, code=live.code)), live.code, role, key)
        return None, _no_store(resp)
    return (live, key), None


def _keyed_template(template: str, live, role: str, key: str, **context) -> BaseResponse:
    """A console or projector page: it carries its key, so no cache may keep it."""
    page = render_template(
        template,
        code=live.code,
        auth={"code": live.code, "role": role, "key": key},
        join_url=join_url(live.code),
        strings=ui_strings(adults=live.state.pack.audience.adults),
        kinds=kind_assets(live.state.pack),
        **context,
    )
    return _no_store(make_response(page))


@bp.get("/host/<code>")
def host(code: str):
    found, response = _keyed_page(code, "host")
    if response is not None:
        return response
    live, key = found
    return _keyed_template(
        "host.html",
        live,
        "host",
        key,
        screen_url=url_for("pages.screen", code=live.code, k=manager().keys.screen_key(live.id)),
        retention_hours=f"{current_app.config['RETENTION_HOURS']:g}",
        print_url=url_for("printing.print_pack", pack_id=live.state.pack.id),
        rehearsal=live.rehearsal,
        paced=bool(live.state.paced),
    )


@bp.get("/poster/<code>")
def poster(code: str):
    """A self-paced session's poster: its QR code and a few words, printed for the wall of a café."""
    found, response = _keyed_page(code, "host")
    if response is not None:
        return response
    live, _key = found
    state = live.state
    if not state.paced:
        return redirect(url_for("pages.host", code=live.code))
    minutes = sum(state.pack.agenda[i].minutes for i in state.paced)
    last_day = paced.today((state.until or 1.0) - 1)  # the period ends at the midnight after it
    # Every language of the pack on one poster: a café's families read Finnish or Swedish.
    texts = []
    for lang in state.pack.languages:
        with force_locale(lang):
            texts.append(
                {
                    "lang": lang,
                    "title": resolve(state.pack.title, lang, state.pack.language),
                    "scan": _("Scan the code with your phone's camera and answer at your own pace."),
                    "anonymous": _(
                        "It takes about %(minutes)s minutes. Nobody asks for your name, and only totals of "
                        "everyone's answers are shown.",
                        minutes=f"{minutes:g}",
                    ),
                    "or": _(
                        "Or open %(address)s and type the code %(code)s.",
                        address=f"{public_base()}/join",
                        code=live.code,
                    ),
                    "until": _("You can answer until %(date)s.", date=format_date(last_day, format="long")),
                }
            )
    page = render_template("poster.html", code=live.code, texts=texts, strings=ui_strings())
    return _no_store(make_response(page))


@bp.get("/screen/<code>")
def screen(code: str):
    found, response = _keyed_page(code, "screen")
    if response is not None:
        return response
    live, key = found
    # The wall speaks the session's language, whatever the laptop's browser prefers.
    with force_locale(live.state.pack.language):
        return _keyed_template(
            "screen.html",
            live,
            "screen",
            key,
            join_host=urlsplit(join_url(live.code)).netloc,
            rehearsal=live.rehearsal is not None,
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
    if request.args.get("device") == "team":  # the join page's "a team's shared device"
        return redirect(url_for("pages.play", code=code, device="team"))
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
        strings=phone_strings(
            live.state.pack.audience.adults, pack_kinds(live.state.pack), paced=bool(live.state.pack.self_paced)
        ),
        kinds=kind_assets(live.state.pack, phone=True),
        **_device_args(),
    )


def _device_args() -> dict[str, str | None]:
    """A team device's join (`?device=team`, and `&team=t2` from its team's QR code), else a phone's."""
    if request.args.get("device") != "team":
        return {"device": "phone", "team": None}
    team = request.args.get("team")
    return {"device": "team", "team": team if team and re.fullmatch(r"t\d{1,2}", team) else None}


def _json_body() -> dict | None:
    """The request's JSON object ({} for an empty body or one that is not an object); None if unreadable.

    Parsed here, not by request.get_json: a body of 20,000 `[` raises RecursionError there,
    which is not a ValueError and became a 500 with a traceback.
    """
    raw = request.get_data(cache=False)  # raises 413 past MAX_CONTENT_LENGTH
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return body if isinstance(body, dict) else {}


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
    body = _json_body()
    if body is None:
        message = _("That message was not understood. Reload the page.")
        return jsonify(ok=False, error="bad_payload", message=message), 400
    lang = body.get("lang")
    if not isinstance(lang, str) or lang not in current_app.config["LANGUAGES"]:
        lang = "fi"
    # A school tablet or laptop one team shares (the join page's choice, or a team's own QR code).
    device = "team" if body.get("device") == "team" else "phone"
    team = body.get("team") if device == "team" and isinstance(body.get("team"), str) else None
    if team is not None and not re.fullmatch(r"t\d{1,2}", team):
        team = None
    outcome = manager().join(live, lang, device, team)
    if not outcome.ok:
        messages: dict[str | None, str | None] = {
            "locked": _("The workshop is not taking new pupils right now. Ask the facilitator."),
            "full": _("The workshop is full."),
            "no_such_team": _("There is no such team."),
        }
        return jsonify(ok=False, error=outcome.error, message=messages.get(outcome.error, outcome.message)), 409
    broadcast(live, outcome)
    assert outcome.seat is not None  # an accepted join names its new seat
    token = manager().keys.pupil_token(live.id, outcome.seat)
    return jsonify(ok=True, token=token, seat=outcome.seat)


@bp.post("/host/<code>/delete")
def delete_session(code: str):
    """Erase a session's data now: journal, answers, nicknames; every page of it is closed."""
    found, refusal = _with_key(code)
    if refusal is not None:
        return refusal
    live = found[0]
    if not _same_origin():
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
    # Public (it is on the projector), but asked for by the console and projector pages with
    # their keys: those are not guesses. Anything else is a code lookup like /j/<code>.
    found, _refusal = _with_key(code, ("host", "screen"))
    live = found[0] if found else _live_or_404(code)
    team = request.args.get("team")
    if team is not None and re.fullmatch(r"t\d{1,2}", team):
        # A team's own code: the tablet that scans it joins as that team's device.
        resp = make_response(qr_svg(f"{join_url(live.code)}?device=team&team={team}"))
    else:
        resp = make_response(qr_svg(join_url(live.code)))
    resp.headers["Content-Type"] = "image/svg+xml"
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/qr/<code>/remote.svg")
def remote_qr(code: str):
    found, refusal = _with_key(code)
    if refusal is not None:
        return refusal
    live, _role, key = found
    resp = make_response(qr_svg(public_base() + url_for("pages.host", code=live.code, k=key)))
    resp.headers["Content-Type"] = "image/svg+xml"
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/media/<pack_id>/<path:name>")
def pack_media(pack_id: str, name: str):
    """An image that a loaded pack references, and nothing else of its folder.

    The file is opened without following symlinks and must be an ordinary file inside the
    pack's own folder (see PackLibrary.open_media); anything else is the not-found page.
    """
    found = library().open_media(pack_id, name)
    if found is None:
        abort(404)
    fh, st, mimetype = found
    resp = send_file(
        fh, mimetype=mimetype, max_age=_MEDIA_MAX_AGE, conditional=False, etag=False, last_modified=st.st_mtime
    )
    resp.content_length = st.st_size
    resp.set_etag(f"{st.st_ino:x}-{st.st_mtime_ns:x}-{st.st_size:x}")
    return resp.make_conditional(request, accept_ranges=True, complete_length=st.st_size)


@bp.get("/report/<code>")
def report(code: str):
    """The session's report: a printable page of the workshop and its totals (web/report.py)."""
    found, refusal = _with_key(code)
    if refusal is not None:
        return refusal
    from . import report as session_report  # it imports printing, which imports this module

    live = found[0]
    # A rehearsal's answers are simulated (a real phone that joined was part of the rehearsal):
    # its report keeps the timing the facilitator rehearsed, and no result, count or team.
    page = session_report.render(live, select_lang(), rehearsal=live.rehearsal is not None)
    return _no_store(make_response(page))


@bp.get("/export/<code>/<step_id>")
def export_step(code: str, step_id: str):
    """The file a step offers the facilitator (an `invent` step: its approved ideas as a draft pack)."""
    found, refusal = _with_key(code)
    if refusal is not None:
        return refusal
    if found[0].rehearsal is not None:  # simulated pupils' ideas are not a class's draft pack
        message = _("This was a rehearsal: its answers are simulated, so there is nothing to download.")
        return render_template("error.html", title=_("Rehearsal"), message=message, strings=ui_strings()), 409
    state = found[0].state
    step = next((s for s in state.pack.agenda if s.id == step_id), None)
    if step is None or step.id not in state.activities:
        abort(404)
    download = activity_for(step.kind).export(step, state.activities[step.id], found[0].code, state.pack.language)
    if download is None:
        return render_template("not_found.html", strings=ui_strings()), 404
    resp = make_response(download.body)
    resp.headers["Content-Type"] = download.media_type
    resp.headers["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    return _no_store(resp)


@bp.get("/lang/<lang>")
def set_lang(lang: str):
    resp = redirect(safe_next(request.args.get("next")))
    if lang in current_app.config["LANGUAGES"]:
        resp.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax")
    return resp


@bp.get("/privacy")
def privacy():
    return render_template("privacy.html", strings=ui_strings(), help_main=help_line(select_lang()))


def _accessibility_contact() -> dict[str, str] | None:
    """The organisation's feedback address (ACCESSIBILITY_CONTACT) as a link, or None if not set.

    An e-mail address becomes a mailto: link; a web address is linked as it is (it loads
    nothing until it is followed); anything else is shown as plain text.
    """
    value = str(current_app.config.get("ACCESSIBILITY_CONTACT") or "").strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :].strip()
    if not value:
        return None
    if value.lower().startswith(("https://", "http://")):
        return {"href": value, "text": value}
    if "@" in value and not any(c.isspace() for c in value):
        return {"href": f"mailto:{value}", "text": value}
    return {"href": "", "text": value}


@bp.get("/accessibility")
def accessibility():
    """The accessibility statement (Act on the Provision of Digital Services 306/2019)."""
    return render_template("accessibility.html", strings=ui_strings(), contact=_accessibility_contact())


def _first_problem(result: LoadResult, lang: str) -> dict[str, Any]:
    """A broken pack on the home page: its name, its first error in the author's language, how many more."""
    from .preview import shown_file

    errors = result.errors or result.problems
    first = errors[0] if errors else None
    where = f"{shown_file(result, first.file)}:{first.line}:{first.col}" if first else ""
    text = (f"{first.where}: " if first and first.where else "") + (first.text(lang) if first else "")
    return {"name": result.path.name, "where": where, "text": text, "more": max(len(errors) - 1, 0)}


def select_lang() -> str:
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


def _wants_json() -> bool:
    return request.path.endswith("/seat") or request.mimetype == "application/json"


@bp.app_errorhandler(413)
def _too_large(_exc):
    """A body over MAX_CONTENT_LENGTH: refused before it is read, in the page's own language."""
    message = _("That was too much data at once. Reload the page and try again.")
    if _wants_json():
        resp = jsonify(ok=False, error="too_large", message=message)
    else:
        resp = make_response(
            render_template("error.html", title=_("Too much data"), message=message, strings=ui_strings())
        )
    resp.status_code = 413
    resp.headers["Connection"] = "close"  # the rest of the body is not read
    return resp


@bp.app_errorhandler(400)
def _bad_request(_exc):
    message = _("That message was not understood. Reload the page.")
    if _wants_json():
        return jsonify(ok=False, error="bad_payload", message=message), 400
    return render_template("error.html", title=_("Something went wrong"), message=message, strings=ui_strings()), 400


@bp.app_errorhandler(Exception)
def _failed(exc: Exception):
    """Any other failure: one log line (no request data, no traceback) and the kit's own page."""
    if isinstance(exc, HTTPException):
        return exc
    log_failure("page failed", exc)
    message = _("Something went wrong on the server. Try again.")
    if _wants_json():
        return jsonify(ok=False, error="server_error", message=message), 500
    return render_template("error.html", title=_("Something went wrong"), message=message, strings=ui_strings()), 500


@bp.after_app_request
def _client_cookie(resp: Response) -> Response:
    """Give a browser that typed a wrong code its own guess budget (see guard.Guesses).

    Only then: a pupil who scans the QR code gets no cookie at all. The id is random, kept
    only in the server's memory, and says nothing about who holds it (docs/data-map.md).
    """
    if g.get("missed") and request.cookies.get(CLIENT_COOKIE) is None:
        resp.set_cookie(
            CLIENT_COOKIE,
            secrets.token_urlsafe(12),
            max_age=3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return resp
