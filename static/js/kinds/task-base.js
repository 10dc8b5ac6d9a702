// The chrome every task kind shares (prompt, picture, timer, reveal, explanation) and the
// helpers several task kinds use. A task kind is one module, static/js/kinds/<kind>.js, that
// supplies how a phone answers and how results look:
//   export const { screen, host, pupil } = kind({ prompt, answer, results, ... });
import { add, h, t, tr, live, mediaUrl, secondsLeft, timeLeft, clockText, errorText } from "../lib.js";
import { rich } from "../rich.js";
import { entryBox, teamPicker, countsForm, textForm, enter, enteredNote } from "./entry.js";

// Unsent work on a phone (sorting, ordering) by step: it survives re-renders.
export const drafts = new Map();

export const text = (value, ctx) => tr(value, ctx.lang, ctx.packLang);

export function countdown(a) {
  if (a.phase !== "open" || !a.closes_at) return null;
  return h("p", { class: "countdown", "data-deadline": a.closes_at }, timeLeft(a.closes_at));
}

export function picture(a, ctx) {
  return a.image ? h("img", { class: "slide-img", src: mediaUrl(ctx.packId, a.image), alt: text(a.image_alt, ctx) }) : null;
}

export function bars(rows) {
  const top = Math.max(1, ...rows.map((r) => r.n));
  return h("ul", { class: "bars" }, rows.map((r) => h("li", { class: r.right ? "rbar right" : "rbar", "data-option": r.id },
    h("span", { class: "bar-label" }, r.label, r.right ? " ✓" : ""),
    h("span", { class: "bar-track" }, h("span", { class: "bar-fill", style: `width:${Math.round((100 * r.n) / top)}%` })),
    h("span", { class: "bar-count" }, String(r.n)))));
}

/**
 * "Your answer" (or "Your team's answer") and "Right answer" on an answer option after the
 * reveal, in words: a mark alone on a wrong pick would read as "right".
 */
export function answerTags({ mine = false, team = false, right = false }) {
  if (!mine && !team && !right) return null;
  return h("span", { class: "opt-tags" },
    mine ? h("span", { class: "opt-tag mine" }, t("your_answer")) : null,
    team ? h("span", { class: "opt-tag mine" }, t("team_answer")) : null,
    right ? h("span", { class: "opt-tag right" }, t("right_answer")) : null);
}

/** A heading over one of the lists a reveal shows side by side (the pupil's, the right one). */
export function listHead(key) {
  return h("h3", { class: "list-head" }, t(key));
}

export function explanation(a, ctx) {
  // A poll has no right answer, so its note is "good to know", not "why?".
  const label = a.mode === "poll" ? t("good_to_know") : t("explanation");
  return a.explanation ? h("div", { class: "explanation rich" }, rich(text(a.explanation, ctx), h("strong", {}, label))) : null;
}

function sender(ctx, status) {
  return async (answer) => {
    const ack = await ctx.send({ type: "act", step: ctx.stepId, action: { type: "answer", ...answer } });
    live(status).textContent = ack.ok ? t("answer_sent") : errorText(ack);
    return ack;
  };
}

/**
 * The console's entry of answers given without devices, by how the kind takes them (`a.entry`):
 * raised hands per answer (`entryRows` lists the answers), the class's or a team's one answer
 * drawn with the phone's own widget, or answers typed one by one.
 */
