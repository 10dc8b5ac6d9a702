// Stations: groups rotate through scenario stations. Phones show the group's station
// and its tasks (or, for a station leader, the leader's guide); the projector shows the
// station map and later the debrief; the facilitator rotates, moderates and answers calls.
import { add, h, t, tr, live, mediaUrl, secondsLeft, timeLeft, clockText, errorText } from "../lib.js";
import { entryBox, teamPicker } from "./entry.js";

const WARNING_SECONDS = 60;
// Unsent order answers by station: they survive re-renders while a pupil is sorting.
const orderDrafts = new Map();
// The facilitator's edits of lines not yet approved, by step, group and station, each with the
// line it edits.
const lineEdits = new Map();

function colourOf(group, ctx) {
  return ctx.teams?.find((x) => x.id === group)?.colour ?? "blue";
}

function groupLabel(group) {
  return t("group_n", { n: group.slice(1) });
}

function timer(a) {
  if (a.paused) return h("p", { class: "countdown" }, t("paused"));
  if (a.phase === "time_up") return h("p", { class: "countdown warn" }, t("time_up"));
  if (a.phase !== "rotating" || !a.closes_at) return null;
  const left = secondsLeft(a.closes_at);
  return h("p", { class: left <= WARNING_SECONDS ? "countdown warn" : "countdown", "data-deadline": a.closes_at,
    "data-warn": WARNING_SECONDS, "data-warn-text": t("one_minute") }, t("time_left", { time: clockText(left) }));
}

function roundLine(a) {
  return a.rounds ? h("p", { class: "round" }, t("station_round", { n: a.round, total: a.rounds })) : null;
}

function stationMap(a, ctx) {
  return h("ol", { class: "station-map" }, a.map.map((s) => h("li", { class: "station-box", "data-station": s.id },
    h("strong", {}, tr(s.title, ctx.lang, ctx.packLang)),
    h("div", { class: "station-groups" }, s.groups.length ? s.groups.map((g) => h("span", {
      class: `chip team-${colourOf(g.group, ctx)}${g.done ? " done" : ""}`, "data-group": g.group,
    }, groupLabel(g.group), g.done ? " ✓" : "")) : h("span", { class: "muted" }, "–")),
    s.leads?.length ? h("p", { class: "station-leads" }, t("led_by", { names: s.leads.join(", ") })) : null)));
}

/** A prompt of the pack (a station's own, else its step's) in the page's language, else the kit's words. */
function say(text, fallback, ctx) {
  return text ? tr(text, ctx.lang, ctx.packLang) : fallback;
}

/** A pupil's ratings in brief: "3 / 4" where the station asks two questions, else "3". */
function ratingsText(r, two) {
  return two ? `${r.as_written ?? "–"} / ${r.best_friend ?? "–"}` : `${r.as_written ?? "–"}`;
}

function bars(counts, labels) {
  const total = Math.max(1, ...counts);
  return h("ul", { class: "bars" }, counts.map((n, i) => h("li", { class: "rbar" },
    h("span", { class: "bar-label" }, labels[i]),
    h("span", { class: "bar-track" }, h("span", { class: "bar-fill", style: `width:${Math.round((100 * n) / total)}%` })),
    h("span", { class: "bar-count" }, String(n)))));
}

/** Ratings 1–5 as five columns side by side: a chart three lines high, not five rows. */
function columns(counts, labels) {
  const total = Math.max(1, ...counts);
  return h("ul", { class: "bars columns" }, counts.map((n, i) => h("li", { class: "rbar col" },
    h("span", { class: "bar-count" }, String(n)),
    h("span", { class: "bar-track" }, h("span", { class: "bar-fill", style: `height:${Math.round((100 * n) / total)}%` })),
    h("span", { class: "bar-label" }, labels[i]))));
}

