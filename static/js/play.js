// The pupil's phone: take a seat (or get it back), then render the views.
import { boot, connect, hooks, h, t, tr, live, patch, statusLine, secondsLeft, clockText, errorText } from "./lib.js";
import { loadKinds, kindOf } from "./kinds/index.js";

const code = boot.code;
const tokenKey = `workshops:${code}`;
const main = document.getElementById("play");
const status = document.getElementById("status");
let common = null;
let own = null;
let refused = null;
let draftNick = ""; // what the pupil is typing survives re-renders
let shownStep = null; // the step the page shows, to open a new one at its top
let shownPhase = null; // the step's phase, to announce a reveal once
let paced = null; // paced.js, once a view says the session is self-paced
const announcer = document.getElementById("announce");

/** Tell a screen reader what changed, in one short sentence (never the whole screen). */
function announce(text) {
  if (!text) return;
  announcer.textContent = "";
  // A fresh text node after a tick: the same sentence twice is still read twice.
  setTimeout(() => { announcer.textContent = text; }, 50);
}

async function takeSeat() {
  const resp = await fetch(boot.seat_url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    // A team's shared tablet or laptop (the join page's choice, or its team's own QR code).
    body: JSON.stringify(boot.device === "team" ? { lang: boot.lang, device: "team", team: boot.team } : { lang: boot.lang }),
    credentials: "same-origin",
  });
  const data = await resp.json().catch(() => ({ ok: false, error: "generic" }));
  if (!data.ok) return data;
  localStorage.setItem(tokenKey, data.token);
  return data;
}

function showMessage(text, { help = false, retry = false } = {}) {
  patch(main, h("div", { class: "notice" }, h("p", { class: "big-prompt" }, text),
    help ? h("p", { class: "help-line" }, t("help_line")) : null,
    retry ? h("button", { class: "btn primary big", id: "retry", onclick: () => location.reload() }, t("try_again")) : null));
}

function renderMe() {
  // A team device is the team's: its own nickname says nothing to the group looking at it.
  const teamDevice = own?.device === "team";
  document.body.classList.toggle("team-device", teamDevice);
  document.getElementById("me-nick").textContent = teamDevice ? t("team_device") : own?.nick ?? "…";
  const teamEl = document.getElementById("me-team");
  const team = common?.teams?.find((x) => x.id === own?.team);
  teamEl.hidden = !team;
  if (team) {
    teamEl.className = `me-team team-${team.colour}`;
    teamEl.textContent = t("team_n", { n: team.id.slice(1) });
  }
}

function nickEditor() {
  const box = h("div", { class: "nick-box" },
    h("p", { class: "label" }, t("your_nick")),
    h("p", { class: "nick-big", id: "nick" }, own.nick),
    own.pending ? h("p", { class: "hint", id: "pending" }, t("nick_pending", { nick: own.pending })) : null);
  const msg = h("p", { class: "error", role: "alert" });
  // The handlers reach the page through live(): patch() may have kept the nodes of an earlier render.
  box.append(h("button", { class: "btn big", id: "reroll", onclick: async () => {
    const ack = await api.send("pupil", { type: "reroll" });
    live(msg).textContent = errorText(ack);
  } }, t("reroll")));
  if (common.own_nicknames) {
    const input = h("input", { id: "own-nick", maxlength: 24, autocomplete: "off", "aria-label": t("your_nick"),
      value: draftNick, oninput: (e) => { draftNick = e.target.value; } });
    box.append(h("form", { class: "row", onsubmit: async (e) => {
      e.preventDefault();
      const ack = await api.send("pupil", { type: "rename", nick: live(input).value });
      if (ack.ok) draftNick = live(input).value = "";
      live(msg).textContent = errorText(ack);
    } }, input, h("button", { class: "btn", type: "submit" }, t("save"))));
  }
  box.append(msg);
  return box;
}

function talkButton() {
  // Only the facilitator sees the request: nothing shows on the projector or to others.
  const footer = document.getElementById("talk");
  if (!footer || !own || own.removed) return;
  patch(footer, own.talk ? h("p", { class: "hint" }, t("talk_sent"))
    : h("button", { class: "btn quiet", id: "talk-button", onclick: () => api.send("pupil", { type: "talk" }) }, t("talk_adult")));
}

function render() {
  if (refused) return;
  if (!common || !own) return;
  renderMe();
  talkButton();
  if (own.removed) return showMessage(t("removed"), { retry: true });
  if (common.phase === "ended") return showMessage(t("ended"), { help: true });
  // A later step's kind not here yet (see loadKinds): drawn as soon as it is.
  const kind = common.phase === "paced" ? own.head?.kind : common.step?.kind;
  if (kind && !kinds[kind] && boot.kinds.some((k) => k.kind === kind)) return void later();
  if (common.phase === "paced") {
    // A self-paced session's page (paced.js), loaded only by the phones of such a session.
    if (!paced) return void import("./paced.js").then((m) => { paced = m; render(); });
    return paced.renderPage({ main, common, own, kinds, send: (action) => api.send("pupil", action), showStep, showMessage, render });
  }
  if (common.phase === "lobby") {
    if (own.device === "team") {
      return patch(main, h("p", { class: "big-prompt" }, t("wait_start")), h("p", { class: "hint" }, t("team_device_hint")));
    }
    return patch(main, h("p", { class: "big-prompt" }, t("wait_start")), nickEditor());
  }
  const step = common.step;
  // The id tells patch() that another step is another page, built afresh rather than morphed
  // from the last step's (only an element with the same id, a field being typed in, may stay).
  const el = h("section", { class: `activity kind-${step.kind}`, id: `step-${step.id}`, "data-step": step.id });
  // Views for a new step may arrive before this pupil's own view of it: never mix two steps.
  const mine = own.step === step.id ? own.activity || {} : {};
  kindOf(kinds, step.kind).pupil(el, common.activity || {}, mine, {
    lang: boot.lang, packLang: common.language, packId: common.pack.id, stepId: step.id, teams: common.teams, rerender: render,
    send: (action) => api.send("pupil", action),
  });
  const phase = common.activity?.phase ?? null;
  const same = step.id === shownStep;
  showStep(step, el);
  if (same && phase === "revealed" && shownPhase !== "revealed") {
    // The result first ("Oikein!", "Sinun vastauksesi"), then why; read a moment later, when this
    // pupil's own view (which says whether they were right) has arrived too.
    setTimeout(() => announce([main.querySelector(".verdict"), main.querySelector(".explanation")]
      .map((e) => e?.innerText).filter(Boolean).join(" ")), 400);
  }
  shownPhase = phase;
}

