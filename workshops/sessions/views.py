"""What each role sees of a session: projections of the state, secrets stripped.

Views carry texts as language maps so each phone shows its own language, the
session's revision so clients drop stale views, and no clock: clients turn
timestamps into countdowns themselves.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import partial
from typing import Any

from ..activities import REGISTRY
from ..activities.base import team_index
from ..activities.text import as_map
from ..identity_cache import IdentityCache
from .rules import SessionState

TEAM_COLOURS = ("red", "blue", "green", "yellow", "purple", "orange", "teal", "pink")


def _teams(state: SessionState) -> list[dict[str, Any]]:
    if not state.teams:
        return []
    seats = state.ctx(state.last_at).seats
    members = team_index(seats)  # cached per pupils: not O(N) per view
    return [
        {
            "id": t,
            "colour": TEAM_COLOURS[i % len(TEAM_COLOURS)],
            "size": len(members.get(t, ())),
            "devices": sum(1 for s in members.get(t, ()) if seats[s].device == "team"),
        }
        for i, t in enumerate(state.teams)
    ]


def _step_head(state: SessionState) -> dict[str, Any] | None:
    step = state.current
    if step is None:
        return None
    runs = state.times.get(state.step, ())
    return {
        "index": state.step,
        "id": step.id,
        "kind": step.kind,
        "title": as_map(step.title, state.pack.language),
        "started_at": runs[-1].started_at if runs else None,
    }


# Team points per (activity state, seats): a step's points change only when its own state or
# the pupils do, while the scores are part of every view built on every answer.
_POINTS: IdentityCache[dict[str, int]] = IdentityCache(1024)


def _scores(state: SessionState) -> dict[str, int]:
    """Points per team over every step that awards them. Teams only: pupils are never ranked."""
    ctx = state.ctx(state.last_at)
    scores: dict[str, int] = {}
    for step in state.pack.agenda:
        kind = REGISTRY[step.kind]
        if step.id in state.activities and hasattr(kind, "team_points"):
            data = state.activities[step.id]
            points_by_team = _POINTS.get((data, ctx.seats), partial(kind.team_points, step, data, ctx))
            for team, points in points_by_team.items():
                scores[team] = scores.get(team, 0) + points
    return scores


#: a self-paced session shows a step's results only once this many have answered it: fewer
#: could be told apart (issue #20: "results appear as aggregates only, and only once at least
#: 5 have answered")
PACED_QUORUM = 5


def _quorate(summary: dict[str, Any]) -> bool:
    """Whether a self-paced step's totals may be shown: a step without answers, or enough of them."""
    return summary.get("answered", PACED_QUORUM) >= PACED_QUORUM


def _phase(state: SessionState) -> str:
    if state.ended:
        return "ended"
    if state.paced:
        return "paced"
    return "lobby" if state.step < 0 else "step"


def _base(state: SessionState) -> dict[str, Any]:
    pack = state.pack
    return {
        "rev": state.rev,
        "pack": {"id": pack.id, "title": as_map(pack.title, pack.language), "language": pack.language},
        "language": pack.language,
        "phase": _phase(state),
        "step": _step_head(state),
        "steps_total": len(pack.agenda),
        "locked": state.locked,
        "teams": _teams(state),
        "scores": _scores(state),
        "paced": {"until": state.until, "pages": len(state.paced)} if state.paced else None,
    }


def host_pupils(state: SessionState, online: Collection[str] = ()) -> list[dict[str, Any]]:
    """The facilitator's pupil list (the edge caches it: it is O(N) and rarely changes)."""
    return [
        {
            "id": p.id,
            "nick": p.nick,
            "pending": p.pending,
            "team": p.team,
            "kicked": p.kicked,
            "online": p.id in online,
            "mentor": p.mentor,
            "device": p.device,
        }
        for p in state.pupils.values()
    ]


