"""The people of a protocol flow test, each a Socket.IO test client with its newest views:
a pupil's phone, the projector and the console. Used by the whole-pack flow tests."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Classroom, act, last, received


class Phone:
    """A pupil's phone: its socket, seat, language and the newest views it got."""

    def __init__(self, room: Classroom, lang: str):
        seat = room.take_seat(lang)
        assert seat["ok"], seat
        self.sock = room.pupil(seat["token"])
        self.lang = lang
        own = last(self.sock, "own_view")
        self.seat, self.nick = own["seat"], own["nick"]
        assert own["lang"] == lang
        self.common: dict[str, Any] = {}
        self.own: dict[str, Any] = own

    def look(self) -> None:
        """Take in the views sent since the last look (a view not sent did not change)."""
        for view in received(self.sock, "pupil_view"):
            self.common = view
        for view in received(self.sock, "own_view"):
            self.own = view

    @property
    def activity(self) -> dict[str, Any]:
        self.look()
        return self.common.get("activity") or {}

    @property
    def mine(self) -> dict[str, Any]:
        self.look()
        return self.own.get("activity") or {}

    @property
    def team(self) -> str | None:
        self.look()
        return self.own.get("team")

    def send(self, step: str, action: dict[str, Any]) -> dict:
        return act(self.sock, "pupil", {"type": "act", "step": step, "action": action})

    def reads(self, text: dict[str, str]) -> str:
        """A text as this phone shows it: in its own language."""
        return text[self.lang]


class _Watcher:
    """A screen that keeps its newest view of one event."""

    event = ""

    def __init__(self, sock: Any):
        self.sock = sock
        self.view: dict[str, Any] = last(self.sock, self.event)

    def now(self) -> dict[str, Any]:
        """The newest view it got."""
        for view in received(self.sock, self.event):
            self.view = view
        return self.view

    @property
    def activity(self) -> dict[str, Any]:
        return self.now().get("activity") or {}


class Projector(_Watcher):
    event = "screen_view"

    def __init__(self, room: Classroom):
        super().__init__(room.screen())


class Console(_Watcher):
    event = "host_view"

    def __init__(self, room: Classroom):
        super().__init__(room.host())

    def do(self, action: dict[str, Any]) -> dict:
        ack = act(self.sock, "host", action)
        assert ack["ok"], (action, ack)
        return ack

    def step(self, step: str, action: dict[str, Any]) -> dict:
        return self.do({"type": "act", "step": step, "action": action})


def shown(view: dict[str, Any]) -> str:
    """Everything a view holds, as one text to search."""
    return json.dumps(view, ensure_ascii=False)


def walk_story(phones: list[Phone], step: str, paths: list[list[tuple[str, str]]]) -> None:
    """Each phone takes its path through a story; after each choice it reads the consequence
    in its own language, and at the end the story has ended for it."""
    for p, path in zip(phones, paths, strict=True):
        for n, (node, choice) in enumerate(path):
            assert p.mine["at"] == node, (step, p.mine)
            ack = p.send(step, {"type": "answer", "node": node, "choice": choice})
            assert ack["ok"], (step, node, choice, ack)
            taken = p.mine["path"]
            assert len(taken) == n + 1 and taken[-1]["choice"] == choice
            assert p.reads(taken[-1]["consequence"])  # told in the phone's language
        assert p.mine["at"] is None, (step, p.mine)
