"""Paper for classrooms with no pupil devices (issue #16): a pack as print-ready A4 pages.

`GET /print/<pack_id>` shows, in this order: the facilitator's script (every step with its
content by kind, right answers marked), answer cards for a show of hands (one per page, A–D
with the kit's option shapes), and the board game's and the stations' own pages. It is HTML
and print CSS (static/css/print.css): the facilitator prints with Ctrl+P. The templates are
under templates/print/; what each kind of step prints is one macro per kind in
templates/print/_kinds.html.

The script shows the right answers, so the page is guarded like the home page: this laptop,
or a signed-in facilitator on a hosted install.
"""

from __future__ import annotations

import random
from typing import Any, cast

from flask import Blueprint, abort, current_app, make_response, render_template, request, url_for
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..activities import richtext
from ..activities.boardgame.config import (
    AllOf,
    AnyOf,
    BoardGameStep,
    ChangeMeter,
    ClearFlag,
    HasFlag,
    IfThen,
    InSection,
    LacksFlag,
    MeterTest,
    Move,
    Others,
    SetFlag,
)
from ..activities.text import as_map, resolve
from ..packs.models import Pack
from ..packs.setup import Setup, prepare
from .context import library
from .markers import marker_bits
from .pages import _may_create, select_lang
from .uitext import ui_strings

bp = Blueprint("printing", __name__)

DEFAULT_CARDS = 30
MAX_CARDS = 40
LETTERS = "ABCDEF"
#: the languages every answer card speaks besides the pack's own (Finnish and Swedish both)
CARD_LANGUAGES = ("fi", "sv")


class Texts:
    """A pack's Text values for one page: the page's language if the pack has it, else the pack's.

    Called from the templates: `tx(text)` is the text as safe HTML, wrapped in a `lang`
    element when it is not in the page's language (WCAG 3.1.2); `tp(text)` is the plain
    text, for attributes such as `alt`.
    """

    def __init__(self, page: str, pack: str):
        self.page = page
        self.pack = pack

    def language(self, text: Any) -> str:
        texts = as_map(text, self.pack) or {}
        return next((lang for lang in (self.page, self.pack) if texts.get(lang)), next(iter(texts), self.pack))

    def plain(self, text: Any) -> str:
        return resolve(text, self.page, self.pack)

    def __call__(self, text: Any) -> Markup:
        if text is None:
            return Markup("")
        value = self.plain(text)
        lang = self.language(text)
        if lang == self.page:
            return escape(value)
        return Markup('<span lang="{}">{}</span>').format(lang, value)


def rich_html(text: str, lead: Any = None, lang: str | None = None) -> Markup:
    """A formatted text (RichText, workshops/activities/richtext.py) as HTML: <p>, <ul>, <ol>,
    <strong> and <em>, every text escaped. `lead` (a label) opens the first paragraph in bold, or
    stands in a paragraph of its own before a list; `lang` marks the blocks' language when it is
    not the page's (WCAG 3.1.2). No line breaks in the markup: print.css shows notes `pre-line`."""

    def runs(spans: tuple[richtext.Span, ...]) -> Markup:
        tags = {"strong": "<strong>{}</strong>", "em": "<em>{}</em>", "text": "{}"}
        return Markup("").join(Markup(tags[s.style]).format(s.text) for s in spans)

    said = Markup(' lang="{}"').format(lang) if lang else Markup("")
    blocks = richtext.parse(text)
    parts = []
    for i, block in enumerate(blocks):
        if block.kind == "paragraph":
            if i == 0 and lead is not None:
                inner = Markup("<span{}>{}</span>").format(said, runs(block.items[0])) if lang else runs(block.items[0])
                parts.append(Markup("<p><strong>{}</strong> {}</p>").format(lead, inner))
            else:
                parts.append(Markup("<p{}>{}</p>").format(said, runs(block.items[0])))
            continue
        tag = "ul" if block.kind == "bullets" else "ol"
        start = Markup(' start="{}"').format(block.start) if block.kind == "numbers" and block.start != 1 else ""
        items = Markup("").join(Markup("<li>{}</li>").format(runs(item)) for item in block.items)
        parts.append(Markup("<{}{}{}>{}</{}>").format(Markup(tag), said, start, items, Markup(tag)))
    if lead is not None and (not blocks or blocks[0].kind != "paragraph"):
        parts.insert(0, Markup("<p><strong>{}</strong></p>").format(lead))
    return Markup("").join(parts)


@bp.app_template_filter("rich")
def rich_filter(text: Any, tx: Texts, lead: Any = None) -> Markup:
    """Jinja: `{{ step.notes|rich(tx, _("Facilitator notes") ~ ":") }}`, a pack's RichText value
    in the page's language (or the pack's) as HTML blocks; see rich_html."""
    if text is None:
        return Markup("")
    lang = tx.language(text)
    return rich_html(tx.plain(text), lead, None if lang == tx.page else lang)


def _fill(message: str, **parts: Any) -> Markup:
    """A translated message with %(name)s parts, each part escaped unless it is already Markup."""
    return Markup(escape(message)) % parts


def _signed(number: int) -> str:
    return f"+{number}" if number > 0 else f"\u2212{-number}" if number < 0 else "0"


