// Find in the picture: tap the places where something is wrong.
import { add, h, t, live, mediaUrl } from "../lib.js";
import { kind, text } from "./task-base.js";

function spotBoxes(a, ctx, found) {
  return (a.spots || []).map((s) => h("span", {
    class: `spot${found?.includes(s.id) ? " found" : ""}`, "data-spot": s.id,
    style: `left:${s.x}%;top:${s.y}%;width:${s.w}%;height:${s.h}%`, title: text(s.label, ctx),
  }));
}

// Each picture's width / height, once it has loaded: the projector sizes the frame (and so the
// places drawn on it) to the picture as it is shown, as high as the step's body allows.
const aspects = new Map();

function solutionFrame(a, ctx) {
  const src = mediaUrl(ctx.packId, a.image);
  const ratio = (r) => `--ar:${r.toFixed(4)}`;
  return h("div", { class: "hotspot-frame", style: aspects.has(src) ? ratio(aspects.get(src)) : null },
    h("img", { class: "hotspot-img", src, alt: text(a.image_alt, ctx), onload: (e) => {
      const img = e.currentTarget;
      if (!img.naturalHeight) return;
      aspects.set(src, img.naturalWidth / img.naturalHeight);
      // The frame on the page: patch() may have kept an earlier render's, or dropped this one.
      const frame = live(img).parentElement;
      if (frame) frame.style.cssText = ratio(aspects.get(src));
    } }), spotBoxes(a, ctx, null));
}

export const { screen, host, pupil } = kind({
  entryPicture: true, // the class's taps are made on the picture itself
  prompt: (a, ctx) => h("p", { class: "question" }, text(a.question, ctx)),
  answer(el, a, own, ctx, { open: isOpen, send }) {
    const taps = (own.mine || []).map(([x, y]) => ({ x, y }));
    // h()'s onclick, not addEventListener: patch() may keep the frame of an earlier render, and
    // h()'s handlers follow the newest one (its taps); the frame on the page is the event's.
    const frame = h("div", { class: "hotspot-frame", onclick: (e) => {
      if (!isOpen || taps.length >= a.max_taps) return;
      const box = e.currentTarget.getBoundingClientRect();
      const x = Math.round((1000 * (e.clientX - box.left)) / box.width) / 10;
      const y = Math.round((1000 * (e.clientY - box.top)) / box.height) / 10;
      // Show the mark at once (a slow network must not make a child tap twice); the server's view confirms it.
      e.currentTarget.append(h("span", { class: "tap-mark pending", style: `left:${x}%;top:${y}%` }, String(taps.length + 1)));
      taps.push({ x, y });
      send({ taps: [...taps] });
    } },
      h("img", { class: "hotspot-img", src: mediaUrl(ctx.packId, a.image), alt: text(a.image_alt, ctx), draggable: "false" }),
      taps.map((tap, i) => h("button", { class: "tap-mark", style: `left:${tap.x}%;top:${tap.y}%`, "aria-label": `${i + 1}: ${t("remove_tap")}`, disabled: !isOpen,
        onclick: (e) => { e.stopPropagation(); send({ taps: taps.filter((_, j) => j !== i) }); } }, String(i + 1))),
      a.phase === "revealed" ? spotBoxes(a, ctx, own.found) : null);
    add(el, h("p", { class: "hint" }, t("taps_left", { n: a.max_taps - taps.length, spots: a.spot_count })), frame);
  },
  results: (a, ctx) => a.spots ? h("ul", { class: "solution" }, a.spots.map((s) => h("li", {},
    h("strong", {}, text(s.label, ctx)), ` – ${t("found_by", { n: a.results.spots[s.id], total: a.results.answers })}`))) : null,
  solutionView: (a, ctx, own) => own.found ? null : solutionFrame(a, ctx),
});
