// Open answer: a short text; the facilitator approves lines for the projector.
import { add, h, t } from "../lib.js";
import { kind, text, picture } from "./task-base.js";

function cloud(words) {
  if (!words?.length) return null;
  const top = words[0][1];
  return h("ul", { class: "cloud" }, words.map(([word, n]) => h("li", { style: `font-size:${(1 + (1.6 * n) / top).toFixed(2)}em` }, word)));
}

export const { screen, host, pupil } = kind({
  prompt: (a, ctx) => h("p", { class: "question" }, text(a.question, ctx)),
  answer(el, a, own, ctx, { open: isOpen, send }) {
    const input = h("textarea", { id: "open-answer", maxlength: a.max_length, rows: 3, "aria-label": text(a.question, ctx), disabled: !isOpen });
    input.value = own.mine ?? "";
    add(el, picture(a, ctx), h("form", { class: "task", onsubmit: (e) => { e.preventDefault(); send({ text: input.value }); } },
      input, h("p", { class: "hint" }, t("open_hint")), h("button", { class: "btn primary big", type: "submit", id: "send-open", disabled: !isOpen }, t("send"))));
  },
  alwaysResults: (a) => cloud(a.results?.words),
  results: (a) => h("div", {}, cloud(a.results.words),
    a.results.approved.length ? h("ul", { class: "lines" }, a.results.approved.map((line) => h("li", { class: "line" }, line)))
      : h("p", { class: "muted" }, t("none_approved"))),
  hostExtra: (a, ctx, cmd) => a.entries?.length ? h("section", { class: "moderation" }, h("h3", {}, t("moderate_answers")),
    h("ul", {}, a.entries.map((e) => {
      const edit = h("input", { class: "edit-line", maxlength: 300, "aria-label": t("edit_line") });
      edit.value = e.shown ?? e.text;
      return h("li", { class: `line-item ${e.status}`, "data-voter": e.voter }, h("p", {}, e.text), edit,
        h("div", { class: "controls" },
          h("button", { class: "btn tiny approve-line", onclick: () => cmd("moderate", { voter: e.voter, status: "approved", text: edit.value })() }, t("approve")),
          h("button", { class: "btn tiny quiet hide-line", onclick: cmd("moderate", { voter: e.voter, status: "hidden" }) }, t("hide"))));
    }))) : null,
});
