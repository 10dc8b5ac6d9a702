"""A pack's preview in Chromium (/preview/<pack>, workshops/web/preview.py): the phones in Finnish and
Swedish, the projector and the console side by side for any step, with no session and no socket."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import accessible
from workshops.activities.text import resolve
from workshops.packs import load_pack

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "packs" / "bad"
SHOTS = Path("/tmp/preview-shots")


def _tr(text, lang: str) -> str:
    return resolve(text, lang, "fi")


def _frames(page):
    return {
        "fi": page.frame_locator("figure.phone[data-lang=fi] iframe"),
        "sv": page.frame_locator("figure.phone[data-lang=sv] iframe"),
        "wall": page.frame_locator("figure.wall iframe"),
        "console": page.frame_locator("figure.console iframe"),
    }


def _shows_step(page, step, index: int, *, said: dict[str, str] | None = None) -> None:
    """Every frame shows `step`: the phones its title (read aloud) and `said` in their languages."""
    frames = _frames(page)
    expect(page.locator("#step-title")).to_have_text(_tr(step.title, "fi"))
    for lang in ("fi", "sv"):
        phone = frames[lang]
        expect(phone.locator(f".activity[data-step='{step.id}']")).to_be_visible()
        expect(phone.locator("#announce")).to_contain_text(_tr(step.title, lang))
        if said:
            expect(phone.locator("#play")).to_contain_text(said[lang])
    expect(frames["wall"].locator("h1.step-title")).to_have_text(_tr(step.title, "fi"))
    expect(frames["wall"].locator(f"#step .activity[data-step='{step.id}']")).to_be_visible()
    expect(frames["console"].locator(".step-count")).to_have_attribute("data-index", str(index))
    expect(frames["console"].locator("h1.step-title")).to_have_text(_tr(step.title, "fi"))


# The packs with errors beside the shipped ones: their rows on the home page link their previews.
@pytest.mark.serve("--content", str(BAD))
def test_a_pack_previews_step_by_step_in_four_frames_and_a_broken_one_shows_its_problems(desktop, server, watch):
    sent: list[str] = []
    desktop.on("request", lambda r: sent.append(r.url))
    page = desktop.new_page()
    page.goto(server.url + "/")
    page.locator("article[data-pack=kaveritaidot-3-6] a.preview-link").click()
    page.wait_for_url(re.compile(r".*/preview/kaveritaidot-3-6$"))
    pack = load_pack(ROOT / "content" / "kaveritaidot-3-6").pack
    expect(page.locator("h1")).to_contain_text(_tr(pack.title, "fi"))
    expect(page.locator("#step-list a")).to_have_count(len(pack.agenda))
    expect(page.locator(".frames iframe")).to_have_count(4)  # a phone in Finnish, one in Swedish, the wall, the console
    for frame in page.locator(".frames iframe").all():
        assert frame.get_attribute("title")

    # A poll: every frame shows it, and the phones speak their language.
    index, poll = next((i, s) for i, s in enumerate(pack.agenda) if s.kind == "choice" and s.mode == "poll")
    page.locator(f"#step-list a[href$='step={poll.id}']").click()
    expect(page.locator("#step-list a[aria-current=page]")).to_have_attribute("href", re.compile(f"step={poll.id}$"))
    _shows_step(page, poll, index, said={lang: _tr(poll.question, lang) for lang in ("fi", "sv")})
    # Focus came back to the step chosen, in the list: the keyboard keeps its place.
    assert page.evaluate("document.activeElement.getAttribute('aria-current')") == "page"
    accessible(page)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "poll.png"))

    # Its results: the console has nothing more to reveal; a command there is not sent anywhere.
    page.locator(".moments a[data-moment=results]").click()
    expect(page.locator(".moments a[aria-current]")).to_have_attribute("data-moment", "results")
    console = _frames(page)["console"]
    expect(console.locator("h1.step-title")).to_have_text(_tr(poll.title, "fi"))
    expect(console.locator("#reveal")).to_have_count(0)
    console.locator("#next").click()
    expect(console.locator("#warning")).to_be_visible()
    expect(console.locator("#warning")).not_to_be_empty()
    expect(console.locator("h1.step-title")).to_have_text(_tr(poll.title, "fi"))  # still the same step

    # A sort, reached with "Next step" from the keyboard, one step at a time.
    sort_index, sort = next((i, s) for i, s in enumerate(pack.agenda) if s.kind == "sort")
    while page.locator("#step-list a[aria-current=page]").get_attribute("href").split("step=")[1] != sort.id:
        page.locator("#next").focus()
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        expect(page.locator("#next")).to_be_focused()
    _shows_step(page, sort, sort_index, said={lang: _tr(sort.question, lang) for lang in ("fi", "sv")})

    # Stations: the groups at their first station, each phone in its language.
    stations_pack = load_pack(ROOT / "content" / "jamakkyytta").pack
    index, rastit = next((i, s) for i, s in enumerate(stations_pack.agenda) if s.kind == "stations")
    page.goto(f"{server.url}/preview/jamakkyytta?step={rastit.id}&moment=answers")
    _shows_step(page, rastit, index)
    for lang in ("fi", "sv"):
        titles = "|".join(re.escape(_tr(s.title, lang)) for s in rastit.stations)
        expect(_frames(page)[lang].locator(".card-title")).to_have_text(re.compile(titles))
    accessible(page)
    page.screenshot(path=str(SHOTS / "stations.png"), full_page=True)

    # Nothing reached for a session: no socket, no seat, no session's QR code.
    assert not [u for u in sent if re.search(r"^https?://[^/]+/(?:socket\.io|j|qr|host|screen)/", u)], sent

    # A pack with errors: its row on the home page opens its problems, by file, line and column.
    broken = load_pack(BAD / "mode-typo").errors[0]
    page.goto(server.url + "/")
    page.locator("a[href='/preview/mode-typo']").click()
    expect(page.locator("#problems")).to_contain_text(f"mode-typo/pack.yaml:{broken.line}:{broken.col}:")
    expect(page.locator("iframe")).to_have_count(0)
    page.locator("#problems a[href='/']").click()
    page.wait_for_url(server.url + "/")
