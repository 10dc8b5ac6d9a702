"""A whole session of the demo pack in real Chromium: facilitator, projector, three phones."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import start_session

pytestmark = pytest.mark.browser


def test_demo_pack_whole_session(desktop, phones, server):
    host, code = start_session(desktop, server, "esittely")
    expect(host.locator(".remote-box img")).to_have_count(1)

    with host.expect_popup() as popup:
        host.locator("#open-screen").click()
    screen = popup.value
    screen.wait_for_load_state()
    qr = screen.locator(".qr-big img")
    expect(qr).to_be_visible()
    assert screen.evaluate("document.querySelector('.qr-big img').naturalWidth") > 0
    join_url = screen.locator("#join-url").inner_text().strip()
    assert join_url == f"{server.url}/j/{code}"
    expect(screen.locator("#code")).to_have_text(code)

    pupils = []
    for _ in range(3):
        phone = phones()
        phone.goto(join_url)
        expect(phone.locator("#nick")).not_to_be_empty()
        pupils.append(phone)
    nicks = [p.locator("#nick").inner_text() for p in pupils]
    assert len(set(nicks)) == 3
    expect(screen.locator("#nicks li")).to_have_count(3)
    for nick in nicks:
        expect(screen.locator("#nicks")).to_contain_text(nick)
    # Phones fit a 360 px screen: no horizontal scrolling.
    for p in pupils:
        assert p.evaluate("document.documentElement.scrollWidth") <= 360

    # A re-rolled nickname shows up on the projector.
    pupils[0].locator("#reroll").click()
    expect(pupils[0].locator("#nick")).not_to_have_text(nicks[0])
    nicks[0] = pupils[0].locator("#nick").inner_text()
    expect(screen.locator("#nicks")).to_contain_text(nicks[0])

    # Step 1: a slide; the phones show its prompt.
    host.locator("#next").click()
    expect(screen.locator(".activity[data-step=tervetuloa] .slide-img")).to_be_visible()
    expect(pupils[1].locator(".kind-slide .big-prompt")).to_be_visible()

    # Step 2: the poll. Phones tap, the projector shows only progress until the reveal.
    host.locator("#next").click()
    expect(pupils[0].locator("button.opt")).to_have_count(4)
    pupils[0].locator("button[data-option=ok]").tap()
    pupils[1].locator("button[data-option=ok]").tap()
    pupils[2].locator("button[data-option=pirtea]").tap()
    expect(pupils[2].locator("button[data-option=pirtea]")).to_have_class(re.compile(r"\bchosen\b"))
    expect(host.locator(".progress")).to_contain_text("3 / 3")
    expect(screen.locator(".progress")).to_contain_text("3 / 3")
    expect(screen.locator(".rbar")).to_have_count(0)
    expect(host.locator(".pupil .tick")).to_have_count(3)
    host.locator("#reveal").click()
    expect(screen.locator(".rbar[data-option=ok] .bar-count")).to_have_text("2")
    expect(screen.locator(".rbar[data-option=pirtea] .bar-count")).to_have_text("1")

    # A phone that reloads keeps its seat, nickname and answer.
    pupils[2].reload()
    expect(pupils[2].locator("#me-nick")).to_have_text(nicks[2])
    expect(pupils[2].locator("button[data-option=pirtea]")).to_have_class(re.compile(r"\bchosen\b"))

    # Step 3: the quiz, with its timer.
    host.locator("#next").click()
    expect(pupils[0].locator(".countdown")).to_be_visible()
    assert "right" not in pupils[0].content().split("<main", 1)[1].split("</main>")[0].split('class="opt')[1]
    pupils[0].locator("button[data-option=n112]").tap()
    pupils[1].locator("button[data-option=n112]").tap()
    pupils[2].locator("button[data-option=n911]").tap()
    expect(host.locator(".progress")).to_contain_text("3 / 3")
    host.locator("#reveal").click()
    expect(screen.locator(".rbar.right[data-option=n112] .bar-count")).to_have_text("2")
    expect(screen.locator(".explanation")).to_be_visible()
    expect(pupils[0].locator(".verdict.right")).to_be_visible()
    expect(pupils[2].locator(".verdict.wrong")).to_be_visible()
    expect(pupils[2].locator(".explanation")).to_be_visible()


def test_facilitator_controls_lobby(desktop, phones, server, watch):
    watch.allow("status of 409")  # the locked lobby refuses the latecomer
    host, code = start_session(desktop, server, "esittely")
    first, second = phones(), phones()
    first.goto(f"{server.url}/j/{code}")
    second.goto(f"{server.url}/j/{code}")
    expect(host.locator(".pupil")).to_have_count(2)

    host.locator("#team-count").select_option("2")
    host.locator("#make-teams").click()
    expect(host.locator(".team")).to_have_count(2)
    expect(first.locator("#me-team")).to_be_visible()

    host.locator("#lock").click()
    late = phones()
    late.goto(f"{server.url}/j/{code}")
    expect(late.locator(".notice")).to_be_visible()

    nick = second.locator("#nick").inner_text()
    host.once("dialog", lambda d: d.accept())
    host.locator(f".pupil:has-text('{nick}') .kick").click()
    expect(second.locator(".notice")).to_be_visible()
    second.reload()
    expect(second.locator(".notice")).to_be_visible()
    expect(host.locator(".team .pupil")).to_have_count(1)


def test_session_survives_kill_9(desktop, phones, server, watch):
    watch.allow("ERR_CONNECTION_REFUSED")  # the phones retry while the server is down
    host, code = start_session(desktop, server, "esittely")
    phone = phones()
    phone.goto(f"{server.url}/j/{code}")
    nick = phone.locator("#nick").inner_text()
    host.locator("#next").click()
    host.locator("#next").click()
    phone.locator("button[data-option=vasyttaa]").tap()
    expect(host.locator(".progress")).to_contain_text("1 / 1")

    server.kill()
    server.start()

    # The phone reconnects by itself; the facilitator reloads.
    expect(phone.locator("button[data-option=vasyttaa]")).to_have_class(re.compile(r"\bchosen\b"), timeout=15000)
    expect(phone.locator("#me-nick")).to_have_text(nick)
    host.reload()
    expect(host.locator(".rbar[data-option=vasyttaa] .bar-count")).to_have_text("1")
    host.locator("#reveal").click()
    expect(phone.locator(".rbar, .options")).to_be_visible()
