"""The real-time protocol with several clients: host, projector and pupils in one session."""

from __future__ import annotations

from tests.conftest import Classroom, act, last


def goto(host, step: int, expect: int) -> dict:
    return act(host, "host", {"type": "goto", "step": step, "expect": expect})


def vote(pupil, step: str, *options: str, cid: str | None = None) -> dict:
    return act(pupil, "pupil", {"type": "act", "step": step, "action": {"type": "vote", "options": list(options)}}, cid)


def test_join_shows_pupils_on_projector_and_host(classroom: Classroom):
    host, screen = classroom.host(), classroom.screen()
    pupils = [classroom.pupil() for _ in range(3)]
    screen_view = last(screen, "screen_view")
    assert screen_view["pupil_count"] == 3
    nicks = {p["nick"] for p in screen_view["nicks"]}
    assert len(nicks) == 3 and all(" " in n for n in nicks)
    host_view = last(host, "host_view")
    assert [p["online"] for p in host_view["pupils"]] == [True, True, True]
    own = last(pupils[0], "own_view")
    assert own["nick"] in nicks and own["removed"] is False
    assert last(pupils[0], "pupil_view")["phase"] == "lobby"


def test_poll_counts_reach_projector_only_after_reveal(classroom: Classroom):
    host, screen = classroom.host(), classroom.screen()
    pupils = [classroom.pupil() for _ in range(3)]
    assert goto(host, 0, -1)["ok"]
    assert goto(host, 1, 0)["ok"]
    assert vote(pupils[0], "fiilis", "ok")["ok"]
    assert vote(pupils[1], "fiilis", "ok")["ok"]
    assert vote(pupils[2], "fiilis", "pirtea")["ok"]
    before = last(screen, "screen_view")["activity"]
    assert before["answered"] == 3 and "counts" not in before
    assert last(host, "host_view")["activity"]["counts"] == {"pirtea": 1, "ok": 2, "vasyttaa": 0, "en-tieda": 0}
    # Pupils never see the tally of others before the reveal either.
    assert "counts" not in (last(pupils[0], "pupil_view") or {}).get("activity", {})
    assert act(host, "host", {"type": "act", "step": "fiilis", "action": {"type": "reveal"}})["ok"]
    after = last(screen, "screen_view")["activity"]
    assert after["counts"] == {"pirtea": 1, "ok": 2, "vasyttaa": 0, "en-tieda": 0}
    assert last(pupils[2], "pupil_view")["activity"]["counts"]["pirtea"] == 1


def test_quiz_hides_answer_until_reveal_and_marks_each_pupil(classroom: Classroom):
    host, screen = classroom.host(), classroom.screen()
    right, wrong = classroom.pupil(), classroom.pupil()
    goto(host, 2, -1)
    common = last(right, "pupil_view")["activity"]
    assert "correct" not in common and "explanation" not in common
    assert "correct" not in last(screen, "screen_view")["activity"]
    assert vote(right, "hatanumero", "n112")["ok"]
    assert vote(wrong, "hatanumero", "n911")["ok"]
    assert "right" not in last(right, "own_view")["activity"]
    act(host, "host", {"type": "act", "step": "hatanumero", "action": {"type": "reveal"}})
    assert last(screen, "screen_view")["activity"]["correct"] == ["n112"]
    assert last(right, "own_view")["activity"]["right"] is True
    assert last(wrong, "own_view")["activity"]["right"] is False
    assert last(wrong, "pupil_view")["activity"]["explanation"]["fi"].startswith("112")
    # Answering after the reveal is refused with a stable code and changes nothing.
    last(host, "host_view")
    ack = vote(wrong, "hatanumero", "n112")
    assert ack == {"ok": False, "error": "closed", "message": ack["message"], "rev": ack["rev"]}
    assert last(host, "host_view") is None


def test_a_vote_sent_twice_counts_once(classroom: Classroom):
    host = classroom.host()
    pupil = classroom.pupil()
    goto(host, 1, -1)
    first = vote(pupil, "fiilis", "ok", cid="abc")
    again = vote(pupil, "fiilis", "ok", cid="abc")
    assert first["ok"] and again == {"ok": True, "rev": first["rev"], "duplicate": True}
    assert last(host, "host_view")["activity"]["counts"]["ok"] == 1
    vote(pupil, "fiilis", "ok", cid="def")  # same answer, new id: still one vote, nothing sent
    assert last(host, "host_view") is None
    assert classroom.live.state.activities["fiilis"].votes == {"p1": ("ok",)}


