// Shared helpers for the kit's pages: UI strings, language maps, safe DOM building,
// and a Socket.IO connection that acknowledges every action and drops stale views.
import { io } from "../vendor/socket.io.esm.min.js";
import { Idiomorph } from "../vendor/idiomorph.esm.min.js";

export const strings = JSON.parse(document.getElementById("strings").textContent);
export const boot = JSON.parse(document.getElementById("boot")?.textContent || "{}");
export const uiLang = document.documentElement.lang || "fi";

/** Translate a UI key, filling {name} placeholders. */
export function t(key, vars = {}) {
  let s = strings[key] ?? key;
  for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** Pick a language from a pack text map: the wanted one, else the pack's own. */
export function tr(text, lang = uiLang, fallback = "fi") {
  if (text == null) return "";
  if (typeof text === "string") return text;
  return text[lang] ?? text[fallback] ?? Object.values(text)[0] ?? "";
}

/** Build an element; strings become text nodes, never HTML. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "style") el.style.cssText = v; // CSSOM, allowed by the CSP; style attributes are not
    else if (k.startsWith("on") && typeof v === "function") listen(el, { ...el[ON], [k.slice(2)]: v });
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// The shapes that tell answer options A–F apart besides their colours: the same on phones and
// the projector. Drawn in currentColor, so they take the text colour of where they stand.
const MARKS = [
  ["triangle", "M10 1.5 19 18H1Z"],
  ["diamond", "M10 1 19 10 10 19 1 10Z"],
  ["circle", "M10 1.5a8.5 8.5 0 1 1 0 17 8.5 8.5 0 1 1 0-17Z"],
  ["square", "M2.5 2.5h15v15h-15Z"],
  ["star", "M10 1.3 12.4 7.6 19 7.9 13.8 12 15.6 18.5 10 14.8 4.4 18.5 6.2 12 1 7.9 7.6 7.6Z"],
  ["hexagon", "M10 1 18 5.5v9L10 19l-8-4.5v-9Z"],
];
const SVG = "http://www.w3.org/2000/svg";

/**
 * The shape of answer option `i` (0 for A: a triangle, then a diamond, a circle, a square, a
 * star and a hexagon), as a small inline SVG hidden from screen readers (the letter beside it
 * names the option). Its class is `opt-mark mark-<shape>`; its size follows the font (1em).
 */
export function optionMark(i) {
  const [shape, d] = MARKS[((i % MARKS.length) + MARKS.length) % MARKS.length];
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", `opt-mark mark-${shape}`);
  svg.setAttribute("viewBox", "0 0 20 20");
  svg.setAttribute("width", "1em");
  svg.setAttribute("height", "1em");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "currentColor");
  svg.append(path);
  return svg;
}

/** Append children, skipping null and false (Element.append would print "null"). */
export function add(el, ...children) {
  el.append(...children.flat(Infinity).filter((c) => c != null && c !== false));
  return el;
}

// Event handlers that follow the newest render. h() keeps an element's handlers in a map and
// listens with one shared dispatcher per event type, which calls the map's current function.
// When patch() keeps an element already on the page instead of its fresh copy, the fresh copy's
// map moves onto the kept element: a button's click then carries the data of the latest view
// (the current step, the current answer), never those of the render that first drew it.
const ON = Symbol("handlers");

function dispatch(event) {
  return this[ON]?.[event.type]?.call(this, event);
}

function listen(el, handlers) {
  el[ON] = handlers;
  for (const type of Object.keys(handlers)) el.addEventListener(type, dispatch); // added once per type
}

// Each node built by h() that patch() matched to a node already on the page, mapped to that node.
const shownBy = new WeakMap();

/**
 * The node on the page that shows `node`, a node built by h() for a render that patch() may
 * have matched to a node already there. A handler that reads or writes another element of its
 * render (a field's value, a status line) goes through live(): `live(input).value`. A handler's
 * own element is `event.currentTarget`.
 */
export function live(node) {
  return shownBy.get(node) ?? node;
}

/** The kept node `old` takes over the fresh node's handlers, inline style and identity. */
function adopt(old, fresh) {
  shownBy.set(fresh, old);
  if (old.nodeType !== 1) return;
  if (fresh[ON]) listen(old, fresh[ON]);
  else if (old[ON]) old[ON] = undefined;
  // The style attribute cannot be copied under the CSP (style-src 'self'); the CSSOM can.
  if (old.style && old.style.cssText !== fresh.style.cssText) old.style.cssText = fresh.style.cssText;
}

// idiomorph puts a copy of each fresh node it adds (one with no match on the page) in the DOM;
// patch() swaps the fresh node itself in once the morph is done, so that what was built for
// this render (its listeners, its properties, the nodes its handlers refer to) is on the page.
const adding = []; // the fresh nodes being added, innermost last
let added = []; // [copy, fresh node] of this morph

