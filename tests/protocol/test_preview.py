"""A pack's preview (/preview/<pack>, workshops/web/preview.py; the state: workshops/sessions/sample.py).

Every step of every shipped pack is built with the pure rules and rendered in its four frames; no
phone and not the projector sees what a kind keeps secret before its reveal; nothing of a session
is made, saved or addressed; a pack whose file has errors shows them, and an edit shows at reload.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from tests.conftest import ROOT
from tests.trust.test_fuzz_events import _keys, check_secrets
from workshops.activities import REGISTRY
from workshops.activities.text import resolve
from workshops.packs import Pack, load_pack
from workshops.packs.setup import Setup, prepare
from workshops.sessions import views
from workshops.sessions.sample import MOMENTS, moments, sample_session

SHIPPED = sorted(p.parent.name for p in (ROOT / "content").glob("*/pack.yaml"))
REMOTE = {"REMOTE_ADDR": "192.168.1.50"}
PREVIEW_JSON = re.compile(r'<script type="application/json" id="preview">(.*?)</script>', re.S)


def shipped(pack_id: str) -> Pack:
    prepared = prepare(load_pack(ROOT / "content" / pack_id).pack, Setup())
    assert isinstance(prepared, Pack)
    return prepared


def frames(page: str) -> list[str]:
    """The addresses of a preview page's frames."""
    return [html.unescape(src) for src in re.findall(r'<iframe src="([^"]+)"', page)]


def embedded(client, url: str) -> tuple[dict[str, Any], str]:
    """A frame's embedded views (event -> view) and its page."""
    resp = client.get(url)
    assert resp.status_code == 200, url
    assert resp.headers["X-Frame-Options"] == "SAMEORIGIN"
    policy = resp.headers["Content-Security-Policy"]
    assert "connect-src 'none'" in policy and "form-action 'none'" in policy and "frame-ancestors 'self'" in policy
    assert resp.headers["Cache-Control"] == "no-store"
    page = resp.get_data(as_text=True)
    found = PREVIEW_JSON.search(page)
    assert found, url
    data = json.loads(found.group(1))
    # Nothing in a frame addresses a session: no QR code, seat, console, report or deletion of one.
    assert not re.search(r'(?:src|href|action)="/(?:qr|j|host|screen|report|export)/', page), url
    return dict(data["views"]), page


def test_the_shipped_packs_are_found():
    assert {"esittely", "arjen-valinnat", "jamakkyytta", "kaveritaidot-3-6"} <= set(SHIPPED)


@pytest.mark.parametrize("pack_id", SHIPPED)
def test_every_step_of_a_shipped_pack_previews_in_every_frame_without_its_secrets(app, client, pack_id):
    pack = shipped(pack_id)
    now = app.extensions["workshops"].manager.clock()
    for index, step in enumerate(pack.agenda):
        shown = moments(pack, index, now)
        kind = REGISTRY[step.kind]
        for moment in shown:
            query = f"step={step.id}" + (f"&moment={moment}" if moment != "start" else "")
            resp = client.get(f"/preview/{pack_id}?{query}")
            assert resp.status_code == 200, (pack_id, step.id, moment)
            page = resp.get_data(as_text=True)
            sample = sample_session(pack, index, moment, now)
            state = sample.state
            # The pure check of the trust suite, over every made-up pupil's views.
            check_secrets(
                state,
                {
                    "screen": views.screen_view(state),
                    "common": views.pupil_common(state),
                    "own": {seat: views.pupil_own(state, seat) for seat in state.pupils},
                },
            )
            hidden = not kind.revealed(step, state.activities[step.id])
            addresses = frames(page)
            assert len(addresses) == len(pack.languages) + 2, addresses
            for url in addresses:
                shown_views, frame_page = embedded(client, url)
                if "/phone?" in url:
                    lang = re.search(r"lang=(\w+)", url).group(1)
                    assert set(shown_views) == {"pupil_view", "own_view"}
                    assert shown_views["own_view"]["lang"] == lang  # the phone asks for no other language
                    assert f'<html lang="{lang}">' in frame_page
                    public = [shown_views["pupil_view"], shown_views["own_view"]]
                elif "/screen?" in url:
                    public = [shown_views["screen_view"]]
                else:
                    host = shown_views["host_view"]
                    assert host["step"]["id"] == step.id and host["activity"] is not None
                    assert {p["id"] for p in host["pupils"]} == set(state.pupils)
                    public = []
                for view in public:
                    assert view["step"] == step.id or view["step"]["id"] == step.id
                    leaked = kind.secret & _keys(view.get("activity", {}))
                    assert not (hidden and leaked), (pack_id, step.id, moment, url, sorted(leaked))
    # A preview is no session: nothing registered, nothing journaled.
    kit = app.extensions["workshops"]
    assert kit.manager.all() == [] and list(kit.journal.sessions(open_only=False)) == []


def test_a_question_shows_its_answers_then_its_results_and_a_slide_only_its_start(app):
    pack = shipped("kaveritaidot-3-6")
    now = app.extensions["workshops"].manager.clock()
    index = next(i for i, s in enumerate(pack.agenda) if s.kind == "choice")
    assert moments(pack, index, now) == list(MOMENTS)
    answered = sample_session(pack, index, "answers", now).state
    step = pack.agenda[index]
    assert answered.activities[step.id].phase == "open" and answered.activities[step.id].votes
    assert sample_session(pack, index, "results", now).state.activities[step.id].phase == "revealed"
    slide = next(i for i, s in enumerate(pack.agenda) if s.kind == "slide")
    assert moments(pack, slide, now) == ["start"]


