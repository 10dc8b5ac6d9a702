"""Typed nicknames against a real server: cleaned or refused with a clear message, never raw."""

from __future__ import annotations

import unicodedata

import pytest

# (what, typed, expected): a cleaned text, or the refusal's code.
CASES = [
    ("HTML and script", "<script>alert(1)</script>", "<script>alert(1)</script"),
    ("right-to-left override", "\u202eniamlaS", "niamlaS"),
    ("zero-width characters", "Ai\u200bn\u200do\ufeff", "Aino"),
    ("a pile of combining marks", "Z" + "\u0336\u0334\u0335" * 60 + "ara", "Z\u0336\u0334ara"),
    ("500 characters", "Kissa" * 100, "Kissa" * 4 + "Kiss"),
    ("only whitespace", " \t\u3000\u00a0 ", "nick_empty"),
    ("only invisible characters", "\u200b\u200c\u200d\u2060", "nick_empty"),
    ("look-alike full-width letters", "\uff2d\uff41\uff54\uff54\uff49", "Matti"),
    ("a blocked word", "vittu", "nick_blocked"),
    ("a blocked word with leetspeak and spaces", "V 1 T T U", "nick_blocked"),
    ("a Swedish blocked word", "Fitta", "nick_blocked"),
    ("an English blocked word", "f\uff55ck", "nick_blocked"),
    ("an ordinary Finnish word that hides an English one", "Kassi Lasse", "Kassi Lasse"),
    ("an ordinary name", "Sanni", "Sanni"),
]


@pytest.fixture
def lobby(server, rooms):
    room = rooms(server)
    host = room.host()
    assert host.send("host", {"type": "own_nicknames", "allowed": True})["ok"]
    return room, host


def test_typed_nicknames_are_cleaned_or_refused(lobby, ledger, server):
    room, host = lobby
    phones = room.phones(len(CASES))
    screen = room.screen()
    for (what, typed, expected), phone in zip(CASES, phones, strict=True):
        seat = phone.view("own_view")["seat"]
        ack = phone.send("pupil", {"type": "rename", "nick": typed})
        ledger.bad_input("nickname: " + what)
        if expected.startswith("nick_"):
            assert ack["ok"] is False and ack["error"] == expected, (what, ack)
            assert ack["message"]
            if typed.strip():
                assert typed.strip().lower() not in ack["message"].lower()  # the word is not repeated back
            continue
        assert ack["ok"], (what, ack)
        pending = host.wait_view(
            "host_view", lambda v, seat=seat: next(p for p in v["pupils"] if p["id"] == seat)["pending"]
        )
        shown = next(p for p in pending["pupils"] if p["id"] == seat)["pending"]
        assert shown == expected, what
        assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in shown)
        # The projector shows it only after the facilitator says yes.
        assert shown not in [n["nick"] for n in screen.view("screen_view")["nicks"]]
        assert host.send("host", {"type": "nick", "seat": seat, "approve": True})["ok"]
        screen.wait_view("screen_view", lambda v, shown=shown: shown in [n["nick"] for n in v["nicks"]])
    assert "Traceback" not in server.log


def test_a_taken_nickname_is_refused_whatever_its_case_or_width(lobby, ledger):
    room, _host = lobby
    first, second = room.phones(2)
    assert first.send("pupil", {"type": "rename", "nick": "Aino"})["ok"]
    for typed in ("aino", "AINO", "\uff21\uff49\uff4e\uff4f", " Aino\u200b "):
        ack = second.send("pupil", {"type": "rename", "nick": typed})
        ledger.bad_input("nickname: somebody else's")
        assert ack["ok"] is False and ack["error"] == "nick_taken", typed
