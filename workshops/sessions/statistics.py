"""Statistics that outlive pupil data: one aggregate record per session, and sums over many.

Pure: no I/O and no clock (the day a session started comes in as `today`). A record holds the
pack, the day, the length run, the facilitator's optional labels and counts: how many took part,
and per step the counts a report already shows. Never a nickname, a seat or team id, a pupil's
text, the join code, the journal's id of the session or a time of day (docs/data-map.md). The
contract with the statistics page is /work/shots/stats-spec.md's record, `"v": 1`.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..activities.text import ID_PATTERN, as_map
from .rules import SessionState
from .views import report

RECORD_VERSION = 1
#: The facilitator's labels typed at the start, in the start form's order.
LABELS = ("place", "grade", "district")
LABEL_MAX = 80
#: Counts below this (but above 0) are shown as "<5" in whatever is exported.
SMALL = 5
SMALL_TEXT = "<5"
#: What `totals` groups by.
GROUPS = ("pack", "month", "place", "district")

# -- the record's model: strict, nothing unknown (an imported file with extra fields is refused) --


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


Key = Annotated[str, Field(pattern=ID_PATTERN)]
Lang = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
Minutes = Annotated[float, Field(ge=0, le=100_000)]
# A value of a scale or a barometer's face, as a string ("1", "-2").
Value = Annotated[str, Field(pattern=r"^-?[0-9]{1,3}$")]
TextMap = Annotated[dict[Lang, Annotated[str, Field(max_length=4000)]], Field(max_length=3)]
Label = Annotated[str, Field(min_length=1, max_length=LABEL_MAX)]


class Option(_Strict):
    id: Key
    text: TextMap


class StepRecord(_Strict):
    id: Key
    kind: Key
    title: TextMap
    run: bool
    minutes: Minutes
    answered: Count | None = None
    counts: Annotated[dict[Key, Count], Field(max_length=200)] | None = None
    options: Annotated[list[Option], Field(max_length=200)] | None = None
    scale: Annotated[dict[Value, Count], Field(max_length=101)] | None = None
    barometer: (
        Annotated[dict[Key, Annotated[dict[Value, Count], Field(max_length=21)]], Field(max_length=50)] | None
    ) = None


class Participants(_Strict):
    devices: Count
    team_devices: Count
    entered: Count


class StatRecord(_Strict):
    """One session's statistics (stats-spec.md): counts and the pack's own texts only."""

    v: Literal[1]
    id: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
    pack: Key
    pack_version: Annotated[str, Field(pattern=r"^[0-9a-f]{12}$")]
    title: TextMap
    adults: bool
    date: Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    language: Lang
    mode: Literal["live", "self_paced"]
    minutes: Minutes
    labels: dict[Literal["place", "grade", "district"], Label]
    participants: Participants
    steps: Annotated[list[StepRecord], Field(max_length=500)]

    @field_validator("date")
    @classmethod
    def _real_day(cls, value: str) -> str:
        date.fromisoformat(value)  # 2026-02-30 is refused (ValueError becomes a validation error)
        return value

    @field_validator("labels")
    @classmethod
    def _clean_labels(cls, value: dict[str, str]) -> dict[str, str]:
        if clean_labels(value) != value:
            raise ValueError("a label has control characters or spaces around it")
        return value


def validate(record: Any) -> dict[str, Any]:
    """Check a record against `StatRecord`; return it as plain JSON data (raise ValueError)."""
    return StatRecord.model_validate(record).model_dump(mode="json", exclude_none=True)


# -- labels --------------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def clean_labels(values: Mapping[str, Any]) -> dict[str, str]:
    """The known labels, trimmed, without control characters, at most LABEL_MAX characters; empty ones left out."""
    cleaned = {}
    for key in LABELS:
        value = values.get(key)
        if not isinstance(value, str):
            continue
        text = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch in "\t\n")
        text = _SPACES.sub(" ", text).strip()[:LABEL_MAX].strip()
        if text:
            cleaned[key] = text
    return cleaned


# -- the journal's record of a session's statistics id and labels ----------------------------------

_MARK = "statistics"


def mark(stats_id: str, labels: Mapping[str, str]) -> dict[str, Any]:
    """The journal record that keeps a session's statistics id and labels across replay and takeover.

    Like a rehearsal's mark it has no `type`: no version of the action models takes it for an action.
    """
    return {_MARK: {"id": stats_id, "labels": dict(labels)}}


def is_mark(record: Mapping[str, Any]) -> bool:
    """Whether a journal record is a statistics mark rather than an action."""
    return "type" not in record and _MARK in record


def read_mark(record: Mapping[str, Any]) -> tuple[str | None, dict[str, str]]:
    """The statistics id and labels of a mark (None: not a readable id)."""
    body = record.get(_MARK)
    if not isinstance(body, Mapping):
        return None, {}
    sid = body.get("id")
    labels = body.get("labels")
    good = isinstance(sid, str) and re.fullmatch(r"[0-9a-f]{32}", sid) is not None
    return (sid if good else None), clean_labels(labels if isinstance(labels, Mapping) else {})


def derived_id(session_id: str) -> str:
    """A statistics id for a session journaled before statistics were kept: the same on every replay,
    and not the session's id (a one-way hash of it)."""
    return hashlib.blake2b(session_id.encode(), digest_size=16, person=b"workshops-stats").hexdigest()