function debrief(a, ctx) {
  const d = a.debrief;
  const p = d.station.prompts || {};
  const ways = d.station.ways || a.ways;
  const scale = ["1", "2", "3", "4", "5"];
  // The second rating question only where the station asks one.
  return h("div", { class: "debrief", "data-station": d.station.id },
    h("h2", {}, tr(d.station.title, ctx.lang, ctx.packLang)),
    h("div", { class: "side-by-side" },
      h("section", { class: "ratings", "data-which": "as_written" }, h("h3", {}, say(p.rate, t("task_rate"), ctx)), columns(d.ratings.as_written, scale)),
      d.ratings.best_friend && p.rate_second ? h("section", { class: "ratings", "data-which": "best_friend" },
        h("h3", {}, say(p.rate_second, "", ctx)), columns(d.ratings.best_friend, scale)) : null),
    h("p", { class: "scale-ends" }, `1 = ${say(p.rate_low, t("rate_low"), ctx)}, 5 = ${say(p.rate_high, t("rate_high"), ctx)}`),
    Object.values(d.ways).some((n) => n) ? h("section", { class: "ways-result" }, h("h3", {}, say(p.ways_result, t("ways_chosen"), ctx)),
      bars(ways.map((w) => d.ways[w.id] ?? 0), ways.map((w) => tr(w.text, ctx.lang, ctx.packLang)))) : null,
    d.order.answers ? h("p", {}, t("order_right", { n: d.order.right, total: d.order.answers })) : null,
    d.order.answers ? h("ol", { class: "right-order" }, d.station.order.map((o) => h("li", {}, tr(o.text, ctx.lang, ctx.packLang)))) : null,
    d.lines.length ? h("section", { class: "lines-result" }, h("h3", {}, say(p.lines_result, t("group_lines"), ctx)),
      h("ul", { class: "lines" }, d.lines.map((line) => h("li", { class: "line" }, `”${line}”`)))) : null);
}

// -- projector ---------------------------------------------------------------------
export function screen(el, a, ctx) {
  if (a.phase === "setup") return add(el, a.intro ? h("p", { class: "slide-text" }, tr(a.intro, ctx.lang, ctx.packLang)) : null);
  if (a.phase === "debrief") return add(el, debrief(a, ctx));
  add(el, roundLine(a), timer(a), stationMap(a, ctx));
}

// -- phone -------------------------------------------------------------------------
function scenario(s, ctx) {
  return h("div", { class: "situation" },
    s.content_note ? h("p", { class: "content-note" }, tr(s.content_note, ctx.lang, ctx.packLang)) : null,
    h("h2", { class: "card-title" }, tr(s.title, ctx.lang, ctx.packLang)),
    s.image ? h("img", { class: "slide-img", src: mediaUrl(ctx.packId, s.image), alt: tr(s.image_alt, ctx.lang, ctx.packLang) }) : null,
    h("p", {}, tr(s.scenario, ctx.lang, ctx.packLang)),
    s.pressure.length ? h("ul", { class: "pressure" }, s.pressure.map((p) => h("li", {}, `”${tr(p, ctx.lang, ctx.packLang)}”`))) : null);
}

/**
 * A group's tasks at its station. A member's phone sends them as its own answers; the console and
 * a station leader's phone draw the same tasks for a group without a device, and `enter` them
 * for it (`sendAs`); `suffix` keeps the ids of several groups' tasks on one page apart.
 */
