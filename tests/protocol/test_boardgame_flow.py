"""A whole board game over Socket.IO: 3 teams of 3 pupils, a reconnect mid-vote, a restart mid-game."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, Classroom, act, last, shipped_or_fixture

PACKS = shipped_or_fixture(
    ("minipeli", ROOT / "tests" / "packs" / "good" / "minipeli"),
    ("arjen-valinnat", ROOT / "content" / "arjen-valinnat"),
)


def game_cmd(host, step, kind, **extra):
    return act(host, "host", {"type": "act", "step": step, "action": {"type": kind, **extra}})


@pytest.mark.parametrize("pack_room", PACKS, ids=[p[0] for p in PACKS], indirect=True)
def test_whole_game(pack_room: Classroom, make_app):
    room = pack_room
    config = {"CONTENT_DIR": room.app.config["CONTENT_DIR"]}
    host, screen = room.host(), room.screen()
    pupils = [room.pupil() for _ in range(9)]
    assert act(host, "host", {"type": "teams", "count": 3})["ok"]
    pack = room.live.state.pack
    index = next(i for i, s in enumerate(pack.agenda) if s.kind == "boardgame")
    step = pack.agenda[index]
    act(host, "host", {"type": "goto", "step": index, "expect": -1})
    assert game_cmd(host, step.id, "start")["ok"]
    teams = last(host, "host_view")["activity"]["teams"]
    assert len(teams) == 3 and all(t["position"] == 0 for t in teams)

    restarted = False
    for round_no in range(1, step.rounds + 1):
        assert game_cmd(host, step.id, "deal")["ok"]
        view = last(host, "host_view")["activity"]
        if view["phase"] == "ended":
            break
        hands = {t["team"]: t["card"] for t in view["teams"] if "card" in t}
        for i, pupil in enumerate(pupils):
            own = last(pupil, "own_view")
            card = own["activity"].get("card")
            if card is None:
                continue
            choice = card["choices"][i % len(card["choices"])]["id"]
            assert card["id"] == hands[own["team"]]["id"]
            assert "questions" not in card and "notes" not in card  # facilitator-only
            ack = act(
                pupil,
                "pupil",
                {"type": "act", "step": step.id, "action": {"type": "vote", "choice": choice}},
                cid=f"r{round_no}-{i}",
            )
            assert ack["ok"], ack
        if round_no == 1:
            # A phone drops mid-vote and comes back: same team, same vote.
            token = pupils[0].token
            pupils[0].disconnect()
            pupils[0] = room.connect("pupil", token=token)
            again = last(pupils[0], "own_view")
            assert again["seat"] == "p1" and again["activity"]["mine"] is not None
        screen_view = last(screen, "screen_view")["activity"]
        assert "votes" not in screen_view
        assert all("last" not in t for t in screen_view["teams"])  # nothing revealed yet
        if round_no == 2 and not restarted:
            # The server restarts mid-vote: the game and every vote are replayed.
            state = room.live.state
            room.app = make_app(**config)
            room.manager = room.app.extensions["workshops"].manager
            room.live = room.manager.get(room.code)
            assert room.live.state == state
            host = room.connect("host", key=room.host_key)
            screen = room.connect("screen", key=room.screen_key)
            tokens = [room.manager.keys.pupil_token(room.live.id, f"p{i + 1}") for i in range(9)]
            pupils = [room.connect("pupil", token=token) for token in tokens]
            restarted = True
        assert game_cmd(host, step.id, "reveal")["ok"]
        revealed = last(screen, "screen_view")["activity"]
        if revealed["phase"] == "ended":
            break
        # every team that had a card this round has its outcome on the projector
        assert all(t.get("last") for t in revealed["teams"] if t["team"] in hands)
    if room.live.state.activities[step.id].phase != "ended":
        assert game_cmd(host, step.id, "end")["ok"]
    newest = last(screen, "screen_view")
    final = newest["activity"] if newest else revealed  # the reveal that ended the game
    assert final["phase"] == "ended"
    assert all(t["journey"] for t in final["teams"])
    # No pupil is ever named on the projector during or after the game.
    nicks = [p.nick for p in room.live.state.pupils.values()]
    assert not any(n in str(final) for n in nicks)
    own = last(pupils[3], "own_view")["activity"]
    assert own["journey"] and own["journey"][0]["split"]