# -- one session's record -------------------------------------------------------------------------


def pack_version(pack_data: Mapping[str, Any]) -> str:
    """12 hex characters that change with the pack's content (a hash of the session's snapshot)."""
    text = json.dumps(pack_data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _count(value: Any) -> int | None:
    # bool is an int in Python; a count never is one
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _counts(value: Any) -> dict[str, int] | None:
    if not isinstance(value, Mapping):
        return None
    found = {k: _count(v) for k, v in value.items() if isinstance(k, str) and re.fullmatch(ID_PATTERN, k)}
    return {k: n for k, n in found.items() if n is not None}


def _choice(step: Any, summary: Mapping[str, Any], lang: str) -> dict[str, Any]:
    return {"counts": _counts(summary.get("counts"))}


def _truefalse(step: Any, summary: Mapping[str, Any], lang: str) -> dict[str, Any]:
    results = summary.get("results") or {}
    return {"counts": _counts({"true": results.get("true"), "false": results.get("false")})}


def _hotspot(step: Any, summary: Mapping[str, Any], lang: str) -> dict[str, Any]:
    results = summary.get("results") or {}
    return {
        "counts": _counts(results.get("spots")),
        "options": [{"id": s.id, "text": as_map(s.label, lang)} for s in step.spots],
    }


def _scale(step: Any, summary: Mapping[str, Any], lang: str) -> dict[str, Any]:
    counts = (summary.get("results") or {}).get("counts")
    if not isinstance(counts, list):
        return {}
    return {"scale": {str(step.min + i): n for i, n in enumerate(counts) if _count(n) is not None}}


# What each kind's summary adds to its step besides `answered`: counts per option (or spot, or
# true/false), a scale's counts per value. Kinds not here add nothing: their summaries hold
# texts (open answers, ideas), teams or positions (the board game, the stations), or only a
# right/wrong tally. A kind whose summary has `barometer` ({statement: {face: count}}) is read
# generically (the closing barometer).
_BY_KIND: dict[str, Callable[[Any, Mapping[str, Any], str], dict[str, Any]]] = {
    "choice": _choice,
    "truefalse": _truefalse,
    "hotspot": _hotspot,
    "scale": _scale,
}


def _barometer(value: Any) -> dict[str, dict[str, int]] | None:
    if not isinstance(value, Mapping):
        return None
    found: dict[str, dict[str, int]] = {}
    for statement, faces in value.items():
        if not (isinstance(statement, str) and re.fullmatch(ID_PATTERN, statement) and isinstance(faces, Mapping)):
            continue
        found[statement] = {
            str(f): n for f, n in faces.items() if _count(n) is not None and re.fullmatch(r"-?\d{1,3}", str(f))
        }
    return found


def _step(step: Any, shown: Mapping[str, Any], lang: str) -> dict[str, Any]:
    summary = shown["summary"] or {}
    item: dict[str, Any] = {
        "id": step.id,
        "kind": step.kind,
        "title": shown["title"],
        "run": bool(shown["visited"]),
        "minutes": float(shown["actual"]) if shown["visited"] else 0.0,
    }
    if _count(summary.get("answered")) is not None:
        item["answered"] = summary["answered"]
    extract = _BY_KIND.get(step.kind)
    if extract is not None:
        item |= {k: v for k, v in extract(step, summary, lang).items() if v is not None}
    if shown["options"]:
        item["options"] = [{"id": o["id"], "text": o["text"]} for o in shown["options"]]
    statements = getattr(step, "statements", None)
    barometer = _barometer(summary.get("barometer"))
    if barometer is not None:
        item["barometer"] = barometer
        if statements and "options" not in item:
            item["options"] = [{"id": s.id, "text": as_map(s.text, lang)} for s in statements]
    return item


def _anything_entered(steps: list[dict[str, Any]]) -> bool:
    return any(_count((s["summary"] or {}).get("entered")) for s in steps)


def record_of(
    state: SessionState,
    *,
    stats_id: str,
    labels: Mapping[str, str],
    today: date,
    pack_data: Mapping[str, Any] | None = None,
) -> dict[str, Any] | None:
    """The statistics record of a session (stats-spec.md), or None if nobody took part.

    `today`: the local day the session started. `pack_data`: the session's pack snapshot as
    journaled (made from `state.pack` if not given). A rehearsal's state must not come here: the
    caller leaves rehearsals out (their seats are simulated, their answers too).
    """
    shown = report(state)
    lang = state.pack.language
    participants = dict(shown["participants"])
    if not any(participants.values()) and not _anything_entered(shown["steps"]):
        return None
    steps = [_step(step, s, lang) for step, s in zip(state.pack.agenda, shown["steps"], strict=True)]
    snapshot = (
        pack_data if pack_data is not None else state.pack.model_dump(mode="json", by_alias=True, exclude_none=True)
    )
    record = {
        "v": RECORD_VERSION,
        "id": stats_id,
        "pack": state.pack.id,
        "pack_version": pack_version(snapshot),
        "title": as_map(state.pack.title, lang),
        "adults": bool(state.pack.audience.adults),
        "date": today.isoformat(),
        "language": lang,
        # A self-paced session (issue #20) has the agenda indices its participants go through.
        "mode": "self_paced" if getattr(state, "paced", ()) else "live",
        "minutes": round(sum(s["minutes"] for s in steps), 1),
        "labels": clean_labels(labels),
        "participants": participants,
        "steps": steps,
    }
    return validate(record)


# -- small counts -----------------------------------------------------------------------------------


def suppress(n: int) -> int | str:
    """A count as an export shows it: 1–4 becomes "<5" (a child could be told apart); 0 and 5+ stay."""
    return SMALL_TEXT if 0 < n < SMALL else n


def suppress_all(value: Any) -> Any:
    """`value` (totals, a record's counts) with every count in it suppressed: every int, at any
    depth; floats (minutes) and texts stay as they are."""
    if isinstance(value, (bool, float, str)) or value is None:
        return value
    if isinstance(value, int):
        return suppress(value)
    if isinstance(value, Mapping):
        return {k: suppress_all(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [suppress_all(v) for v in value]
    return value


# -- many records: filter and sum -------------------------------------------------------------------


def month_of(record: Mapping[str, Any]) -> str:
    """YYYY-MM of the record's day."""
    return str(record["date"])[:7]


def filter(
    records: Iterable[Mapping[str, Any]],
    *,
    pack: str | None = None,
    month_from: str | None = None,
    month_to: str | None = None,
    place: str | None = None,
    district: str | None = None,
) -> list[dict[str, Any]]:
    """The records that match every condition given (months YYYY-MM, both ends included)."""
    chosen = []
    for r in records:
        labels = r.get("labels") or {}
        month = month_of(r)
        if (
            (pack is None or r["pack"] == pack)
            and (month_from is None or month >= month_from)
            and (month_to is None or month <= month_to)
            and (place is None or labels.get("place", "") == place)
            and (district is None or labels.get("district", "") == district)
        ):
            chosen.append(dict(r))
    return chosen


_GROUP_KEY: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "pack": lambda r: str(r["pack"]),
    "month": month_of,
    "place": lambda r: str((r.get("labels") or {}).get("place", "")),
    "district": lambda r: str((r.get("labels") or {}).get("district", "")),
}


def _tenths(minutes: float) -> int:
    # Minutes are summed in whole tenths: the sum is then the same in any order.
    return round(minutes * 10)


def _add_counts(into: dict[str, int], counts: Mapping[str, int]) -> None:
    for k, n in counts.items():
        into[k] = into.get(k, 0) + n


def _add_step(into: dict[str, Any], step: Mapping[str, Any]) -> None:
    into["sessions"] += 1
    into["run"] += 1 if step["run"] else 0
    into["tenths"] += _tenths(step["minutes"])
    if "answered" in step:
        into["answered"] += step["answered"]
    for field in ("counts", "scale"):
        if field in step:
            _add_counts(into.setdefault(field, {}), step[field])
    for statement, faces in (step.get("barometer") or {}).items():
        _add_counts(into.setdefault("barometer", {}).setdefault(statement, {}), faces)


def _empty_group() -> dict[str, Any]:
    return {"sessions": 0, "participants": 0, "devices": 0, "team_devices": 0, "entered": 0, "tenths": 0, "packs": {}}


def totals(records: Iterable[Mapping[str, Any]], *, by: str) -> dict[str, dict[str, Any]]:
    """Raw sums of the records per group (`by`: pack, month, place or district; "" = no label given).

    Each group: sessions, participants (devices + team devices + entered), devices, team_devices,
    entered, minutes (1 decimal), and `packs`: per pack its sessions and per step id its sessions,
    `run` (sessions that ran it), minutes, answered and the summed `counts`, `scale`, `barometer`.
    Raw: suppress each cell (`suppress`) only when it is shown or exported.
    """
    key_of = _GROUP_KEY[by]
    groups: dict[str, dict[str, Any]] = {}
    for r in records:
        group = groups.setdefault(key_of(r), _empty_group())
        people = r["participants"]
        group["sessions"] += 1
        for field in ("devices", "team_devices", "entered"):
            group[field] += people[field]
        group["participants"] += people["devices"] + people["team_devices"] + people["entered"]
        group["tenths"] += _tenths(r["minutes"])
        pack = group["packs"].setdefault(r["pack"], {"sessions": 0, "steps": {}})
        pack["sessions"] += 1
        for step in r["steps"]:
            into = pack["steps"].setdefault(step["id"], {"sessions": 0, "run": 0, "tenths": 0, "answered": 0})
            _add_step(into, step)
    return {key: _finished(group) for key, group in sorted(groups.items())}


def _finished(group: dict[str, Any]) -> dict[str, Any]:
    """Tenths of minutes back to minutes, packs and steps in a stable order."""
    done = {k: v for k, v in group.items() if k not in ("tenths", "packs")}
    done["minutes"] = group["tenths"] / 10
    done["packs"] = {
        pack_id: {
            "sessions": pack["sessions"],
            "steps": {
                step_id: {k: v for k, v in step.items() if k != "tenths"} | {"minutes": step["tenths"] / 10}
                for step_id, step in pack["steps"].items()
            },
        }
        for pack_id, pack in sorted(group["packs"].items())
    }
    return done
