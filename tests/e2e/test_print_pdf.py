"""In Chromium: every shipped pack's /print page as an A4 PDF, read back page by page with pypdf.

Every title is in the PDF; no step, card, guide or station card that fits on a page is cut at a
page edge (its first line and its last are on the same page); the answer cards are one per page,
with large letters turned to their edges. One server and one browser context for the module.
"""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import Server, Watch
from tests.protocol.test_print import SHIPPED, expected_titles, shipped

pytestmark = pytest.mark.browser

MM = 96 / 25.4  # CSS px per millimetre
# The A4 page's printable box with print.css's 12 mm margins: the layout the PDF is made from.
PAGE_W = round((210 - 24) * MM)
PAGE_H = (297 - 24) * MM
# Blocks print.css keeps whole; a block taller than a page is checked by the blocks inside it.
BLOCKS = ".step, .cut, .station-card, .acard-page, .board-sec"
INNER = ".node, .notes, figure, .answers, .option, .task, .why"

# In the page: each block's first line (its heading, or its first words) and its last words.
READ_BLOCKS = """([blocks, inner, pageH]) => {
  const lines = (el) => el.innerText.split("\\n").map((l) => l.replace(/\\s+/g, " ").trim()).filter(Boolean);
  const describe = (el) => {
    const said = lines(el);
    const heading = el.querySelector("h3, h4");
    return { what: el.className + (el.id ? "#" + el.id : ""),
             head: heading ? lines(heading).join(" ") : (said[0] || "").slice(0, 40),
             tail: (said[said.length - 1] || "").slice(-40), height: el.getBoundingClientRect().height };
  };
  const out = [];
  for (const el of document.querySelectorAll(blocks)) {
    const block = describe(el);
    if (block.height <= pageH) out.push(block);
    else for (const part of el.querySelectorAll(inner)) {
      const d = describe(part);
      if (d.height <= pageH && d.tail.length >= 12) out.push(d);
    }
  }
  return out;
}"""


def squash(text: str) -> str:
    """Letters and digits only: line breaks, hyphens, ligatures (ﬁ) and the PDF text layer's spaces do not count."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def print_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("print") / "data"
    data.mkdir()
    srv = Server(data)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def paper(browser, print_server):
    watch = Watch(print_server.url)
    ctx = watch.attach(browser.new_context(viewport={"width": 1280, "height": 800}, locale="fi-FI"))
    page = ctx.new_page()
    yield page, print_server.url
    watch.flush(ctx)
    ctx.close()
    watch.check()


def pdf_pages(page) -> list[str]:
    reader = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    return [squash(p.extract_text() or "") for p in reader.pages]


@pytest.mark.parametrize("pack_id", SHIPPED)
def test_the_pack_prints_whole_on_a4(paper, pack_id: str):
    page, base = paper
    cards = 30 if pack_id == "esittely" else 3  # the default count once; fewer pages for the rest
    page.set_viewport_size({"width": 1280, "height": 800})
    page.emulate_media(media="screen")
    page.goto(f"{base}/print/{pack_id}?lang=fi" + ("" if cards == 30 else f"&cards={cards}"))
    page.evaluate("() => window.__axeFlush && window.__axeFlush()")

    # The Print button prints.
    page.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    page.locator("#print-now").click()
    assert page.evaluate("() => window.__printed === true")

    # The layout of the PDF: print media at the printable width of an A4 page.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": PAGE_W, "height": 1100})
    blocks = page.evaluate(READ_BLOCKS, [BLOCKS, INNER, PAGE_H])
    labels = page.locator(".acard-no").all_inner_texts()
    says = page.locator(".acard-middle .says").first.inner_text()
    letter_px = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.acard .letter')).fontSize)")
    angles = page.evaluate(
        """() => [...document.querySelector('.acard').querySelectorAll('.edge')].map((e) => {
          const t = getComputedStyle(e).transform;
          if (t === 'none') return 0;
          const [a, b] = t.slice(7, -1).split(',').map(Number);
          return Math.round(Math.atan2(b, a) * 180 / Math.PI + 360) % 360;
        })"""
    )
    pages = pdf_pages(page)
    everything = "".join(pages)

    # Every step, character, card and station title is printed.
    missing = [t for t in expected_titles(shipped(pack_id), "fi") if squash(t) not in everything]
    assert not missing, missing

    # No block that fits on a page is cut by a page edge.
    assert len(blocks) > len(shipped(pack_id).agenda)
    cut = []
    for b in blocks:
        head, tail = squash(b["head"]), squash(b["tail"])
        if not head or not tail:
            continue
        if not any(head in text and tail in text for text in pages):
            where = (
                [i + 1 for i, text in enumerate(pages) if head in text],
                [i + 1 for i, text in enumerate(pages) if tail in text],
            )
            cut.append(f"{b['what']}: {b['head']!r} on pages {where[0]}, {b['tail']!r} on pages {where[1]}")
    assert not cut, "\n".join(cut)

    # The answer cards: as many as asked, one a page, on pages of their own in a row.
    assert len(labels) == cards
    on_page = []
    for label in labels:
        number = re.search(r"\d+$", label)
        assert number is not None
        pattern = re.compile(re.escape(squash(label)) + r"(?!\d)")
        found = [i for i, text in enumerate(pages) if pattern.search(text)]
        assert len(found) == 1, (label, found)
        on_page.append(found[0])
    assert on_page == list(range(on_page[0], on_page[0] + cards))
    assert [i for i, text in enumerate(pages) if squash(says) in text] == on_page
    # Letters at least 3 cm high: the capital of the type is about .72 of its size.
    assert letter_px * 0.72 >= 30 * MM
    assert angles == [0, 90, 180, 270]
