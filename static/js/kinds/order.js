// Order: tap the items in the right order.
import { add, h, t } from "../lib.js";
import { kind, text, picture, drafts, listHead } from "./task-base.js";

export const { screen, host, pupil } = kind({
  prompt: (a, ctx) => h("p", { class: "question" }, text(a.question, ctx)),
  answer(el, a, own, ctx, { open: isOpen, send }) {
    const label = Object.fromEntries(a.items.map((i) => [i.id, text(i.text, ctx)]));
    if (a.phase === "revealed") {
      // Beside the right order (solutionView), headed so that nobody takes one for the other.
      add(el, picture(a, ctx), own.mine?.length ? h("section", { class: "order-list order-mine" },
        listHead(own.team ? "team_answer" : "your_answer"),
        h("ol", { class: "order-picked" }, own.mine.map((id) => h("li", {}, label[id])))) : null);
      return;
    }
    if (!drafts.has(ctx.stepId)) drafts.set(ctx.stepId, own.mine ? [...own.mine] : []);
    const picked = drafts.get(ctx.stepId);
    add(el, picture(a, ctx), h("p", { class: "hint" }, t("order_hint")),
      h("ol", { class: "order-picked" }, picked.map((id) => h("li", {}, label[id]))),
      h("div", { class: "options" }, a.items.filter((i) => !picked.includes(i.id)).map((i) => h("button", {
        class: "opt opt-1", "data-item": i.id, disabled: !isOpen,
        onclick: () => { picked.push(i.id); if (picked.length === a.items.length) send({ items: [...picked] }); ctx.rerender(); },
      }, h("span", { class: "opt-text" }, label[i.id])))),
      picked.length && isOpen ? h("button", { class: "btn quiet", id: "order-reset", onclick: () => { picked.length = 0; ctx.rerender(); } }, t("start_over")) : null);
  },
  results: (a) => h("p", { class: "progress" }, t("all_right_n", { n: a.results.right, total: a.results.answers })),
  solutionView: (a, ctx) => h("section", { class: "order-list order-solution" }, listHead("right_answer"),
    h("ol", { class: "solution" }, a.solution.map((id) => h("li", {}, text(a.items.find((i) => i.id === id)?.text, ctx))))),
});
