// A self-paced session's page on a participant's phone: each goes through the pack's steps at
// their own pace, with no projector and nobody driving (docs/architecture.md, "Self-paced
// sessions"). Loaded by play.js only when a view says the session is self-paced.
import { boot, h, t, errorText } from "./lib.js";
import { kindOf } from "./kinds/index.js";

let turning = false; // a turn in flight: a double tap turns one page, not two

// This page's own sheet, added once: the phones of a led session never fetch it.
document.head.append(Object.assign(document.createElement("link"),
  { rel: "stylesheet", href: new URL("../css/paced.css", import.meta.url).pathname }));

async function turn(ctx, to) {
  if (turning) return;
  turning = true;
  try {
    const ack = await ctx.send({ type: "page", to });
    // "stale": the page had already turned (another tab of the same phone); the views follow.
    if (!ack.ok && ack.error !== "stale") ctx.showMessage(errorText(ack), { retry: true });
  } finally {
    turning = false;
  }
}

function pageNav(ctx) {
  const { page, pages } = ctx.own;
  return h("nav", { class: "page-nav", "aria-label": t("pages") },
    page > 0 ? h("button", { class: "btn", id: "page-back", onclick: () => turn(ctx, ctx.own.page - 1) }, t("page_back")) : null,
    page < pages ? h("button", { class: "btn primary", id: "page-next", onclick: () => turn(ctx, ctx.own.page + 1) },
      page === pages - 1 ? t("page_finish") : t("page_next")) : null);
}

/** Show this participant's page: its step drawn by its kind, and the way on and back. */
export function renderPage(ctx) {
  const { own, common } = ctx;
  document.body.classList.add("paced");
  if (own.page >= own.pages || !own.head) {
    return ctx.showStep(null, h("div", { class: "notice", id: "page-done" },
      h("p", { class: "big-prompt" }, t("page_done")), h("p", { class: "hint" }, t("page_done_hint")),
      h("p", { class: "help-line" }, t("help_line")), pageNav(ctx)));
  }
  const step = own.head;
  const body = h("div", {});
  kindOf(ctx.kinds, step.kind).pupil(body, own.view || {}, own.activity || {}, {
    lang: boot.lang, packLang: common.language, packId: common.pack.id, stepId: step.id, teams: [], rerender: ctx.render,
    send: ctx.send,
  });
  ctx.showStep(step, h("section", { class: `activity kind-${step.kind}`, id: `step-${step.id}`, "data-step": step.id },
    h("p", { class: "page-count" }, t("page_of", { n: own.page + 1, total: own.pages })), body, pageNav(ctx)));
}