def test_a_vote_costs_no_message_to_other_pupils(classroom: Classroom):
    host = classroom.host()
    voter, other = classroom.pupil(), classroom.pupil()
    goto(host, 1, -1)
    other.get_received()
    other.__dict__.pop("_inbox", None)
    vote(voter, "fiilis", "ok")
    assert other.get_received() == []


def test_kick_holds_on_the_server(classroom: Classroom):
    host = classroom.host()
    pupil = classroom.pupil()
    seat = last(pupil, "own_view")["seat"]
    assert act(host, "host", {"type": "kick", "seat": seat})["ok"]
    assert not pupil.is_connected()
    again = classroom.connect("pupil", token=pupil.token)
    assert not again.is_connected()
    view = last(host, "host_view")
    assert [p["kicked"] for p in view["pupils"]] == [True]
    assert last(classroom.screen(), "screen_view")["pupil_count"] == 0


def test_locked_lobby_refuses_newcomers_but_lets_joined_pupils_back(classroom: Classroom):
    host = classroom.host()
    pupil = classroom.pupil()
    assert act(host, "host", {"type": "lock", "locked": True})["ok"]
    seat = classroom.take_seat()
    assert seat["status"] == 409 and seat["error"] == "locked"
    pupil.disconnect()
    back = classroom.connect("pupil", token=pupil.token)
    assert back.is_connected()


def test_teams_balanced_and_pupil_moved(classroom: Classroom):
    host = classroom.host()
    pupils = [classroom.pupil() for _ in range(7)]
    assert act(host, "host", {"type": "teams", "count": 3})["ok"]
    view = last(host, "host_view")
    assert sorted(t["size"] for t in view["teams"]) == [2, 2, 3]
    own = last(pupils[0], "own_view")
    target = next(t["id"] for t in view["teams"] if t["id"] != own["team"])
    assert act(host, "host", {"type": "move", "seat": own["seat"], "team": target})["ok"]
    assert last(pupils[0], "own_view")["team"] == target
    latecomer = classroom.pupil()
    assert last(latecomer, "own_view")["team"] is not None  # joins the smallest team


def test_team_answer_is_the_majority_and_teammates_see_the_split(classroom: Classroom):
    host = classroom.host()
    pupils = [classroom.pupil() for _ in range(4)]
    act(host, "host", {"type": "teams", "count": 2})
    goto(host, 3, -1)
    teams: dict[str, list] = {}
    for p in pupils:
        teams.setdefault(last(p, "own_view")["team"], []).append(p)
    a, b = teams.values()
    vote(a[0], "valitunti", "pallo")
    vote(a[1], "valitunti", "pallo")
    vote(b[0], "valitunti", "jutella")
    vote(b[1], "valitunti", "keksia")  # a 1-1 tie: the earlier vote wins
    own = last(a[1], "own_view")["activity"]
    assert own["team_answer"] == ["pallo"] and len(own["team_votes"]) == 2
    assert last(b[0], "own_view")["activity"]["team_answer"] == ["jutella"]
    act(host, "host", {"type": "act", "step": "valitunti", "action": {"type": "reveal"}})
    assert last(host, "host_view")["activity"]["counts"] == {"pallo": 1, "jutella": 1, "keksia": 0}


def test_two_hosts_pressing_next_at_once_advance_once(classroom: Classroom):
    one, two = classroom.host(), classroom.host()
    first = goto(one, 0, -1)
    second = goto(two, 0, -1)
    assert first["ok"] and second["error"] == "stale"
    assert classroom.live.state.step == 0
    stale = goto(two, 1, -1)
    assert stale["error"] == "stale" and classroom.live.state.step == 0
    assert last(two, "host_view")["step"]["index"] == 0  # the refused tab was refreshed


def _vote_in(step: str, fields: dict) -> dict:
    """A vote action for one step, with the given fields (right or wrong)."""
    return {"type": "act", "step": step, "action": {"type": "vote", **fields}}


def test_pupil_cannot_send_host_commands(classroom: Classroom):
    host = classroom.host()
    pupil = classroom.pupil()
    assert act(pupil, "host", {"type": "goto", "step": 0, "expect": -1})["error"] == "forbidden"
    assert act(pupil, "pupil", {"type": "goto", "step": 0, "expect": -1})["error"] == "unknown_action"
    reveal = {"type": "act", "step": "fiilis", "action": {"type": "reveal"}}
    assert act(pupil, "pupil", reveal)["error"] == "unknown_action"
    assert classroom.live.state.step == -1
    assert last(host, "host_view") is not None  # the host's connect view only


