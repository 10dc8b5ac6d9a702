// Scale: a number or a face from a row.
import { add, h, t } from "../lib.js";
import { kind, text, picture, bars } from "./task-base.js";

const FACES = { 3: ["🙁", "😐", "🙂"], 4: ["😞", "🙁", "🙂", "😀"], 5: ["😞", "🙁", "😐", "🙂", "😀"] };

function scaleLabels(a) {
  const values = [];
  for (let v = a.min; v <= a.max; v++) values.push(v);
  const faces = a.style === "faces" ? FACES[values.length] : null;
  return values.map((v, i) => ({ v, label: faces ? faces[i] : String(v) }));
}

export const { screen, host, pupil } = kind({
  prompt: (a, ctx) => h("p", { class: "question" }, text(a.question, ctx)),
  answer(el, a, own, ctx, { open, send }) {
    add(el, picture(a, ctx), h("div", { class: `scale${a.style === "faces" ? " faces" : ""}` }, scaleLabels(a).map(({ v, label }) => h("button", {
      class: own.mine === v ? "scale-btn chosen" : "scale-btn", "data-value": v, disabled: !open,
      "aria-pressed": own.mine === v ? "true" : "false", onclick: () => send({ value: v }),
    }, label, a.style === "faces" ? h("span", { class: "face-n" }, String(v)) : null))), h("p", { class: "scale-ends" }, h("span", {}, text(a.low, ctx)), h("span", {}, text(a.high, ctx))));
  },
  results: (a) => h("div", {}, bars(scaleLabels(a).map(({ v, label }, i) => ({ id: v, label, n: a.results.counts[i] }))),
    a.results.average != null ? h("p", { class: "progress" }, t("average", { n: a.results.average })) : null),
});
