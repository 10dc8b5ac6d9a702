// Invent an exercise (media mentors): pupils write quiz questions; the facilitator reviews
// them and downloads the approved ones as a draft pack.
import { add, h, t, live, errorText } from "../lib.js";
import { text } from "./task-base.js";
import { entryBox, enter } from "./entry.js";

/** The idea form: a pupil's phone sends it as their idea; the console enters one the class says aloud. */
// What is typed in an idea form, by step: a view arriving meanwhile (a pupil joins, another idea
// comes in) redraws the form, and must not wipe what is being written.
const drafts = new Map();

function ideaForm(ctx, submit, status) {
  if (!drafts.has(ctx.stepId)) drafts.set(ctx.stepId, { question: "", options: ["", "", "", ""], right: -1, why: "" });
  const draft = drafts.get(ctx.stepId);
  const question = h("textarea", { id: "idea-question", maxlength: 200, rows: 2, "aria-label": t("idea_question"),
    oninput: (e) => { draft.question = e.currentTarget.value; } });
  question.value = draft.question;
  const options = [0, 1, 2, 3].map((i) => h("input", { class: "idea-option", maxlength: 80, "aria-label": t("idea_option", { n: i + 1 }),
    value: draft.options[i], oninput: (e) => { draft.options[i] = e.currentTarget.value; } }));
  const right = [0, 1, 2, 3].map((i) => h("input", { type: "radio", name: "right", value: i, "aria-label": t("idea_right"),
    checked: draft.right === i, onchange: () => { draft.right = i; } }));
  const why = h("textarea", { id: "idea-why", maxlength: 300, rows: 2, "aria-label": t("idea_explanation"),
    oninput: (e) => { draft.why = e.currentTarget.value; } });
  why.value = draft.why;
  const form = h("form", { class: "task", onsubmit: async (e) => {
    e.preventDefault();
    // The fields on the page: patch() may have kept those of an earlier render (live()).
    const filled = options.map((o, i) => [live(o).value.trim(), i]).filter(([v]) => v);
    const picked = right.findIndex((r) => live(r).checked);
    const index = filled.findIndex(([, i]) => i === picked);
    const ack = await submit({ type: "idea", question: live(question).value,
      options: filled.map(([v]) => v), right: Math.max(0, index), explanation: live(why).value });
    live(status).textContent = ack.ok ? t("idea_sent") : errorText(ack);
    if (ack.ok) {
      drafts.delete(ctx.stepId);
      live(form).reset();
    }
  } },
    h("label", {}, t("idea_question")), question,
    // The radio sits in a finger-sized label: a bare radio is 13 px wide.
    options.map((o, i) => h("div", { class: "row" }, h("label", { class: "idea-right" }, right[i]), o)),
    h("p", { class: "hint" }, t("idea_right")),
    h("label", {}, t("idea_explanation")), why,
    h("button", { class: "btn primary big", type: "submit", id: "send-idea" }, t("send")));
  return form;
}

export const { screen, host, pupil } = {
  screen(el, a, ctx) {
    add(el, h("p", { class: "question" }, text(a.prompt, ctx)), h("p", { class: "progress" }, t("ideas_in", { n: a.count })),
      h("ol", { class: "ideas" }, a.approved.map((i) => h("li", {}, i.question))));
  },
  host(el, a, ctx) {
    const review = (idea, status) => () => ctx.command({ type: "act", step: ctx.stepId, action: { type: "review", idea, status } });
    add(el, h("p", { class: "question" }, text(a.prompt, ctx)),
      h("p", {}, h("a", { class: "btn", id: "export-ideas", href: `/export/${ctx.code}/${ctx.stepId}`, download: "" }, t("download_ideas"))),
      h("ul", { class: "ideas" }, a.ideas.map((i) => h("li", { class: `line-item ${i.status}`, "data-idea": i.id },
        h("span", { class: "small muted" }, `${i.nick} · ${t(`idea_${i.status}`)}`),
        h("p", {}, h("strong", {}, i.question)),
        h("ol", {}, i.options.map((o, n) => h("li", {}, o, n === i.right ? " ✓" : ""))),
        i.explanation ? h("p", { class: "small" }, i.explanation) : null,
        h("div", { class: "controls" },
          h("button", { class: "btn tiny approve-idea", onclick: review(i.id, "approved") }, t("approve")),
          h("button", { class: "btn tiny quiet reject-idea", onclick: review(i.id, "rejected") }, t("reject")))))));
    const status = h("p", { class: "answer-msg", role: "status" });
    add(el, entryBox(ctx, { hint: t("entry_hint_one"), entered: a.ideas.filter((i) => i.entered).length },
      ideaForm(ctx, (idea) => enter(ctx, { answer: idea }), status), status));
  },
  pupil(el, a, own, ctx) {
    own = own || {};
    const status = h("p", { class: "answer-msg", role: "status" });
    const form = ideaForm(ctx, (action) => ctx.send({ type: "act", step: ctx.stepId, action }), status);
    if (own.ideas?.length && !status.textContent) status.textContent = t("idea_sent");  // survives re-renders
    add(el, h("p", { class: "question" }, text(a.prompt, ctx)), form, status,
      own.ideas?.length ? h("ol", { class: "ideas" }, own.ideas.map((i) => h("li", {}, i.question, ` (${t(`idea_${i.status}`)})`))) : null);
  },
};
