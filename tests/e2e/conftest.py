"""A real server process (eventlet) and Debian's Chromium driven by Playwright.

Every page any test opens through `Watch` also runs axe-core (tests/e2e/vendor, injected with
axe_runner.js) on each state it settles in: a WCAG 2.1 A/AA violation fails the test like a
console error does.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import ClassVar
from urllib.parse import urljoin

import pytest

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
AXE = HERE / "vendor" / "axe.min.js"
AXE_RUNNER = HERE / "axe_runner.js"
# States axe has already checked in this test session (see axe_runner.js's stateKey).
AXE_SEEN: set[str] = set()
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path, *args: str):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.args = args  # more `workshops serve` options, e.g. --content for test packs
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        cmd = [
            sys.executable,
            "-m",
            "workshops.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
            *self.args,
        ]
        self.log = open(self.data_dir.parent / f"server-{self.port}.log", "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start; see " + self.log.name)

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.fixture
def server(tmp_path, request):
    # @pytest.mark.serve("--content", folder): more `workshops serve` options for this test
    marker = request.node.get_closest_marker("serve")
    srv = Server(tmp_path / "data", *(marker.args if marker else ()))
    srv.data_dir.mkdir()
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Watch:
    """Fails the test on any page error, console error, request to another host, or axe violation."""

    # The Watch of each context it attached to, by the context's id: a helper that opens another
    # window (open_screen) attaches it to the same test's Watch.
    _by_context: ClassVar[dict[int, Watch]] = {}

    def __init__(self, base: str):
        self.base = base
        self.problems: list[str] = []
        self.allowed: list[str] = []
        self.contexts: list = []
        self.owned: list = []  # contexts opened by a helper, closed with the Watch

    @classmethod
    def of(cls, context) -> Watch:
        return cls._by_context[id(context)]

    def allow(self, text: str) -> None:
        """Accept console messages containing `text` (e.g. a refusal the test provokes)."""
        self.allowed.append(text)

    def attach(self, context, close: bool = False):
        """Watch a context's pages; `close`: close it when the test ends (a helper opened it)."""

        def route(route):
            url = route.request.url
            if url.startswith(self.base) or url.startswith("data:") or url.startswith("blob:"):
                return route.continue_()
            self.problems.append(f"request to another host: {url}")
            return route.abort()

        context.route("**/*", route)
        context.on("page", self._page)
        context.expose_binding("__axeSeen", lambda _source, key: self._seen(key))
        context.expose_binding("__axeUnsee", lambda _source, key: AXE_SEEN.discard(key))
        context.expose_binding("__axeReport", lambda _source, report: self._axe(report))
        context.add_init_script(path=str(AXE))
        context.add_init_script(path=str(AXE_RUNNER))
        self.contexts.append(context)
        Watch._by_context[id(context)] = self
        if close:
            self.owned.append(context)
        return context

    def close(self) -> None:
        """Check and close the contexts helpers opened; forget every context of this test."""
        for context in self.owned:
            self.flush(context)
            context.close()
        for context in self.contexts:
            Watch._by_context.pop(id(context), None)

    @staticmethod
    def _seen(key: str) -> bool:
        seen = key in AXE_SEEN
        AXE_SEEN.add(key)
        return seen

    def _axe(self, report: str) -> None:
        r = json.loads(report)
        if "error" in r:
            self.problems.append(f"axe could not check {r['page']}: {r['error']}")
        for v in r.get("found", []):
            nodes = "; ".join(f"{n['target']} ({(n['why'] or '').strip().splitlines()[-1:]})" for n in v["nodes"])
            said = f"axe {v['id']} on {r['page']} at {r['width']} px: {v['help']}: {nodes}"
            if said not in self.problems:
                self.problems.append(said)

    def flush(self, context=None) -> None:
        """Check the current state of every open page of `context` (default: all) with axe now."""
        for ctx in [context] if context else self.contexts:
            for page in ctx.pages:
                if not page.is_closed():
                    accessible(page)

    def _page(self, page):
        page.on("pageerror", lambda e: self.problems.append(f"page error on {page.url}: {e}"))
        page.on(
            "console", lambda m: m.type == "error" and self.problems.append(f"console error on {page.url}: {m.text}")
        )

    def check(self):
        problems = [p for p in self.problems if not any(a in p for a in self.allowed)]
        assert not problems, "\n".join(["problems seen in the browser:", *problems])


