"""Formatted pack texts in real Chromium (issue #17): static/js/rich.js's rich() reads the same
grammar as workshops/activities/richtext.py, and a slide's list is a list on the projector."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import join, open_screen, start_session
from tests.unit.test_richtext import CASES
from workshops.activities.richtext import as_data, parse

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "packs" / "good"  # muotoiltu: the demo pack with formatted texts

# rich()'s fragment read back into richtext.as_data's shape; any element but p, ul, ol, li,
# strong and em (or any attribute but an <ol>'s start) shows up as a difference.
READ_BACK = """async (texts) => {
  const { rich } = await import("/static/js/rich.js");
  const kinds = { P: "paragraph", UL: "bullets", OL: "numbers" };
  const styles = { STRONG: "strong", EM: "em" };
  const attrs = (el) => Array.from(el.attributes, (a) => a.name)
    .filter((a) => !(el.nodeName === "OL" && a === "start"));
  const runs = (el) => Array.from(el.childNodes, (n) => n.nodeType === Node.TEXT_NODE
    ? ["text", n.data]
    : [styles[n.nodeName] || n.nodeName, n.children.length || attrs(n).length ? "nested!" : n.textContent]);
  return texts.map((text) => Array.from(rich(text).childNodes, (b) => ({
    kind: kinds[b.nodeName] || b.nodeName + (attrs(b).length ? "+attributes" : ""),
    start: b.nodeName === "OL" ? b.start : 1,
    items: b.nodeName === "P"
      ? [runs(b)]
      : Array.from(b.childNodes, (li) => (li.nodeName === "LI" ? runs(li) : li.nodeName)),
  })));
}"""


def _random_texts(n: int) -> list[str]:
    """Texts made of the grammar's own characters, the same every run."""
    rnd = random.Random(17)
    alphabet = list("ab ä1.)-*_\n\n\t\u00a0\r#<>\U0001d400")
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30))) for _ in range(n)]


@pytest.mark.serve("--content", str(GOOD))
def test_the_clients_and_the_check_read_formatted_text_alike(desktop, phones, server):
    host, code = start_session(desktop, server, "muotoiltu")
    texts = [text for text, _ in CASES] + _random_texts(600)
    shown = host.evaluate(READ_BACK, texts)
    assert len(shown) == len(texts)
    differ = [
        (text, as_data(parse(text)), js) for text, js in zip(texts, shown, strict=True) if as_data(parse(text)) != js
    ]
    assert differ == []

    # The projector: the slide's paragraphs and its list, the list in the text's own size.
    screen = open_screen(host)
    pupil = join(phones, server, code, 1)[0]
    host.locator("#next").click()
    slide = screen.locator(".activity[data-step=tervetuloa] .slide-text")
    expect(slide.locator("> ul > li")).to_have_count(2)
    expect(slide.locator("> p")).to_have_count(2)
    expect(slide.locator("> p strong")).to_have_text("Nimeäsi ei kysytä")
    expect(slide.locator("li em")).to_have_text("hetken aikaa")
    looks = slide.evaluate(
        """(el) => {
          const li = el.querySelector("li"), p = el.querySelector("p");
          return { li: getComputedStyle(li).fontSize, p: getComputedStyle(p).fontSize,
                   bullet: getComputedStyle(el.querySelector("ul")).listStyleType, text: el.innerText };
        }"""
    )
    assert looks["li"] == looks["p"] and looks["bullet"] == "disc"
    assert "**" not in looks["text"] and "- oman" not in looks["text"]

    # The console: the notes' numbered list.
    expect(host.locator("#notes .notes > ol > li")).to_have_count(2)
    expect(host.locator("#notes .notes > p")).to_have_text("Ennen kuin jatkat:")

    # The quiz's explanation on the phone and the projector at the reveal: its label opens the
    # first paragraph, the list follows.
    host.locator("#next").click()
    pupil.locator("button[data-option=n112]").tap()
    expect(pupil.locator(".answer-msg")).not_to_be_empty()
    host.locator("#reveal").click()
    for page in (pupil, screen):
        why = page.locator(".explanation")
        expect(why.locator("> ul > li")).to_have_count(2)
        expect(why.locator("> p").first.locator("strong").first).to_have_text("Miksi?")
        expect(why.locator("> p").first.locator("strong").nth(1)).to_have_text("112")


@pytest.mark.serve("--content", str(GOOD))
def test_the_printed_script_formats_notes_and_slide_text(desktop, server):
    page = desktop.new_page()
    page.goto(f"{server.url}/print/muotoiltu?lang=fi")
    step = page.locator("#step-tervetuloa")
    expect(step.locator(".say > ul > li")).to_have_count(2)
    expect(step.locator(".notes > p").first).to_have_text("Muistiinpanot ohjaajalle: Ennen kuin jatkat:")
    expect(step.locator(".notes > ol > li")).to_have_count(2)
    expect(page.locator("#step-hatanumero .why > ul > li")).to_have_count(2)
