// Shared helpers for the kit's pages: UI strings, language maps, safe DOM building,
// and a Socket.IO connection that acknowledges every action and drops stale views.
import { io } from "../vendor/socket.io.esm.min.js";

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
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Append children, skipping null and false (Element.append would print "null"). */
export function add(el, ...children) {
  el.append(...children.flat(Infinity).filter((c) => c != null && c !== false));
  return el;
}

/**
 * Make `el`'s children look like `children`, keeping every existing node that is
 * already equal: a select that is open, a button being pressed or a field being
 * typed in survives a view that changes something else on the page.
 */
export function patch(el, ...children) {
  const fresh = children.flat(Infinity).filter((c) => c != null && c !== false)
    .map((c) => (c instanceof Node ? c : document.createTextNode(String(c))));
  const old = Array.from(el.childNodes);
  if (old.length !== fresh.length) return el.replaceChildren(...fresh), el;
  fresh.forEach((node, i) => patchNode(old[i], node));
  return el;
}

function sameShell(a, b) {
  if (a.nodeName !== b.nodeName || a.nodeType !== 1) return false;
  if (a.attributes.length !== b.attributes.length) return false;
  for (const attr of b.attributes) if (a.getAttribute(attr.name) !== attr.value) return false;
  return !["INPUT", "SELECT", "TEXTAREA", "BUTTON"].includes(a.nodeName);  // their listeners carry data
}

function patchNode(old, fresh) {
  if (old.isEqualNode(fresh)) return;
  if (sameShell(old, fresh) && old.childNodes.length === fresh.childNodes.length) {
    Array.from(fresh.childNodes).forEach((child, i) => patchNode(old.childNodes[i], child));
    return;
  }
  old.replaceWith(fresh);
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

/**
 * Connect to the session. `handlers` maps view events to functions; each view is
 * passed on only if its revision is not older than the last one of that event.
 */
export function connect(auth, handlers, { onStatus, onRefused } = {}) {
  const socket = io({ auth, transports: ["websocket", "polling"], reconnectionDelayMax: 4000 });
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