class GameRules:
    """A board game's effects and conditions in words, for the facilitator playing it on paper."""

    def __init__(self, game: BoardGameStep, tx: Texts):
        self.game = game
        self.tx = tx

    def flag(self, flag_id: str) -> Markup:
        """A flag by its description for the facilitator, or by its id if it has none."""
        flag = next((f for f in self.game.flags if f.id == flag_id), None)
        return self.tx(flag.description) if flag is not None and flag.description else escape(flag_id)

    def _meter(self, meter_id: str) -> Markup:
        return self.tx(self.game.meter(meter_id).name)

    def condition(self, cond: Any) -> Markup:
        if isinstance(cond, HasFlag):
            return _fill(_("marked “%(flag)s”"), flag=self.flag(cond.flag))
        if isinstance(cond, LacksFlag):
            return _fill(_("not marked “%(flag)s”"), flag=self.flag(cond.not_flag))
        if isinstance(cond, MeterTest):
            bound = f"< {cond.below}" if cond.below is not None else f"≥ {cond.at_least}"
            return Markup("{} {}").format(self._meter(cond.meter), bound)
        if isinstance(cond, InSection):
            section = next(s for s in self.game.sections if s.id == cond.section)
            return _fill(_("the token is on “%(section)s”"), section=self.tx(section.name))
        if isinstance(cond, (AllOf, AnyOf)):
            parts = cond.all if isinstance(cond, AllOf) else cond.any
            word = _("and") if isinstance(cond, AllOf) else _("or")
            return Markup(f" {escape(word)} ").join(self.condition(c) for c in parts)
        return escape(str(cond))

    def effect(self, effect: Any) -> Markup:
        if isinstance(effect, Move):
            if effect.move == 0:
                return escape(_("Token stays in place"))
            return _fill(_("Token %(num)s"), num=_signed(effect.move))
        if isinstance(effect, ChangeMeter):
            return Markup("{} {}").format(self._meter(effect.meter), _signed(effect.change))
        if isinstance(effect, SetFlag):
            return _fill(_("Mark: %(flag)s"), flag=self.flag(effect.set))
        if isinstance(effect, ClearFlag):
            return _fill(_("Remove the mark: %(flag)s"), flag=self.flag(effect.clear))
        if isinstance(effect, Others):
            return _fill(_("Every other team: %(effects)s"), effects=self.effects(effect.others))
        if isinstance(effect, IfThen):
            said = _fill(
                _("If %(condition)s: %(effects)s"),
                condition=self.condition(effect.if_),
                effects=self.effects(effect.then),
            )
            if effect.else_:
                said += Markup("; ") + _fill(_("otherwise: %(effects)s"), effects=self.effects(effect.else_))
            return Markup("({})").format(said)
        return escape(str(effect))

    def effects(self, effects: list[Any]) -> Markup:
        return Markup(", ").join(self.effect(e) for e in effects) if effects else escape("–")


def wall_order(station_id: str, items: list[Any]) -> list[Any]:
    """The order task's steps as the wall card shows them: shuffled the same way every time, never right."""
    shuffled = list(items)
    random.Random(station_id).shuffle(shuffled)
    if shuffled == list(items):
        shuffled = shuffled[1:] + shuffled[:1]
    return shuffled


def card_instructions(pack_language: str) -> list[tuple[str, str]]:
    """The answer card's instruction in the pack's language and in Finnish and Swedish: (lang, text)."""
    langs = [pack_language, *(lang for lang in CARD_LANGUAGES if lang != pack_language)]
    said = []
    for lang in langs:
        with force_locale(lang):
            said.append((lang, _("Hold your answer’s letter at the top")))
    return said


def _card_count() -> int:
    asked = request.args.get("cards", type=int)
    if asked is None:
        return DEFAULT_CARDS
    return max(1, min(MAX_CARDS, asked))


def _minutes(value: float) -> str:
    return format_decimal(value, format="#,##0.#")


def _refused():
    # The home page's own answer (pages.home): the sign-in form on a hosted install, else "only this laptop".
    if current_app.config.get("FACILITATOR_PASSWORD"):
        return render_template("login.html", strings=ui_strings(), error=None)
    return render_template("local_only.html", strings=ui_strings()), 403


@bp.get("/print/<pack_id>")
def print_pack(pack_id: str):
    if not _may_create():
        return _refused()
    found: Pack | None = library().get(pack_id)
    if found is None:
        abort(404)
    # Printed before a session: its placeholders ({koulu}) read as their defaults.
    prepared = prepare(found, Setup())
    pack = prepared if isinstance(prepared, Pack) else found
    lang = select_lang()
    tx = Texts(lang, pack.language)
    games = {s.id: GameRules(cast(BoardGameStep, s), tx) for s in pack.agenda if s.kind == "boardgame"}
    page = render_template(
        "print/pack.html",
        pack=pack,
        tx=tx,
        tp=tx.plain,
        lang=lang,
        letters=LETTERS,
        games=games,
        wall_order=wall_order,
        minutes=_minutes,
        media=lambda name: url_for("pages.pack_media", pack_id=pack.id, name=name),
        cards=range(1, _card_count() + 1),
        card_says=card_instructions(pack.language),
        marker_bits=marker_bits,
        strings={},
    )
    resp = make_response(page)
    # The script holds the right answers: no browser or proxy keeps a copy.
    resp.headers["Cache-Control"] = "no-store"
    return resp
