"""A facilitator's edit of a pupil's line survives other pupils' answers (issue #15 item 4a).

The facilitator removes a name from a line before approving it. Pupils keep answering meanwhile:
the field must keep the edit and the focus, and Approve must project the text in the field, not
the pupil's original."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.e2e.conftest import go_to_step_with, join, open_screen, start_session

pytestmark = pytest.mark.browser

ORIGINAL = "Olet kiva Matti Meikäläinen"
EDITED = "Olet kiva kaveri"

FOCUSED = "(sel) => document.activeElement === document.querySelector(sel)"


def _still_editing(host, field: str) -> None:
    host.wait_for_timeout(300)  # any re-render of the console has happened
    expect(host.locator(field)).to_have_value(EDITED)
    assert host.evaluate(FOCUSED, field), "the moderation field lost the focus"


@pytest.mark.skipif(not (ROOT / "content" / "digitutkijat" / "pack.yaml").exists(), reason="needs Digitutkijat")
def test_an_open_answer_edit_survives_other_answers_and_is_what_approve_projects(desktop, phones, server):
    host, code = start_session(desktop, server, "digitutkijat")
    screen = open_screen(host)
    first, second, third = join(phones, server, code, 3)
    go_to_step_with(host, "#stage .kind-open")
    for phone, words in ((first, ORIGINAL), (second, "Kiva kuva")):
        phone.locator("#open-answer").fill(words)
        phone.locator("#send-open").tap()
    expect(host.locator(".moderation .line-item")).to_have_count(2)

    item = host.locator(".moderation .line-item", has_text=ORIGINAL)
    voter = item.get_attribute("data-voter")
    field = f".moderation .line-item[data-voter='{voter}'] .edit-line"
    host.locator(field).click()
    host.locator(field).press("End")
    for _ in range(len("Matti Meikäläinen")):
        host.locator(field).press("Backspace")
    host.locator(field).press_sequentially("kaveri")
    expect(host.locator(field)).to_have_value(EDITED)

    third.locator("#open-answer").fill("Hyvää päivää")  # a new answer adds a line
    third.locator("#send-open").tap()
    expect(host.locator(".moderation .line-item")).to_have_count(3)
    _still_editing(host, field)

    second.locator("#open-answer").fill("Kiva kuva sinusta")  # a changed answer changes a line
    second.locator("#send-open").tap()
    expect(host.locator(".moderation .line-item", has_text="Kiva kuva sinusta")).to_have_count(1)
    _still_editing(host, field)

    host.locator(f".moderation .line-item[data-voter='{voter}'] .approve-line").click()
    expect(host.locator(f".moderation .line-item[data-voter='{voter}']")).to_have_class("line-item approved")
    expect(screen.locator(".cloud li", has_text="kaveri")).to_have_count(1)
    host.locator("#reveal").click()
    expect(screen.locator(".lines .line")).to_have_text([EDITED])
    assert "Matti" not in screen.locator("#step").inner_text()


def test_a_stations_line_edit_survives_other_groups_and_is_what_approve_projects(desktop, phones, server):
    host, code = start_session(desktop, server, "jamakkyytta")
    screen = open_screen(host)
    pupils = join(phones, server, code, 3)
    host.locator("#team-count").select_option("3")
    host.locator("#make-teams").click()
    expect(host.locator(".team")).to_have_count(3)
    go_to_step_with(host, "#stations-start")
    host.locator("#stations-start").click()
    for phone in pupils:
        expect(phone.locator("#line")).to_be_visible()

    pupils[0].locator("#line").fill(ORIGINAL)
    pupils[0].locator("#save-line").tap()
    pupils[1].locator("#line").fill("En halua")
    pupils[1].locator("#save-line").tap()
    expect(host.locator(".moderation .line-item")).to_have_count(2)

    item = host.locator(".moderation .line-item", has_text=ORIGINAL)
    group, station = item.get_attribute("data-group"), item.get_attribute("data-station")
    where = f".moderation .line-item[data-group='{group}'][data-station='{station}']"
    field = f"{where} .edit-line"
    host.locator(field).click()
    host.locator(field).press("End")
    for _ in range(len("Matti Meikäläinen")):
        host.locator(field).press("Backspace")
    host.locator(field).press_sequentially("kaveri")
    expect(host.locator(field)).to_have_value(EDITED)

    pupils[2].locator("#line").fill("Ei kiitos")  # another group's new line
    pupils[2].locator("#save-line").tap()
    expect(host.locator(".moderation .line-item")).to_have_count(3)
    _still_editing(host, field)

    pupils[1].locator("#line").fill("En halua, kiitos")  # another group changes its line
    pupils[1].locator("#save-line").tap()
    expect(host.locator(".moderation .line-item", has_text="En halua, kiitos")).to_have_count(1)
    _still_editing(host, field)

    host.locator(f"{where} .approve-line").click()
    expect(host.locator(where)).to_have_class("line-item approved")
    host.locator("#stations-debrief").click()
    host.locator(f"[data-show='{station}']").click()
    expect(screen.locator(f".debrief[data-station='{station}'] .lines .line")).to_have_text([f"”{EDITED}”"])
    assert "Matti" not in screen.locator("#step").inner_text()
