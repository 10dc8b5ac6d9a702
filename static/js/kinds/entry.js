// The facilitator's entry of answers given without devices (raised hands, a team's answer said
// aloud, the class's one answer): the console's part every kind shares. A kind draws its own
// answer widget inside the box; this module gives the box, the team picker and the counts form.
// Every entry is one `enter` command (docs/protocol.md), journaled like any other.
import { h, t, live, errorText } from "../lib.js";
import { scanButton } from "../scan.js";

// Whether the facilitator opened or closed a step's entry box, and the team picked, by step.
const opened = new Map();
const picked = new Map();
// Counts typed but not saved yet, by step and row: they survive the re-renders answers cause.
const typed = new Map();

/** Send one `enter` for the running step. */
export function enter(ctx, fields) {
  return ctx.command({ type: "act", step: ctx.stepId, action: { type: "enter", ...fields } });
}

/**
 * The entry box: folded unless the class has no device online, something was entered already, or
 * the facilitator opened it. `hint` says what to do, in one line.
 */
export function entryBox(ctx, { hint, entered = 0 }, ...children) {
  const online = (ctx.pupils || []).some((p) => p.online && !p.kicked && !p.mentor);
  const open = opened.has(ctx.stepId) ? opened.get(ctx.stepId) : !online || entered > 0;
  return h("details", { class: "entry", "data-entry": ctx.stepId, open,
    ontoggle: (e) => { opened.set(ctx.stepId, e.currentTarget.open); } },
  h("summary", {}, h("h3", {}, t("entry_title")), entered ? h("span", { class: "badge" }, t("entered_n", { n: entered })) : null),
  h("p", { class: "hint" }, hint), children);
}

/** The team whose answer is being entered, as a row of team buttons; `null` when there are no teams. */
export function teamPicker(ctx, { done = new Set() } = {}) {
  const teams = ctx.teams || [];
  if (!teams.length) return { team: null, node: h("p", { class: "muted small" }, t("entry_make_teams")) };
  const team = teams.some((x) => x.id === picked.get(ctx.stepId)) ? picked.get(ctx.stepId) : teams[0].id;
  const node = h("div", { class: "entry-teams", role: "group", "aria-label": t("entry_for") }, teams.map((x) => h("button", {
    class: `chip team-${x.colour}${x.id === team ? " picked" : ""}`, "data-entry-team": x.id,
    "aria-pressed": x.id === team ? "true" : "false",
    onclick: () => { picked.set(ctx.stepId, x.id); ctx.rerender(); },
  }, t("team_n", { n: x.id.slice(1) }), done.has(x.id) ? " ✓" : "")));
  return { team, node };
}

/**
 * Raised hands per answer: a number a row, − and + beside it, one Save for all. `rows` are
 * `{key, label, n, answer}`: `n` the count saved now, `answer` what `enter` carries for it.
 */
export function countsForm(ctx, rows) {
  const draft = typed.get(ctx.stepId) || new Map();
  typed.set(ctx.stepId, draft);
  const status = h("p", { class: "answer-msg", role: "status" });
  const value = (row) => (draft.has(row.key) ? draft.get(row.key) : row.n);
  const field = (row) => h("input", {
    type: "number", class: "entry-count", id: `count-${ctx.stepId}-${row.key}`, min: 0, max: 999, inputmode: "numeric",
    value: value(row), "data-count": row.key,
    oninput: (e) => { draft.set(row.key, Math.max(0, Math.min(999, Number(e.currentTarget.value) || 0))); },
  });
  const bump = (row, by) => () => { draft.set(row.key, Math.max(0, Math.min(999, value(row) + by))); ctx.rerender(); };
  const save = async () => {
    const changed = rows.filter((row) => draft.has(row.key) && draft.get(row.key) !== row.n);
    let failed = null;
    for (const row of changed) {
      const ack = await enter(ctx, { answer: row.answer, count: draft.get(row.key) });
      if (ack.ok) draft.delete(row.key);
      else failed = ack;
    }
    live(status).textContent = failed ? errorText(failed) : t("entry_saved");
  };
  return h("form", { class: "entry-counts", onsubmit: (e) => { e.preventDefault(); save(); } },
    h("ul", {}, rows.map((row) => h("li", { "data-row": row.key },
      h("label", { for: `count-${ctx.stepId}-${row.key}` }, row.label),
      h("button", { type: "button", class: "btn tiny", "aria-label": `${t("minus_one")}: ${row.labelText ?? ""}`, onclick: bump(row, -1) }, "−"),
      field(row),
      h("button", { type: "button", class: "btn tiny", "aria-label": `${t("plus_one")}: ${row.labelText ?? ""}`, onclick: bump(row, 1) }, "+")))),
    h("button", { class: "btn primary", type: "submit", "data-save-counts": ctx.stepId }, t("save_counts")),
    // Paper answer cards (A–D) read by the laptop's camera fill the counts in; Save sends them.
    rows.length <= 4 ? scanButton(ctx, rows, (counts) => {
      rows.forEach((row, i) => draft.set(row.key, counts["ABCD"[i]]));
      ctx.rerender();
    }) : null,
    status);
}

/** A line of text said aloud, typed and added (open answers, a group's refusal line). */
export function textForm(ctx, { label, send, max = 300, id }) {
  const input = h("input", { class: "entry-text", id, maxlength: max, "aria-label": label, autocomplete: "off" });
  const status = h("p", { class: "answer-msg", role: "status" });
  return h("form", { class: "entry-line row", onsubmit: async (e) => {
    e.preventDefault();
    const field = live(input);
    if (!field.value.trim()) return;
    const ack = await send(field.value);
    if (ack.ok) field.value = "";
    live(status).textContent = ack.ok ? t("entry_saved") : errorText(ack);
  } }, input, h("button", { class: "btn primary", type: "submit" }, t("add_answer")), status);
}

/** "N entered by the facilitator" for the projector and the console's progress line. */
export function enteredNote(a) {
  return a.entered ? h("p", { class: "muted entered-note" }, t("entered_n", { n: a.entered })) : null;
}
