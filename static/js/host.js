// The host console: navigation, the current step's controls, notes, the timing
// plan and the pupils (kick, teams). Every button sends one acknowledged command.
import { boot, connect, h, t, tr, patch, statusLine, errorText, clock, secondsLeft, clockText } from "./lib.js";
import { rich } from "./rich.js";
import { loadKinds, kindOf } from "./kinds/index.js";
import { doctorPanel } from "./doctor.js";

const stage = document.getElementById("stage");
const notes = document.getElementById("notes");
const plan = document.getElementById("plan");
const people = document.getElementById("people");
const warning = document.getElementById("warning");
const status = document.getElementById("status");
let view = null;
let answered = new Set();
let teamCount = null; // the facilitator's pick survives re-renders while pupils answer
let codesOpen = false; // the teams' join codes, shown when the facilitator opens them
const DEVICE_ICON = new URL("../img/tablet.svg", import.meta.url).pathname;
const picked = new Set(); // pupils ticked for removal in bulk
let deleting = false; // this tab pressed the button: its form's answer says where to go
// On a phone the console is a remote: the step's controls first, the roster and the timing plan
// folded away until opened. The facilitator's own opening or closing survives re-renders.
const narrow = matchMedia("(max-width: 800px)");
let rosterOpen = !narrow.matches;
let planOpen = !narrow.matches;
narrow.addEventListener("change", () => {
  rosterOpen = planOpen = !narrow.matches;
  for (const d of document.querySelectorAll("details.roster, details.plan-box")) d.open = rosterOpen;
  if (view) render();
});

document.getElementById("delete-form")?.addEventListener("submit", (e) => {
  if (!confirm(t("delete_confirm"))) e.preventDefault();
  else deleting = true;
});

// The kinds this session's pack uses, loaded before the first view can arrive.
const kinds = await loadKinds(boot.kinds);

const api = connect(boot.auth, { host_view: (v) => { view = v; render(); } }, {
  onStatus: (s) => statusLine(status, s),
  onRefused: (d) => { status.textContent = errorText({ ok: false, ...d }); },
});
// Another tab (or the retention time) erased the session: nothing here is valid any more.
api.socket.on("session_deleted", () => { if (!deleting) window.location.href = "/"; });

// The step a move in flight was sent from. A second press from the same step is a double tap and
// is dropped; once the view shows the new step (its view often arrives before the move's own
// answer), the next press is a new move, not a double tap.
let movingFrom = null;

async function command(action) {
  const ack = await api.send("host", action);
  if (!ack.ok) flash(errorText(ack));
  return ack;
}

/** Move to a step once: a double tap must not look like another tab moving on. */
async function goto(step) {
  const from = view.step ? view.step.index : -1;
  if (movingFrom === from) return;
  movingFrom = from;
  try {
    await command({ type: "goto", step, expect: from });
  } finally {
    if (movingFrom === from) movingFrom = null;
  }
}

function flash(text) {
  warning.textContent = text;
  warning.hidden = !text;
  if (text) setTimeout(() => { if (warning.textContent === text && !view?.journal_failed) warning.hidden = true; }, 5000);
}


function nav() {
  const cur = view.step ? view.step.index : -1;
  const last = view.steps_total - 1;
  const buttons = [];
  if (view.phase === "ended") return h("div", { class: "controls" }, h("a", { class: "btn", href: boot.report_url }, t("report")));
  // The handlers read the current step when pressed: patch() may keep these buttons across steps.
  const here = () => (view.step ? view.step.index : -1);
  if (cur >= 0) buttons.push(h("button", { class: "btn", id: "prev", onclick: () => goto(here() - 1) }, t("prev")));
  if (cur < last) {
    buttons.push(h("button", { class: "btn primary", id: "next", onclick: () => goto(here() + 1) }, cur < 0 ? t("start") : t("next")));
    // Behind time: an optional next step can be skipped in one press (the plan marks which are optional).
    const upcoming = view.agenda[cur + 1];
    if (cur >= 0 && upcoming && upcoming.optional && cur + 2 <= last) {
      buttons.push(h("button", { class: "btn", id: "skip", onclick: () => goto(here() + 2) },
        t("skip_step", { title: tr(upcoming.title, view.language) })));
    }
  }
  buttons.push(h("button", { class: "btn quiet", id: "end", onclick: () => confirm(t("end_confirm")) && command({ type: "end" }) }, t("end")));
  return h("div", { class: "controls nav" }, buttons);
}

