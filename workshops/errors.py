"""Every stable error code the kit answers with, and what it means: the registry.

A refusal is `{ok: false, error: <code>, message: <English sentence>}`; clients key on the
code (the pages show their own translated text for it, `err_<code>` in web/uitext.py), never
on the message. A code only one activity kind answers with is declared in that kind's module
instead (its `errors`, with its texts); `every_error()` is both. docs/protocol.md's error table
is generated from it (`python3 -m workshops.protocol_doc`), and tests/unit/test_protocol_doc.py
fails when the kit's source can answer with a code that is in neither. Plain data: no Flask,
no Socket.IO.
"""

from __future__ import annotations

from dataclasses import dataclass

# Where a code is answered.
ACK = "ack"  # the acknowledgement of a `host` or `pupil` event
CONNECT = "connect"  # `connect_error` when a Socket.IO connection is refused
JOIN = "join"  # the JSON answer of POST /j/<code>/seat


@dataclass(frozen=True)
class ErrorCode:
    where: tuple[str, ...]
    meaning: str


ERRORS: dict[str, ErrorCode] = {
    # -- the connection and the envelope ------------------------------------------------------
    "bad_auth": ErrorCode(
        (CONNECT,),
        "The connection's `auth` is not `{code, role, key}` or `{code, role, token}` "
        "(missing, not an object, an unknown field, a role other than host/screen/pupil, too long).",
    ),
    "not_found": ErrorCode(
        (CONNECT, JOIN, ACK),
        "No such session: a wrong code, a wrong, forged or missing key or "
        "token, or a session whose data was deleted (the same answer whatever the reason). As an "
        "ack: the session was deleted meanwhile. From the join endpoint also: the session has ended "
        "(HTTP 404).",
    ),
    "removed": ErrorCode(
        (CONNECT,), "The facilitator removed this pupil: the token is refused until they are let back in."
    ),
    "rate_limited": ErrorCode(
        (ACK, CONNECT, JOIN),
        "Too many requests: events beyond the bucket of the pupil's seat or "
        "the facilitator's or projector's connection; a pupil's connect while its seat's bucket "
        "is empty; a connect or a join after too many wrong codes or keys from this browser or "
        "address (right ones included); joins beyond the session's pace (HTTP 429). Wait and "
        "try again.",
    ),
    "forbidden": ErrorCode(
        (ACK, JOIN),
        "The event is not for this connection's role (a pupil or the projector sending "
        "`host`, the facilitator or the projector sending `pupil`); from the join endpoint, a "
        "request without this site's Origin (HTTP 403).",
    ),
    "not_connected": ErrorCode(
        (ACK,), "The event came on a socket that is not an accepted connection of a session: reconnect first."
    ),
    "unknown_event": ErrorCode((ACK,), "An event other than `host` and `pupil`."),
    "bad_payload": ErrorCode(
        (ACK, JOIN),
        "The message does not match the envelope `{cid?, action}` or the action's "
        "model (a wrong type, an unknown or missing field, a value out of range); the message "
        "names the first field at fault. From the join endpoint: a body that is not JSON "
        "(HTTP 400).",
    ),
    "too_large": ErrorCode((JOIN,), "The request's body is over the size limit (HTTP 413)."),
    "unknown_action": ErrorCode(
        (ACK,), "No action of that `type` for this role, or for the kind of the step it is sent to."
    ),
    "unknown_step": ErrorCode((ACK,), "`act.step` names no step of this workshop."),
    "not_saved": ErrorCode(
        (ACK,),
        "The journal could not be written (a full disk): nothing was applied, and a retry "
        "with the same `cid` is a new try.",
    ),
    "server_error": ErrorCode((ACK, JOIN), "An unexpected failure on the server; no details are sent (HTTP 500)."),
    # -- the session -------------------------------------------------------------------------------
    "ended": ErrorCode(
        (ACK,),
        "The workshop has ended: only `lang`, `talk` and `talk_seen` are still taken. In a "
        "board game step: the game has ended.",
    ),
    "not_in_session": ErrorCode((ACK,), "This pupil has been removed; the connection is closed after this answer."),
    "locked": ErrorCode((JOIN,), "The facilitator has locked the lobby: no new pupils (HTTP 409)."),
    "full": ErrorCode((JOIN,), "The session has as many pupils as its pack allows (HTTP 409)."),
    "stale": ErrorCode(
        (ACK,),
        "`goto.expect` is not the current step: someone else moved the workshop on. The "
        "sender gets its full view again.",
    ),
    "bad_step": ErrorCode((ACK,), "`goto.step` is not −1 (the lobby) or the index of a step."),
    "not_current": ErrorCode(
        (ACK,),
        "The step is not the running one (`act.step`, or a timer's step); in a "
        "`scenario`, the answer's node is not where the voter's story is now (already left). "
        "The sender gets its full view again.",
    ),
    # -- nicknames ---------------------------------------------------------------------------------------
    "lobby_only": ErrorCode((ACK,), "`reroll` and `rename` are taken only in the lobby."),
    "not_paced": ErrorCode(
        (ACK,), "`page` in a session the facilitator leads, or `pace` for a pack that lists no `self_paced` steps."
    ),
    "paced": ErrorCode(
        (ACK,),
        "A command a self-paced session has no use for: moving between steps, teams, station leaders, "
        "a step's own commands (its results are aggregates); or `pace` once the session has begun.",
    ),
    "own_nicknames_off": ErrorCode((ACK,), "`rename` while typed nicknames are not allowed."),
    "nick_empty": ErrorCode((ACK,), "The typed nickname has no letter or digit left after clean-up."),
    "nick_taken": ErrorCode(
        (ACK,),
        "Someone has (or waits for approval of) that nickname, compared without case; "
        "also when approving a nickname someone got meanwhile.",
    ),
    "nick_blocked": ErrorCode(
        (ACK,), "The nickname contains a word of `content/blocked-nicknames.txt` (the message never repeats it)."
    ),
    "no_pending_nick": ErrorCode((ACK,), "`nick`: that pupil has no typed nickname waiting (already handled)."),
    # -- pupils and teams ----------------------------------------------------------------------------
    "no_such_pupil": ErrorCode(
        (ACK,), "No such seat in this session (`kick`, `readmit`, `remove`), or it was removed (`move`, `mentor`)."
    ),
    "bad_team_count": ErrorCode((ACK,), "`teams.count` is 1: form 0 (no teams) or 2–8."),
    "no_such_team": ErrorCode(
        (ACK, JOIN),
        "`move.team`, or the `team` of an `enter` on a team step or of a team device's join, is not one of the "
        "session's teams (an `enter` on a team step must name one).",
    ),
    "not_team_task": ErrorCode((ACK,), "An `enter` names a team on a step everyone answers alone."),
    "no_team": ErrorCode(
        (ACK,),
        "The pupil is in no team (a team step), in no playing team (board game) or in no "
        "group at a station; `mark_done`: that group is not at a station.",
    ),
    "no_teams": ErrorCode((ACK,), "`start` with no team that has members: split the class first."),
    # -- answering -------------------------------------------------------------------------------------------
    "closed": ErrorCode(
        (ACK,),
        "Answering is not open now (closed, revealed or out of time; the board game is not "
        "voting; the stations are not rotating); also `extend` on a question that is not open, a "
        "board game `close` when not voting and station commands after the rotation.",
    ),
    "bad_option": ErrorCode(
        (ACK,),
        "An option, choice, way or value that the question, card, story node, station list or scale does not have.",
    ),
    "bad_order": ErrorCode((ACK,), "An `order` answer (or a station's `order`) must list every item exactly once."),
    "line_empty": ErrorCode(
        (ACK,), "The text is empty after clean-up (a station line, an open answer, or the facilitator's edited text)."
    ),
    "no_line": ErrorCode((ACK,), "`moderate`: that group has no line at that station, or that voter has no answer."),
    # -- the board game and the stations ------------------------------------------------------------------
    "started": ErrorCode((ACK,), "`start` again: the game or the rotation has already started."),
    "not_started": ErrorCode((ACK,), "A command before `start`."),
    "not_running": ErrorCode((ACK,), "`pause` with nothing running."),
    "not_paused": ErrorCode((ACK,), "`resume` when nothing is paused."),
    "no_timer": ErrorCode(
        (ACK,), "The board game's `extend` with no vote timer running; the system's `timer` with no timer running."
    ),
    "not_yet": ErrorCode((ACK,), "The system's `timer` before the deadline."),
}


def every_error() -> dict[str, ErrorCode]:
    """The kit's codes and those the activity kinds declare (`errors` in each kind's module)."""
    from .activities import KIND_ERRORS  # the kinds' rules import nothing from here

    kinds = {code: ErrorCode((ACK,), error.meaning) for code, error in KIND_ERRORS.items()}
    clash = sorted(set(kinds) & set(ERRORS))
    if clash:
        raise TypeError(f"kinds redeclare the kit's own error codes: {clash}")
    return ERRORS | kinds