def test_bad_payloads_get_stable_errors(classroom: Classroom):
    host = classroom.host()
    pupil = classroom.pupil()
    goto(host, 1, -1)
    cases = [
        ("pupil", {"action": _vote_in("fiilis", {"options": ["zz"]})}, "bad_option"),
        ("pupil", {"action": _vote_in("fiilis", {"options": "ok"})}, "bad_payload"),
        ("pupil", {"action": _vote_in("fiilis", {"options": ["ok"], "x": 1})}, "bad_payload"),
        ("pupil", {"action": {"type": "reroll"}, "extra": True}, "bad_payload"),
        ("pupil", {"action": _vote_in("hatanumero", {"options": ["n112"]})}, "not_current"),
        ("pupil", {"action": _vote_in("nope", {"options": ["ok"]})}, "unknown_step"),
        ("pupil", "not even a dict", "bad_payload"),
        ("host", {"action": {"type": "goto", "step": "1", "expect": 1}}, "bad_payload"),
        ("host", {"action": {"type": "teams", "count": 99}}, "bad_payload"),
    ]
    for event, payload, code in cases:
        sock = host if event == "host" else pupil
        ack = sock.emit(event, payload, callback=True)
        assert ack["ok"] is False and ack["error"] == code, (payload, ack)
        assert "Traceback" not in ack["message"]
    unknown = pupil.emit("no-such-event", {}, callback=True)
    assert unknown["error"] == "unknown_event"
    # One object per event: none, or one too many, is refused the same way, not a server error.
    vote = {"action": {"type": "act", "step": "fiilis", "action": {"type": "vote", "options": ["ok"]}}}
    for args in ((), (vote, vote)):
        ack = pupil.emit("pupil", *args, callback=True)
        assert ack["ok"] is False and ack["error"] == "bad_payload", (args, ack)
    assert last(host, "host_view")["activity"]["answered"] == 0


def test_connect_refuses_forged_or_missing_credentials(classroom: Classroom):
    classroom.pupil()
    bad = [
        {"role": "host", "key": "forged"},
        {"role": "host"},
        {"role": "screen", "key": classroom.host_key + "x"},
        {"role": "pupil", "token": "p1.forged"},
        {"role": "pupil"},
        {"role": "wizard"},
    ]
    for auth in bad:
        assert not classroom.connect(**auth).is_connected(), auth
    # A host key is not a projector key, and vice versa.
    assert not classroom.connect("screen", key=classroom.host_key).is_connected()
    assert not classroom.connect("host", key=classroom.screen_key).is_connected()


def test_reconnecting_pupil_gets_seat_nick_team_and_answer_back(classroom: Classroom):
    host = classroom.host()
    pupil = classroom.pupil()
    act(host, "host", {"type": "teams", "count": 2})
    goto(host, 1, -1)
    vote(pupil, "fiilis", "vasyttaa")
    before = last(pupil, "own_view")
    pupil.disconnect()
    assert [p["online"] for p in last(host, "host_view")["pupils"]] == [False]
    again = classroom.connect("pupil", token=pupil.token)
    after = last(again, "own_view")
    assert after["seat"] == before["seat"] and after["nick"] == before["nick"] and after["team"] == before["team"]
    assert after["activity"]["mine"] == ["vasyttaa"]
    assert last(again, "pupil_view")["step"]["id"] == "fiilis"


def test_host_reload_loses_nothing(classroom: Classroom):
    host = classroom.host()
    pupil = classroom.pupil()
    goto(host, 1, -1)
    vote(pupil, "fiilis", "ok")
    host.disconnect()
    view = last(classroom.host(), "host_view")
    assert view["step"]["id"] == "fiilis" and view["activity"]["counts"]["ok"] == 1
    assert view["notes"]["fi"].startswith("Kysely on nimetön")


def test_restart_replays_the_journal(make_app):
    first = make_app()
    room = Classroom(first)
    host = room.host()
    pupils = [room.pupil() for _ in range(3)]
    act(host, "host", {"type": "teams", "count": 2})
    goto(host, 1, -1)
    for p, opt in zip(pupils, ["ok", "ok", "pirtea"], strict=True):
        assert vote(p, "fiilis", opt, cid=f"v-{opt}")["ok"]
    before = room.live.state
    own_before = [last(p, "own_view") for p in pupils]

    second = make_app()  # a new process on the same data dir
    manager = second.extensions["workshops"].manager
    live = manager.get(room.code)
    assert live is not None and live.state == before
    room.app = second
    host2 = room.connect("host", key=room.host_key)
    assert last(host2, "host_view")["activity"]["counts"] == {"pirtea": 1, "ok": 2, "vasyttaa": 0, "en-tieda": 0}
    for p, own in zip(pupils, own_before, strict=True):
        back = room.connect("pupil", token=p.token)
        view = last(back, "own_view")
        assert (view["seat"], view["nick"], view["team"]) == (own["seat"], own["nick"], own["team"])
        # A retry of an acknowledged action after the restart is applied once.
        retry = vote(back, "fiilis", view["activity"]["mine"][0], cid=f"v-{view['activity']['mine'][0]}")
        assert retry.get("duplicate") is True


