"""The pupil's phone at 360 px (issue #15 item 4c, d, f and the options' shapes and touch targets).

After a reveal the phone says in words which option is the pupil's answer and which is the right
one (a mark on a wrong pick read as "right"); the order reveal heads its two lists. Nicknames wrap
between words. The scale's faces are pictures, not emoji. Options carry a shape besides their
colour and letter. The header's and footer's controls are at least 44 x 44 px."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.e2e.conftest import go_to_step_with, join, start_session

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (ROOT / "content" / "digitutkijat" / "pack.yaml").exists(), reason="needs Digitutkijat"),
]

YOURS = "Sinun vastauksesi"
RIGHT = "Oikea vastaus"
EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2b55]")


def _shot(page, name: str) -> None:
    """A full-page screenshot into $SHOTS, when set, to look at by eye."""
    if os.environ.get("SHOTS"):
        page.screenshot(path=os.path.join(os.environ["SHOTS"], f"{name}.png"), full_page=True)


def _on_step(host, phones: list, step: str) -> None:
    go_to_step_with(host, f"#stage .activity[data-step='{step}']")
    for phone in phones:
        expect(phone.locator(f".activity[data-step='{step}']")).to_be_visible()


def _reveal(host, phones: list) -> None:
    host.locator("#reveal").click()
    for phone in phones:
        expect(phone.locator(".verdict")).to_be_visible()


def test_after_a_reveal_the_phone_says_which_is_yours_and_which_is_right(desktop, phones, server):
    host, code = start_session(desktop, server, "digitutkijat")
    wrong, right = join(phones, server, code, 2)

    _on_step(host, [wrong, right], "kaveri-tf")  # true or false: the answer is true
    wrong.locator("button[data-value=false]").tap()
    right.locator("button[data-value=true]").tap()
    expect(host.locator(".progress")).to_contain_text("2 / 2")
    _reveal(host, [wrong, right])
    expect(wrong.locator("button[data-value=false] .opt-tag")).to_have_text([YOURS])
    expect(wrong.locator("button[data-value=true] .opt-tag")).to_have_text([RIGHT])
    expect(right.locator("button[data-value=true] .opt-tag")).to_have_text([YOURS, RIGHT])
    expect(right.locator("button[data-value=false] .opt-tag")).to_have_count(0)

    _on_step(host, [wrong, right], "peliaika-jarjestys")  # order: the phones show a scrambled order
    while wrong.locator("button[data-item]").count():
        wrong.locator("button[data-item]").first.tap()
    expect(wrong.locator(".answer-msg")).not_to_be_empty()
    _reveal(host, [wrong])
    mine, solution = wrong.locator(".order-mine"), wrong.locator(".order-solution")
    expect(mine.locator(".list-head")).to_have_text(YOURS)
    expect(solution.locator(".list-head")).to_have_text(RIGHT)
    expect(mine.locator("ol li")).to_have_count(4)
    expect(solution.locator("ol li").first).to_have_text("Sovi aikuisen kanssa, kauanko pelaat.")
    expect(wrong.locator(".verdict.wrong")).to_be_visible()
    _shot(wrong, "order-reveal-360")

    _on_step(host, [wrong, right], "salasana-visa")  # a quiz: the right option is the last, D
    wrong.locator("button[data-option=numerot]").tap()
    right.locator("button[data-option=lause]").tap()
    expect(host.locator(".progress")).to_contain_text("2 / 2")
    _reveal(host, [wrong, right])
    expect(wrong.locator("button[data-option=numerot] .opt-tag")).to_have_text([YOURS])
    expect(wrong.locator("button[data-option=lause] .opt-tag")).to_have_text([RIGHT])
    expect(right.locator("button[data-option=lause] .opt-tag")).to_have_text([YOURS, RIGHT])
    expect(wrong.locator(".verdict.wrong")).to_be_visible()
    # No check mark anywhere on the wrong pick, in its text or drawn by the stylesheet.
    pick = wrong.locator("button[data-option=numerot]")
    assert "✓" not in pick.inner_text()
    drawn = pick.evaluate(
        "b => [...b.querySelectorAll('*')]"
        ".flatMap(e => ['::before', '::after'].map(p => getComputedStyle(e, p).content))"
    )
    assert not any("✓" in c for c in drawn), drawn
    _shot(wrong, "choice-reveal-360")


def test_options_carry_a_shape_besides_their_colour_and_letter(desktop, phones, server):
    host, code = start_session(desktop, server, "digitutkijat")
    (phone,) = join(phones, server, code, 1)
    _on_step(host, [phone], "salasana-visa")
    letters = phone.locator("button.opt .opt-letter")
    expect(letters).to_have_count(4)
    shapes = [letters.nth(i).locator("svg.opt-mark").get_attribute("class") for i in range(4)]
    assert len(set(shapes)) == 4, shapes
    for i in range(4):
        box = letters.nth(i).locator("svg.opt-mark").bounding_box()
        assert box and box["width"] >= 10 and box["height"] >= 10
    # White text on every option colour at 4.5:1 (axe checks each page as well).
    for i in range(4):
        assert phone.locator("button.opt").nth(i).evaluate("b => getComputedStyle(b).color") == "rgb(255, 255, 255)"


def test_the_scale_shows_drawn_faces_not_emoji(desktop, phones, server):
    host, code = start_session(desktop, server, "digitutkijat")
    (phone,) = join(phones, server, code, 1)
    _on_step(host, [phone], "fiilis")
    faces = phone.locator(".scale-btn img.face")
    expect(faces).to_have_count(5)
    phone.wait_for_function("() => [...document.querySelectorAll('.scale-btn img.face')].every(i => i.complete)")
    widths = faces.evaluate_all("imgs => imgs.map(i => i.naturalWidth)")
    assert all(w > 0 for w in widths), widths
    assert len(set(faces.evaluate_all("imgs => imgs.map(i => i.getAttribute('src'))"))) == 5
    text = phone.locator(".activity").inner_text()
    assert not EMOJI.search(text), text
    expect(phone.locator(".scale-btn").nth(0)).to_have_text("1")  # the number names each face
    phone.locator(".scale-btn").nth(3).tap()
    expect(phone.locator(".scale-btn.chosen")).to_have_count(1)
    _shot(phone, "scale-faces-360")


# The pieces of each word of an element's text: one rectangle per word that is not broken.
WORD_PIECES = """el => {
  const node = el.firstChild, text = node.textContent, out = [];
  for (const m of text.matchAll(/\\S+/g)) {
    const r = document.createRange();
    r.setStart(node, m.index);
    r.setEnd(node, m.index + m[0].length);
    out.push([m[0], [...r.getClientRects()].filter(b => b.width > 0).length]);
  }
  return out;
}"""


def test_a_long_nickname_wraps_between_words(desktop, phones, server):
    host, code = start_session(desktop, server, "digitutkijat")
    host.locator("#own-nicks").check()
    (phone,) = join(phones, server, code, 1)
    host.locator("#team-count").select_option("2")  # the team's chip narrows the header
    host.locator("#make-teams").click()
    expect(phone.locator("#me-team")).to_be_visible()
    nick = "Sateenkaari Salamakettu"  # two long words, each fits the header beside the team chip
    phone.locator("#own-nick").fill(nick)
    phone.locator("#own-nick").press("Enter")
    host.locator(".pupil .approve").click()
    expect(phone.locator("#me-nick")).to_have_text(nick)
    expect(phone.locator("#nick")).to_have_text(nick)
    for where in ("#me-nick", "#nick"):
        pieces = phone.locator(where).evaluate(WORD_PIECES)
        assert all(n == 1 for _, n in pieces), f"{where} breaks a word: {pieces}"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_header_and_footer_controls_are_big_enough_to_tap(desktop, phones, server):
    _host, code = start_session(desktop, server, "digitutkijat")
    (phone,) = join(phones, server, code, 1)
    expect(phone.locator("#read-aloud")).to_be_visible()
    targets = [phone.locator(where) for where in ("#read-aloud", ".me-lang")] + phone.locator(".play-foot a").all()
    assert len(targets) >= 3
    for target in targets:
        box = target.bounding_box()
        assert box and box["width"] >= 44 and box["height"] >= 44, f"{target} is {box}"