function memberTasks(el, a, own, ctx, { sendAs = null, suffix = "" } = {}) {
  const s = own.station;
  const p = s.prompts || {};
  const two = Boolean(p.rate_second);
  const send = sendAs || ((action) => ctx.send({ type: "act", step: ctx.stepId, action }));
  const status = h("p", { class: "answer-msg", role: "status" });
  const report = (ack) => { live(status).textContent = ack.ok ? t("answer_sent") : errorText(ack); };
  if (s.tasks.includes("ways")) {
    const mine = new Set(own.mine.ways);
    add(el, h("section", { class: "task", "data-task": "ways" }, h("h3", {}, say(p.ways, t("task_ways"), ctx)),
      h("div", { class: "options" }, (s.ways || a.ways).map((w, i) => h("button", {
        class: `opt opt-${i % 6}${mine.has(w.id) ? " chosen" : ""}`, "data-way": w.id, "aria-pressed": mine.has(w.id) ? "true" : "false",
        onclick: () => { mine.has(w.id) ? mine.delete(w.id) : mine.add(w.id); send({ type: "ways", ways: [...mine] }).then(report); },
      }, h("span", { class: "opt-text" }, tr(w.text, ctx.lang, ctx.packLang)))))));
  }
  if (s.tasks.includes("line")) {
    const heading = say(p.line, t("task_line"), ctx);
    const input = h("textarea", { id: `line${suffix}`, maxlength: 200, rows: 2, "aria-label": heading });
    input.value = own.work.line ?? "";
    add(el, h("section", { class: "task", "data-task": "line" }, h("h3", {}, heading),
      h("p", { class: "hint" }, say(p.line_hint, t("line_hint"), ctx)),
      h("form", { onsubmit: (e) => { e.preventDefault(); send({ type: "line", text: live(input).value }).then(report); } },
        input, h("button", { class: "btn primary", type: "submit", id: `save-line${suffix}` }, t("save")))));
  }
  if (s.tasks.includes("rate")) {
    // One rating question, or two where the station has `rate_second`; a heading of their own or the first question.
    const first = say(p.rate, t("task_rate"), ctx);
    const rate = (which, question) => h("div", { class: "scale", "data-which": which, role: "group", "aria-label": question },
      [1, 2, 3, 4, 5].map((v) => h("button", {
        class: own.mine.ratings[which] === v ? "scale-btn chosen" : "scale-btn", "data-value": v,
        "aria-pressed": own.mine.ratings[which] === v ? "true" : "false",
        onclick: () => send({ type: "rate", which, value: v }).then(report),
      }, String(v))));
    const second = two ? say(p.rate_second, "", ctx) : null;
    add(el, h("section", { class: "task", "data-task": "rate" }, h("h3", {}, p.rate_title ? say(p.rate_title, "", ctx) : first),
      h("p", { class: "hint" }, `1 = ${say(p.rate_low, t("rate_low"), ctx)}, 5 = ${say(p.rate_high, t("rate_high"), ctx)}`),
      p.rate_title ? h("p", { class: "rate-question" }, first) : null, rate("as_written", first),
      two ? [h("p", { class: "rate-question" }, second), rate("best_friend", second)] : null));
  }
  if (s.tasks.includes("order")) {
    const draftKey = `${s.id}${suffix}`;
    if (!orderDrafts.has(draftKey)) orderDrafts.set(draftKey, own.mine.order.length ? [...own.mine.order] : []);
    const picked = orderDrafts.get(draftKey);
    const text = Object.fromEntries(s.order.map((o) => [o.id, tr(o.text, ctx.lang, ctx.packLang)]));
    const list = h("ol", { class: "order-picked" }, picked.map((id) => h("li", {}, text[id])));
    const buttons = h("div", { class: "options" }, s.order.filter((o) => !picked.includes(o.id)).map((o) => h("button", {
      class: "opt opt-1", "data-step-id": o.id,
      onclick: () => { picked.push(o.id); if (picked.length === s.order.length) send({ type: "order", steps: [...picked] }).then(report); ctx.rerender(); },
    }, h("span", { class: "opt-text" }, text[o.id]))));
    add(el, h("section", { class: "task", "data-task": "order" },
      h("h3", {}, say(p.order || s.order_prompt, t("task_order"), ctx)),
      h("p", { class: "hint" }, t("order_hint")), list, buttons,
      picked.length ? h("button", { class: "btn quiet", id: `order-reset${suffix}`, onclick: () => { picked.length = 0; ctx.rerender(); } }, t("start_over")) : null));
  }
  const group = Object.entries(own.work.ratings || {});
  if (group.length) {
    add(el, h("section", { class: "team-votes" }, h("strong", {}, two ? t("group_answers_two") : t("group_answers")),
      h("ul", {}, group.map(([nick, r]) => h("li", {}, `${nick}: ${ratingsText(r, two)}`)))));
  }
  add(el, status);
}

function mentorView(el, a, own, ctx) {
  if (!own.station) return add(el, h("p", { class: "big-prompt" }, t("mentor_wait")));
  const g = own.guide;
  const list = (items) => h("ul", {}, items.map((x) => h("li", {}, tr(x, ctx.lang, ctx.packLang))));
  add(el, h("p", { class: "badge" }, t("you_lead")), scenario(own.station, ctx),
    h("section", { class: "guide" }, h("h3", {}, t("guide_questions")), list(g.questions),
      g.listen_for.length ? [h("h3", {}, t("guide_listen")), list(g.listen_for)] : null,
      g.safety.length ? [h("h3", {}, t("guide_safety")), list(g.safety)] : null),
    h("section", { class: "here" }, h("h3", {}, t("groups_here")),
      own.groups.length ? own.groups.map((grp) => h("div", { class: `team-card`, "data-group": grp.group },
        h("h4", { class: `team-head team-${colourOf(grp.group, ctx)}` }, groupLabel(grp.group), grp.work.done ? " ✓" : ""),
        h("p", { class: "small" }, grp.members.join(", ")),
        grp.work.line ? h("p", {}, `”${grp.work.line}”`) : null,
        Object.entries(grp.work.ratings).length ? h("p", { class: "small" },
          Object.entries(grp.work.ratings).map(([n, r]) => `${n}: ${ratingsText(r, Boolean(own.station.prompts?.rate_second))}`).join(" · ")) : null,
        groupEntry(a, own.station, grp.group, grp.entered, grp.work.line, ctx, (action) => ctx.send(action))))
        : h("p", { class: "muted" }, "–")),
    h("div", { class: "controls" },
      h("button", { class: "btn primary big", id: "mentor-done", onclick: () => ctx.send({ type: "act", step: ctx.stepId, action: { type: "done" } }) }, t("mark_done")),
      h("button", { class: "btn big", id: "mentor-call", disabled: own.called, onclick: () => ctx.send({ type: "act", step: ctx.stepId, action: { type: "call" } }) },
        own.called ? t("called") : t("call_facilitator"))));
}

