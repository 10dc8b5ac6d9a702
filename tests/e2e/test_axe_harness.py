"""The browser tests' own accessibility check (conftest.Watch, axe_runner.js) fails what it should:
a page state with a WCAG violation is reported, once checked, and an axe run that breaks twice is
reported too, while one that breaks once (a frame in the middle of loading) is tried again."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Watch, accessible

pytestmark = pytest.mark.browser


def test_a_violation_is_reported_and_a_broken_run_is_tried_again(browser, server):
    watch = Watch(server.url)
    ctx = watch.attach(browser.new_context())
    try:
        page = ctx.new_page()
        page.goto(server.url + "/privacy")
        accessible(page)
        assert watch.problems == []  # the kit's own page passes
        page.evaluate(
            "() => { const i = document.createElement('img'); i.src = '/static/img/icon.svg';"
            " document.querySelector('main').append(i); }"
        )
        accessible(page)
        assert any(p.startswith("axe image-alt on /privacy") for p in watch.problems), watch.problems

        # axe breaking once (as on a frame with no document yet) is tried again, not reported...
        watch.problems.clear()
        page.evaluate("""() => { const run = axe.run; let n = 0;
            axe.run = (...a) => (n++ === 0 ? Promise.reject(new TypeError('no document yet')) : run(...a));
            document.querySelector('main').append(document.createElement('p')); }""")
        accessible(page)
        assert not [p for p in watch.problems if "could not check" in p], watch.problems
        # ...and breaking every time is reported.
        page.evaluate("""() => { axe.run = () => Promise.reject(new TypeError('broken'));
            document.querySelector('main').append(document.createElement('p')); }""")
        accessible(page)
        assert any("axe could not check /privacy: TypeError: broken" in p for p in watch.problems), watch.problems
    finally:
        watch.close()
        ctx.close()
