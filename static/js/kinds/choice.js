// Choice: a poll or a quiz. Phones answer with big buttons; the projector shows
// progress, and the per-option counts only once the facilitator reveals them.
import { add, h, t, tr, live, optionMark, mediaUrl, secondsLeft, timeLeft, clockText, errorText } from "../lib.js";
import { answerTags, explanation } from "./task-base.js";
import { entryBox, teamPicker, countsForm, enter, enteredNote } from "./entry.js";

const LETTERS = "ABCDEF";
// Unsent picks of a multiple-choice question, by step: they survive re-renders.
const drafts = new Map();

function countdown(a) {
  if (a.phase !== "open" || !a.closes_at) return null;
  const el = h("p", { class: "countdown", "data-deadline": a.closes_at }, timeLeft(a.closes_at));
  return el;
}

function bars(a, ctx) {
  const total = Object.values(a.counts || {}).reduce((x, y) => x + y, 0) || 1;
  return h("ul", { class: "bars" }, a.options.map((o, i) => {
    const n = a.counts?.[o.id] ?? 0;
    const right = (a.correct || []).includes(o.id);
    return h("li", { class: right ? "rbar right" : "rbar", "data-option": o.id },
      h("span", { class: "bar-label" }, letter(i), " ", tr(o.text, ctx.lang, ctx.packLang), right ? " ✓" : ""),
      h("span", { class: "bar-track" }, h("span", { class: "bar-fill", style: `width:${Math.round((100 * n) / total)}%` })),
      h("span", { class: "bar-count" }, String(n)));
  }));
}

/** Option i's letter with its shape (A ▲, B ◆ …): the same on phones, projector and console. */
function letter(i) {
  return h("span", { class: "opt-letter" }, optionMark(i), LETTERS[i]);
}

function question(a, ctx) {
  return [
    h("p", { class: "question" }, tr(a.question, ctx.lang, ctx.packLang)),
    a.image ? h("img", { class: "slide-img", src: mediaUrl(ctx.packId, a.image), alt: "" }) : null,
  ];
}

export function screen(el, a, ctx) {
  add(el, ...question(a, ctx));
  if (a.phase === "revealed") {
    add(el, bars(a, ctx), enteredNote(a));
    if (a.explanation) add(el, explanation(a, ctx));
  } else {
    // The options as the phones show them: colour, shape and letter, so "B" on the wall is "B" in the hand.
    add(el, h("ul", { class: "options-grid" }, a.options.map((o, i) => h("li", { class: `opt-card opt-${i}` },
      letter(i), h("span", { class: "opt-text" }, tr(o.text, ctx.lang, ctx.packLang))))));
    add(el, h("p", { class: "progress" }, t("answers_in", { n: a.answered, total: a.total })), enteredNote(a), countdown(a));
  }
}

/** Hands counted per option, or each team's answer said aloud: the console's entry for pupils without devices. */
function entry(a, ctx) {
  const text = (o) => tr(o.text, ctx.lang, ctx.packLang);
  if (a.answer_by !== "team") {
    return entryBox(ctx, { hint: t("entry_hint_counts"), entered: a.entered }, countsForm(ctx, a.options.map((o, i) => ({
      key: o.id, label: [letter(i), " ", text(o)], labelText: `${LETTERS[i]} ${text(o)}`, n: a.hands?.[o.id] ?? 0,
      answer: { type: "vote", options: [o.id] },
    }))));
  }
  const entered = a.team_entered || {};
  const { team, node } = teamPicker(ctx, { done: new Set(Object.keys(entered)) });
  if (!team) return entryBox(ctx, { hint: t("entry_hint_team"), entered: a.entered }, node);
  const chosen = new Set(entered[team] || []);
  return entryBox(ctx, { hint: t("entry_hint_team"), entered: a.entered }, node,
    h("div", { class: "options entry-options" }, a.options.map((o, i) => h("button", {
      class: `opt opt-${i}${chosen.has(o.id) ? " chosen" : ""}`, "data-entry-option": o.id, "aria-pressed": chosen.has(o.id) ? "true" : "false",
      onclick: () => {
        // Several picks: each press adds or takes away one option of the team's answer.
        const next = a.multiple ? new Set(chosen) : new Set([o.id]);
        if (a.multiple && chosen.has(o.id)) next.delete(o.id);
        else next.add(o.id);
        return enter(ctx, next.size ? { team, answer: { type: "vote", options: [...next] } } : { team, count: 0 });
      },
    }, letter(i), h("span", { class: "opt-text" }, text(o))))),
    chosen.size ? h("button", { class: "btn tiny quiet", "data-entry-clear": team, onclick: () => enter(ctx, { team, count: 0 }) }, t("clear_entry")) : null);
}