export function pupil(el, a, own, ctx) {
  own = own || {};
  if (a.phase === "setup") return add(el, h("p", { class: "big-prompt" }, own.role === "mentor" ? t("mentor_wait") : t("wait_stations")));
  if (a.phase === "debrief") return add(el, h("p", { class: "big-prompt" }, t("look_screen")));
  add(el, roundLine(a), timer(a));
  if (own.role === "mentor") return mentorView(el, a, own, ctx);
  if (!own.station) return add(el, h("p", { class: "big-prompt" }, t("not_playing")));
  add(el, h("p", { class: `group-label team-${colourOf(own.group, ctx)}` }, groupLabel(own.group)), scenario(own.station, ctx));
  memberTasks(el, a, own, ctx);
}

/**
 * A group without a device says its answers aloud; the station's leader (on their phone) or the
 * facilitator (on the console) enters them here, with the tasks the group's phones would show.
 */
function groupEntry(a, station, group, entered, line, ctx, send) {
  const box = h("div", { class: "group-entry" });
  const sendAs = (answer) => send({ type: "act", step: ctx.stepId, action: { type: "enter", team: group, answer } });
  memberTasks(box, a, { station, mine: entered, work: { line, ratings: {} } }, ctx, { sendAs, suffix: `-${group}` });
  return h("details", { class: "entry", "data-entry-group": group },
    h("summary", {}, t("entry_for_group", { group: groupLabel(group) })), h("p", { class: "hint" }, t("entry_hint_group")), box);
}