const MORPH = {
  morphStyle: "innerHTML",
  restoreFocus: true,
  // Not idiomorph's ignoreActiveValue: it also leaves the focused element's children alone, so a
  // button pressed a moment ago would keep its old label. The value alone is kept, below.
  callbacks: {
    beforeNodeMorphed(old, fresh) { adopt(old, fresh); },
    beforeNodeAdded(fresh) { adding.push(fresh); },
    afterNodeAdded(node) {
      const fresh = adding.pop();
      // A node idiomorph built by morphing (it holds nodes kept from the page) has adopted already.
      if (fresh && shownBy.get(fresh) !== node) added.push([node, fresh]);
    },
    beforeAttributeUpdated(name, el, how) {
      const active = document.activeElement;
      if (name === "value" && el === active) return false; // a field being typed in keeps what is typed
      if (name === "selected" && active?.nodeName === "SELECT" && el.parentElement === active) return false; // an open select
      if (name === "style" && how === "update") return false; // set through the CSSOM in adopt()
      if (name === "open" && how === "remove" && el.nodeName === "DETAILS") return false; // opened by hand
      return true;
    },
  },
};

/**
 * Make `el`'s children look like `children` (nodes built by h(), or strings), keeping every
 * node already on the page that can show its new version: a select that is open, a button
 * being pressed, a field being typed in (its value, focus and selection) and an opened
 * <details> survive a view that changes something else on the page. idiomorph does the matching.
 */
export function patch(el, ...children) {
  const fresh = children.flat(Infinity).filter((c) => c != null && c !== false)
    .map((c) => (c instanceof Node ? c : document.createTextNode(String(c))));
  if (!el.firstChild) return el.replaceChildren(...fresh), el; // nothing to keep: the fresh nodes themselves
  adding.length = 0;
  added = [];
  Idiomorph.morph(el, fresh, MORPH);
  // Not during the morph: idiomorph walks the fresh nodes' live child lists.
  for (const [copy, node] of added) copy.replaceWith(node);
  added = [];
  return el;
}

export function clear(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c != null && c !== false));
  return el;
}

export function mediaUrl(packId, name) {
  return `/media/${encodeURIComponent(packId)}/${encodeURIComponent(name)}`;
}

function newCid() {
  const a = new Uint8Array(9);
  crypto.getRandomValues(a);
  return Array.from(a, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Server time offset: views carry server timestamps; clocks on phones drift. */
export const clock = { offset: 0, now() { return Date.now() / 1000 + this.offset; } };

/** A pack's preview sets `connect` (static/js/preview-frame.js): its page shows one view, connecting nowhere. */
export const hooks = { connect: null };

/**
 * Connect to the session. `handlers` maps view events to functions; each view is
 * passed on only if its revision is not older than the last one of that event.
 */
export function connect(auth, handlers, { onStatus, onRefused } = {}) {
  if (hooks.connect) return hooks.connect(handlers, { onStatus, onRefused });
  // The code also goes in the address (`?code=`) of every request, WebSocket or long-polling:
  // a proxy in front of several workers routes each class to its own (docs/deploy.md).
  const socket = io({ auth, query: { code: auth.code }, transports: ["websocket", "polling"], reconnectionDelayMax: 4000 });
  const lastRev = {};
  // A restarted server may count revisions from lower down: every connect starts afresh
  // (the server sends full views right after it).
  socket.on("connect", () => { for (const k of Object.keys(lastRev)) delete lastRev[k]; });
  for (const [event, fn] of Object.entries(handlers)) {
    socket.on(event, (view) => {
      if (view && typeof view.rev === "number") {
        if (lastRev[event] != null && view.rev < lastRev[event]) return;
        lastRev[event] = view.rev;
      }
      if (view && typeof view.server_time === "number") clock.offset = view.server_time - Date.now() / 1000;
      fn(view);
    });
  }
  socket.on("connect", () => onStatus?.("connected"));
  socket.on("disconnect", () => onStatus?.("reconnecting"));
  socket.io.on("reconnect_attempt", () => onStatus?.("reconnecting"));
  socket.on("connect_error", (err) => {
    if (err && err.data && err.data.error) {
      onRefused?.(err.data);
    } else {
      onStatus?.("reconnecting");
    }
  });

  // Actions that were not acknowledged are sent again with the same id after a
  // reconnect; the server applies each id once.
  const pending = new Map();
  socket.on("connect", () => {
    for (const [cid, p] of pending) socket.timeout(8000).emit(p.event, { cid, action: p.action }, p.done);
  });

  function send(event, action) {
    const cid = newCid();
    return new Promise((resolve) => {
      const done = (err, ack) => {
        if (err) {
          if (!socket.connected) return; // re-sent on reconnect
          ack = { ok: false, error: "timeout", message: t("err_generic") };
        }
        pending.delete(cid);
        resolve(ack);
      };
      pending.set(cid, { event, action, done });
      if (socket.connected) socket.timeout(8000).emit(event, { cid, action }, done);
    });
  }
  return { socket, send };
}

export function errorText(ack) {
  if (!ack || ack.ok) return "";
  return strings[`err_${ack.error}`] ?? ack.message ?? t("err_generic");
}

export function statusLine(el, status) {
  el.textContent = status === "connected" ? "" : t(status);
  el.dataset.status = status;
}

/** A number of seconds as a clock reads it: 476 -> "7:56", 9 -> "0:09". */
export function clockText(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** "7:56 left" until a server timestamp. */
export function timeLeft(at) {
  return t("time_left", { time: clockText(secondsLeft(at)) });
}

/** Seconds left until a server timestamp, never negative. */
export function secondsLeft(at) {
  return Math.max(0, Math.ceil(at - clock.now()));
}