/** One self-paced step's totals: counts per option, or per point of a scale; never who answered. */
function pacedResult(step, lang) {
  const summary = step.summary;
  if (step.answered === null) return null;
  if (!summary) return h("p", { class: "muted" }, t("paced_waiting", { n: step.answered, quorum: view.paced.quorum }));
  const rows = summary.counts && step.options.length
    ? step.options.map((o) => [tr(o.text, lang), summary.counts[o.id] ?? 0])
    : (summary.results?.counts || []).map((n, i) => [String((summary.results.min ?? 1) + i), n]);
  return h("div", {}, h("p", {}, t("paced_answered", { n: step.answered })),
    rows.length ? h("ul", { class: "bars" }, rows.map(([label, n]) => h("li", {}, `${label}: `, h("strong", {}, String(n))))) : null);
}

/** A self-paced session: how many joined and finished, each step's totals, the poster. */
function renderPaced(lang) {
  const p = view.paced;
  // The last day to answer: the period ends at the midnight after it, in Finland.
  const until = new Date((p.until - 1) * 1000).toLocaleDateString(document.documentElement.lang || undefined,
    { dateStyle: "medium", timeZone: "Europe/Helsinki" });
  patch(stage, h("p", { class: "step-count" }, t("paced_open_until", { date: until })),
    h("h1", {}, tr(view.pack.title, lang)),
    h("p", { class: "lead", id: "paced-counts" }, t("paced_joined", { n: p.joined }), " · ", t("paced_finished", { n: p.finished })),
    h("div", { class: "controls" },
      h("a", { class: "btn primary", id: "poster", href: boot.poster_url, target: "_blank", rel: "noopener" }, t("poster")),
      h("a", { class: "btn", href: boot.report_url }, t("report")),
      h("button", { class: "btn quiet", id: "end", onclick: () => confirm(t("end_confirm")) && command({ type: "end" }) }, t("end"))),
    h("table", { class: "paced-steps" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("step")), h("th", { scope: "col" }, t("paced_here")),
        h("th", { scope: "col" }, t("results")))),
      h("tbody", {}, p.steps.map((s, i) => h("tr", { "data-step": s.id }, h("td", {}, tr(s.title, lang)),
        h("td", {}, String(p.on_page[i])), h("td", {}, pacedResult(s, lang)))))),
    // What a kind lets the facilitator do in a self-paced session (an open answer: approve the
    // answers the report may show), once enough have answered; the kind draws it.
    p.steps.filter((s) => Object.keys(s.console || {}).length && kindOf(kinds, s.kind).paced).map((s) => {
      const el = h("section", { class: "paced-console", "data-step": s.id }, h("h2", {}, tr(s.title, lang)));
      kindOf(kinds, s.kind).paced(el, s.console, { lang, packLang: lang, stepId: s.id, command });
      return el;
    }));
}

function renderStage() {
  const lang = view.language;
  answered = new Set();
  if (view.phase === "paced") return renderPaced(lang);
  if (view.phase === "lobby") {
    patch(stage, h("p", { class: "step-count" }, t("lobby")), h("h1", {}, tr(view.pack.title, lang)),
      h("p", { class: "lead" }, t("pupils_joined", { n: view.pupils.filter((p) => !p.kicked).length })),
      h("p", { class: "muted" }, view.join_url || boot.join_url), nav(), doctorPanel(view, clock.now()));
    return;
  }
  if (view.phase === "ended") {
    patch(stage, h("h1", {}, tr(view.pack.title, lang)), h("p", { class: "lead" }, t("ended")), nav());
    return;
  }
  const step = view.step;
  const el = h("div", { class: `activity kind-${step.kind}`, "data-step": step.id });
  kindOf(kinds, step.kind).host(el, view.activity || {}, {
    lang, packLang: lang, packId: view.pack.id, stepId: step.id, command, teams: view.teams, pupils: view.pupils, code: boot.auth.code,
    rerender: render,
    answered: (set) => { answered = set; },
  });
  patch(stage, nav(), h("p", { class: "step-count", "data-index": step.index }, t("step_of", { n: step.index + 1, total: view.steps_total })),
    h("h1", { class: "step-title" }, tr(step.title, lang)), el);
}

