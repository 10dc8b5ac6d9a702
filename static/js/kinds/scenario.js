// What would you do: a story that branches by the pupil's choices.
import { add, h, t } from "../lib.js";
import { rich } from "../rich.js";
import { kind, text, picture, bars } from "./task-base.js";

export const { screen, host, pupil } = kind({
  prompt: () => null,
  done: (a, own) => own.at === null,
  answer(el, a, own, ctx, { open: isOpen, send }) {
    const nodes = Object.fromEntries(a.nodes.map((n) => [n.id, n]));
    add(el, picture(a, ctx), (own.path || []).map((step) => {
      const node = nodes[step.node];
      return h("div", { class: "story-step" }, h("div", { class: "rich" }, rich(text(node.text, ctx))),
        h("p", { class: "story-choice" }, "→ ", text(node.choices.find((c) => c.id === step.choice)?.text, ctx)),
        h("p", { class: "consequence" }, text(step.consequence, ctx)));
    }));
    const at = own.at === undefined ? a.nodes[0].id : own.at;
    if (at === null) return add(el, h("p", { class: "big-prompt" }, t("story_end")));
    const node = nodes[at];
    add(el, h("div", { class: "situation rich" }, rich(text(node.text, ctx))),
      h("div", { class: "options" }, node.choices.map((c, i) => h("button", {
        class: `opt opt-${i}`, "data-choice": c.id, disabled: !isOpen, onclick: () => send({ node: node.id, choice: c.id }),
      }, h("span", { class: "opt-text" }, text(c.text, ctx))))));
  },
  // One item per point of the story, so the projector can page through a long story.
  results: (a, ctx) => h("ul", { class: "story-results-list" }, a.nodes.map((n) => h("li", { class: "story-results" }, h("div", { class: "rich" }, rich(text(n.text, ctx))),
    bars(n.choices.map((c) => ({ id: c.id, label: text(c.text, ctx), n: a.results.nodes[n.id][c.id] })))))),
});