// -- host --------------------------------------------------------------------------
export function host(el, a, ctx) {
  const cmd = (type, extra = {}) => () => ctx.command({ type: "act", step: ctx.stepId, action: { type, ...extra } });
  const btn = (id, label, action, cls = "btn") => h("button", { class: cls, id, onclick: action }, label);
  const controls = [];
  if (a.phase === "setup") controls.push(btn("stations-start", t("start_rotation"), cmd("start"), "btn primary"));
  if (a.phase === "rotating" || a.phase === "time_up") {
    controls.push(btn("stations-rotate", a.round >= a.rounds ? t("to_debrief") : t("rotate"), cmd("rotate"), "btn primary"));
    controls.push(a.paused ? btn("stations-resume", t("resume"), cmd("resume")) : btn("stations-pause", t("pause"), cmd("pause")));
    controls.push(btn("stations-extend", t("extend_minute"), cmd("extend", { seconds: 60 })));
    controls.push(btn("stations-debrief", t("to_debrief"), cmd("debrief"), "btn quiet"));
  }
  controls.push(h("label", { class: "check" }, h("input", { type: "checkbox", id: "stations-auto", checked: a.auto,
    onchange: (e) => ctx.command({ type: "act", step: ctx.stepId, action: { type: "auto", on: e.target.checked } }) }), " ", t("auto_rotate")));
  // The console's first screen: the controls, the round and the time on one line, calls for help;
  // then the map of stations while the groups rotate (the leaders' stations at the start).
  add(el, h("div", { class: "controls" }, controls), h("div", { class: "stations-status" }, roundLine(a), timer(a)));
  if (a.calls.length) {
    add(el, h("div", { class: "banner danger calls" }, a.calls.map((c) => h("p", {}, t("mentor_calls", { nick: c.nick }), " ",
      h("button", { class: "btn tiny", onclick: cmd("call_seen", { seat: c.seat }) }, t("seen"))))));
  }
  const mentors = ctx.pupils?.filter((p) => p.mentor && !p.kicked) ?? [];
  const leads = mentors.length
    ? h("section", { class: "leads" }, h("h3", {}, t("station_leaders")), h("ul", {}, mentors.map((m) => h("li", {},
      h("span", { class: "lead-nick", title: m.nick }, m.nick),
      h("select", { class: "lead-station", "data-seat": m.id, "aria-label": `${t("station_leaders")}: ${m.nick}`,
        onchange: (e) => ctx.command({ type: "act", step: ctx.stepId, action: { type: "lead", seat: m.id, station: e.target.value || null } }) },
      h("option", { value: "" }, "–"), a.stations.map((s) => h("option", { value: s.id, selected: a.leads[m.id] === s.id }, tr(s.title, ctx.lang, ctx.packLang))))))))
    : a.phase === "setup" ? h("p", { class: "muted small" }, t("leaders_hint")) : null;
  const groups = (ctx.teams || []).filter((x) => x.size > 0).length;
  const sharing = groups > a.stations.length && a.phase !== "debrief"
    ? h("p", { class: "badge", id: "sharing" }, t("stations_shared", { groups, stations: a.stations.length })) : null;
  if (a.phase === "setup") return add(el, leads, sharing, h("p", { class: "muted" }, t("stations_need_groups")));
  if (a.phase === "debrief") {
    add(el, h("div", { class: "controls" }, a.stations.map((s, i) => h("button", {
      class: i === a.debrief.index ? "btn primary" : "btn", "data-show": s.id, onclick: cmd("show", { index: i }),
    }, tr(s.title, ctx.lang, ctx.packLang)))), debrief(a, ctx));
    const station = a.stations[a.debrief.index];
    add(el, h("section", {}, h("h3", {}, t("discuss")),
      h("ul", {}, [...station.questions, ...a.debrief_questions].map((q) => h("li", {}, tr(q, ctx.lang, ctx.packLang))))));
  } else {
    add(el, stationMap(a, ctx), sharing);
    const { team, node } = teamPicker(ctx, { done: new Set(a.entry.filter((e) => e.entered.ways.length || e.line).map((e) => e.group)) });
    const here = a.entry.find((e) => e.group === team);
    if (here) {
      const box = h("div", { class: "group-entry" });
      const sendAs = (answer) => ctx.command({ type: "act", step: ctx.stepId, action: { type: "enter", team, answer } });
      memberTasks(box, a, { station: here.station, mine: here.entered, work: { line: here.line, ratings: {} } }, ctx, { sendAs, suffix: `-${team}` });
      add(el, entryBox(ctx, { hint: t("entry_hint_group") }, node,
        h("p", {}, h("strong", {}, tr(here.station.title, ctx.lang, ctx.packLang))), box));
    }
    const current = a.map.filter((s) => s.groups.length);
    add(el, h("details", {}, h("summary", {}, t("station_notes")), current.map((s) => {
      const full = a.stations.find((x) => x.id === s.id);
      return h("div", {}, h("strong", {}, tr(full.title, ctx.lang, ctx.packLang)),
        full.notes ? h("p", { class: "notes small" }, tr(full.notes, ctx.lang, ctx.packLang)) : null);
    })), leads);
  }
  // Moderation: no group's line reaches the projector before it is approved here.
  if (a.lines.length) {
    const heading = t("moderate_lines", { lines: say(a.prompts?.lines_result, t("group_lines"), ctx) });
    add(el, h("section", { class: "moderation" }, h("h3", {}, heading), h("ul", {}, a.lines.map((l) => {
      const station = a.stations.find((s) => s.id === l.station);
      // The ids keep each line's field with its line while other lines come and go; an edit
      // outlives re-renders until the group changes its line.
      const key = `${ctx.stepId}:${l.group}:${l.station}`;
      const draft = lineEdits.get(key);
      const id = `edit-${l.group}-${l.station}`;
      const edit = h("input", { class: "edit-line", id, maxlength: 200, "aria-label": t("edit_line"),
        value: draft?.line === l.line ? draft.edit : l.shown ?? l.line,
        oninput: (ev) => lineEdits.set(key, { line: l.line, edit: ev.currentTarget.value }) });
      return h("li", { class: `line-item ${l.status}`, id: `line-${l.group}-${l.station}`, "data-group": l.group, "data-station": l.station },
        h("span", { class: "small muted" }, `${groupLabel(l.group)} · ${tr(station?.title, ctx.lang, ctx.packLang)} · ${t(`line_${l.status}`)}`),
        h("p", {}, `”${l.line}”`), edit,
        h("div", { class: "controls" },
          // What is approved is what the field on the page says when the button is pressed.
          h("button", { class: "btn tiny approve-line", onclick: () => ctx.command({ type: "act", step: ctx.stepId,
            action: { type: "moderate", group: l.group, station: l.station, status: "approved", text: document.getElementById(id)?.value ?? "" } }) }, t("approve")),
          h("button", { class: "btn tiny quiet hide-line", onclick: cmd("moderate", { group: l.group, station: l.station, status: "hidden" }) }, t("hide"))));
    }))));
  }
  ctx.answered?.(new Set(a.answered_by || []));
}
