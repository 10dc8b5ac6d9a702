// The projector: the join QR in the lobby, then the public view of each step.
import { boot, connect, h, t, tr, patch, statusLine, secondsLeft, clockText, errorText } from "./lib.js";
import { loadKinds, kindOf } from "./kinds/index.js";

const lobby = document.getElementById("lobby");
const stage = document.getElementById("step");
const corner = document.getElementById("corner");
const status = document.getElementById("status");

const nicks = document.getElementById("nicks");
let shownStep = null;

function render(v) {
  const lang = v.language;
  const inLobby = v.phase === "lobby";
  lobby.hidden = !inLobby;
  stage.hidden = inLobby;
  // The join corner would cover the board or the map; latecomers are added to groups by hand anyway.
  corner.hidden = inLobby || v.phase === "ended" || v.locked || ["boardgame", "stations"].includes(v.step?.kind);
  document.body.classList.toggle("with-corner", !corner.hidden);
  document.getElementById("lobby-title").textContent = tr(v.pack.title, lang);
  document.getElementById("count").textContent = t("pupils_joined", { n: v.pupil_count });
  const colours = Object.fromEntries(v.teams.map((x) => [x.id, x.colour]));
  patch(nicks, v.nicks.map((p) => h("li", { class: p.team ? `chip team-${colours[p.team]}` : "chip" }, p.nick)));
  const where = inLobby ? "lobby" : v.phase === "ended" ? "ended" : v.step.id;
  if (where !== shownStep) { shownStep = where; page = 0; }
  if (inLobby) return fit();
  if (v.phase === "ended") {
    patch(stage, h("header", { class: "step-head" }, h("h1", { class: "step-title" }, tr(v.pack.title, lang))),
      h("div", { class: "step-body" }, h("p", { class: "big-prompt" }, t("ended")), h("p", { class: "help-line" }, t("help_line"))));
    return fit();
  }
  const step = v.step;
  const el = h("div", { class: `activity kind-${step.kind}`, "data-step": step.id });
  const scores = Object.keys(v.scores || {}).length
    ? h("ul", { class: "scores" }, v.teams.map((team) => h("li", { class: `chip team-${team.colour}`, "data-team": team.id },
      `${t("team_n", { n: team.id.slice(1) })}: ${v.scores[team.id] ?? 0}`)))
    : null;
  kindOf(kinds, step.kind).screen(el, v.activity || {}, { lang, packLang: lang, packId: v.pack.id, stepId: step.id, teams: v.teams });
  patch(stage, h("header", { class: "step-head" },
    h("p", { class: "step-count" }, t("step_of", { n: step.index + 1, total: v.steps_total })),
    h("h1", { class: "step-title" }, tr(step.title, lang))),
  h("div", { class: "step-body" }, el, scores));
  fit();
}

// Fitting the wall. The body text (--text on the stage) shrinks from its largest to its least
// size until the step's body holds everything; if even the least size is too big, the longest
// list shows one page at a time and turns the page every few seconds.
const LARGEST = 4.6;
const LEAST = 2.5; // vh; anything smaller than .9em of this is still 2.2 % of the height
const PAGE_SECONDS = 8;
let page = 0;

const overflows = (box) => box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1;

function fit() {
  const inLobby = !lobby.hidden;
  const box = inLobby ? nicks : stage.querySelector(".step-body");
  if (!box) return;
  const target = inLobby ? lobby : stage;
  const size = (vh) => target.style.setProperty("--text", `${vh}vh`);
  size(LARGEST);
  // A picture may be as high as the body (a kind's CSS reads it: hotspot's frame, a slide's picture).
  target.style.setProperty("--body-h", `${box.clientHeight}px`);
  box.querySelectorAll(".pages").forEach((p) => p.remove());
  // Measure the whole step again: items an earlier page hid count too.
  box.querySelectorAll("[data-paged]").forEach((it) => { it.hidden = false; it.removeAttribute("data-paged"); });
  if (overflows(box)) {
    let lo = LEAST;
    let hi = LARGEST;
    for (let i = 0; i < 6; i++) {
      const mid = (lo + hi) / 2;
      size(mid);
      if (overflows(box)) hi = mid; else lo = mid;
    }
    size(lo);
  }
  if (overflows(box)) paginate(box, inLobby ? nicks : longestList(box));
}

/** The list that takes the most room (a story's points, the approved answers, a lobby's names,
 * an options chart's labelled rows). Never a 1–5 column chart: a part of it says something else. */
function longestList(box) {
  const lists = Array.from(box.querySelectorAll("ul, ol")).filter((l) => l.children.length > 1 && !l.matches(".columns"));
  return lists.sort((a, b) => b.scrollHeight - a.scrollHeight)[0] || null;
}

/** Show as many of the list's items as fit, a page at a time, with "2 / 3" below. */
function paginate(box, list) {
  if (!list) return;
  const items = Array.from(list.children);
  const label = h("p", { class: "pages", "aria-hidden": "true" }, "");
  list.after(label);
  const show = (start, k) => items.forEach((it, i) => {
    it.hidden = i < start || i >= start + k;
    it.toggleAttribute("data-paged", it.hidden);
  });
  let lo = 1;
  let hi = items.length;
  label.textContent = `${Math.ceil(items.length / 1)} / ${Math.ceil(items.length / 1)}`;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    show(0, mid);
    if (overflows(box)) hi = mid - 1; else lo = mid;
  }
  const pages = Math.ceil(items.length / lo);
  page %= pages;
  show(page * lo, lo);
  label.textContent = `${page + 1} / ${pages}`;
}

setInterval(() => { page += 1; fit(); }, PAGE_SECONDS * 1000);
addEventListener("resize", () => fit());

// The kinds this session's pack uses, loaded before the first view can arrive.
const kinds = await loadKinds(boot.kinds);

const api = connect(boot.auth, { screen_view: render }, {
  onStatus: (s) => statusLine(status, s),
  onRefused: (d) => { status.textContent = errorText({ ok: false, ...d }); },
});
// The session was erased: take everything off the wall at once.
api.socket.on("session_deleted", () => { window.location.href = "/join"; });

setInterval(() => {
  for (const el of document.querySelectorAll("[data-deadline]")) {
    const left = secondsLeft(Number(el.dataset.deadline));
    el.textContent = t("time_left", { time: clockText(left) });
    if (el.dataset.warn) el.classList.toggle("warn", left <= Number(el.dataset.warn));
  }
}, 500);
