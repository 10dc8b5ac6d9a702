// Matching pairs: tap an item on the left, then its partner on the right (or the other way
// round). A made pair shows the same number and colour on both items; tap it again to undo it.
// When every item has a partner, Send sends {pairs: {left id: right id}}.
import { add, h, t } from "../lib.js";
import { kind, text, picture, drafts } from "./task-base.js";

const SIDES = ["left", "right"];

/** The phone's unsent pairing for this step: {matched: {left: right}, picked: {side, id} | null}. */
function draftOf(ctx, own) {
  // The stored answer (own.mine) changes when this phone sends, when a teammate answers for the
  // team or when the facilitator clears the answers: then the draft starts again from it.
  const base = JSON.stringify(own.mine ?? null);
  let draft = drafts.get(ctx.stepId);
  if (!draft || draft.base !== base) {
    draft = { base, matched: { ...(own.mine || {}) }, picked: null };
    drafts.set(ctx.stepId, draft);
  }
  return draft;
}

/** Pair numbers: each left item's row, so a pair keeps its number and colour whatever else changes. */
const numbers = (a) => Object.fromEntries(a.left_items.map((item, i) => [item.id, i + 1]));

function badge(n) {
  return h("span", { class: `pairs-badge pairs-c${(n - 1) % 6}`, "aria-hidden": "true" }, String(n));
}

function columns(a, ctx) {
  const list = (items, side) => h("ul", { class: `pairs-col pairs-${side}` },
    items.map((item) => h("li", { class: "pairs-cell" }, text(item.text, ctx))));
  return h("div", { class: "pairs-board" }, list(a.left_items, "left"), list(a.right_items, "right"));
}

export const { screen, host, pupil } = kind({
  prompt: (a, ctx) => h("p", { class: "question" }, text(a.question, ctx)),

  answer(el, a, own, ctx, { open: isOpen, send }) {
    const draft = draftOf(ctx, own);
    const n = numbers(a);
    const partnerOf = Object.fromEntries(Object.entries(draft.matched).map(([l, r]) => [r, l]));
    // The left id of a matched item; undefined for an item not in a pair yet.
    const leftOf = (side, id) => (side === "left" ? (id in draft.matched ? id : undefined) : partnerOf[id]);
    const revealed = a.phase === "revealed";
    const refocus = (side, id) => el.ownerDocument.querySelector(`.kind-pairs [data-${side}="${id}"]`)?.focus();

    function tap(side, id) {
      const pairedLeft = leftOf(side, id);
      if (pairedLeft !== undefined) {
        delete draft.matched[pairedLeft];  // a made pair: undo it
      } else if (draft.picked?.side === side) {
        draft.picked = draft.picked.id === id ? null : { side, id };
      } else if (draft.picked) {
        const left = side === "left" ? id : draft.picked.id;
        const right = side === "right" ? id : draft.picked.id;
        draft.matched[left] = right;
        draft.picked = null;
      } else {
        draft.picked = { side, id };
      }
      ctx.rerender();
      refocus(side, id);
    }

    function item(side, entry) {
      const left = leftOf(side, entry.id);
      const picked = draft.picked?.side === side && draft.picked.id === entry.id;
      const number = left !== undefined ? n[left] : null;
      let verdict = null;
      if (revealed && left !== undefined) {
        const right = a.solution?.[left] === draft.matched[left];
        verdict = h("span", { class: right ? "pairs-mark right" : "pairs-mark wrong" }, right ? "✓" : "✗");
      }
      return h("li", {}, h("button", {
        class: `pairs-item${picked ? " picked" : ""}${number ? ` matched pairs-c${(number - 1) % 6}` : ""}`,
        [`data-${side}`]: entry.id, disabled: !isOpen, "aria-pressed": picked ? "true" : "false",
        title: number ? t("pairs_undo", { n: number }) : null,
        onclick: () => tap(side, entry.id),
      }, number ? badge(number) : null, h("span", { class: "pairs-text" }, text(entry.text, ctx)),
      number ? h("span", { class: "pairs-sr" }, ` (${t("pairs_pair_n", { n: number })})`) : null, verdict));
    }

    const total = a.left_items.length;
    const made = Object.keys(draft.matched).length;
    let progress = t("pairs_to_go", { n: total - made });
    if (made === total) progress = t("pairs_all_done");
    else if (draft.picked) progress = t(draft.picked.side === "left" ? "pairs_pick_right" : "pairs_pick_left");
    add(el, picture(a, ctx), isOpen ? h("p", { class: "hint" }, t("pairs_hint")) : null,
      h("div", { class: "pairs-board" }, SIDES.map((side) => h("ul", { class: `pairs-col pairs-${side}` },
        a[`${side}_items`].map((entry) => item(side, entry))))),
      isOpen ? h("p", { class: "pairs-progress", "aria-live": "polite" }, progress) : null,
      isOpen ? h("div", { class: "controls pairs-controls" },
        h("button", { class: "btn primary big", id: "send-pairs", disabled: made !== total,
          onclick: () => send({ pairs: { ...draft.matched } }) }, t("send")),
        made ? h("button", { class: "btn quiet", id: "pairs-clear", onclick: () => {
          draft.matched = {};
          draft.picked = null;
          ctx.rerender();
        } }, t("pairs_clear")) : null) : null);
  },

  // The projector shows both columns while pupils pair them: the back row can read along.
  alwaysResults: (a, ctx) => columns(a, ctx),

  results: (a) => h("p", { class: "progress" }, t("all_right_n", { n: a.results.right, total: a.results.answers })),

  // The right pairs, numbered like the phones' left column: on the projector and the console with
  // how many matched each one, on a phone whether this pupil (or team) did.
  solutionView(a, ctx, own) {
    if (!a.solution) return null;
    const rights = Object.fromEntries(a.right_items.map((item) => [item.id, item]));
    const mine = own?.mine;
    return h("section", { class: "pairs-solution" }, h("h3", {}, t("pairs_solution")),
      h("ol", { class: "pairs-rows" }, a.left_items.map((left, i) => {
        let note = null;
        if (mine) {
          const right = mine[left.id] === a.solution[left.id];
          note = h("span", { class: right ? "pairs-note right" : "pairs-note wrong" },
            right ? `✓ ${t("pairs_got_right")}` : `✗ ${t("pairs_got_wrong")}`);
        } else if (a.results?.pairs) {
          note = h("span", { class: "pairs-note" }, t("pairs_matched_by", { n: a.results.pairs[left.id] ?? 0, total: a.results.answers }));
        }
        return h("li", { class: "pairs-row", "data-pair": left.id }, badge(i + 1),
          h("strong", { class: "pairs-left-text" }, text(left.text, ctx)),
          h("span", { class: "pairs-arrow", "aria-hidden": "true" }, "→"),
          h("span", { class: "pairs-right-text" }, text(rights[a.solution[left.id]]?.text, ctx)), note);
      })));
  },
});
