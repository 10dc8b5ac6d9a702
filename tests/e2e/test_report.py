"""The session report in real Chromium (issue #20 item 5): a class of two phones answers a question
and the closing barometer, the facilitator ends the session and opens the report from the console;
the report's bars and numbers match the answers, it fits a 360-px phone, and printed to A4 it
keeps the workshop, the totals and the barometer. axe checks each state."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import accessible, go_to_step_with, join, start_session

SHOTS = os.environ.get("REPORT_SHOTS")  # a folder: keep screenshots of the report and its PDF


def rows(page, step_id: str) -> dict[str, str]:
    """A step's chart as the page shows it: each row's label and its number."""
    found = {}
    for row in page.locator(f"#step-{step_id} .tally-table tbody tr").all():
        found[row.locator("th").inner_text().replace("✓", "").strip()] = row.locator(".num").first.inner_text()
    return found


def test_a_class_report_from_the_console_to_paper(desktop, phones, server):
    host, code = start_session(desktop, server, "esittely")
    host.on("dialog", lambda d: d.accept())
    pupils = join(phones, server, code, 2)
    nicks = [p.locator("#nick").inner_text() for p in pupils]
    go_to_step_with(host, "#stage .activity[data-step=fiilis]")
    for phone in pupils:
        phone.locator(".activity[data-step=fiilis] button.opt").nth(1).tap()  # "Ihan ok", both
        expect(phone.locator("button.opt.chosen")).to_have_count(1)
    expect(host.locator("#stage .activity")).to_contain_text("2")
    go_to_step_with(host, "#stage .activity[data-step=barometri]")
    for n, phone in enumerate(pupils):
        for statement in phone.locator(".activity[data-step=barometri] .baro-statement").all():
            statement.locator(f"button.baro-btn[data-face='{3 - n}']").tap()
    expect(host.locator("#stage .activity")).to_contain_text("2")
    host.locator("#end").click()
    host.locator(".controls a.btn").click()
    host.wait_for_url(re.compile(rf".*/report/{code}$"))

    expect(host.locator("h1")).to_have_text("Tutustu työpajapakkiin")
    assert rows(host, "fiilis")["Ihan ok"] == "2"
    assert sorted(rows(host, "fiilis").values()) == ["0", "0", "0", "2"]
    faces = host.locator("#step-barometri tbody tr").first.locator("td.num")
    assert faces.all_inner_texts() == ["0", "1", "1"]  # no, a bit, yes: one of each of the last two
    expect(host.locator("#step-tervetuloa")).to_have_class(re.compile(r"\bcompact\b"))  # a slide: one line
    for nick in nicks:
        expect(host.locator("main")).not_to_contain_text(nick)
    accessible(host)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        host.screenshot(path=f"{SHOTS}/report-1280.png", full_page=True)

    # A facilitator reading it on the phone: nothing wider than the screen.
    host.set_viewport_size({"width": 360, "height": 740})
    assert host.evaluate("() => document.scrollingElement.scrollWidth") <= 360
    accessible(host)

    # On paper: A4, the workshop and its numbers in text, the tools left out.
    host.set_viewport_size({"width": 1280, "height": 800})
    pdf = host.pdf(format="A4", print_background=True)
    if SHOTS:
        Path(f"{SHOTS}/report.pdf").write_bytes(pdf)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    text = "\n".join(pages)
    assert 1 <= len(pages) <= 3, len(pages)
    assert "Tutustu työpajapakkiin" in text and "Ihan ok" in text and "Opin jotain uutta." in text
    assert "Tulosta" not in text and "Takaisin" not in text  # the print tools stay on the screen