export function host(el, a, ctx) {
  add(el, ...question(a, ctx));
  if (a.answer_by === "team") add(el, h("p", { class: "muted small" }, t("team_mode")));
  add(el, bars(a, ctx));
  add(el, h("p", { class: "progress" }, t("answers_in", { n: a.answered, total: a.total })), enteredNote(a), countdown(a));
  const cmd = (type, extra = {}) => () => ctx.command({ type: "act", step: ctx.stepId, action: { type, ...extra } });
  const buttons = [];
  if (a.phase === "open") {
    buttons.push(h("button", { class: "btn", onclick: cmd("close") }, t("close")));
    if (a.closes_at) buttons.push(h("button", { class: "btn", onclick: cmd("extend", { seconds: 30 }) }, t("extend")));
  } else {
    buttons.push(h("button", { class: "btn", onclick: cmd("open") }, t("reopen")));
  }
  if (a.phase !== "revealed") buttons.push(h("button", { class: "btn primary", id: "reveal", onclick: cmd("reveal") }, t("reveal")));
  buttons.push(h("button", { class: "btn quiet", onclick: () => confirm(t("reset_confirm")) && cmd("reset")() }, t("reset")));
  add(el, h("div", { class: "controls" }, buttons), entry(a, ctx));
  if (a.team_answers && ctx.teams?.length) {
    const label = (id) => LETTERS[a.options.findIndex((o) => o.id === id)] ?? id;
    add(el, h("ul", { class: "team-answers" }, ctx.teams.map((team) => {
      const answer = a.team_answers[team.id];
      return h("li", { class: `chip team-${team.colour}`, "data-team": team.id },
        `${t("team_n", { n: team.id.slice(1) })}: `, answer?.length ? answer.map(label).join(", ") : "–");
    })));
  }
  const answered = new Set(a.answered_by || []);
  el.dataset.answered = String(answered.size);
  ctx.answered?.(answered);
}

export function pupil(el, a, own, ctx) {
  own = own || {};
  const mine = new Set(own.mine || []);
  add(el, ...question(a, ctx));
  const revealed = a.phase === "revealed";
  const open = a.phase === "open";
  if (!drafts.has(ctx.stepId)) drafts.set(ctx.stepId, new Set(mine));
  const picked = drafts.get(ctx.stepId);
  const msg = h("p", { class: "answer-msg", role: "status" });
  const send = async (ids) => {
    const ack = await ctx.send({ type: "act", step: ctx.stepId, action: { type: "vote", options: ids } });
    live(msg).textContent = ack.ok ? t("answer_sent") : errorText(ack);
  };
  // After the reveal the buttons say in words which is the pupil's answer and which is right:
  // a mark alone on a wrong pick would read as "right".
  const teamPick = new Set(own.team_answer || []);
  const buttons = a.options.map((o, i) => {
    const isMine = mine.has(o.id);
    const isRight = revealed && (a.correct || []).includes(o.id);
    const classes = ["opt", `opt-${i}`];
    if (a.multiple && open ? picked.has(o.id) : isMine) classes.push("chosen");
    if (isRight) classes.push("right");
    return h("button", {
      class: classes.join(" "), "data-option": o.id, disabled: !open,
      "aria-pressed": (a.multiple && open ? picked.has(o.id) : isMine) ? "true" : "false",
      onclick: () => {
        if (!a.multiple) return send([o.id]);
        picked.has(o.id) ? picked.delete(o.id) : picked.add(o.id);
        ctx.rerender();
      },
    }, h("span", { class: "opt-letter" }, optionMark(i), LETTERS[i]), h("span", { class: "opt-text" }, tr(o.text, ctx.lang, ctx.packLang)),
    revealed ? answerTags({ mine: isMine, team: teamPick.has(o.id), right: isRight }) : null);
  });
  if (open) add(el, h("p", { class: "hint" }, a.multiple ? t("pick_many") : t("pick_one")), countdown(a));
  add(el, h("div", { class: "options" }, buttons));
  if (open && a.multiple) {
    add(el, h("button", { class: "btn primary big", onclick: () => picked.size && send([...picked]) }, t("send")));
  }
  if (own.team_votes && Object.keys(own.team_votes).length) {
    const label = (id) => LETTERS[a.options.findIndex((o) => o.id === id)] ?? id;
    add(el, h("div", { class: "team-votes" }, h("strong", {}, t("team_votes")),
      h("ul", {}, Object.entries(own.team_votes).map(([nick, ids]) => h("li", {}, `${nick}: ${ids.map(label).join(", ")}`))),
      h("p", { class: "team-answer" }, `${t("team_answer")}: `,
        own.team_answer?.length ? own.team_answer.map(label).join(", ") : "–")));
  }
  if (open && mine.size && !msg.textContent) msg.textContent = t("answer_sent");
  if (!open && !revealed) msg.textContent = t("answer_closed");
  if (revealed && own.right !== undefined) {
    add(el, h("p", { class: own.right ? "verdict right" : "verdict wrong" }, own.right ? t("right") : t("not_right")));
  }
  if (own.entered) add(el, h("p", { class: "hint" }, t("entered_for_team")));
  if (revealed && a.explanation) add(el, explanation(a, ctx));
  add(el, msg);
}
