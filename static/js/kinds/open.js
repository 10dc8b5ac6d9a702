// Open answer: a short text; the facilitator approves lines for the projector.
import { add, h, t, live } from "../lib.js";
import { kind, text, picture } from "./task-base.js";

function cloud(words) {
  if (!words?.length) return null;
  const top = words[0][1];
  return h("ul", { class: "cloud" }, words.map(([word, n]) => h("li", { style: `font-size:${(1 + (1.6 * n) / top).toFixed(2)}em` }, word)));
}

// The facilitator's edits of answers not yet approved, by step and voter, each with the answer
// it edits: an edit outlives re-renders until the pupil changes the answer.
const edits = new Map();

function fieldText(id) {
  return document.getElementById(id)?.value ?? "";
}

/** The facilitator's list of answers: each approved (as edited) or hidden. */
const moderation = (a, ctx, cmd) => a.entries?.length ? h("section", { class: "moderation" }, h("h3", {}, t("moderate_answers")),
  h("ul", {}, a.entries.map((e) => {
    // The ids keep each line's field with its line while other answers come and go.
    const key = `${ctx.stepId}:${e.voter}`;
    const draft = edits.get(key);
    const id = `edit-${ctx.stepId}-${e.voter}`;
    return h("li", { class: `line-item ${e.status}`, id: `line-${ctx.stepId}-${e.voter}`, "data-voter": e.voter }, h("p", {}, e.text),
      h("input", { class: "edit-line", id, maxlength: 300, "aria-label": t("edit_line"),
        value: draft?.text === e.text ? draft.edit : e.shown ?? e.text,
        oninput: (ev) => edits.set(key, { text: e.text, edit: ev.currentTarget.value }) }),
      h("div", { class: "controls" },
        // What is approved is what the field on the page says when the button is pressed.
        h("button", { class: "btn tiny approve-line", onclick: () => cmd("moderate", { voter: e.voter, status: "approved", text: fieldText(id) })() }, t("approve")),
        h("button", { class: "btn tiny quiet hide-line", onclick: cmd("moderate", { voter: e.voter, status: "hidden" }) }, t("hide"))));
  }))) : null;

export const { screen, host, pupil } = kind({
  prompt: (a, ctx) => h("p", { class: "question" }, text(a.question, ctx)),
  answer(el, a, own, ctx, { open: isOpen, send }) {
    const input = h("textarea", { id: "open-answer", maxlength: a.max_length, rows: 3, "aria-label": text(a.question, ctx), disabled: !isOpen });
    input.value = own.mine ?? "";
    add(el, picture(a, ctx), h("form", { class: "task", onsubmit: (e) => { e.preventDefault(); send({ text: live(input).value }); } },
      input, h("p", { class: "hint" }, t("open_hint")), h("button", { class: "btn primary big", type: "submit", id: "send-open", disabled: !isOpen }, t("send"))));
  },
  alwaysResults: (a) => cloud(a.results?.words),
  results: (a) => h("div", {}, cloud(a.results.words),
    a.results.approved.length ? h("ul", { class: "lines" }, a.results.approved.map((line) => h("li", { class: "line" }, line)))
      : h("p", { class: "muted" }, t("none_approved"))),
  hostExtra: moderation,
});

/** A self-paced session's console (host.js renderPaced): the same list, approving for the report. */
export const paced = (el, data, ctx) => add(el, moderation(data, ctx, (type, extra = {}) => () => ctx.command({ type: "act", step: ctx.stepId, action: { type, ...extra } })));