def test_the_console_of_a_step_reads_on_time_and_its_clock_starts_now(app):
    pack = shipped("esittely")
    now = app.extensions["workshops"].manager.clock()
    state = sample_session(pack, 2, "start", now).state
    runs = [state.times[i] for i in range(3)]
    assert runs[2][0].started_at == now
    assert runs[1][0].ended_at - runs[1][0].started_at == pytest.approx(pack.agenda[1].minutes * 60)


def test_the_phones_speak_their_own_language(client):
    pack = shipped("kaveritaidot-3-6")
    step = next(s for s in pack.agenda if s.kind == "sort")
    page = client.get(f"/preview/kaveritaidot-3-6?step={step.id}").get_data(as_text=True)
    for lang in ("fi", "sv"):
        url = next(u for u in frames(page) if f"lang={lang}" in u)
        shown, frame_page = embedded(client, url)
        question = resolve(step.question, lang, pack.language)  # type: ignore[attr-defined]
        assert shown["pupil_view"]["activity"]["question"][lang] == question
        with_strings = json.loads(re.search(r'id="strings">(.*?)</script>', frame_page, re.S).group(1))
        assert with_strings["send"] == {"fi": "Lähetä", "sv": "Skicka"}[lang]


def test_the_step_list_links_every_step_and_marks_the_current_one(client):
    pack = shipped("jamakkyytta")
    page = client.get("/preview/jamakkyytta?step=rastit").get_data(as_text=True)
    listed = re.findall(r'<li><a href="([^"]+)" data-focus="step"', page)
    assert [html.unescape(u) for u in listed] == [f"/preview/jamakkyytta?step={s.id}" for s in pack.agenda]
    assert re.search(r'href="/preview/jamakkyytta\?step=rastit" data-focus="step" aria-current="page"', page)
    assert 'id="prev"' in page and 'id="next"' in page
    assert "<code>stations</code>" in page
    first = client.get("/preview/jamakkyytta?step=no-such-step").get_data(as_text=True)
    assert 'id="prev"' not in first  # an unknown step shows the first one


def test_the_preview_is_the_facilitators_only(client):
    for url in ("/preview/esittely", "/preview/esittely/host?step=tervetuloa", "/preview/qr.svg"):
        assert client.get(url, environ_base=REMOTE).status_code == 403, url
    assert client.get("/preview/no-such-pack").status_code == 404
    assert client.get("/preview/esittely/wall").status_code == 404
    assert client.get("/preview/esittely/phone?lang=xx").status_code == 404


def test_the_home_page_links_each_packs_preview(client):
    page = client.get("/").get_data(as_text=True)
    for pack_id in SHIPPED:
        assert f'href="/preview/{pack_id}"' in page, pack_id


def _content(tmp_path: Path, *folders: Path) -> Path:
    content = tmp_path / "content"
    for folder in folders:
        shutil.copytree(folder, content / folder.name)
    return content


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_a_broken_pack_shows_its_problems_instead_of_frames(make_app, tmp_path, lang):
    content = _content(tmp_path, ROOT / "tests" / "packs" / "bad" / "mode-typo")
    client = make_app(CONTENT_DIR=[ROOT / "content", content]).test_client()
    problem = load_pack(ROOT / "tests" / "packs" / "bad" / "mode-typo").errors[0]
    said = f"{problem.where}: {problem.text(lang)}"  # in the language the author reads the page in
    at = f"mode-typo/pack.yaml:{problem.line}:{problem.col}:</code> {escape(said)}"
    home = client.get(f"/?lang={lang}").get_data(as_text=True)
    assert 'href="/preview/mode-typo"' in home  # its row in "Packs with errors"
    assert at in home  # with its first error
    resp = client.get(f"/preview/mode-typo?lang={lang}")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert 'id="problems"' in page and "<iframe" not in page
    assert at in page
    assert 'href="/"' in page  # back to the home page
    assert client.get("/preview/mode-typo/host").status_code == 404


def test_the_preview_follows_edits_and_a_broken_edit_shows_its_problems(make_app, tmp_path):
    content = _content(tmp_path, ROOT / "tests" / "packs" / "good" / "minitehtavat")
    pack_file = content / "minitehtavat" / "pack.yaml"
    client = make_app(CONTENT_DIR=content).test_client()
    first = load_pack(content / "minitehtavat").pack
    step = first.agenda[0]
    title = resolve(step.title, "fi", first.language)
    assert title in client.get("/preview/minitehtavat").get_data(as_text=True)
    text = pack_file.read_text(encoding="utf-8")
    pack_file.write_text(text.replace(title, "Uusi otsikko", 1), encoding="utf-8")
    assert "Uusi otsikko" in client.get("/preview/minitehtavat").get_data(as_text=True)
    pack_file.write_text(text.replace("agenda:", "agenda:\n  - kind: nope", 1), encoding="utf-8")
    page = client.get("/preview/minitehtavat").get_data(as_text=True)
    assert 'id="problems"' in page and "minitehtavat/pack.yaml:" in page
    # The last good version is still offered for sessions; the preview says so.
    assert "previous version" in page or "edellisestä versiosta" in page
