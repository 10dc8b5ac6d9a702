"""The start form's labels for the statistics in a real browser: collapsed, optional, remembered in
the facilitator's browser for the next session (not for a rehearsal), and in every pack's form."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import accessible

LABELS = {"place": "Kupittaan koulu", "grade": "4B", "district": "Turku"}


def field(card, name: str):
    """A label's text field, found as a person finds it: by its visible label (whatever the language)."""
    label = card.locator(f"label[for$=-{name}]").inner_text()
    return card.get_by_label(label, exact=True)


def fields(card) -> dict[str, str]:
    return {k: card.locator(f"input[name=stats_{k}]").input_value() for k in LABELS}


def test_the_labels_are_remembered_for_the_next_session_but_not_from_a_rehearsal(desktop, server):
    home = desktop.new_page()
    home.goto(server.url + "/")
    cards = home.locator("article.pack")
    first, second = cards.nth(0), cards.nth(1)
    group = first.locator("details.stats-labels")
    expect(group).not_to_have_attribute("open", "")  # collapsed: most sessions need nothing here
    group.locator("summary").click()
    field(first, "place").fill(f"  {LABELS['place']} ")
    field(first, "grade").fill(LABELS["grade"])
    field(first, "district").fill(LABELS["district"])
    accessible(home)
    first.locator("button[type=submit]").click()
    home.wait_for_url(re.compile(r".*/host/[A-Z0-9]+$"))

    home.goto(server.url + "/")
    # Every pack's form offers the same labels again: a facilitator's day is at one school.
    assert fields(cards.nth(0)) == LABELS
    assert fields(cards.nth(1)) == LABELS
    # A rehearsal keeps no statistics, and what was typed for it is not remembered.
    second.locator("details.stats-labels summary").click()
    field(second, "place").fill("Harjoituskoulu")
    second.locator("details.rehearse summary").click()
    second.locator("input[name=rehearsal]").click()
    home.wait_for_url(re.compile(r".*/host/[A-Z0-9]+$"))
    home.goto(server.url + "/")
    assert fields(cards.nth(1)) == LABELS
    saved = home.evaluate("() => JSON.parse(localStorage.getItem('workshops.statsLabels'))")
    assert saved == LABELS
    # Emptied fields are forgotten with the next session.
    first = cards.nth(0)
    first.locator("details.stats-labels summary").click()
    for name in LABELS:
        field(first, name).fill("")
    first.locator("button[type=submit]").click()
    home.wait_for_url(re.compile(r".*/host/[A-Z0-9]+$"))
    home.goto(server.url + "/")
    assert fields(cards.nth(0)) == dict.fromkeys(LABELS, "")