def host_view(
    state: SessionState,
    online: Collection[str] = (),
    pupils: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Everything: notes, every pupil, every answer, the timing plan."""
    ctx = state.ctx(state.last_at)
    pack = state.pack
    view = _base(state)
    view["own_nicknames"] = state.own_nicknames
    view["max_pupils"] = state.max_pupils
    view["pupils"] = pupils if pupils is not None else host_pupils(state, online)
    # Only the facilitator ever sees who asked to talk to an adult.
    view["talk"] = [{"id": pid, "nick": state.pupils[pid].nick, "at": at} for pid, at in state.talk.items()]
    view["agenda"] = [
        {
            "id": s.id,
            "kind": s.kind,
            "title": as_map(s.title, pack.language),
            "minutes": s.minutes,
            "optional": s.optional,
            "runs": [[t.started_at, t.ended_at] for t in state.times.get(i, ())],
        }
        for i, s in enumerate(pack.agenda)
    ]
    view["planned_minutes"] = pack.minutes
    if state.paced:
        view["paced"] = paced_progress(state)
    step = state.current
    if step is not None:
        view["notes"] = as_map(step.notes, pack.language)
        view["activity"] = REGISTRY[step.kind].host_view(step, state.activities.get(step.id), ctx)
    return view


def paced_progress(state: SessionState) -> dict[str, Any]:
    """A self-paced session for its facilitator: how many are where, and each step's results
    as totals once PACED_QUORUM have answered it; never who answered what."""
    ctx = state.ctx(state.last_at)
    pages = len(state.paced)
    on_page = [0] * (pages + 1)
    for seat in state.active:
        on_page[min(state.page_of(seat), pages)] += 1
    steps = []
    for i in state.paced:
        step = state.pack.agenda[i]
        kind, data = REGISTRY[step.kind], state.activities.get(step.id)
        summary = kind.summary(step, data, ctx)
        steps.append(
            {
                "id": step.id,
                "kind": step.kind,
                "title": as_map(step.title, state.pack.language),
                "answered": summary.get("answered"),
                "summary": summary if _quorate(summary) else None,
                "options": _options(step, state.pack.language),
                # The answers a facilitator approves for the report (an open answer), in no order
                # that tells who: only once the step's quorum has answered, like its totals.
                "console": kind.paced_console(step, data, ctx) if _quorate(summary) else {},
            }
        )
    return {
        "until": state.until,
        "pages": pages,
        "joined": len(state.active),
        "finished": on_page[pages],
        "on_page": on_page[:pages],
        "quorum": PACED_QUORUM,
        "steps": steps,
    }


def _options(step: Any, language: str) -> list[dict[str, Any]]:
    return [{"id": o.id, "text": as_map(o.text, language)} for o in getattr(step, "options", [])]


_NICKS: IdentityCache[list[dict[str, Any]]] = IdentityCache()


def _nicks(state: SessionState) -> list[dict[str, Any]]:
    # Per pupils mapping (unchanged by answers): the projector's list is O(N) to build.
    return _NICKS.get((state.pupils,), lambda: [{"nick": p.nick, "team": p.team} for p in state.active.values()])


def screen_view(state: SessionState) -> dict[str, Any]:
    """The projector: public only. Nicknames are shown; no individual answers."""
    ctx = state.ctx(state.last_at)
    view = _base(state)
    view["pupil_count"] = len(state.active)
    view["nicks"] = _nicks(state)
    step = state.current
    if step is not None:
        view["activity"] = REGISTRY[step.kind].screen_view(step, state.activities.get(step.id), ctx)
    return view


def pupil_common(state: SessionState) -> dict[str, Any]:
    """The part of a pupil's view that every pupil shares."""
    ctx = state.ctx(state.last_at)
    view = _base(state)
    view["own_nicknames"] = state.own_nicknames
    step = state.current
    if step is not None:
        view["activity"] = REGISTRY[step.kind].pupil_view(step, state.activities.get(step.id), ctx)
    return view


def pupil_own(state: SessionState, seat_id: str) -> dict[str, Any]:
    """The part only this pupil sees: their seat, team and answers."""
    pupil = state.pupils.get(seat_id)
    if pupil is None or pupil.kicked:
        return {"rev": state.rev, "seat": seat_id, "removed": True}
    own: dict[str, Any] = {
        "rev": state.rev,
        "seat": pupil.id,
        "nick": pupil.nick,
        "pending": pupil.pending,
        "team": pupil.team,
        "lang": pupil.lang,
        "removed": False,
        "mentor": pupil.mentor,
        "device": pupil.device,
        "talk": pupil.id in state.talk,
    }
    if state.paced:
        return own | _paced_own(state, pupil.id)
    step = state.current
    if step is not None:
        ctx = state.ctx(state.last_at)
        own["step"] = step.id  # the common view may arrive first: this says which step `activity` belongs to
        own["activity"] = REGISTRY[step.kind].pupil_own(step, state.activities.get(step.id), pupil.seat(), ctx)
    return own


def _paced_own(state: SessionState, seat_id: str) -> dict[str, Any]:
    """A self-paced participant's page: the step's view and their own answer, in one view (each
    participant is on a page of their own, so no view is shared)."""
    page = state.page_of(seat_id)
    own: dict[str, Any] = {"page": page, "pages": len(state.paced)}
    step = state.paced_step(seat_id)
    if step is not None:
        ctx = state.ctx(state.last_at)
        data = state.activities.get(step.id)
        kind = REGISTRY[step.kind]
        own["step"] = step.id
        own["head"] = {
            "index": state.paced[page],
            "id": step.id,
            "kind": step.kind,
            "title": as_map(step.title, state.pack.language),
        }
        own["view"] = kind.pupil_view(step, data, ctx)
        own["activity"] = kind.pupil_own(step, data, state.pupils[seat_id].seat(), ctx)
    return own


def affected_seats(state: SessionState, actor: str, action_type: str) -> set[str] | None:
    """Which pupils' own views an accepted action may change; None means everyone's.

    On a team step a pupil's move (or a newcomer joining a team) changes what the whole
    team sees, and what the station leaders see of their groups; a station leader's move
    changes what the groups at its station see.
    """
    if actor == "host" or action_type == "timer":
        return None
    if actor == "system":
        if action_type != "join":
            return None
        actor = f"p{state.next_seat - 1}"
    pupil = state.pupils.get(actor)
    step = state.current
    if pupil is None or step is None or not REGISTRY[step.kind].affects_team(step):
        return {actor}
    if pupil.mentor:
        return None
    ctx = state.ctx(state.last_at)  # its team lists are cached: no O(N) walk per answer
    team = set(ctx.team_members(pupil.team)) if pupil.team else set()
    return {actor} | team | set(ctx.mentors())


def report(state: SessionState) -> dict[str, Any]:
    """Aggregates per step for the facilitator's report: counts, never a row per pupil."""
    ctx = state.ctx(state.last_at)
    steps: list[dict[str, Any]] = []
    for i, step in enumerate(state.pack.agenda):
        runs = state.times.get(i, ())
        minutes = sum(((r.ended_at or state.last_at) - r.started_at) for r in runs) / 60
        data = state.activities.get(step.id)
        summary = REGISTRY[step.kind].summary(step, data, ctx) if step.id in state.activities else {}
        if state.paced and not _quorate(summary):
            summary = {"answered": summary["answered"], "below_quorum": True}
        steps.append(
            {
                "id": step.id,
                "kind": step.kind,
                "title": as_map(step.title, state.pack.language),
                "planned": step.minutes,
                "actual": round(minutes, 1),
                "visited": bool(runs) or i in state.paced,
                "summary": summary,
                "options": _options(step, state.pack.language),
            }
        )
    every_run = [r for times in state.times.values() for r in times]
    people = [p for p in state.active.values() if not p.simulated]
    return {
        "pack": as_map(state.pack.title, state.pack.language),
        "language": state.pack.language,
        "pupils": len(state.active),
        "adults": state.pack.audience.adults,
        "teams": len(state.teams),
        "steps": steps,
        "ended": state.ended,
        "paced": bool(state.paced),
        # What the session was, as the printed report and the statistics record tell it.
        "participants": {
            "devices": sum(1 for p in people if p.device != "team"),
            "team_devices": sum(1 for p in people if p.device == "team"),
            "entered": most_entered(state.pack.agenda, steps),
        },
        "created_at": state.created_at,
        "started_at": min((r.started_at for r in every_run), default=None),
        "ended_at": max((r.ended_at or state.last_at for r in every_run), default=None),
        "minutes": round(sum(s["actual"] for s in steps if s["visited"]), 1),
        "planned": round(sum(s["planned"] for s in steps), 1),
        "until": state.until,
        "finished": sum(1 for seat in state.active if state.page_of(seat) >= len(state.paced)) if state.paced else None,
    }


def most_entered(agenda: Any, steps: list[dict[str, Any]]) -> int:
    """The most answers the facilitator entered on one step of individual answers: pupils without a device.

    Steps answered by teams (and the board game, the stations) count teams' answers, not people.
    """
    most = 0
    for step, shown in zip(agenda, steps, strict=True):
        entered = (shown["summary"] or {}).get("entered")
        if getattr(step, "answer_by", None) == "individual" and isinstance(entered, int) and entered > 0:
            most = max(most, entered)
    return most