function entryPart(a, ctx, { answer, entryRows, entryPicture }) {
  const team = a.answer_by === "team";
  const entered = a.entered_answers || [];
  if (a.entry === "counts" && !team) {
    const rows = entryRows(a, ctx).map((row) => ({ ...row, key: String(row.value), answer: { type: "answer", value: row.value },
      n: entered.find((e) => e.value === row.value)?.count ?? 0 }));
    return entryBox(ctx, { hint: t("entry_hint_counts"), entered: a.entered }, countsForm(ctx, rows));
  }
  const picker = team ? teamPicker(ctx, { done: new Set(entered.map((e) => e.team)) }) : { team: null, node: null };
  if (team && !picker.team) return entryBox(ctx, { hint: t("entry_hint_team"), entered: a.entered }, picker.node);
  const extra = picker.team ? { team: picker.team } : {};
  if (a.entry === "many") {
    return entryBox(ctx, { hint: t("entry_hint_many"), entered: a.entered }, picker.node,
      textForm(ctx, { label: t("entry_type"), id: `entry-text-${ctx.stepId}`, send: (text) => enter(ctx, { answer: { type: "answer", text }, ...extra }) }));
  }
  const key = picker.team || "e1";
  const current = entered.find((e) => e.key === key);
  const widget = h("div", { class: "entry-widget", "data-entry-for": key });
  const status = h("p", { class: "answer-msg", role: "status" });
  const send = async (fields) => {
    const ack = await enter(ctx, { answer: { type: "answer", ...fields }, ...extra });
    live(status).textContent = ack.ok ? t("entry_saved") : errorText(ack);
    return ack;
  };
  // The phone's own widget, for the class (or the picked team): its drafts are kept by this key.
  // The console shows the step's picture already: the widget draws it again only if it answers on it.
  const own = (picker.team ? a.team_own?.[picker.team] : current?.own) || {};
  answer(widget, { ...a, phase: "open", image: entryPicture ? a.image : null }, own, { ...ctx, stepId: `${ctx.stepId}@${key}` }, { open: true, send, status });
  return entryBox(ctx, { hint: team ? t("entry_hint_team") : t("entry_hint_one"), entered: a.entered }, picker.node, widget, status,
    current ? h("button", { class: "btn tiny quiet", "data-entry-clear": key, onclick: () => enter(ctx, { count: 0, ...extra }) }, t("clear_entry")) : null);
}

/** Wrap a kind's parts into the three renderers every kind exports. */
export function kind({ prompt, answer, results, solutionView, hostExtra, alwaysResults, done, entryRows, entryPicture }) {
  return {
    screen(el, a, ctx) {
      // A solution drawn on the picture (hotspot) takes the picture's place: never the picture twice.
      const solution = a.phase === "revealed" ? solutionView?.(a, ctx, {}) : null;
      add(el, prompt(a, ctx), solution || picture(a, ctx));
      if (a.phase === "revealed") add(el, results(a, ctx, {}), explanation(a, ctx), enteredNote(a));
      else add(el, alwaysResults?.(a, ctx), h("p", { class: "progress" }, t("answers_in", { n: a.answered, total: a.total })), enteredNote(a), countdown(a));
    },
    host(el, a, ctx) {
      add(el, prompt(a, ctx), picture(a, ctx), results(a, ctx, {}), solutionView?.(a, ctx, {}),
        h("p", { class: "progress" }, t("answers_in", { n: a.answered, total: a.total })), countdown(a));
      const cmd = (type, extra = {}) => () => ctx.command({ type: "act", step: ctx.stepId, action: { type, ...extra } });
      const buttons = [];
      if (a.phase === "open") {
        buttons.push(h("button", { class: "btn", onclick: cmd("close") }, t("close")));
        if (a.closes_at) buttons.push(h("button", { class: "btn", onclick: cmd("extend", { seconds: 30 }) }, t("extend")));
      } else buttons.push(h("button", { class: "btn", onclick: cmd("open") }, t("reopen")));
      if (a.phase !== "revealed") buttons.push(h("button", { class: "btn primary", id: "reveal", onclick: cmd("reveal") }, t("reveal")));
      buttons.push(h("button", { class: "btn quiet", onclick: () => confirm(t("reset_confirm")) && cmd("reset")() }, t("reset")));
      add(el, h("div", { class: "controls" }, buttons), entryPart(a, ctx, { answer, entryRows, entryPicture }), hostExtra?.(a, ctx, cmd));
      ctx.answered?.(new Set(a.answered_by || []));
    },
    pupil(el, a, own, ctx) {
      own = own || {};
      const status = h("p", { class: "answer-msg", role: "status" });
      const open = a.phase === "open";
      add(el, prompt(a, ctx), countdown(a));
      answer(el, a, own, ctx, { open, send: sender(ctx, status), status });
      if (own.team && own.answered_by) add(el, h("p", { class: "hint" }, t("answered_for_team", { nick: own.answered_by })));
      if (own.team && own.entered) add(el, h("p", { class: "hint" }, t("entered_for_team")));
      if (!open && a.phase !== "revealed") status.textContent = t("answer_closed");
      // `done`: the answer is complete (a story at its end), so there is nothing left to change.
      else if (open && own.mine != null && !status.textContent && !done?.(a, own)) status.textContent = t("answer_sent");
      add(el, status);
      if (a.phase === "revealed") {
        if (own.right !== undefined) add(el, h("p", { class: own.right ? "verdict right" : "verdict wrong" }, own.right ? t("right") : t("not_right")));
        add(el, solutionView?.(a, ctx, own), explanation(a, ctx));
      }
    },
  };
}