function renderNotes() {
  if (view.phase === "paced") return patch(notes, h("h2", {}, t("notes")), h("p", {}, t("paced_hint", { quorum: view.paced.quorum })));
  patch(notes, h("h2", {}, t("notes")),
    view.notes ? h("div", { class: "notes rich" }, rich(tr(view.notes, view.language))) : h("p", { class: "muted" }, t("no_notes")));
}

function fmt(seconds) {
  const m = Math.floor(seconds / 60);
  const s = Math.floor(seconds % 60);
  return `${m}:${String(s).padStart(2, "0")}`;
}

function renderPlan() {
  plan.hidden = view.phase === "paced"; // nobody keeps time: each goes at their own pace
  if (plan.hidden) return;
  const now = clock.now();
  const cur = view.step ? view.step.index : -1;
  let plannedBefore = 0;
  let firstStart = null;
  const rows = view.agenda.map((s, i) => {
    const spent = s.runs.reduce((acc, [a, b]) => acc + ((b ?? now) - a), 0);
    if (s.runs.length && (firstStart == null || s.runs[0][0] < firstStart)) firstStart = s.runs[0][0];
    if (i < cur) plannedBefore += s.minutes;
    return h("li", { class: i === cur ? "current" : s.runs.length ? "done" : "" },
      h("span", { class: "plan-title" }, tr(s.title, view.language),
        s.optional ? h("span", { class: "badge optional" }, t("optional")) : null),
      h("span", { class: "plan-min" }, t("planned", { m: s.minutes })),
      s.runs.length ? h("span", { class: "plan-spent" }, fmt(spent)) : null);
  });
  let summary = null;
  if (cur >= 0 && firstStart != null) {
    const curStep = view.agenda[cur];
    const inStep = curStep.runs.length ? now - curStep.runs[curStep.runs.length - 1][0] : 0;
    const expected = (plannedBefore + Math.min(inStep / 60, curStep.minutes)) * 60;
    const diff = Math.round((now - firstStart - expected) / 60);
    summary = h("span", { class: diff > 1 ? "plan-sum behind" : diff < -1 ? "plan-sum ahead" : "plan-sum" },
      diff > 1 ? t("behind", { m: diff }) : diff < -1 ? t("ahead", { m: -diff }) : t("on_time"),
      " · ", t("elapsed", { time: fmt(now - firstStart) }));
  }
  const optionalMinutes = view.agenda.reduce((acc, s, i) => acc + (s.optional && i > cur && !s.runs.length ? s.minutes : 0), 0);
  const optionalNote = optionalMinutes ? h("p", { class: "muted plan-optional" }, t("optional_left", { m: optionalMinutes })) : null;
  patch(plan, h("details", { class: "plan-box", open: planOpen, ontoggle: (e) => { planOpen = e.currentTarget.open; } },
    h("summary", {}, h("h2", {}, t("plan")), summary), h("ol", { class: "plan" }, rows), optionalNote));
}

