// The projector: the join QR in the lobby, then the public view of each step.
import { boot, connect, h, t, tr, patch, statusLine, secondsLeft, clockText, errorText } from "./lib.js";
import { loadKinds, kindOf } from "./kinds/index.js";

const lobby = document.getElementById("lobby");
const stage = document.getElementById("step");
const corner = document.getElementById("corner");
const status = document.getElementById("status");

function render(v) {
  const lang = v.language;
  const inLobby = v.phase === "lobby";
  lobby.hidden = !inLobby;
  stage.hidden = inLobby;
  // The join corner would cover the board or the map; latecomers are added to groups by hand anyway.
  corner.hidden = inLobby || v.phase === "ended" || v.locked || ["boardgame", "stations"].includes(v.step?.kind);
  document.getElementById("count").textContent = t("pupils_joined", { n: v.pupil_count });
  const colours = Object.fromEntries(v.teams.map((x) => [x.id, x.colour]));
  patch(document.getElementById("nicks"), v.nicks.map((p) =>
    h("li", { class: p.team ? `chip team-${colours[p.team]}` : "chip" }, p.nick)));
  if (inLobby) return;
  if (v.phase === "ended") {
    return patch(stage, h("h1", { class: "step-title" }, tr(v.pack.title, lang)), h("p", { class: "big-prompt" }, t("ended")),
      h("p", { class: "help-line" }, t("help_line")));
  }
  const step = v.step;
  const el = h("div", { class: `activity kind-${step.kind}`, "data-step": step.id });
  const scores = Object.keys(v.scores || {}).length
    ? h("ul", { class: "scores" }, v.teams.map((team) => h("li", { class: `chip team-${team.colour}`, "data-team": team.id },
      `${t("team_n", { n: team.id.slice(1) })}: ${v.scores[team.id] ?? 0}`)))
    : null;
  kindOf(kinds, step.kind).screen(el, v.activity || {}, { lang, packLang: lang, packId: v.pack.id, stepId: step.id, teams: v.teams });
  patch(stage, h("p", { class: "step-count" }, t("step_of", { n: step.index + 1, total: v.steps_total })),
    h("h1", { class: "step-title" }, tr(step.title, lang)), el, scores);
}

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
