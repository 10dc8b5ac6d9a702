"""In Chromium: no page asks another host for anything, and a hostile nickname stays text."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Watch, open_screen, start_session

pytestmark = pytest.mark.browser

# 23 characters (nicknames keep 24): if it were ever rendered as HTML, the browser would fetch
# from another host and the watch would fail the test.
HOSTILE = "<img src=//evil.test/x>"


def test_the_watch_catches_a_request_that_leaves_the_server(browser, server):
    watch = Watch(server.url)
    ctx = watch.attach(browser.new_context())
    page = ctx.new_page()
    page.goto(server.url + "/privacy")
    with contextlib.suppress(Exception):  # aborted by the watch, as it should be
        page.goto("http://evil.test/")
    ctx.close()
    assert any("evil.test" in p for p in watch.problems)


def test_a_hostile_nickname_is_shown_as_text_and_no_page_leaves_the_server(desktop, phones, server, watch):
    host, code = start_session(desktop, server, "esittely")
    screen = open_screen(host)
    host.locator("#own-nicks").check()
    phone = phones()
    phone.goto(f"{server.url}/j/{code}")
    expect(phone.locator("#own-nick")).to_be_visible()
    phone.locator("#own-nick").fill(HOSTILE)
    phone.locator("#own-nick").press("Enter")
    expect(phone.locator("#pending")).to_contain_text(HOSTILE)
    # Not on the projector until the facilitator approves it.
    expect(host.locator(".pending")).to_contain_text(HOSTILE)
    expect(screen.locator("#nicks")).not_to_contain_text(HOSTILE)
    host.locator(".pending .approve").click()
    expect(screen.locator("#nicks")).to_contain_text(HOSTILE)
    expect(phone.locator("#nick")).to_have_text(HOSTILE)
    for page in (screen, host, phone):
        assert page.locator("img[src*='evil']").count() == 0

    # Right-to-left overrides and zero-width characters do not reach anyone's screen.
    second = phones()
    second.goto(f"{server.url}/j/{code}")
    expect(second.locator("#own-nick")).to_be_visible()
    second.locator("#own-nick").fill("\u202eAino\u200b\u200b")
    second.locator("#own-nick").press("Enter")
    expect(host.locator(".pending")).to_contain_text("Aino")
    assert "\u202e" not in host.locator("#people").inner_text()

    # The pages a pupil and a school may open, all from this server alone.
    watch.allow("/nothing-here: Failed to load resource: the server responded with a status of 404")
    for path in ("/privacy", "/join", f"/j/{code}", "/privacy?lang=sv", "/nothing-here"):
        phone.goto(server.url + path)
        phone.wait_for_load_state("networkidle")
    host.goto(f"{server.url}/host/{code}")
    host.wait_for_load_state("networkidle")
    host.goto(f"{server.url}/report/{code}")
    host.wait_for_load_state("networkidle")
    # The watch fixture fails the test on any request to another host or any page error.


def test_the_facilitator_removes_scripted_joins_in_bulk_and_deletes_the_session_data(desktop, phones, server, watch):
    import requests

    host, code = start_session(desktop, server, "esittely")
    host.on("dialog", lambda dialog: dialog.accept())  # the confirmations
    phone = phones()
    phone.goto(f"{server.url}/j/{code}")
    expect(phone.locator("#nick")).not_to_be_empty()
    for _ in range(4):  # a script takes seats without ever opening a connection
        resp = requests.post(f"{server.url}/j/{code}/seat", json={}, headers={"Origin": server.url}, timeout=5)
        assert resp.ok
    expect(host.locator("#people li.pupil")).to_have_count(5)
    host.locator("#pick-offline").click()
    expect(host.locator("#remove-picked")).to_contain_text("4")
    host.locator("#remove-picked").click()
    expect(host.locator("#people li.pupil")).to_have_count(1)
    expect(host.locator("#people li.pupil.on")).to_have_count(1)  # the real phone stays

    host.locator("#delete-data").click()
    expect(host.locator("#deleted")).to_contain_text(code)
    expect(phone.locator("main")).to_contain_text("poistettu")  # "the workshop's data has been deleted"
    assert phone.evaluate("Object.keys(localStorage).length") == 0


def test_the_accessibility_statement_is_one_tap_away_on_the_phone(desktop, phones, server, watch):
    host, code = start_session(desktop, server, "esittely")
    phone = phones()
    phone.goto(f"{server.url}/j/{code}")
    expect(phone.locator("#nick")).not_to_be_empty()

    # In the phone page's footer, beside the privacy link, each a 44 px touch target at 360 px.
    link = phone.locator(".play-foot a[href='/accessibility']")
    link.scroll_into_view_if_needed()
    expect(link).to_be_visible()
    expect(link).to_have_text("Saavutettavuusseloste")
    for footer_link in (link, phone.locator(".play-foot a[href='/privacy']")):
        box = footer_link.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    link.tap()
    phone.wait_for_url(f"{server.url}/accessibility")
    expect(phone.locator("h1")).to_have_text("Saavutettavuusseloste")
    expect(phone.locator("#status")).to_contain_text("osittain")
    expect(phone.locator("#contact-missing")).to_be_visible()  # no --accessibility-contact on this server
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # nothing runs off the side
    phone.locator("main a", has_text="Takaisin").tap()
    phone.wait_for_url(f"{server.url}/j/{code}")

    # On the facilitator's laptop, in Swedish, from the console's footer.
    expect(host.locator(".site-foot a")).to_be_visible()
    host.goto(server.url + "/accessibility?lang=sv")
    expect(host.locator("h1")).to_have_text("Tillgänglighetsutlåtande")
    expect(host.locator("html")).to_have_attribute("lang", "sv")
    # The authority's address is text to type, not a link: no page of the kit points off the laptop.
    expect(host.locator("#authority .address")).to_have_text("www.tillganglighetskrav.fi")
    expect(host.locator("#authority a")).to_have_count(0)

    # The projector, a view for the room that nobody operates, adds nothing to the wall.
    host.goto(f"{server.url}/host/{code}")
    screen = open_screen(host)
    expect(screen.locator("#lobby")).to_be_visible()
    expect(screen.locator("footer")).to_have_count(0)
    # The watch fixture fails the test on any request to another host or any page error.
