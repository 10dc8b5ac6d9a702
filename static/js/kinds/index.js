// The activity kinds on the client side: one module per kind, static/js/kinds/<kind>.js,
// each exporting the renderers screen(el, a, ctx), host(el, a, ctx) and pupil(el, a, own, ctx).
// A page loads only the kinds its session's pack uses: the server lists them, with each
// module's versioned address, in the page's boot data ([{kind, js, css}], see
// workshops/web/kinds.py). Adding a kind needs no change here.
import { add, h, t } from "../lib.js";

const RENDERERS = ["screen", "host", "pupil"];

/** A stand-in for a kind whose module did not load: the other steps still work. */
export function unavailable(kind) {
  return {
    screen() {},
    host(el) { add(el, h("p", { class: "error" }, t("err_generic")), h("p", { class: "muted small" }, kind)); },
    pupil(el) { add(el, h("p", { class: "big-prompt" }, t("look_screen"))); },
  };
}

/** Import the listed kinds' modules (a phone's `later` ones only with `later`), in parallel, into
 * `kinds` ({kind: module}); a later kind's stylesheet too. */
export async function loadKinds(list = [], later = false, kinds = {}) {
  list = list.filter((k) => !k.later === !later && !kinds[k.kind]);
  for (const { css } of later ? list : []) {
    if (css) document.head.append(Object.assign(document.createElement("link"), { rel: "stylesheet", href: css }));
  }
  const results = await Promise.allSettled(list.map(({ js }) => import(js)));
  results.forEach((result, i) => {
    const { kind, js } = list[i];
    const missing = result.status === "fulfilled" ? RENDERERS.filter((r) => typeof result.value[r] !== "function") : [];
    if (result.status === "fulfilled" && !missing.length) {
      kinds[kind] = result.value;
      return;
    }
    console.error(result.status === "rejected"
      ? `activity kind "${kind}": its module ${js} did not load (${result.reason})`
      : `activity kind "${kind}": its module ${js} does not export ${missing.join(", ")}`);
    kinds[kind] = unavailable(kind);
  });
  return kinds;
}

/** The renderers of a step's kind, or a stand-in (with a console error) for one the page does not have. */
export function kindOf(kinds, kind) {
  if (kinds[kind]) return kinds[kind];
  console.error(`activity kind "${kind}" is not among this page's kinds`);
  kinds[kind] = unavailable(kind);
  return kinds[kind];
}
