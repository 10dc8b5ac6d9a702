"""The statistics page (issue #20): sessions and participants by pack, month, place and district.

`/stats` reads the kit's statistics store (`kit().stats`: one record per session, counts only,
`sessions/statistics.py`), keeps the records its GET parameters choose (pack, months from–to,
place, district: a filtered view is a link), and shows each grouping as a bar chart drawn here as
SVG, with the same numbers in a table beside it. The same records download as CSV (UTF-8 with a
BOM; `?sep=semicolon` for a Finnish Excel, with decimal commas), as an XLSX workbook (openpyxl),
and as JSON for another kit, whose `POST /stats/import` merges them (idempotent on the records'
ids). `/stats/print` is the annual report's A4 page.

Small counts: a count of people or answers from 1 to 4 reads "<5" (`statistics.suppress`) wherever
a person reads it, on the page and in every export but the JSON transfer; sums over many sessions
are added up from the raw counts first, then suppressed. A count of sessions is no count of people
and is shown as it is.

Guarded like the home page: this laptop, or a signed-in facilitator on a hosted install.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse

from ..sessions import statistics
from ..sessions.statistics import suppress, validate
from ..sessions.statstore import StatError
from .context import kit
from .pages import _may_create, _same_origin

bp = Blueprint("stats", __name__, url_prefix="/stats")

#: a cell of an export: text, a number, "<5", or nothing
Cell = str | int | float | None

#: the file another kit imports: `{"format": EXPORT_FORMAT, "v": EXPORT_VERSION, "exported": day, "records": [...]}`
EXPORT_FORMAT = "workshops-statistics"
EXPORT_VERSION = 1
EXPORT_KEYS = frozenset({"format", "v", "exported", "records"})
#: the largest import: a record is 1–5 kB, so thousands of sessions; the kit's other bodies stay at 32 kB
IMPORT_MAX_BYTES = 16 * 1024 * 1024
#: a chart shows this many rows (the table all of them); the rest is one "others" bar
CHART_ROWS = 12
MONTH = re.compile(r"[1-9]\d{3}-(0[1-9]|1[0-2])")  # year 0 is no date to name
FILTER_TEXT_MAX = 80  # the labels' own limit (the record's contract)

# Colours of the bars: 3:1 or more against the white page (WCAG 1.4.11), printed as they are.
SESSIONS_FILL = "#1d4e89"
PEOPLE_FILL = "#0e7560"
INK = "#1b2631"
RULE = "#767676"


# -- choosing records --------------------------------------------------------------------------------


def _labels(record: Mapping[str, Any]) -> Mapping[str, str]:
    return record.get("labels") or {}


#: what the page groups by, in its order (statistics.totals groups by each)
DIMENSIONS = statistics.GROUPS


@dataclass(frozen=True)
class Filters:
    """Which records a view shows; each field empty for any."""

    pack: str = ""
    start: str = ""  # first month, YYYY-MM
    end: str = ""  # last month, YYYY-MM
    place: str = ""
    district: str = ""

    @classmethod
    def read(cls, args: Mapping[str, str]) -> Filters:
        """Read the filters from GET parameters; a month that is not YYYY-MM counts as none."""

        def text(name: str) -> str:
            return str(args.get(name) or "").strip()[:FILTER_TEXT_MAX]

        def month(name: str) -> str:
            value = text(name)
            return value if MONTH.fullmatch(value) else ""

        start, end = month("from"), month("to")
        if start and end and start > end:  # typed the wrong way round: still the months between
            start, end = end, start
        return cls(text("pack"), start, end, text("place"), text("district"))

    def args(self) -> dict[str, str]:
        """The GET parameters of this view (for links to it and its exports)."""
        named = {"pack": self.pack, "from": self.start, "to": self.end, "place": self.place, "district": self.district}
        return {k: v for k, v in named.items() if v}

    def chosen(self, records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """The records in this view."""
        return statistics.filter(
            records,
            pack=self.pack or None,
            month_from=self.start or None,
            month_to=self.end or None,
            place=self.place or None,
            district=self.district or None,
        )


# -- adding up ---------------------------------------------------------------------------------------


def text_in(text: Any, lang: str) -> str:
    """A language map's text in `lang`, else Finnish, else any; a plain string as it is."""
    if isinstance(text, str):
        return text
    if not isinstance(text, Mapping) or not text:
        return ""
    return str(text.get(lang) or text.get("fi") or next(iter(text.values())))


