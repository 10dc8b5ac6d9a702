// Slide: the projector shows title, text and image; phones show a short prompt.
import { add, h, t, tr, mediaUrl } from "../lib.js";
import { rich } from "../rich.js";

function image(a, ctx) {
  if (!a.image) return null;
  return h("img", { class: "slide-img", src: mediaUrl(ctx.packId, a.image), alt: tr(a.image_alt, ctx.lang, ctx.packLang) });
}

export function screen(el, a, ctx) {
  add(el, 
    a.text ? h("div", { class: "slide-text rich" }, rich(tr(a.text, ctx.lang, ctx.packLang))) : null,
    image(a, ctx),
  );
}

export function host(el, a, ctx) {
  screen(el, a, ctx);
  add(el, h("p", { class: "muted small" }, `${t("phone_shows")}: ${a.phone ? tr(a.phone, ctx.lang, ctx.packLang) : t("look_screen")}`));
}

export function pupil(el, a, own, ctx) {
  add(el, h("p", { class: "big-prompt" }, a.phone ? tr(a.phone, ctx.lang, ctx.packLang) : t("look_screen")));
}
