"""A self-paced session in real Chromium (issue #20, item 4): the facilitator opens it from the
home page for a few days and prints its poster; two parents scan it and go through the pages on
360-px phones at their own pace, one in Finnish and one in Swedish, one going back to change an
answer; the console counts them and keeps the totals back until five have answered."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import accessible
from tests.e2e.test_task_packs import answer

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = os.environ.get("PACED_SHOTS")  # a folder: keep screenshots of the poster, a phone and the console


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def go_through(phone, kinds: list[str], n: int, shoot: str | None = None) -> None:
    """Answer each page the way a parent would and turn to the next; the last button says Done."""
    for i, kind in enumerate(kinds):
        expect(phone.locator(".page-count")).to_have_text(re.compile(rf"^{i + 1}\s*/\s*{len(kinds)}$"))
        if kind != "slide":
            answer(phone, kind, n)
        if shoot and kind == "scale":
            expect(
                phone.locator(".scale-btn[aria-pressed=true], .scale-btn.picked, .scale-btn.mine").first
            ).to_be_visible()
            shot(phone, shoot)
        accessible(phone)
        phone.locator("#page-next").tap()
    expect(phone.locator("#page-done")).to_be_visible()


# The test packs, among them the small self-paced one (tests/packs/good/omaan-tahtiin).
@pytest.mark.serve("--content", str(ROOT / "tests/packs/good"))
def test_parents_answer_a_self_paced_survey_from_a_poster(desktop, phones, server):
    host = desktop.new_page()
    host.goto(server.url + "/")
    card = host.locator("article[data-pack=omaan-tahtiin]")
    card.locator("details.paced summary").click()
    expect(card.locator("input.paced-until")).to_be_visible()
    card.locator("#paced-omaan-tahtiin").click()
    host.wait_for_url(re.compile(r".*/host/[A-Z0-9]+$"))
    code = host.locator("#code").inner_text().strip()
    expect(host.locator("#paced-counts")).to_contain_text("0")
    expect(host.locator("#plan")).to_be_hidden()  # nobody keeps time

    # The poster: the QR code and the words in both of the pack's languages.
    with host.expect_popup() as popup:
        host.locator("#poster").click()
    poster = popup.value
    poster.wait_for_load_state()
    expect(poster.locator("h1")).to_have_text("Pieni kysely omaan tahtiin")
    expect(poster.locator(".other-lang")).to_have_text("En liten enkät i egen takt")
    expect(poster.locator(".poster-code")).to_have_text(code)
    poster.wait_for_function("() => document.querySelector('.poster-qr').naturalWidth > 0")
    shot(poster, "poster")
    poster.close()

    kinds = ["slide", "scale", "choice", "open"]
    fi = phones("fi-FI")
    fi.goto(f"{server.url}/j/{code}")
    go_through(fi, kinds, 0, shoot="phone-scale")
    shot(fi, "phone-done")
    # Back from the end, to change the scale's answer, then done again.
    fi.locator("#page-back").tap()
    fi.locator("#page-back").tap()
    fi.locator("#page-back").tap()
    expect(fi.locator(".page-count")).to_have_text(re.compile(r"^2\s*/\s*4$"))
    answer(fi, "scale", 3)
    for _ in range(3):
        fi.locator("#page-next").tap()
    expect(fi.locator("#page-done")).to_be_visible()

    sv = phones("sv-SE")
    sv.goto(f"{server.url}/j/{code}?lang=sv")
    expect(sv.locator(".page-count")).to_be_visible()
    expect(sv.locator("#page-next")).to_have_text("Nästa")
    go_through(sv, kinds, 1)

    # The console: two joined and finished; no totals while fewer than five have answered.
    expect(host.locator("#paced-counts")).to_contain_text("2")
    arki = host.locator("tr[data-step=arki]")
    expect(arki).to_contain_text("5")  # "…once 5 have answered"
    expect(arki.locator("ul.bars")).to_have_count(0)
    shot(host, "console")
    accessible(host)

    # Three more parents: five have answered, so the totals show, and the wishes come to the
    # console (under aliases, no seat) for the facilitator to approve for the report.
    for n in range(2, 5):
        phone = phones("fi-FI")
        phone.goto(f"{server.url}/j/{code}")
        for i, kind in enumerate(kinds):
            expect(phone.locator(".page-count")).to_have_text(re.compile(rf"^{i + 1}\s*/\s*4$"))
            if kind == "open":
                phone.locator("#open-answer").fill(f"Iltaryhmä isille {n}")
                phone.locator("#send-open").tap()
                expect(phone.locator(".answer-msg")).not_to_be_empty()
            elif kind != "slide":
                answer(phone, kind, n)
            phone.locator("#page-next").tap()
        expect(phone.locator("#page-done")).to_be_visible()
    expect(arki.locator("ul.bars")).to_have_count(1)
    wishes = host.locator(".paced-console[data-step=toive] li.line-item")
    expect(wishes).to_have_count(5)
    assert all(re.fullmatch(r"k[0-9a-f]{12}", v) for v in [w.get_attribute("data-voter") for w in wishes.all()])
    wish = wishes.filter(has_text="Iltaryhmä isille 3")
    wish.locator("button.approve-line").click()
    expect(wish).to_have_class(re.compile(r"\bapproved\b"))
    accessible(host)
    shot(host, "console-wishes")

    host.goto(f"{server.url}/report/{code}")
    section = host.locator("#step-toive")
    expect(section.locator("ul.approved li")).to_have_text(["Iltaryhmä isille 3"])
    expect(host.locator("main")).not_to_contain_text("Iltaryhmä isille 2")
    accessible(host)
