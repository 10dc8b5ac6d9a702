// Injected by tests/e2e/conftest.py into every page after axe.min.js: runs axe-core on each
// state a page settles in (WCAG 2.1 A and AA rules) and reports violations to the test through
// the binding window.__axeReport. A state already checked (same markup at the same viewport
// size, in any page of the test session) is not checked again: 30 phones show the same page.
(() => {
  if (window.top !== window || !window.axe || !location.protocol.startsWith("http")) return;
  const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
  const QUIET_MS = 150; // a view is built in one task; the page is settled well before this
  let timer = null;
  let running = null;
  let again = false;

  // A cheap hash of the markup and the viewport: the key of a state. The text between tags is left
  // out (one pupil's nickname or answer is not another state: the same elements, colours and
  // labels pass or fail alike), so 30 phones on one step are checked once, not 30 times.
  function stateKey() {
    const markup = document.documentElement.outerHTML.replace(/>[^<]+</g, ">·<");
    const s = `${innerWidth}x${innerHeight}|${markup}`;
    let h1 = 0x811c9dc5;
    let h2 = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 16777619);
      h2 = (Math.imul(h2, 31) + c) | 0;
    }
    return `${location.pathname}|${s.length}|${(h1 >>> 0).toString(16)}${(h2 >>> 0).toString(16)}`;
  }

  async function check() {
    const key = stateKey();
    if (await window.__axeSeen(key)) return;
    let result;
    try {
      result = await axe.run(document, { runOnly: { type: "tag", values: TAGS }, resultTypes: ["violations"] });
    } catch (e) {
      await window.__axeUnsee(key); // not checked: the next try checks it
      throw e;
    }
    const found = result.violations.map((v) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.slice(0, 4).map((n) => ({ target: n.target.join(" "), html: n.html.slice(0, 160), why: n.failureSummary })),
    }));
    if (found.length) await window.__axeReport(JSON.stringify({ page: location.pathname, width: innerWidth, found }));
  }

  // A check that fails once may have met a frame in the middle of loading (the preview's frames
  // reload as the author steps through: axe finds a frame with no document yet). It is tried
  // again on the next quiet moment; a failure twice in a row is reported.
  let failed = 0;

  async function run() {
    if (running) { again = true; return running; }
    running = check().then(() => { failed = 0; }, (e) => {
      failed += 1;
      if (failed < 2) { again = true; return; }
      failed = 0;
      return window.__axeReport(JSON.stringify({ page: location.pathname, error: String(e) }));
    });
    await running;
    running = null;
    if (again) { again = false; schedule(); }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, QUIET_MS);
  }

  // A countdown ticking every half second is not a new state (it would keep axe running).
  const ticking = (r) => r.target.nodeType === 1 ? r.target.closest("[data-deadline]") : r.target.parentElement?.closest("[data-deadline]");

  /** Check the current state now (the test calls this before it closes the page). */
  window.__axeFlush = async () => {
    clearTimeout(timer);
    while (running) await running;
    await run();
    if (failed) { clearTimeout(timer); again = false; await run(); } // its second try, now
  };

  function start() {
    new MutationObserver((records) => { if (!records.every(ticking)) schedule(); })
      .observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
    addEventListener("resize", schedule);
    schedule();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