def participants(record: Mapping[str, Any]) -> int:
    """People in one session as `statistics.totals` counts them: their own devices, one per team
    device, and the most answers the facilitator entered for one step (the rest of the class)."""
    p = record.get("participants") or {}
    return int(p.get("devices", 0)) + int(p.get("team_devices", 0)) + int(p.get("entered", 0))


@dataclass
class Group:
    """The sessions under one key of a dimension (a pack, a month, a place, a district; "" = not given)."""

    key: str
    sessions: int = 0
    participants: int = 0  # raw: suppressed when shown
    minutes: float = 0.0
    others: int = 0  # for the chart's "others" bar: how many keys it holds


def _months_from(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` (YYYY-MM), both included."""
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def group_by(records: Iterable[Mapping[str, Any]], dimension: str) -> list[Group]:
    """The records' groups under `dimension`: months in order, the empty ones too (a time axis has no
    gaps); the others by sessions, most first, with "not given" last."""
    sums = statistics.totals(records, by=dimension)
    groups = {key: Group(key, g["sessions"], g["participants"], g["minutes"]) for key, g in sums.items()}
    if dimension == "month":
        return [groups.get(m, Group(m)) for m in _months_from(min(groups), max(groups))] if groups else []
    return sorted(groups.values(), key=lambda g: (g.key == "", -g.sessions, -g.participants, g.key.casefold()))


def chart_rows(groups: list[Group], dimension: str, limit: int = CHART_ROWS) -> list[Group]:
    """The groups a chart draws: every month, or the first `limit - 1` of the others and one bar for the rest."""
    if dimension == "month" or len(groups) <= limit:
        return groups
    rest = Group("", others=len(groups) - limit + 1)
    for g in groups[limit - 1 :]:
        rest.sessions += g.sessions
        rest.participants += g.participants
        rest.minutes += g.minutes
    return [*groups[: limit - 1], rest]


def overall(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Sessions, participants (summed, then suppressed) and hours of the records."""
    groups = group_by(records, "pack")
    return {
        "sessions": sum(g.sessions for g in groups),
        "participants": suppress(sum(g.participants for g in groups)),
        "hours": round(sum(g.minutes for g in groups) / 60, 1),
    }


@dataclass
class StepTotal:
    """One step of one pack over many sessions; `items` are (what, id, value) -> [text map, count],
    `what` one of "option", "scale", "barometer"."""

    pack: str
    step: str
    kind: str
    title: Any
    pack_title: Any
    sessions: int = 0  # sessions that ran the step
    minutes: float = 0.0
    answered: int | None = None  # None: the step's kind counts no answers
    items: dict[tuple[str, str, str], list[Any]] = field(default_factory=dict)


def step_totals(records: Sequence[Mapping[str, Any]]) -> list[StepTotal]:
    """Every pack's steps summed over `records` (`statistics.totals`), with the texts of each pack's
    newest session: packs and steps in that session's order (an older version's steps after them),
    options in the pack's order."""
    sums = statistics.totals(records, by="pack")
    found: dict[tuple[str, str], StepTotal] = {}
    texts: dict[tuple[str, str], dict[str, Any]] = {}
    for record in sorted(records, key=lambda r: str(r.get("date", "")), reverse=True):
        pack = str(record["pack"])
        for step in record.get("steps") or []:
            key = (pack, str(step["id"]))
            if key not in found:
                found[key] = StepTotal(pack, key[1], str(step.get("kind", "")), step.get("title"), record.get("title"))
            known = texts.setdefault(key, {})
            for option in step.get("options") or []:
                known.setdefault(str(option["id"]), option.get("text"))
            if "answered" in step:
                found[key].answered = 0
    for (pack, step_id), total in found.items():
        summed = sums[pack]["packs"][pack]["steps"][step_id]
        total.sessions = summed["run"]
        total.minutes = summed["minutes"]
        if total.answered is not None:
            total.answered = summed["answered"]
        known = texts[(pack, step_id)]
        counts = summed.get("counts") or {}
        for option in [*[o for o in known if o in counts], *sorted(o for o in counts if o not in known)]:
            total.items[("option", option, "")] = [known.get(option), counts[option]]
        for value, n in sorted((summed.get("scale") or {}).items(), key=lambda kv: _number(kv[0])):
            total.items[("scale", "", value)] = [None, n]
        for statement, faces in (summed.get("barometer") or {}).items():
            for value, n in sorted(faces.items(), key=lambda kv: _number(kv[0])):
                total.items[("barometer", statement, value)] = [known.get(statement), n]
    return list(found.values())


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return float("inf")


@dataclass(frozen=True)
class Mean:
    """A barometer statement's mean face value over every answer to it (None under five answers)."""

    pack: str
    pack_title: Any
    statement: str
    text: Any
    answers: int
    mean: float | None


def barometer_means(steps: list[StepTotal]) -> list[Mean]:
    """The mean of each barometer statement per pack; fewer than five answers give no mean (one
    answer's mean is that answer)."""
    means = []
    for total in steps:
        statements: dict[str, list[Any]] = {}
        for (what, ident, value), (text, n) in total.items.items():
            if what != "barometer" or value == "" or _number(value) == float("inf"):
                continue
            s = statements.setdefault(ident, [text, 0, 0.0])
            s[1] += n
            s[2] += n * _number(value)
        for ident, (text, n, weighted) in statements.items():
            mean = round(weighted / n, 2) if n >= 5 else None
            means.append(Mean(total.pack, total.pack_title, ident, text, n, mean))
    return means


# -- the tables of the exports -------------------------------------------------------------------------


def _suppressed(path: str) -> Callable[[Mapping[str, Any], str], Cell]:
    def cell(record: Mapping[str, Any], _lang: str) -> Cell:
        return suppress(int((record.get("participants") or {}).get(path, 0)))

    return cell


#: one row per session: (header, its cell)
SESSION_COLUMNS: list[tuple[Any, Callable[[Mapping[str, Any], str], Cell]]] = [
    (_l("Date"), lambda r, _lang: str(r["date"])),
    (_l("Pack"), lambda r, _lang: str(r["pack"])),
    (_l("Pack title"), lambda r, lang: text_in(r.get("title"), lang)),
    (_l("Pack version"), lambda r, _lang: str(r.get("pack_version", ""))),
    (_l("Language"), lambda r, _lang: str(r.get("language", ""))),
    (_l("Mode"), lambda r, _lang: str(r.get("mode", ""))),
    (_l("Minutes"), lambda r, _lang: float(r.get("minutes") or 0)),
    (_l("Place"), lambda r, _lang: _labels(r).get("place", "")),
    (_l("Grade or group"), lambda r, _lang: _labels(r).get("grade", "")),
    (_l("District"), lambda r, _lang: _labels(r).get("district", "")),
    (_l("Own devices"), _suppressed("devices")),
    (_l("Team devices"), _suppressed("team_devices")),
    (_l("Entered by the facilitator"), _suppressed("entered")),
    (_l("Participants"), lambda r, _lang: suppress(participants(r))),
    (_l("Steps run"), lambda r, _lang: sum(1 for s in r.get("steps") or [] if s.get("run"))),
]


def session_table(records: Iterable[Mapping[str, Any]], lang: str) -> tuple[list[str], list[list[Cell]]]:
    """The per-session table: a header and one row per session, counts suppressed."""
    header = [str(name) for name, _cell in SESSION_COLUMNS]
    return header, [[cell(r, lang) for _name, cell in SESSION_COLUMNS] for r in records]


def step_table(steps: list[StepTotal], lang: str) -> tuple[list[str], list[list[Cell]]]:
    """The per-pack, per-step totals: a row per answer (option, scale value, barometer face), or one
    row for a step without counts; counts summed raw, then suppressed."""
    header = [
        _("Pack"),
        _("Pack title"),
        _("Step"),
        _("Step title"),
        _("Kind"),
        _("Sessions"),
        _("Mean minutes"),
        _("Answered"),
        _("Answer"),
        _("Answer text"),
        _("Value"),
        _("Count"),
    ]
    rows: list[list[Cell]] = []
    for t in steps:
        mean = round(t.minutes / t.sessions, 1) if t.sessions else None
        answered = suppress(t.answered) if t.answered is not None else None
        head: list[Cell] = [
            t.pack,
            text_in(t.pack_title, lang),
            t.step,
            text_in(t.title, lang),
            t.kind,
            t.sessions,
            mean,
            answered,
        ]
        if not t.items:
            rows.append([*head, None, None, None, None])
        for (_what, ident, value), (text, n) in t.items.items():
            rows.append([*head, ident or None, text_in(text, lang) or None, value or None, suppress(n)])
    return header, rows


def group_table(groups: list[Group], name: Callable[[Group], str]) -> list[list[Cell]]:
    """A dimension's rows: its name, sessions, participants (suppressed), hours."""
    return [[name(g), g.sessions, suppress(g.participants), round(g.minutes / 60, 1)] for g in groups]


# -- the writers -------------------------------------------------------------------------------------------

#: a text cell that a spreadsheet would run as a formula (a place typed as "=HYPERLINK(...)")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Cell, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # never a count, but bool is an int
        return str(value).lower()
    if isinstance(value, float):
        shown = f"{value:.1f}" if value != int(value) else str(int(value))
        return shown.replace(".", ",") if decimal_comma else shown
    if isinstance(value, int):
        return str(value)
    # A leading apostrophe makes Excel and LibreOffice show such a text as text (OWASP's advice).
    return "'" + value if value.startswith(_FORMULA_START) else value


def write_csv(header: list[str], rows: Iterable[list[Cell]], *, semicolon: bool = False) -> bytes:
    """A CSV file: UTF-8 with a BOM (Excel then reads ä and ö), CRLF lines, comma-separated; with
    `semicolon`, semicolons and decimal commas, as Excel set to Finnish expects."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if semicolon else ",", lineterminator="\r\n")
    writer.writerow([_csv_cell(h, False) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(c, semicolon) for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its name and blocks of rows, each block a header and its rows."""

    name: str
    blocks: Sequence[tuple[str | None, list[str], list[list[Cell]]]]


def write_xlsx(sheets: list[Sheet]) -> bytes:
    """An XLSX workbook: bold headers, the first header row frozen, columns wide enough to read;
    text stays text even when it starts with "=" (no formula runs from a typed place name)."""
    # Imported here: openpyxl takes 0.23 s to import, which a server's start should not pay for an
    # export most days never see (python3 -X importtime -c "import openpyxl").
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    for empty in book.worksheets:  # a new workbook's blank sheet
        book.remove(empty)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet(_sheet_name(sheet.name))
        widths: dict[int, int] = {}
        row = 1
        for title, header, rows in sheet.blocks:
            if title:
                ws.cell(row, 1, title).font = Font(bold=True, size=13)
                row += 1
            for col, name in enumerate(header, 1):
                _put(ws, row, col, name).font = bold
                widths[col] = max(widths.get(col, 0), len(name))
            row += 1
            for values in rows:
                for col, value in enumerate(values, 1):
                    _put(ws, row, col, value)
                    widths[col] = max(widths.get(col, 0), len(str(value)) if value is not None else 0)
                row += 1
            row += 1  # a blank row between blocks
        if len(sheet.blocks) == 1 and not sheet.blocks[0][0]:
            ws.freeze_panes = "A2"
        for col, width in widths.items():
            ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _put(ws: Any, row: int, col: int, value: Cell) -> Any:
    cell = ws.cell(row, col, value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would store "=…" as a formula
    return cell


def _sheet_name(name: str) -> str:
    # Excel's rules: at most 31 characters, none of []:*?/\
    return re.sub(r"[\[\]:*?/\\]", " ", name)[:31] or "Sheet"


# -- the charts --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    sessions: int
    participants: int | str  # suppressed


def _short(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def chart_svg(bars: list[Bar], name: str, sessions_word: str, people_word: str) -> Markup:
    """A bar chart of sessions and participants side by side, one row per bar, as inline SVG.

    Drawn on the server, no script: `role="img"` with an `aria-label` and a `<title>` say what it
    is; the numbers themselves are in the table beside it. A suppressed count ("<5") gets no bar
    (its length would tell the number), only its text. Long names are cut here; the table has
    them whole.
    """
    row, top, label_w, panel_w, gap = 26, 34, 190, 230, 24
    width = label_w + 2 * panel_w + gap + 8
    height = top + row * max(len(bars), 1) + 8
    most_sessions = max([b.sessions for b in bars] + [1])
    most_people = max([b.participants for b in bars if isinstance(b.participants, int)] + [1])
    x_s = label_w + 4
    x_p = x_s + panel_w + gap
    room = panel_w - 44  # the longest bar leaves room for its number
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(name)}">',
        f"<title>{escape(name)}</title>",
        f'<g font-size="14" fill="{INK}">',
        f'<text x="{x_s}" y="18" font-weight="700">{escape(sessions_word)}</text>',
        f'<text x="{x_p}" y="18" font-weight="700">{escape(people_word)}</text>',
        f'<line x1="{x_s}" y1="{top - 6}" x2="{x_s}" y2="{height - 4}" stroke="{RULE}"/>',
        f'<line x1="{x_p}" y1="{top - 6}" x2="{x_p}" y2="{height - 4}" stroke="{RULE}"/>',
    ]
    for i, bar in enumerate(bars):
        y = top + i * row
        mid = y + row / 2 + 5
        parts.append(f'<text x="{label_w - 6}" y="{mid}" text-anchor="end">{escape(_short(bar.label, 24))}</text>')
        for x, value, most, fill in (
            (x_s, bar.sessions, most_sessions, SESSIONS_FILL),
            (x_p, bar.participants, most_people, PEOPLE_FILL),
        ):
            length = round(room * value / most, 1) if isinstance(value, int) and value > 0 else 0
            if length:
                parts.append(f'<rect x="{x}" y="{y + 4}" width="{max(length, 2)}" height="{row - 8}" fill="{fill}"/>')
            parts.append(f'<text x="{x + length + 5}" y="{mid}">{escape(str(value))}</text>')
    parts.append("</g></svg>")
    return Markup("".join(parts))


# -- the page ------------------------------------------------------------------------------------------------


def _refused() -> Any:
    # The home page's own answer: the sign-in form on a hosted install, else "only this laptop".
    if current_app.config.get("FACILITATOR_PASSWORD"):
        return render_template("login.html", strings={}, error=None)
    return render_template("local_only.html", strings={}), 403


def _lang() -> str:
    return str(get_locale() or "fi")


def _no_store(resp: BaseResponse) -> BaseResponse:
    # Statistics are the organisation's own: no shared cache keeps them.
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _records() -> list[Mapping[str, Any]]:
    return list(kit().stats.all())


def _month_name(key: str) -> str:
    return format_date(datetime.date(int(key[:4]), int(key[5:7]), 1), "LLLL yyyy")


def _namer(dimension: str, titles: Mapping[str, Any], lang: str) -> Callable[[Group], str]:
    """How a dimension's group is named to a reader."""

    def name(group: Group) -> str:
        if group.others:
            return _("Others (%(num)d)", num=group.others)
        if dimension == "pack":
            return text_in(titles.get(group.key), lang) or group.key
        if dimension == "month":
            return _month_name(group.key)
        return group.key or _("Not given")

    return name


DIMENSION_TITLES = {
    "pack": _l("By workshop pack"),
    "month": _l("By month"),
    "place": _l("By place"),
    "district": _l("By district"),
}
DIMENSION_WORDS = {
    "pack": _l("Workshop pack"),
    "month": _l("Month"),
    "place": _l("Place"),
    "district": _l("District"),
}


def _titles(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Each pack's title as its newest session had it."""
    return {str(r["pack"]): r.get("title") for r in sorted(records, key=lambda r: str(r.get("date", "")))}


def _view(filters: Filters) -> dict[str, Any]:
    """What the page and the print view show for `filters`."""
    lang = _lang()
    every = _records()
    chosen = filters.chosen(every)
    titles = _titles(every)
    people = _("Participants")
    sections = []
    for dimension in DIMENSIONS:
        groups = group_by(chosen, dimension)
        if not groups:
            continue
        name = _namer(dimension, titles, lang)
        drawn = chart_rows(groups, dimension)
        bars = [Bar(name(g), g.sessions, suppress(g.participants)) for g in drawn]
        label = _("%(what)s: sessions and participants. The numbers are in the table beside the chart.")
        sections.append(
            {
                "id": dimension,
                "title": DIMENSION_TITLES[dimension],
                "word": DIMENSION_WORDS[dimension],
                "chart": chart_svg(bars, label % {"what": DIMENSION_TITLES[dimension]}, _("Sessions"), people),
                "rows": [[n, k, p, format_decimal(h, format="0.#")] for n, k, p, h in group_table(groups, name)],
            }
        )
    summed = overall(chosen)
    means = [
        {
            "pack": text_in(m.pack_title, lang) or m.pack,
            "statement": text_in(m.text, lang) or m.statement,
            "answers": suppress(m.answers),
            "mean": format_decimal(m.mean, format="0.00") if m.mean is not None else "–",
        }
        for m in barometer_means(step_totals(chosen))
    ]
    return {
        "filters": filters,
        "args": filters.args(),
        "any": bool(every),
        "shown": len(chosen),
        "totals": summed,
        "hours": format_decimal(summed["hours"], format="0.#"),
        "sections": sections,
        "means": means,
        "choices": {
            "packs": sorted(((k, text_in(t, lang) or k) for k, t in titles.items()), key=lambda kv: kv[1].casefold()),
            # a value from a link that no record has is still offered, so the form shows what is chosen
            "places": sorted(
                {p for r in every if (p := _labels(r).get("place"))} | {filters.place} - {""}, key=str.casefold
            ),
            "districts": sorted(
                {d for r in every if (d := _labels(r).get("district"))} | {filters.district} - {""}, key=str.casefold
            ),
        },
        "described": _described(filters, titles, lang),
    }


def _described(filters: Filters, titles: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """The filters in words, for the print view's heading."""
    out = []
    if filters.pack:
        out.append((str(DIMENSION_WORDS["pack"]), text_in(titles.get(filters.pack), lang) or filters.pack))
    if filters.start or filters.end:
        first = _month_name(filters.start) if filters.start else "…"
        last = _month_name(filters.end) if filters.end else "…"
        out.append((_("Months"), f"{first} – {last}"))
    if filters.place:
        out.append((str(DIMENSION_WORDS["place"]), filters.place))
    if filters.district:
        out.append((str(DIMENSION_WORDS["district"]), filters.district))
    return out


def _page(filters: Filters, status: int = 200, **message: Any) -> BaseResponse:
    page = render_template("stats/page.html", strings={}, **_view(filters), **message)
    return _no_store(make_response(page, status))


@bp.get("")
def page() -> Any:
    """The statistics page; `?added=&already=` after an import says what it added."""
    if not _may_create():
        return _refused()
    done = None
    if request.args.get("added", "").isdigit() and request.args.get("already", "").isdigit():
        done = {"added": int(request.args["added"]), "already": int(request.args["already"])}
    return _page(Filters.read(request.args), imported=done)


@bp.get("/print")
def print_view() -> Any:
    """The annual report's page: A4, no navigation, the totals, the charts, the barometer means."""
    if not _may_create():
        return _refused()
    filters = Filters.read(request.args)
    printed = format_date(datetime.date.today(), "long")
    return _no_store(make_response(render_template("stats/print.html", strings={}, printed=printed, **_view(filters))))


def _download(body: bytes, media_type: str, stem: str, suffix: str) -> BaseResponse:
    resp = make_response(body)
    resp.headers["Content-Type"] = media_type
    resp.headers["Content-Disposition"] = f'attachment; filename="{stem}-{datetime.date.today().isoformat()}.{suffix}"'
    return _no_store(resp)


def _semicolon() -> bool:
    return request.args.get("sep") == "semicolon"


@bp.get("/sessions.csv")
def sessions_csv() -> Any:
    """One row per session of the view, counts suppressed."""
    if not _may_create():
        return _refused()
    header, rows = session_table(Filters.read(request.args).chosen(_records()), _lang())
    body = write_csv(header, rows, semicolon=_semicolon())
    return _download(body, "text/csv; charset=utf-8", "statistics-sessions", "csv")


@bp.get("/steps.csv")
def steps_csv() -> Any:
    """The view's totals per pack and step, each answer's count summed over the sessions, then suppressed."""
    if not _may_create():
        return _refused()
    header, rows = step_table(step_totals(Filters.read(request.args).chosen(_records())), _lang())
    body = write_csv(header, rows, semicolon=_semicolon())
    return _download(body, "text/csv; charset=utf-8", "statistics-steps", "csv")


def workbook(records: Sequence[Mapping[str, Any]], lang: str, namer: Callable[[str], Callable[[Group], str]]) -> bytes:
    """The view as a workbook: the sessions, the steps' totals, and a summary by each dimension."""
    summary = [
        (
            str(DIMENSION_TITLES[d]),
            [str(DIMENSION_WORDS[d]), _("Sessions"), _("Participants"), _("Hours")],
            group_table(group_by(records, d), namer(d)),
        )
        for d in DIMENSIONS
    ]
    return write_xlsx(
        [
            Sheet(_("Summary"), summary),
            Sheet(_("Sessions"), [(None, *session_table(records, lang))]),
            Sheet(_("Steps"), [(None, *step_table(step_totals(records), lang))]),
        ]
    )


@bp.get("/export.xlsx")
def export_xlsx() -> Any:
    if not _may_create():
        return _refused()
    every, lang = _records(), _lang()
    titles = _titles(every)
    body = workbook(Filters.read(request.args).chosen(every), lang, lambda d: _namer(d, titles, lang))
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(body, media, "statistics", "xlsx")


def export_document(records: Iterable[Mapping[str, Any]], today: datetime.date) -> dict[str, Any]:
    """The file another kit imports: the raw records (counts only, nothing that names anyone)."""
    return {"format": EXPORT_FORMAT, "v": EXPORT_VERSION, "exported": today.isoformat(), "records": list(records)}


@bp.get("/export.json")
def export_json() -> Any:
    """The view's records for another kit of the same organisation (`POST /stats/import` there)."""
    if not _may_create():
        return _refused()
    document = export_document(Filters.read(request.args).chosen(_records()), datetime.date.today())
    body = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    return _download(body, "application/json", "statistics", "json")


# -- importing ----------------------------------------------------------------------------------------------


class Refusal(Exception):
    """Why a file is not imported: a code of REFUSALS and the values its message names."""

    def __init__(self, code: str, **values: Any):
        super().__init__(code)
        self.code = code
        self.values = values


#: what the facilitator reads for each refusal; "Nothing was imported." follows each
REFUSALS: dict[str, Any] = {
    "no_file": _l("Choose a statistics file (.json) exported from a workshop kit."),
    "too_large": _l("The file is too large: at most %(mb)d MB."),
    "not_json": _l("The file is not a statistics file: it is not JSON text."),
    "not_ours": _l("The file is not a statistics file exported from a workshop kit."),
    "version": _l(
        "The file is from another version of the kit (file version %(version)s, this kit reads version %(ours)d)."
    ),
    "record": _l("Session %(number)d in the file is not valid statistics (%(where)s)."),
    "not_saved": _l("The statistics could not be saved."),  # the store failed (a full disk): not the file's fault
}


def _where(exc: Exception) -> str:
    """Which field of a record failed (its path, never its value: the value may be what should not be there)."""
    errors = getattr(exc, "errors", None)
    try:
        loc = errors()[0]["loc"] if callable(errors) else ()
    except (IndexError, KeyError, TypeError):
        loc = ()
    return ".".join(str(part) for part in loc)[:FILTER_TEXT_MAX] or _("the whole record")


def read_import(raw: bytes) -> list[dict[str, Any]]:
    """The records of an exported file, each validated; a `Refusal` for anything else, so that a bad
    file imports nothing at all."""
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Refusal("not_json") from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT or set(document) - EXPORT_KEYS:
        raise Refusal("not_ours")
    if document.get("v") != EXPORT_VERSION or isinstance(document.get("v"), bool):
        raise Refusal("version", version=_("none") if "v" not in document else str(document["v"])[:20])
    if not isinstance(document.get("records"), list):
        raise Refusal("not_ours")
    records = []
    for number, record in enumerate(document["records"], 1):
        try:
            records.append(validate(record))
        except (ValueError, TypeError) as exc:  # pydantic's ValidationError is a ValueError
            raise Refusal("record", number=number, where=_where(exc)) from None
    return records


def refusal_text(refusal: Refusal) -> str:
    """A refusal in the reader's language, with what follows from it."""
    values = {"mb": IMPORT_MAX_BYTES // (1024 * 1024), "ours": EXPORT_VERSION, **refusal.values}
    nothing = _("Nothing was imported.")  # a message of its own: every refusal ends with it
    return f"{REFUSALS[refusal.code] % values} {nothing}"


@bp.get("/import")
def import_page() -> Any:
    """The address a refused import's page has: its language links and a reload come back to the page."""
    return redirect(url_for("stats.page"))


@bp.post("/import")
def import_file() -> Any:
    """Merge another kit's exported statistics; the same session is counted once however often it comes."""
    if not _may_create() or not _same_origin():
        abort(403)
    request.max_content_length = IMPORT_MAX_BYTES + 64 * 1024  # the file and its form's envelope
    try:
        upload = request.files.get("file")
        raw = upload.read(IMPORT_MAX_BYTES + 1) if upload is not None else b""
        if len(raw) > IMPORT_MAX_BYTES:
            raise RequestEntityTooLarge()
        if not raw.strip():
            raise Refusal("no_file")
        records = read_import(raw)
        added, already = kit().stats.merge(records)
    except StatError:
        return _page(Filters(), 500, refused=refusal_text(Refusal("not_saved")))
    except RequestEntityTooLarge:
        resp = _page(Filters(), 413, refused=refusal_text(Refusal("too_large")))
        resp.headers["Connection"] = "close"  # the rest of the body is not read
        return resp
    except Refusal as refusal:
        return _page(Filters(), 400, refused=refusal_text(refusal))
    return redirect(url_for("stats.page", added=added, already=already), 303)
