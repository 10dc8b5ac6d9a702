"""A pack's preview while it is being written: every step as the phones, the projector and the console show it.

`GET /preview/<pack_id>` lists the pack's steps and shows the chosen one (`?step=<id>`, at
`?moment=start|answers|results`) in four frames: a phone in each of the pack's languages, the
projector (1280 by 720, scaled) and the console. Each frame is the kit's own page (play.html,
screen.html, host.html) rendered by `frame_page` with one view embedded (`<script id="preview">`)
and `static/js/preview-frame.js`, which hands that view to the page's script in place of a socket.
The views come from a sample session built with the pure rules alone (`sessions/sample.py`): no
session is created, nothing is journaled, no key exists, and the frames' policy forbids them any
connection or form post. A pack whose file has errors shows its problems instead.

The console frame shows the facilitator's notes and right answers, so every page here is guarded
like the home page: this laptop, or a signed-in facilitator on a hosted install.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Blueprint, abort, current_app, make_response, render_template, request, url_for
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from ..activities.text import resolve
from ..packs.loader import LoadResult
from ..packs.models import Pack
from ..packs.setup import Setup, prepare
from ..sessions.sample import MOMENTS, Moment, Sample, SampleError, moments, sample_session
from .context import join_url, library, manager
from .kinds import kind_assets, pack_kinds
from .pages import _may_create, select_lang
from .qr import qr_svg
from .uitext import phone_strings, ui_strings

bp = Blueprint("preview", __name__, url_prefix="/preview")

#: the code the frames show where a session's code would be (five letters, like a real one)
CODE = "ABCDE"
PHONE = (360, 640)
WALL = (1280, 720)
ROLES = ("phone", "screen", "host")


def _refused() -> Any:
    # The home page's own answer: the sign-in form on a hosted install, else "only this laptop".
    if current_app.config.get("FACILITATOR_PASSWORD"):
        return render_template("login.html", strings=ui_strings(), error=None)
    return render_template("local_only.html", strings=ui_strings()), 403


def _no_store(resp: BaseResponse) -> BaseResponse:
    # The console frame holds the notes and the right answers: no cache keeps a copy.
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _problems(pack_id: str) -> tuple[LoadResult, bool] | None:
    """The pack's newest edit if it has errors, and whether an older version is still offered."""
    lib = library()
    lib.refresh()
    for stale, results in ((True, lib.stale()), (False, lib.broken())):
        for result in results:
            if result.path.name == pack_id:
                return result, stale
    return None


def shown_file(result: LoadResult, file: str) -> str:
    """A problem's file as `<pack folder>/pack.yaml` (or `_shared/…`): where the author finds it."""
    root = result.path.parent
    try:
        relative = os.path.relpath(file, root)
    except ValueError:  # another drive (Windows)
        return file
    return file if relative.startswith("..") else relative


def _pack(pack_id: str) -> Pack | None:
    """The pack as a session would run it with the start form left as it is (placeholders as their defaults)."""
    found = library().get(pack_id)
    if found is None:
        return None
    prepared = prepare(found, Setup())
    return prepared if isinstance(prepared, Pack) else found


def _step_index(pack: Pack) -> int:
    wanted = request.args.get("step")
    return next((i for i, s in enumerate(pack.agenda) if s.id == wanted), 0)


def _moment(shown: list[Moment]) -> Moment:
    wanted = request.args.get("moment")
    return next((m for m in shown if m == wanted), shown[0])


def _now() -> float:
    return manager().clock()


@bp.get("/<pack_id>")
def page(pack_id: str):
    """The preview page: the step list and the chosen step in four frames, or the pack's problems."""
    if not _may_create():
        return _refused()
    lang = select_lang()
    found = _problems(pack_id)
    if found is not None:
        broken, stale = found
        problems = [
            {
                "where": f"{shown_file(broken, p.file)}:{p.line}:{p.col}",
                "text": f"{p.where}: {p.text(lang)}" if p.where else p.text(lang),  # in the author's language
            }
            for p in broken.errors
        ]
        shown_page = render_template("preview/problems.html", name=pack_id, problems=problems, stale=stale, strings={})
        return _no_store(make_response(shown_page))
    pack = _pack(pack_id)
    if pack is None:
        abort(404)
    index = _step_index(pack)
    now = _now()
    try:
        shown = moments(pack, index, now)
    except SampleError:
        shown = []
    moment = _moment(shown) if shown else "start"
    step = pack.agenda[index]
    title = resolve(pack.title, lang, pack.language)

    def link(i: int, m: str | None = None) -> str:
        args: dict[str, Any] = {"pack_id": pack_id, "step": pack.agenda[i].id}
        if m and m != "start":
            args["moment"] = m
        return url_for("preview.page", **args)

    def frame_src(role: str, phone_lang: str | None = None) -> str:
        args: dict[str, Any] = {"pack_id": pack_id, "role": role, "step": step.id}
        if phone_lang:
            args["lang"] = phone_lang
        if moment != "start":
            args["moment"] = moment
        return url_for("preview.frame", **args)

    step_title = resolve(step.title, lang, pack.language)
    context = {
        "pack_id": pack_id,
        "title": title,
        "index": index,
        "step": step,
        "step_title": step_title,
        "steps": [
            {
                "number": i + 1,
                "title": resolve(s.title, lang, pack.language),
                "kind": s.kind,
                "minutes": s.minutes,
                "optional": s.optional,
                "href": link(i),
            }
            for i, s in enumerate(pack.agenda)
        ],
        "prev": link(index - 1) if index > 0 else None,
        "next": link(index + 1) if index + 1 < len(pack.agenda) else None,
        "moments": [{"id": m, "label": _moment_label(m), "href": link(index, m)} for m in shown],
        "moment": moment,
        "broken_step": not shown,
        "phones": [
            {
                "lang": code,
                "caption": _phone_caption(code),
                "src": frame_src("phone", code),
            }
            for code in pack.languages
        ],
        "screen_src": frame_src("screen"),
        "host_src": frame_src("host"),
        "phone_size": PHONE,
        "wall_size": WALL,
        "minutes": lambda value: format_decimal(value, format="#,##0.#"),
        "strings": {},
    }
    return _no_store(make_response(render_template("preview/page.html", **context)))


