// Sort into categories: tap an item, then its category.
import { add, h, t } from "../lib.js";
import { kind, text, picture, drafts } from "./task-base.js";

export const { screen, host, pupil } = kind({
  prompt: (a, ctx) => h("p", { class: "question" }, text(a.question, ctx)),
  answer(el, a, own, ctx, { open: isOpen, send }) {
    if (!drafts.has(ctx.stepId)) drafts.set(ctx.stepId, { placed: { ...(own.mine || {}) }, picked: null });
    const draft = drafts.get(ctx.stepId);
    const cats = Object.fromEntries(a.categories.map((c) => [c.id, text(c.text, ctx)]));
    const revealed = a.phase === "revealed";
    add(el, picture(a, ctx), h("p", { class: "hint" }, t("sort_hint")),
      h("div", { class: "sort-items" }, a.items.map((item) => {
        const where = draft.placed[item.id];
        const mark = revealed && where ? (a.solution[item.id] === where ? " ✓" : ` ✗ → ${cats[a.solution[item.id]]}`) : "";
        return h("button", {
          class: `sort-item${draft.picked === item.id ? " picked" : ""}${where ? " placed" : ""}`, "data-item": item.id, disabled: !isOpen,
          "aria-pressed": draft.picked === item.id ? "true" : "false",
          onclick: () => { draft.picked = item.id; ctx.rerender(); },
        }, text(item.text, ctx), where ? h("span", { class: "placed-in" }, ` → ${cats[where]}`) : null, mark);
      })),
      h("div", { class: "sort-cats" }, a.categories.map((c, i) => h("button", {
        class: `opt opt-${i}`, "data-category": c.id, disabled: !isOpen || !draft.picked,
        onclick: () => {
          draft.placed[draft.picked] = c.id;
          draft.picked = a.items.find((it) => !draft.placed[it.id])?.id ?? null;
          if (Object.keys(draft.placed).length === a.items.length) send({ placements: { ...draft.placed } });
          ctx.rerender();
        },
      }, h("span", { class: "opt-text" }, text(c.text, ctx))))));
  },
  results: (a, ctx) => h("p", { class: "progress" }, t("all_right_n", { n: a.results.right, total: a.results.answers })),
  solutionView: (a, ctx) => h("ul", { class: "solution" }, a.items.map((item) => h("li", {},
    text(item.text, ctx), " → ", h("strong", {}, text(a.categories.find((c) => c.id === a.solution[item.id])?.text, ctx))))),
});
