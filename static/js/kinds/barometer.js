// The closing barometer: a few statements, each answered with one of three faces, anonymously.
// The phone: a row of three big faces under each statement; a tap sends that statement's face
// at once (the server keeps the others). The projector: the statements and how many have
// answered, then, once the facilitator shows the results, a bar of faces per statement with no
// numbers. The console: the same bars with the counts, and hands counted per statement and face.
import { add, h, live, t } from "../lib.js";
import { kind, text } from "./task-base.js";
import { countsForm, entryBox } from "./entry.js";

const FACES = [1, 2, 3];
// The faces of a three-step scale, as scale.js draws them: static/img/face-2.svg (sad),
// face-3.svg (so-so) and face-4.svg (happy).
const PICTURE = { 1: 2, 2: 3, 3: 4 };

const labels = () => [t("barometer_face_1"), t("barometer_face_2"), t("barometer_face_3")];
const label = (v) => labels()[v - 1];

function face(v) {
  // The word beside it names the choice; the face only shows it.
  return h("img", { class: "baro-face", src: new URL(`../../img/face-${PICTURE[v]}.svg`, import.meta.url).pathname, alt: "", width: 48, height: 48 });
}

const statements = (a) => a.statements || [];
const counts = (a, id) => a.results?.counts?.[id] || [0, 0, 0];
const answered = (own, a) => statements(a).every((s) => own.mine?.[s.id] != null);

/** The phone: one group of three face buttons per statement. */
function answer(el, a, own, ctx, { open, send, status }) {
  const mine = own.mine || {};
  // Every statement answered: a thank-you in the status line.
  if (open && status && answered(own, a)) status.textContent = t("barometer_thanks");
  add(el, h("p", { class: "hint" }, t("barometer_hint")),
    statements(a).map((s) => {
      const legend = `baro-${ctx.stepId}-${s.id}`;
      return h("div", { class: "baro-statement", role: "group", "aria-labelledby": legend, "data-statement": s.id },
        h("p", { class: "baro-text opt-text", id: legend }, text(s.text, ctx)),
        h("div", { class: "baro-faces" }, FACES.map((v) => h("button", {
          type: "button", class: mine[s.id] === v ? "baro-btn chosen" : "baro-btn", "data-face": v, disabled: !open,
          "aria-pressed": mine[s.id] === v ? "true" : "false",
          onclick: async () => {
            const ack = await send({ faces: { [s.id]: v } });
            // The last statement answered: thank them (the ack's "sent" came after the view's render).
            if (ack?.ok && status && statements(a).every((x) => x.id === s.id || mine[x.id] != null)) {
              live(status).textContent = t("barometer_thanks");
            }
          },
        }, face(v), h("span", { class: "baro-label" }, label(v))))));
    }),
    a.phone ? h("p", { class: "hint baro-phone" }, text(a.phone, ctx)) : null);
}

/** One statement's answers as a bar of three parts, sad to happy; the counts on the console only. */
function bar(a, s, ctx, withCounts) {
  const n = counts(a, s.id);
  const total = n.reduce((x, y) => x + y, 0);
  const share = (k) => (total ? Math.round((100 * k) / total) : 0);
  const said = total ? FACES.map((v, i) => `${label(v)} ${withCounts ? n[i] : `${share(n[i])} %`}`).join(", ") : t("barometer_none");
  return h("li", { class: "baro-row", "data-statement": s.id },
    h("span", { class: "baro-text" }, text(s.text, ctx)),
    h("span", { class: total ? "baro-bar" : "baro-bar empty", role: "img", "aria-label": said },
      total ? FACES.map((v, i) => (n[i] ? h("span", { class: `baro-part baro-${v}`, style: `flex-grow:${n[i]}` },
        share(n[i]) >= 12 ? face(v) : null) : null)) : h("span", { class: "baro-part baro-none" }, t("barometer_none"))),
    withCounts ? h("span", { class: "baro-counts" }, FACES.map((v, i) => h("span", { class: "baro-count" }, face(v), ` ${label(v)} `, h("strong", {}, String(n[i]))))) : null);
}

/** Which face is which: once under the bars. */
const legend = () => h("p", { class: "baro-legend", "aria-hidden": "true" }, FACES.map((v) => h("span", {}, face(v), ` ${label(v)}`)));

function results(a, ctx, withCounts) {
  return h("div", { class: "baro-results" },
    h("ul", { class: "baro-rows" }, statements(a).map((s) => bar(a, s, ctx, withCounts))),
    // The console names the faces beside each count; the projector once, under the bars.
    withCounts ? null : legend(),
    withCounts ? null : h("p", { class: "progress" }, t("answers_in", { n: a.answered, total: a.total })));
}

/**
 * The console's entry: hands (or paper slips) counted per statement and face, in one form with
 * one Save. No paper answer cards to scan (more than four rows): cards held up are not anonymous.
 */
function entry(a, ctx) {
  const entered = a.entered_answers || [];
  const single = (e, id) => Object.keys(e.value || {}).length === 1 && e.value[id] != null;
  const rows = statements(a).flatMap((s) => FACES.map((v) => {
    const said = text(s.text, ctx);
    return {
      key: `${s.id}-${v}`,
      // The statement over its first face; each face's label names the statement for a screen reader.
      label: [v === 1 ? h("span", { class: "baro-entry-statement", "aria-hidden": "true" }, said) : null,
        h("span", { class: "sr-only" }, `${said} `), face(v), ` ${label(v)}`],
      labelText: `${said} ${label(v)}`,
      answer: { type: "answer", faces: { [s.id]: v } },
      n: entered.find((e) => single(e, s.id) && e.value[s.id] === v)?.count ?? 0,
    };
  }));
  return entryBox(ctx, { hint: t("barometer_entry_hint"), entered: a.entered }, countsForm(ctx, rows));
}

const base = kind({
  prompt: (a, ctx) => h("p", { class: "question" }, text(a.question, ctx)),
  answer,
  // Before the results: the statements, so that the back row reads along; no answers yet.
  alwaysResults: (a, ctx) => h("ul", { class: "baro-list" }, statements(a).map((s) => h("li", {}, text(s.text, ctx)))),
  results: (a, ctx) => results(a, ctx, Boolean(ctx.withCounts)),
  entryRows: () => [],
});

export const { screen, pupil } = base;

export function host(el, a, ctx) {
  base.host(el, a, { ...ctx, withCounts: true });
  // The shared entry box counts hands per answer; here an answer is one statement's face.
  el.querySelector(":scope > details.entry")?.replaceWith(entry(a, ctx));
}