/** Show a step: another step afresh (nothing typed moves over), at its top, read out; the same one patched. */
function showStep(step, el) {
  if (step === null) {
    shownStep = null;
    return patch(main, el);
  }
  if (step.id !== shownStep) {
    main.replaceChildren(el);
    window.scrollTo(0, 0);
    const question = main.querySelector(".question, .situation, .card-title, .big-prompt");
    announce([tr(step.title, boot.lang, common.language), question?.innerText].filter(Boolean).join(". "));
  } else {
    patch(main, el);
  }
  shownStep = step.id;
}

// The kinds of the first steps, loaded before the first view can arrive; the rest right after it.
const kinds = await loadKinds(boot.kinds);
let loadingLater = null;

function later() {
  loadingLater ??= loadKinds(boot.kinds, true, kinds).then(() => render());
}
let api = null;

async function start() {
  let token = hooks.connect ? "preview" : localStorage.getItem(tokenKey); // a pack's preview takes no seat
  if (!token) {
    statusLine(status, "joining");
    const seat = await takeSeat();
    if (!seat.ok) {
      return showMessage(errorText(seat) || seat.message);
    }
    token = seat.token;
  }
  api = connect({ code, role: "pupil", token }, {
    pupil_view: (v) => { common = v; render(); setTimeout(later, 0); },
    own_view: (v) => {
      own = v;
      if (own.lang && own.lang !== boot.lang && !own.removed) api.send("pupil", { type: "lang", lang: boot.lang });
      render();
    },
  }, {
    onStatus: (s) => statusLine(status, s),
    onRefused: (data) => {
      refused = data;
      api.socket.disconnect();
      statusLine(status, "connected");  // not "reconnecting": the server said no
      if (data.error === "removed") return showMessage(t("removed"), { retry: true });
      if (data.error === "rate_limited") return showMessage(errorText({ ok: false, ...data }), { retry: true });
      // The seat is gone (an old link, or a session that ended): start afresh.
      localStorage.removeItem(tokenKey);
      showMessage(t("err_not_found"));
    },
  });
  watchServerClose();
  api.socket.on("session_deleted", () => {
    refused = { error: "deleted" };
    localStorage.removeItem(tokenKey);
    statusLine(status, "connected");
    showMessage(t("session_deleted"));
  });
}

function watchServerClose() {
  // The server closed this phone's connection (the facilitator removed it): say so, and
  // let the pupil try again if they were let back in.
  api.socket.on("disconnect", (reason) => {
    if (reason !== "io server disconnect" || refused?.error === "deleted") return;
    refused = { error: "removed" };
    statusLine(status, "connected");
    showMessage(t("removed"), { retry: true });
  });
}

// Read aloud: for pupils who read slowly. Uses the phone's own speech synthesis and prefers a
// voice that runs on the phone (some browsers also offer online voices, which would send the
// workshop's text, never the pupil's own, to the voice's provider).
const reader = document.getElementById("read-aloud");
if ("speechSynthesis" in window) {
  reader.hidden = false;
  reader.addEventListener("click", () => {
    if (speechSynthesis.speaking) return speechSynthesis.cancel();
    const parts = [...main.querySelectorAll(".question, .situation, .card-title, .big-prompt, .opt-text, .consequence, .explanation, .verdict, .hint")]
      .map((el) => el.innerText.trim()).filter(Boolean);
    const say = new SpeechSynthesisUtterance(parts.join(". ") || main.innerText);
    say.lang = { fi: "fi-FI", sv: "sv-SE", en: "en-GB" }[boot.lang] || "fi-FI";
    const prefix = say.lang.slice(0, 2);
    const local = speechSynthesis.getVoices().find((v) => v.localService && v.lang.toLowerCase().startsWith(prefix));
    if (local) say.voice = local;
    speechSynthesis.speak(say);
  });
}

const said = new Map(); // deadline -> the last "time almost up" mark announced for it
setInterval(() => {
  for (const el of document.querySelectorAll("[data-deadline]")) {
    const left = secondsLeft(Number(el.dataset.deadline));
    el.textContent = t("time_left", { time: clockText(left) });
    if (el.dataset.warn) el.classList.toggle("warn", left <= Number(el.dataset.warn));
    // Time almost up is said once at a minute and once at ten seconds, never every second.
    // A timer first seen under a minute says nothing until ten seconds: the question was just read.
    const mark = left <= 10 ? 10 : left <= 60 ? 60 : 0;
    if (!said.has(el.dataset.deadline)) said.set(el.dataset.deadline, mark);
    else if (mark && said.get(el.dataset.deadline) !== mark && left > 0) {
      said.set(el.dataset.deadline, mark);
      announce(el.textContent);
    }
  }
}, 500);

start();