def test_own_nicknames_are_off_by_default_and_cleaned_when_on(classroom: Classroom):
    host = classroom.host()
    pupil = classroom.pupil()
    other = classroom.pupil()
    assert act(pupil, "pupil", {"type": "rename", "nick": "Aino"})["error"] == "own_nicknames_off"
    act(host, "host", {"type": "own_nicknames", "allowed": True})
    screen = classroom.screen()
    generated = last(pupil, "own_view")["nick"]
    typed = "<b>\uff21\uff49\uff4e\uff4f</b>\u202e\u200b"  # "Aino" in full-width letters, and invisible marks
    assert act(pupil, "pupil", {"type": "rename", "nick": typed})["ok"]
    own = last(pupil, "own_view")
    assert own["pending"] == "<b>Aino</b>"  # kept as text: pages render it with textContent
    assert own["nick"] == generated
    # The projector shows typed text only after the facilitator approves it.
    assert "Aino" not in str(last(screen, "screen_view"))
    assert next(p["pending"] for p in last(host, "host_view")["pupils"]) == "<b>Aino</b>"
    assert act(other, "pupil", {"type": "rename", "nick": "<B>aino</B>"})["error"] == "nick_taken"
    assert act(host, "host", {"type": "nick", "seat": own["seat"], "approve": True})["ok"]
    assert next(n["nick"] for n in last(screen, "screen_view")["nicks"]) == "<b>Aino</b>"
    assert act(other, "pupil", {"type": "rename", "nick": "Kalle"})["ok"]
    seat = last(other, "own_view")["seat"]
    assert act(host, "host", {"type": "nick", "seat": seat, "approve": False})["ok"]
    assert last(other, "own_view")["pending"] is None and "Kalle" not in str(last(screen, "screen_view"))
    assert act(other, "pupil", {"type": "rename", "nick": " \u200b "})["error"] == "nick_empty"
    old = last(other, "own_view")
    assert act(other, "pupil", {"type": "reroll"})["ok"]
    assert last(other, "own_view")["nick"] != (old or {}).get("nick", "")


def test_timer_closes_the_question(classroom: Classroom, clock):
    host = classroom.host()
    pupil = classroom.pupil()
    goto(host, 2, -1)  # the quiz has a 30 s timer
    deadline = last(pupil, "pupil_view")["activity"]["closes_at"]
    assert deadline == clock.now + 30
    assert classroom.manager.due_timers() == []
    clock.advance(31)
    fired = classroom.manager.due_timers()
    assert len(fired) == 1
    assert classroom.live.state.activities["hatanumero"].phase == "closed"
    assert vote(pupil, "hatanumero", "n112")["error"] == "closed"


def test_nicknames_change_only_in_the_lobby(classroom: Classroom):
    host = classroom.host()
    pupil = classroom.pupil()
    assert act(pupil, "pupil", {"type": "reroll"})["ok"]
    goto(host, 0, -1)
    assert act(pupil, "pupil", {"type": "reroll"})["error"] == "lobby_only"


def test_an_action_that_changes_nothing_is_not_saved_or_sent(classroom: Classroom):
    host = classroom.host()
    pupil = classroom.pupil()
    goto(host, 1, -1)
    vote(pupil, "fiilis", "ok")
    last(host, "host_view")
    rev = classroom.live.state.rev
    again = vote(pupil, "fiilis", "ok")
    assert again == {"ok": True, "rev": rev}
    assert last(host, "host_view") is None and classroom.live.state.rev == rev


def test_event_limit_holds_across_reconnects(make_app):
    room = Classroom(make_app(EVENT_BURST=5, EVENTS_PER_SECOND=0.001))
    room.host()
    pupil = room.pupil()  # the connect itself costs 3
    acks = [act(pupil, "pupil", {"type": "lang", "lang": lang}) for lang in ["sv", "fi", "sv"]]
    assert [a["ok"] for a in acks] == [True, True, False] and acks[-1]["error"] == "rate_limited"
    pupil.disconnect()
    again = room.connect("pupil", token=pupil.token)
    assert not again.is_connected()  # no free refill by reconnecting
