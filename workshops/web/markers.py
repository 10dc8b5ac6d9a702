"""The ArUco markers printed on the answer cards, so that the console can count them with a camera.

Each answer card (templates/print/_answer_cards.html) carries in its centre the marker of the
ARUCO_MIP_36h12 dictionary whose id is the card's number: the dictionary js-aruco2 detects by
default (static/vendor/aruco/, loaded by static/js/scan.js). The marker is upright when the
card's A edge is at the top, so its rotation as the camera sees it tells which letter is up.

The codes are those of js-aruco2 2.0.0's `AR.DICTIONARIES.ARUCO_MIP_36h12.codeList` (src/aruco.js),
ids 0 to 40; the cards use ids 1 to 40.
"""

from __future__ import annotations

#: ARUCO_MIP_36h12 codes for ids 0–40, as published in js-aruco2 2.0.0 (src/aruco.js)
MIP_36H12 = (
    0xD2B63A09D, 0x6001134E5, 0x1206FBE72, 0xFF8AD6CB4, 0x85DA9BC49, 0xB461AFE9C, 0x6DB51FE13,
    0x5248C541F, 0x8F34503, 0x8EA462ECE, 0xEAC2BE76D, 0x1AF615C44, 0xB48A49F27, 0x2E4E1283B,
    0x78B1F2FA8, 0x27D34F57E, 0x89222FFF1, 0x4C1669406, 0xBF49B3511, 0xDC191CD5D, 0x11D7C3F85,
    0x16A130E35, 0xE29F27EFF, 0x428D8AE0C, 0x90D548477, 0x2319CBC93, 0xC3B0C3DFC, 0x424BCCC9,
    0x2A081D630, 0x762743D96, 0xD0645BF19, 0xF38D7FD60, 0xC6CBF9A10, 0x3C1BE7C65, 0x276F75E63,
    0x4490A3F63, 0xDA60ACD52, 0x3CC68DF59, 0xAB46F9DAE, 0x88D533D78, 0xB6D62EC21,
)  # fmt: skip
#: the inner grid of a 36h12 marker: 6 by 6 bits inside a one-cell black border
SIZE = 6
#: the highest card number a marker exists for (printing.MAX_CARDS)
MAX_ID = len(MIP_36H12) - 1


def marker_bits(card_id: int) -> list[list[int]]:
    """The marker's inner 6 by 6 bits for card `card_id`, row by row from the top: 1 is white, 0 black.

    Drawn upright (the card's A edge at the top) inside a black border one cell wide, on white.
    """
    if not 0 <= card_id <= MAX_ID:
        raise ValueError(f"no marker for card {card_id}: ids 0–{MAX_ID}")
    bits = format(MIP_36H12[card_id], f"0{SIZE * SIZE}b")
    return [[int(bits[row * SIZE + col]) for col in range(SIZE)] for row in range(SIZE)]