function renderPeople() {
  // Station leaders matter only in packs with stations; elsewhere the button would crowd the list.
  const hasStations = view.agenda.some((s) => s.kind === "stations");
  // A self-paced session has no teams, and nobody would approve a typed nickname.
  const paced = view.phase === "paced";
  const active = view.pupils.filter((p) => !p.kicked);
  const teams = view.teams;
  const teamBar = h("div", { class: "row" },
    h("label", { for: "team-count" }, t("teams")),
    h("select", { id: "team-count", onchange: (e) => { teamCount = Number(e.target.value); } }, [0, 2, 3, 4, 5, 6, 7, 8].map((n) =>
      h("option", { value: n, selected: n === (teamCount ?? teams.length) }, n === 0 ? t("no_teams") : String(n)))),
    h("button", { class: "btn", id: "make-teams", onclick: () => { command({ type: "teams", count: teamCount ?? teams.length }); teamCount = null; } }, t("make_teams")));
  const lock = h("button", { class: "btn", id: "lock", onclick: () => command({ type: "lock", locked: !view.locked }) }, view.locked ? t("unlock") : t("lock"));
  const own = h("label", { class: "check" }, h("input", { type: "checkbox", id: "own-nicks", checked: view.own_nicknames,
    onchange: (e) => command({ type: "own_nicknames", allowed: e.target.checked }) }), " ", t("own_nicks"));
  for (const seat of [...picked]) if (!active.some((p) => p.id === seat)) picked.delete(seat);
  // A rehearsal's simulated pupils are marked (their answers never reach the report).
  const simulated = new Set(view.rehearsal?.simulated || []);
  // One line a pupil, whatever the width: the nickname gives way (ending in "…"), the controls do not.
  const row = (p) => h("li", { class: `pupil ${p.online ? "on" : "off"}${simulated.has(p.id) ? " simulated" : ""}`, "data-seat": p.id },
    h("input", { type: "checkbox", class: "pick", "aria-label": `${t("pick")}: ${p.nick}`, checked: picked.has(p.id),
      onchange: (e) => { if (e.target.checked) picked.add(p.id); else picked.delete(p.id); renderPeople(); } }),
    h("span", { class: "dot", title: p.online ? t("online") : t("offline") }),
    p.device === "team" ? h("img", { class: "device-icon", src: DEVICE_ICON, alt: t("team_device"), title: t("team_device"), width: 18, height: 18 }) : null,
    h("span", { class: "nick", title: p.nick }, p.nick),
    simulated.has(p.id) ? h("span", { class: "sim", title: t("simulated") }, h("span", { "aria-hidden": "true" }, t("simulated_short")),
      h("span", { class: "sr-only" }, t("simulated"))) : null,
    answered.has(p.id) ? h("span", { class: "tick", title: t("answered") }, "✓") : null,
    teams.length ? h("select", { class: "move", "aria-label": `${t("move_to")}: ${p.nick}`, onchange: (e) => command({ type: "move", seat: p.id, team: e.target.value || null }) },
      h("option", { value: "" }, "–"),
      teams.map((tm) => h("option", { value: tm.id, selected: p.team === tm.id }, t("team_n", { n: tm.id.slice(1) })))) : null,
    hasStations || p.mentor ? h("button", { class: p.mentor ? "btn tiny mentor on" : "btn tiny quiet mentor", title: t("station_leader"),
      "aria-label": `${t("station_leader")}: ${p.nick}`,
      "aria-pressed": p.mentor ? "true" : "false", onclick: () => command({ type: "mentor", seat: p.id, on: !p.mentor }) }, t("leader_short")) : null,
    h("button", { class: "btn tiny quiet kick", title: t("kick"), "aria-label": `${t("kick")}: ${p.nick}`,
      onclick: () => confirm(t("kick_confirm", { nick: p.nick })) && command({ type: "kick", seat: p.id }) }, "✕"),
    p.pending ? h("span", { class: "pending" }, "→ ", p.pending, " ",
      h("button", { class: "btn tiny approve", onclick: () => command({ type: "nick", seat: p.id, approve: true }) }, t("approve")),
      h("button", { class: "btn tiny quiet reject", onclick: () => command({ type: "nick", seat: p.id, approve: false }) }, t("reject"))) : null);
  let list;
  const players = active.filter((p) => !p.mentor);
  if (teams.length) {
    list = teams.map((tm) => h("div", { class: `team team-${tm.colour}` },
      h("h3", {}, t("team_n", { n: tm.id.slice(1) }), ` (${tm.size})`,
        // Which teams have a shared device: at a glance, before the first team step.
        tm.devices ? h("span", { class: "team-devices", title: t("team_device") }, " ",
          h("img", { class: "device-icon", src: DEVICE_ICON, alt: t("team_device"), width: 18, height: 18 }), tm.devices > 1 ? `×${tm.devices}` : "") : null),
      h("ul", { class: "pupils" }, players.filter((p) => p.team === tm.id).map(row))));
    const loose = players.filter((p) => !p.team);
    if (loose.length) list.push(h("ul", { class: "pupils" }, loose.map(row)));
  } else {
    list = [h("ul", { class: "pupils" }, players.map(row))];
  }
  const mentors = active.filter((p) => p.mentor);
  if (mentors.length) list.push(h("div", { class: "team mentors" }, h("h3", {}, t("station_leaders")), h("ul", { class: "pupils" }, mentors.map(row))));
  const kicked = view.pupils.filter((p) => p.kicked);
  const offline = active.filter((p) => !p.online);
  const bulk = h("div", { class: "controls bulk" },
    offline.length ? h("button", { class: "btn tiny", id: "pick-offline",
      onclick: () => { for (const p of offline) picked.add(p.id); renderPeople(); } }, t("pick_offline"), ` (${offline.length})`) : null,
    picked.size ? h("button", { class: "btn tiny danger", id: "remove-picked", onclick: async () => {
      if (!confirm(t("remove_picked_confirm", { n: picked.size }))) return;
      const ack = await command({ type: "remove", seats: [...picked] });
      if (ack.ok) picked.clear();
      renderPeople();
    } }, t("remove_picked", { n: picked.size })) : null);
  // Each team's own join code: a school tablet that scans it joins as that team's device.
  const teamCodes = teams.length ? h("details", { class: "team-codes", open: codesOpen, ontoggle: (e) => {
    // The codes are drawn when opened (eight QR codes are not fetched for nothing).
    if (codesOpen !== e.currentTarget.open) { codesOpen = e.currentTarget.open; renderPeople(); }
  } },
    h("summary", {}, t("team_codes")), h("p", { class: "small" }, t("team_codes_hint")),
    h("ul", { class: "team-qrs" }, teams.map((tm) => h("li", { class: "team-qr", "data-team": tm.id },
      h("strong", { class: `chip team-${tm.colour}` }, t("team_n", { n: tm.id.slice(1) })),
      codesOpen ? h("img", { src: `/qr/${boot.auth.code}.svg?team=${tm.id}`, alt: t("team_code_alt", { team: t("team_n", { n: tm.id.slice(1) }) }), width: 160, height: 160 }) : null)))) : null;
  patch(people,
    view.talk?.length ? h("div", { class: "banner danger talk" }, h("p", {}, t("talk_requests")),
      h("ul", {}, view.talk.map((r) => h("li", {}, r.nick, " ",
        h("button", { class: "btn tiny", onclick: () => command({ type: "talk_seen", seat: r.id }) }, t("seen")))))) : null,
    h("details", { class: "roster", open: rosterOpen, ontoggle: (e) => { rosterOpen = e.currentTarget.open; } },
      h("summary", {}, h("h2", {}, t("pupils"), ` (${active.length})`), view.locked ? h("span", { class: "badge" }, t("locked")) : null),
      h("div", { class: "roster-tools" }, lock, paced ? null : own, paced ? null : teamBar), teamCodes, bulk, list,
      kicked.length ? h("details", { class: "removed" }, h("summary", {}, t("removed_list", { n: kicked.length })),
        h("ul", { class: "pupils" }, kicked.map((p) => h("li", {}, p.nick, " ",
          h("button", { class: "btn tiny", onclick: () => command({ type: "readmit", seat: p.id }) }, t("readmit")))))) : null));
}

function render() {
  warning.hidden = !view.journal_failed;
  if (view.journal_failed) warning.textContent = t("not_saved_warning");
  renderStage();
  renderNotes();
  renderPlan();
  renderPeople();
}

setInterval(() => {
  if (view) renderPlan();
  if (view?.phase === "lobby") renderStage(); // the connection doctor appears a minute on
  for (const el of document.querySelectorAll("[data-deadline]")) {
    const left = secondsLeft(Number(el.dataset.deadline));
    el.textContent = t("time_left", { time: clockText(left) });
    if (el.dataset.warn) el.classList.toggle("warn", left <= Number(el.dataset.warn));
  }
}, 1000);
