"""The answer cards' ArUco markers (workshops/web/markers.py): one per card, never mistaken for another."""

from __future__ import annotations

import pytest

from workshops.web.markers import MAX_ID, marker_bits
from workshops.web.printing import MAX_CARDS


def _turned(bits: list[list[int]]) -> list[list[int]]:
    """The marker turned a quarter clockwise."""
    n = len(bits)
    return [[bits[n - 1 - col][row] for col in range(n)] for row in range(n)]


def _rotations(bits: list[list[int]]) -> list[tuple[tuple[int, ...], ...]]:
    found = []
    for _ in range(4):
        found.append(tuple(tuple(row) for row in bits))
        bits = _turned(bits)
    return found


def test_every_card_has_a_six_by_six_marker():
    assert MAX_ID >= MAX_CARDS
    for card in range(1, MAX_CARDS + 1):
        bits = marker_bits(card)
        assert len(bits) == 6
        assert all(len(row) == 6 and set(row) <= {0, 1} for row in bits)


def test_markers_are_distinct():
    markers = [tuple(tuple(row) for row in marker_bits(card)) for card in range(1, MAX_CARDS + 1)]
    assert len(set(markers)) == MAX_CARDS


def test_no_rotation_of_a_marker_is_another_card_or_itself():
    owner: dict[tuple[tuple[int, ...], ...], int] = {}
    for card in range(1, MAX_CARDS + 1):
        turns = _rotations(marker_bits(card))
        # its own four rotations differ, so the rotation says which letter is up
        assert len(set(turns)) == 4, f"card {card} looks the same turned"
        for turn in turns:
            assert turn not in owner, f"card {card} turned looks like card {owner.get(turn)}"
            owner[turn] = card


def test_first_marker_matches_js_aruco2():
    # ARUCO_MIP_36h12 id 1 is 0x6001134e5 in js-aruco2's src/aruco.js: 36 bits, row by row, 1 white
    bits = "".join(str(b) for row in marker_bits(1) for b in row)
    assert int(bits, 2) == 0x6001134E5


@pytest.mark.parametrize("card", [-1, MAX_ID + 1])
def test_no_marker_outside_the_table(card):
    with pytest.raises(ValueError):
        marker_bits(card)
