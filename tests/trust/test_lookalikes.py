"""Look-alike nicknames against a real server: a nickname spelt with Cyrillic or Greek letters,
full-width forms or leetspeak is refused while the nickname it imitates exists."""

from __future__ import annotations

import pytest

ORIGINAL = "Lystikäs Hylje"

# (what, typed): each should be refused (nick_blocked or nick_taken) beside ORIGINAL.
CAUGHT_BY_CLEAN = [
    ("Cyrillic і, Н and е inside Latin words", "Lyst\u0456käs \u041dylj\u0435"),
    ("Greek ι and Η inside Latin words", "Lyst\u03b9käs \u0397ylje"),
    ("full-width letters", "\uff2c\uff59\uff53\uff54\uff49\uff4bäs \uff28\uff59\uff4c\uff4a\uff45"),
]
# These are single-script words, so only a uniqueness check that compares skeletons refuses them.
CAUGHT_BY_UNIQUENESS = [
    ("a whole word in Cyrillic look-alikes", "Lystikäs \u041d\u0443\u04cf\u0458\u0435"),
    ("leetspeak", "Lyst1käs Hylj3"),
    ("capital I for small l", "Lystikäs HyIje"),
]


@pytest.fixture
def lobby(server, rooms):
    room = rooms(server)
    host = room.host()
    assert host.send("host", {"type": "own_nicknames", "allowed": True})["ok"]
    first = room.phone()
    seat = first.view("own_view")["seat"] or first.wait_view("own_view", lambda v: v.get("seat"))["seat"]
    assert first.send("pupil", {"type": "rename", "nick": ORIGINAL})["ok"]
    assert host.send("host", {"type": "nick", "seat": seat, "approve": True})["ok"]
    host.wait_view("host_view", lambda v: ORIGINAL in [p["nick"] for p in v["pupils"]])
    return room, host


def _try(room, host, cases, ledger):
    for what, typed in cases:
        phone = room.phone()
        seat = phone.wait_view("own_view", lambda v: v.get("seat"))["seat"]
        ack = phone.send("pupil", {"type": "rename", "nick": typed})
        ledger.bad_input("nicknames: lookalike " + what)
        assert ack["ok"] is False and ack["error"] in ("nick_blocked", "nick_taken"), (what, ack)
        assert ack["message"] and typed not in ack["message"]
        # Nothing is waiting for approval, and the original is still the only one of its kind.
        view = host.wait_view("host_view", lambda v, seat=seat: any(p["id"] == seat for p in v["pupils"]))
        assert next(p for p in view["pupils"] if p["id"] == seat)["pending"] in (None, "")
        assert [p["nick"] for p in view["pupils"]].count(ORIGINAL) == 1


def test_a_mixed_script_or_full_width_lookalike_is_refused_while_the_original_exists(lobby, ledger, server):
    room, host = lobby
    _try(room, host, CAUGHT_BY_CLEAN, ledger)
    # The same words without the dots on the a are another nickname, and are accepted.
    other = room.phone()
    assert other.send("pupil", {"type": "rename", "nick": "Lystikas Hylje"})["ok"]
    assert "Traceback" not in server.log


def test_a_single_script_lookalike_is_refused_while_the_original_exists(lobby, ledger):
    room, host = lobby
    _try(room, host, CAUGHT_BY_UNIQUENESS, ledger)
