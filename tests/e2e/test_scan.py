"""Scanning the paper answer cards with a camera (issue #16): a fake camera shows printed cards.

The cards come from the real print page (/print/<pack>?cards=3), photographed by Playwright and
laid on a white picture turned so that they answer A, A and C. The picture becomes a YUV4MPEG2
video (written here in pure Python) that Chromium plays as its camera; the console's scanner
(static/js/scan.js) must count A = 2, C = 1.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARGS, CHROMIUM, start_session

PACK = "jamakkyytta"
W, H = 1280, 720
#: (card number, degrees the card is turned clockwise) and the counts the scanner must give: A at the
#: top, A tilted a little, C at the top; then B (turned anticlockwise: the right edge up) and D twice.
SCENES = {
    "A A C": ([(1, 0), (2, 12), (3, 180)], {"A": 2, "B": 0, "C": 1, "D": 0}),
    "B D D": ([(1, -90), (2, 90), (3, 80)], {"A": 0, "B": 1, "C": 0, "D": 2}),
}

COMPOSE = """async ([cards, w, h]) => {
  const canvas = document.createElement("canvas");
  canvas.width = w; canvas.height = h;
  const g = canvas.getContext("2d");
  g.fillStyle = "#d8d4cc"; g.fillRect(0, 0, w, h);  // a wall behind the pupils
  const side = Math.min(w / (cards.length + 0.5), h * 0.8);
  for (const [i, [png, degrees]] of cards.entries()) {
    const img = new Image();
    img.src = "data:image/png;base64," + png;
    await img.decode();
    g.save();
    g.translate((i + 0.75) * w / (cards.length + 0.5), h / 2);
    g.rotate(degrees * Math.PI / 180);
    g.drawImage(img, -side / 2, -side / 2, side, side);
    g.restore();
  }
  const rgba = g.getImageData(0, 0, w, h).data;
  let bin = "";
  for (let i = 0; i < rgba.length; i += 0x8000) bin += String.fromCharCode(...rgba.subarray(i, i + 0x8000));
  return btoa(bin);
}"""


def y4m(rgba: bytes, width: int, height: int, frames: int = 2) -> bytes:
    """An RGBA picture as a still YUV4MPEG2 video: 4:2:0, full-range BT.601."""
    r, g, b = rgba[0::4], rgba[1::4], rgba[2::4]
    y = bytes((77 * rr + 150 * gg + 29 * bb + 128) >> 8 for rr, gg, bb in zip(r, g, b, strict=True))
    u, v = bytearray(), bytearray()
    for row in range(0, height, 2):
        top, bottom = row * width, (row + 1) * width
        for col in range(0, width, 2):
            px = (top + col, top + col + 1, bottom + col, bottom + col + 1)
            rs, gs, bs = sum(r[p] for p in px) / 4, sum(g[p] for p in px) / 4, sum(b[p] for p in px) / 4
            u.append(max(0, min(255, round(128 - 0.168736 * rs - 0.331264 * gs + 0.5 * bs))))
            v.append(max(0, min(255, round(128 + 0.5 * rs - 0.418688 * gs - 0.081312 * bs))))
    header = f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420\n".encode()
    return header + b"".join(b"FRAME\n" + y + bytes(u) + bytes(v) for _ in range(frames))


@pytest.fixture(params=list(SCENES))
def scene(request):
    return SCENES[request.param]


@pytest.fixture
def camera_video(desktop, server, tmp_path, scene) -> Path:
    cards, _counts = scene
    page = desktop.new_page()
    page.goto(f"{server.url}/print/{PACK}?lang=fi&cards=3")
    pictures = {}
    for number, _ in cards:
        card = page.locator(".acard").nth(number - 1)
        expect(card.locator("svg.acard-marker")).to_be_visible()
        pictures[number] = base64.b64encode(card.screenshot()).decode()
    page.close()
    blank = desktop.new_page()
    rgba = base64.b64decode(blank.evaluate(COMPOSE, [[[pictures[n], d] for n, d in cards], W, H]))
    blank.close()
    (tmp_path / "cards.rgba").write_bytes(rgba)  # for looking at when the test fails
    video = tmp_path / "cards.y4m"
    video.write_bytes(y4m(rgba, W, H))
    return video


@pytest.fixture
def camera_browser(browser, camera_video):
    fake = [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={camera_video}",
    ]
    other = browser.browser_type.launch(executable_path=CHROMIUM, args=[*ARGS, *fake])
    yield other
    other.close()


def test_the_scanner_counts_the_cards_by_the_letter_at_their_top(camera_browser, server, watch, scene):
    _cards, counts = scene
    letters = {letter: str(n) for letter, n in counts.items()}
    ctx = watch.attach(camera_browser.new_context(viewport={"width": 1280, "height": 800}, locale="fi-FI"))
    try:
        host, _code = start_session(ctx, server, PACK)
        host.evaluate(
            """async () => {
              const { scanButton } = await import("/static/js/scan.js");
              window.__counts = null;
              const rows = ["A", "B", "C", "D"].map((l) => ({ key: l, labelText: l }));
              const button = scanButton({ stepId: "scan-test" }, rows, (counts) => { window.__counts = counts; });
              document.querySelector("main, body").append(button);
            }"""
        )
        host.locator("[data-scan-cards]").click()
        dialog = host.locator("dialog.scan-dialog")
        expect(dialog).to_be_visible()
        expect(dialog.locator(".scan-seen")).to_have_attribute("data-cards", "1 2 3", timeout=15000)
        for letter, n in letters.items():
            expect(dialog.locator(f"[data-scan-count={letter}]")).to_have_text(n)
        dialog.locator("[data-scan-use]").click()
        expect(dialog).to_have_count(0)
        assert host.evaluate("() => window.__counts") == counts

        # Cancel closes the dialog and lets the camera go.
        host.evaluate(
            """() => {
              const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
              window.__tracks = [];
              navigator.mediaDevices.getUserMedia = async (c) => {
                const s = await real(c); window.__tracks.push(...s.getTracks()); return s;
              };
            }"""
        )
        host.locator("[data-scan-cards]").click()
        expect(dialog.locator(".scan-seen")).to_have_attribute("data-cards", "1 2 3", timeout=15000)
        dialog.locator("[data-scan-cancel]").click()
        expect(dialog).to_have_count(0)
        assert host.evaluate(
            "() => window.__tracks.length > 0 && window.__tracks.every((t) => t.readyState === 'ended')"
        )
        assert host.evaluate("() => window.__counts") == counts
        watch.flush(ctx)
    finally:
        ctx.close()


def test_no_camera_is_said_in_plain_words(desktop, server):
    host, _code = start_session(desktop, server, PACK)
    host.evaluate(
        """async () => {
          navigator.mediaDevices.getUserMedia = async () => { throw new DOMException("no camera", "NotFoundError"); };
          const { scanButton } = await import("/static/js/scan.js");
          const rows = ["A", "B"].map((l) => ({ key: l, labelText: l }));
          document.querySelector("main, body").append(scanButton({ stepId: "scan-test" }, rows, () => {}));
        }"""
    )
    host.locator("[data-scan-cards]").click()
    dialog = host.locator("dialog.scan-dialog")
    said = host.evaluate("() => JSON.parse(document.getElementById('strings').textContent).scan_no_camera")
    expect(dialog.get_by_role("alert")).to_have_text(said)
    expect(dialog.locator("[data-scan-letter]")).to_have_count(2)
    dialog.locator("[data-scan-cancel]").click()
    expect(dialog).to_have_count(0)