@pytest.fixture
def watch(server):
    w = Watch(server.url)
    yield w
    w.close()
    w.check()


def accessible(page) -> None:
    """Run axe on the page's current state now (it also runs by itself on every settled state)."""
    try:
        page.evaluate("() => window.__axeFlush && window.__axeFlush()")
    except Exception as e:  # a page that navigated or closed has nothing left to check
        if "closed" not in str(e) and "navigat" not in str(e) and "destroyed" not in str(e):
            raise


@pytest.fixture
def desktop(browser, watch):
    ctx = watch.attach(browser.new_context(viewport={"width": 1280, "height": 800}, locale="fi-FI"))
    yield ctx
    watch.flush(ctx)
    ctx.close()


@pytest.fixture
def phones(browser, watch):
    made = []

    def make(locale: str = "fi-FI"):
        ctx = watch.attach(
            browser.new_context(
                viewport={"width": 360, "height": 740},
                is_mobile=True,
                has_touch=True,
                device_scale_factor=2,
                locale=locale,
            )
        )
        made.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in made:
        watch.flush(ctx)
        ctx.close()


def start_session(desktop, server, pack_id: str):
    """The facilitator starts a session of a pack from the home page; return the host page and code."""
    import re

    host = desktop.new_page()
    host.goto(server.url + "/")
    host.locator(f"article[data-pack={pack_id}] button[type=submit]").click()
    host.wait_for_url(re.compile(r".*/host/[A-Z0-9]+$"))
    return host, host.locator("#code").inner_text().strip()


def open_screen(host):
    """Open the projector screen at the console's *Open the projector screen* address, in a window
    of its own: the projector is a second display beside the laptop's console.

    Not a tab of the console's context: two pages of one context share a window in headless
    Chromium, and the one behind gets about one animation frame a second while the other counts
    down. Playwright waits for two frames before each press ("stable") and the wall checks wait for
    two after each resize, so a pack's walk took minutes instead of seconds. test_demo_session
    opens the screen by clicking the link, as a facilitator does.
    """
    href = host.locator("#open-screen").get_attribute("href")
    watch = Watch.of(host.context)
    own = host.context.browser.new_context(viewport=host.viewport_size, locale=host.evaluate("navigator.language"))
    watch.attach(own, close=True)
    screen = own.new_page()
    screen.goto(urljoin(host.url, href))
    return screen


def join(phones, server, code: str, count: int) -> list:
    """`count` phones open the join address and get their nicknames."""
    from playwright.sync_api import expect

    pupils = []
    for _ in range(count):
        phone = phones()
        phone.goto(f"{server.url}/j/{code}")
        expect(phone.locator("#nick")).not_to_be_empty()
        pupils.append(phone)
    return pupils


def go_to_step_with(host, selector: str) -> None:
    """Press Next until the step whose control `selector` shows is on, one step at a time."""
    from playwright.sync_api import expect

    while not host.locator(selector).count():
        numbered = host.locator(".step-count[data-index]").count()
        current = host.locator(".step-count").get_attribute("data-index") if numbered else "-1"
        host.locator("#next").click()
        expect(host.locator(".step-count")).to_have_attribute("data-index", str(int(current) + 1))


def next_step(host, screen, index: int, phones=()) -> tuple[str, str]:
    """The facilitator presses Next to step `index`; wait until the projector (its pictures
    loaded) and the phones show it; return the step's id and kind."""
    from playwright.sync_api import expect

    host.locator("#next").click()
    expect(host.locator(".step-count")).to_have_attribute("data-index", str(index))
    activity = host.locator("#stage .activity")
    step_id = activity.get_attribute("data-step")
    kind = activity.get_attribute("class").split("kind-")[1].split()[0]
    expect(screen.locator(f"#step .activity.kind-{kind}[data-step='{step_id}']")).to_be_visible()
    for phone in phones:
        expect(phone.locator(f".activity[data-step='{step_id}']")).to_be_visible()
    screen.wait_for_function(
        "() => [...document.querySelectorAll('#step img')].every((i) => i.complete && i.naturalWidth > 0)"
    )
    return step_id, kind