def _moment_label(moment: str) -> str:
    return {
        "start": _("At the start"),
        "answers": _("After answering"),
        "results": _("Results"),
    }[moment]


def _phone_caption(lang: str) -> str:
    return {
        "fi": _("Phone in Finnish"),
        "sv": _("Phone in Swedish"),
        "en": _("Phone in English"),
    }.get(lang, lang)


@bp.get("/<pack_id>/<role>")
def frame(pack_id: str, role: str):
    """One frame: the phone's, the projector's or the console's own page, showing the step's view."""
    if not _may_create():
        return _refused()
    if role not in ROLES or _problems(pack_id) is not None:
        abort(404)
    pack = _pack(pack_id)
    if pack is None:
        abort(404)
    index = _step_index(pack)
    wanted = request.args.get("moment")
    moment: Moment = next((m for m in MOMENTS if m == wanted), "start")
    try:
        sample = sample_session(pack, index, moment, _now())
    except SampleError:
        abort(404)
    if role == "phone":
        lang = request.args.get("lang", "")
        if lang not in sample.phones:
            abort(404)
        with force_locale(lang):
            return frame_page(
                "play.html",
                sample,
                sample.phone_views(lang),
                pack_title=pack.title,
                pack_language=pack.language,
                strings=phone_strings(pack.audience.adults, pack_kinds(pack)),
                device="phone",
                team=None,
            )
    if role == "screen":
        # The wall speaks the session's language, whatever the laptop's browser prefers.
        with force_locale(pack.language):
            return frame_page(
                "screen.html",
                sample,
                [("screen_view", sample.screen_view())],
                strings=ui_strings(adults=pack.audience.adults),
                join_host=request.host,
                rehearsal=False,
            )
    return frame_page(
        "host.html",
        sample,
        [("host_view", sample.host_view())],
        strings=ui_strings(adults=pack.audience.adults),
        screen_url="#",
        print_url="#",
        retention_hours=f"{current_app.config['RETENTION_HOURS']:g}",
        rehearsal=None,  # not a rehearsal either: no simulated pupils' banner
    )


def _frame_url_for(endpoint: str, **values: Any) -> str:
    """`url_for` for the frames' templates: nothing in them may point at a session.

    The pages name their session's QR codes, seat, report and deletion by its code; a request for
    a code that does not exist counts as a wrong guess against this laptop (pages._count_miss).
    """
    if endpoint in ("pages.join_qr", "pages.remote_qr"):
        return url_for("preview.qr")
    if "code" in values:
        return "#"
    return url_for(endpoint, **values)


def frame_page(template: str, sample: Sample, shown: list[tuple[str, dict[str, Any]]], **context: Any) -> BaseResponse:
    """The kit's page `template` with the views `shown` embedded: it renders them and connects nowhere."""
    pack = sample.state.pack
    page = render_template(
        "preview/frame.html",
        page=template,
        code=CODE,
        auth={"code": CODE, "role": "preview", "key": ""},
        join_url=join_url(CODE),
        kinds=kind_assets(pack),
        preview={"views": [[event, view] for event, view in shown], "not_sent": _("Nothing is sent in a preview.")},
        url_for=_frame_url_for,
        **context,
    )
    resp = make_response(page)
    base = request.host_url.rstrip("/")
    # Framed by the preview page only; no socket, no fetch, no form post; images only from the
    # static files, the pack's media and the placeholder QR code (never a session's address).
    resp.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src {base}/static/ {base}/media/{pack.id}/ {base}/preview/qr.svg data:; "
        "connect-src 'none'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'self'; form-action 'none'"
    )
    resp.headers["X-Frame-Options"] = "SAMEORIGIN"
    return _no_store(resp)


@bp.get("/qr.svg")
def qr():
    """The QR code the frames show where a session's join code would be: it opens nothing."""
    if not _may_create():
        abort(403)
    resp = make_response(qr_svg(CODE))
    resp.headers["Content-Type"] = "image/svg+xml"
    resp.headers["Cache-Control"] = "private, max-age=3600"
    return resp
