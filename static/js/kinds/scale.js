// Scale: a number or a face from a row.
import { add, h, t } from "../lib.js";
import { kind, text, picture, bars } from "./task-base.js";

// The faces of a row of 3, 4 or 5, from static/img/face-1.svg (very sad) to face-5.svg (very
// happy): pictures, not emoji, which a computer without an emoji font shows as empty boxes.
const FACES = { 3: [2, 3, 4], 4: [1, 2, 4, 5], 5: [1, 2, 3, 4, 5] };

function face(n) {
  // The number beside it names the choice; the face only shows it.
  return h("img", { class: "face", src: new URL(`../../img/face-${n}.svg`, import.meta.url).pathname, alt: "", width: 48, height: 48 });
}

function scaleLabels(a) {
  const values = [];
  for (let v = a.min; v <= a.max; v++) values.push(v);
  const faces = a.style === "faces" ? FACES[values.length] : null;
  return values.map((v, i) => ({ v, face: faces ? faces[i] : null }));
}

export const { screen, host, pupil } = kind({
  prompt: (a, ctx) => h("p", { class: "question" }, text(a.question, ctx)),
  answer(el, a, own, ctx, { open, send }) {
    add(el, picture(a, ctx), h("div", { class: `scale${a.style === "faces" ? " faces" : ""}` }, scaleLabels(a).map(({ v, face: f }) => h("button", {
      class: own.mine === v ? "scale-btn chosen" : "scale-btn", "data-value": v, disabled: !open,
      "aria-pressed": own.mine === v ? "true" : "false", onclick: () => send({ value: v }),
    }, f ? face(f) : null, h("span", { class: f ? "face-n" : "scale-n" }, String(v))))), h("p", { class: "scale-ends" }, h("span", {}, text(a.low, ctx)), h("span", {}, text(a.high, ctx))));
  },
  entryRows: (a) => scaleLabels(a).map(({ v, face: f }) => ({ value: v, label: f ? [face(f), " ", String(v)] : String(v), labelText: String(v) })),
  results: (a) => h("div", {}, bars(scaleLabels(a).map(({ v, face: f }, i) => ({ id: v, label: f ? [face(f), " ", String(v)] : String(v), n: a.results.counts[i] }))),
    a.results.average != null ? h("p", { class: "progress" }, t("average", { n: a.results.average })) : null),
});
