// Board game: the projector shows the day as a board with every team's token;
// phones show the team's character and card and take the vote; the facilitator
// deals, reveals, pauses, skips and ends.
import { add, h, t, tr, mediaUrl, secondsLeft, timeLeft, clockText, errorText, live, optionMark } from "../lib.js";
import { rich } from "../rich.js";

const LETTERS = "ABCD";

function teamLabel(team, ctx) {
  return t("team_n", { n: team.slice(1) });
}

function colourOf(team, ctx) {
  return ctx.teams?.find((x) => x.id === team)?.colour ?? "blue";
}

/** One line saying what a change did: "2 forward · Energy +1". */
export function changeText(change, a, ctx) {
  if (!change) return "";
  const parts = [];
  if (change.moved > 0) parts.push(t("moved_forward", { n: change.moved }));
  else if (change.moved < 0) parts.push(t("moved_back", { n: -change.moved }));
  for (const [id, d] of Object.entries(change.meters || {})) {
    const meter = a.meters.find((m) => m.id === id);
    parts.push(`${tr(meter?.name, ctx.lang, ctx.packLang)} ${d > 0 ? "+" : ""}${d}`);
  }
  return parts.length ? parts.join(" · ") : t("stayed");
}

function meters(a, values, ctx) {
  if (!a.meters.length) return null;
  return h("ul", { class: "meters" }, a.meters.map((m) => {
    const v = values[m.id];
    const pct = Math.round((100 * (v - m.min)) / Math.max(1, m.max - m.min));
    return h("li", { class: "meter", "data-meter": m.id },
      h("span", { class: "meter-name" }, tr(m.name, ctx.lang, ctx.packLang)),
      h("span", { class: "meter-track" }, h("span", { class: "meter-fill", style: `width:${pct}%` })),
      h("span", { class: "meter-value" }, String(v)));
  }));
}

function token(team, ctx) {
  return h("span", {
    class: `token team-${colourOf(team.team, ctx)}`, "data-team": team.team,
    title: `${teamLabel(team.team, ctx)}: ${team.character.name}`,
  }, team.team.slice(1));
}

/**
 * The day as a track, one lane a team: the sections' names across the top, each team's token on
 * its lane. Lanes and spaces are not lists: the projector's fitting (screen.js) pages through the
 * longest list when a step does not fit, and a board must never be cut into pages.
 */
function board(a, ctx) {
  const teams = a.teams || [];
  const sectionOf = [];
  let first = 0;
  const sections = a.sections.map((s, i) => {
    for (let k = 0; k < s.spaces; k++) sectionOf.push(i);
    const cell = h("span", { class: `section sec-${i % 2}`, "data-section": s.id, style: `grid-column: ${first + 1} / span ${s.spaces}` },
      h("span", { class: "section-name" }, tr(s.name, ctx.lang, ctx.packLang)));
    first += s.spaces;
    return cell;
  });
  const lane = (team) => h("div", {
    class: `lane c-${colourOf(team.team, ctx)}`, "data-team": team.team, role: "group",
    "aria-label": `${teamLabel(team.team, ctx)}: ${team.character.name}`,
  }, sectionOf.map((sec, i) => {
    const cls = ["space", `sec-${sec % 2}`];
    if (i > 0 && sectionOf[i - 1] !== sec) cls.push("sec-start");
    if (i < team.position) cls.push("passed");
    if (i === a.spaces - 1) cls.push("finish");
    return h("span", { class: cls.join(" "), "data-space": i },
      i === a.spaces - 1 && i !== team.position ? h("span", { class: "finish-mark", "aria-hidden": "true" }, "★") : null,
      i === team.position ? token(team, ctx) : null);
  }));
  return h("div", { class: "board", role: "group", "aria-label": t("board"), style: `--spaces: ${Math.max(1, a.spaces)}` },
    h("div", { class: "sections" }, sections), teams.map(lane));
}

function turnView(turn, a, ctx) {
  if (!turn) return null;
  const choice = turn.choice_text ? tr(turn.choice_text, ctx.lang, ctx.packLang) : t("no_decision");
  const splitText = Object.values(turn.split || {}).sort((x, y) => y - x).join("–");
  return h("div", { class: "turn" },
    turn.card ? h("p", { class: "turn-card" }, h("strong", {}, tr(turn.card.title, ctx.lang, ctx.packLang))) : null,
    h("p", { class: "turn-choice" }, choice, splitText ? h("span", { class: "split" }, ` (${splitText})`) : null,
      turn.entered ? h("span", { class: "entered-tag" }, ` · ${t("entered_by_facilitator")}`) : null),
    turn.consequence ? h("p", { class: "consequence" }, tr(turn.consequence, ctx.lang, ctx.packLang)) : null,
    h("p", { class: "effect" }, changeText(turn.change, a, ctx)),
    (turn.from_others || []).map((o) => h("p", { class: "effect others" },
      t("because_of", { team: teamLabel(o.team, ctx) }), ": ", changeText(o.change, a, ctx))),
    turn.chance ? h("p", { class: "effect chance" }, `${t("chance")}: ${tr(turn.chance.title, ctx.lang, ctx.packLang)} – `,
      changeText(turn.chance.change, a, ctx)) : null);
}

function countdown(a) {
  if (a.paused) return h("p", { class: "countdown" }, t("paused"));
  if (a.phase !== "voting" || !a.closes_at) return null;
  return h("p", { class: "countdown", "data-deadline": a.closes_at }, timeLeft(a.closes_at));
}

function roundLine(a) {
  if (a.phase === "setup") return h("p", { class: "round" }, "");
  // Before the first deal there is no round yet: say what comes, not "round 0".
  return h("p", { class: "round" }, a.round ? t("round_of", { n: a.round, total: a.rounds }) : t("first_card"));
}

function journeys(a, ctx) {
  return h("div", { class: "journeys" }, (a.teams || []).map((team) => h("section", { class: "journey", "data-team": team.team },
    h("h3", { class: `team-head team-${colourOf(team.team, ctx)}` }, `${teamLabel(team.team, ctx)}: ${team.character.name}`),
    h("ol", {}, (team.journey || []).map((turn) => h("li", {}, turnView(turn, a, ctx)))))));
}

function questions(a, ctx) {
  if (!a.questions?.length) return null;
  return h("section", { class: "questions" }, h("h2", {}, t("discuss")),
    h("ul", {}, a.questions.flatMap((q) => q.questions.map((text) => h("li", {}, tr(text, ctx.lang, ctx.packLang))))));
}

// -- projector ---------------------------------------------------------------------
// A wall read from the back row: the board across the top, a card per team below it, sized by
// how many teams play (boardgame.css's .n-<teams>); long texts are clamped with "…", never
// broken inside a word. At the end each team's day is one line a turn.
const WALL_TURNS = 10; // turns a journey shows on the wall; a longer game shows its last ones
const WALL_GRID = { 1: [1, 1], 2: [2, 1], 3: [3, 1], 4: [2, 2], 5: [3, 2], 6: [3, 2], 7: [4, 2], 8: [4, 2] };
// At the end: the journeys' grid (the board stays on the wall up to three teams) and how many
// discussion questions fit in each free cell of it.
const END_GRID = { 1: [2, 1], 2: [3, 1], 3: [4, 1], 4: [3, 2], 5: [3, 2], 6: [3, 2], 7: [4, 2], 8: [4, 2] };

function grid(table, n) {
  return table[Math.min(Math.max(n, 1), 8)] ?? [Math.ceil(n / 2), 2];
}

/** What changed for a team this round, own choice first, on one paragraph. */
function effects(turn, a, ctx, fit = null) {
  const parts = [];
  if (turn.card) parts.push(h("span", { class: "own" }, changeText(turn.change, a, ctx)));
  for (const o of turn.from_others || []) {
    parts.push(h("span", { class: "others" }, t("by_team", { team: teamLabel(o.team, ctx) }), ": ", changeText(o.change, a, ctx)));
  }
  if (turn.chance) {
    parts.push(h("span", { class: "chance" }, `${t("chance")}: ${tr(turn.chance.title, ctx.lang, ctx.packLang)} – `,
      changeText(turn.chance.change, a, ctx)));
  }
  return h("p", { class: "effect", "data-fit": fit }, parts.flatMap((p, i) => (i ? [" · ", p] : [p])));
}

function wallCard(team, a, ctx) {
  const lang = [ctx.lang, ctx.packLang];
  const voting = a.phase === "voting" || a.phase === "closed";
  const body = [];
  if (a.phase === "ready") {
    body.push(h("p", { class: "story", "data-fit": "text" }, tr(team.character.story, ...lang)));
  } else if (voting && team.card) {
    body.push(h("p", { class: "turn-card" }, tr(team.card.title, ...lang)),
      h("p", { class: "card-text", "data-fit": "text" }, tr(team.card.text, ...lang)),
      h("ol", { class: "card-choices" }, team.card.choices.map((c, i) => h("li", {},
        h("span", { class: "opt-letter" }, optionMark(i), LETTERS[i]), tr(c.text, ...lang)))));
  } else if (voting) {
    body.push(h("p", { class: "muted" }, t("no_card")));
  } else if (a.phase === "revealed" && team.last) {
    const turn = team.last;
    const splitText = Object.values(turn.split || {}).sort((x, y) => y - x).join("–");
    const extra = (turn.from_others?.length ? 1 : 0) + (turn.chance ? 1 : 0);
    body.push(h("div", { class: `turn${extra ? " extra" : ""}` },
      turn.card ? h("p", { class: "turn-card" }, tr(turn.card.title, ...lang)) : null,
      h("p", { class: "turn-choice", "data-fit": "choice" }, turn.choice_text ? tr(turn.choice_text, ...lang) : t("no_decision"),
        splitText ? h("span", { class: "split" }, ` (${splitText})`) : null),
      turn.consequence ? h("p", { class: "consequence", "data-fit": "cons" }, tr(turn.consequence, ...lang)) : null,
      effects(turn, a, ctx, "effect")));
  }
  return h("section", { class: "team-card", "data-team": team.team },
    h("h3", { class: `team-head team-${colourOf(team.team, ctx)}` },
      h("span", { class: "team-name" }, `${teamLabel(team.team, ctx)}: ${team.character.name}`),
      // A team without devices says its choice aloud: the wall shows that it has chosen, not what.
      voting && team.card ? h("span", { class: "voted" }, team.members ? t("voted_n", { n: team.voted, total: team.members })
        : team.entered ? `✓ ${t("team_has_chosen")}` : "") : null),
    meters(a, team.meters, ctx), body);
}

function wallJourney(team, a, ctx) {
  const turns = team.journey || [];
  const shown = turns.length > WALL_TURNS ? turns.slice(turns.length - WALL_TURNS) : turns;
  const where = a.sections.find((s) => s.id === team.section);
  return h("section", { class: "journey", "data-team": team.team },
    h("h3", { class: "journey-head" }, token(team, ctx),
      h("span", { class: "team-name" }, team.character.name),
      where ? h("span", { class: "where" }, tr(where.name, ctx.lang, ctx.packLang)) : null),
    h("ol", { start: turns.length - shown.length + 1 }, shown.map((turn) => h("li", {}, h("span", { class: "turn-line" },
      turn.card ? h("strong", {}, tr(turn.card.title, ctx.lang, ctx.packLang), ": ") : null,
      turn.choice_text ? tr(turn.choice_text, ctx.lang, ctx.packLang) : turn.card ? t("no_decision") : effects(turn, a, ctx).textContent)))));
}

// Long texts keep as many lines as their card has room for: the stylesheet's line counts are
// the fewest (what fits whatever the texts); once the wall is on the page, each card's texts
// grow back as far as the card allows, its consequence first, then the effects and the choice.
// A card's choices (up to three teams) give way to its text when both do not fit.
function fitTexts(card, parts, least) {
  const over = () => card.scrollHeight - card.clientHeight;
  for (const p of parts) p.style.setProperty("-webkit-line-clamp", "30");
  for (const p of parts) {
    for (let tries = 0; tries < 4 && over() > 1; tries++) {
      const line = parseFloat(getComputedStyle(p).lineHeight) || 20;
      const lines = Math.round(p.getBoundingClientRect().height / line);
      if (lines <= least) break;
      p.style.setProperty("-webkit-line-clamp", String(Math.max(least, lines - Math.ceil(over() / line))));
    }
    if (over() <= 1) return true;
  }
  return false;
}

function fitCard(card) {
  const parts = ["[data-fit=cons]", "[data-fit=effect]", "[data-fit=choice]", "[data-fit=text]"]
    .map((sel) => card.querySelector(sel)).filter(Boolean);
  const choices = card.querySelector(".card-choices");
  if (choices) choices.style.removeProperty("display");
  if (fitTexts(card, parts, choices ? 2 : 1) || !choices) return;
  choices.style.setProperty("display", "none");
  fitTexts(card, parts, 1);
}

/** A journey's turns take two or three lines each where the wall has room; else one line each,
 * the choice alone without its card's title. */
function fitJourney(journey) {
  for (const [lines, brief] of [[3, false], [2, false], [2, true], [1, true]]) {
    journey.style.setProperty("--l-turn", String(lines));
    journey.classList.toggle("brief", brief);
    if (journey.scrollHeight - journey.clientHeight <= 1) return;
  }
}

function fitWall() {
  for (const card of document.querySelectorAll(".page-screen .wall .team-card")) fitCard(card);
  for (const journey of document.querySelectorAll(".page-screen .wall .journey")) fitJourney(journey);
}

let fitting = false;
function fitSoon() {
  if (!fitting) addEventListener("resize", () => requestAnimationFrame(fitWall));
  fitting = true;
  requestAnimationFrame(fitWall);
}

export function screen(el, a, ctx) {
  if (a.phase === "setup") {
    add(el, a.intro ? h("div", { class: "slide-text rich" }, rich(tr(a.intro, ctx.lang, ctx.packLang))) : null);
    return;
  }
  const teams = a.teams || [];
  const n = teams.length;
  const ended = a.phase === "ended";
  const [cols, rows] = grid(ended ? END_GRID : WALL_GRID, n);
  const wall = h("div", {
    class: `wall n-${Math.min(Math.max(n, 1), 8)} phase-${a.phase}`, "data-phase": a.phase,
    style: `--cols: ${cols}; --rows: ${rows}`,
  }, h("div", { class: "wall-status" }, ended ? h("p", { class: "round game-over" }, t("game_over")) : roundLine(a), countdown(a)),
  board(a, ctx));
  if (ended) {
    // The free cells of the grid take the talking points, as many as fit.
    const free = cols * rows - n;
    const perCell = rows > 1 ? 3 : 5;
    const points = (a.questions || []).flatMap((q) => q.questions).slice(0, free * perCell);
    add(wall, h("div", { class: "journeys" }, teams.map((team) => wallJourney(team, a, ctx)),
      points.length ? h("section", { class: "questions", style: `grid-column: span ${free}` }, h("h3", {}, t("discuss")),
        h("ul", {}, points.map((text) => h("li", {}, tr(text, ctx.lang, ctx.packLang))))) : null));
  } else {
    add(wall, h("div", { class: "team-cards" }, teams.map((team) => wallCard(team, a, ctx))));
  }
  add(el, wall);
  fitSoon();
}

// -- phone -------------------------------------------------------------------------
export function pupil(el, a, own, ctx) {
  own = own || {};
  if (a.phase === "setup") return add(el, h("p", { class: "big-prompt" }, t("wait_game")));
  if (!own.playing) return add(el, h("p", { class: "big-prompt" }, t("not_playing")));
  const character = h("details", { class: "character", open: a.phase === "ready" },
    h("summary", {}, `${t("your_character")}: ${own.character.name}, ${own.character.age}`),
    h("p", {}, tr(own.character.story, ctx.lang, ctx.packLang)),
    meters(a, own.meters, ctx));
  add(el, roundLine(a), character);
  if (a.phase === "ready") return add(el, h("p", { class: "big-prompt" }, t("wait_round")));
  if (a.phase === "ended") {
    add(el, h("h2", {}, t("game_over")), h("h3", {}, t("journey")),
      h("ol", { class: "journey" }, (own.journey || []).map((turn) => h("li", {}, turnView(turn, a, ctx)))));
    return;
  }
  if (a.phase === "revealed") return add(el, turnView(own.last, a, ctx), h("p", { class: "hint" }, t("wait_round")));
  if (!own.card) return add(el, h("p", { class: "big-prompt" }, t("no_card")));
  const card = own.card;
  const open = a.phase === "voting" && !a.paused;
  const msg = h("p", { class: "answer-msg", role: "status" });
  add(el, h("div", { class: "situation" },
    h("h2", { class: "card-title" }, tr(card.title, ctx.lang, ctx.packLang)),
    card.image ? h("img", { class: "slide-img", src: mediaUrl(ctx.packId, card.image), alt: "" }) : null,
    h("p", {}, tr(card.text, ctx.lang, ctx.packLang))), countdown(a));
  add(el, h("div", { class: "options" }, card.choices.map((c, i) => h("button", {
    class: `opt opt-${i}${own.mine === c.id ? " chosen" : ""}`, "data-option": c.id, disabled: !open,
    "aria-pressed": own.mine === c.id ? "true" : "false",
    onclick: async () => {
      const ack = await ctx.send({ type: "act", step: ctx.stepId, action: { type: "vote", choice: c.id } });
      live(msg).textContent = ack.ok ? t("answer_sent") : errorText(ack);
    },
  }, h("span", { class: "opt-letter" }, optionMark(i), LETTERS[i]), h("span", { class: "opt-text" }, tr(c.text, ctx.lang, ctx.packLang)),
    own.split?.[c.id] ? h("span", { class: "opt-count" }, `${own.split[c.id]}`) : null))));
  const votes = Object.values(own.split || {}).reduce((x, y) => x + y, 0);
  add(el, h("p", { class: "hint" }, t("team_voted", { n: votes, total: own.team_size })));
  if (own.entered) add(el, h("p", { class: "hint" }, t("entered_for_team")));
  if (!open) msg.textContent = a.paused ? t("paused") : t("answer_closed");
  else if (own.mine) msg.textContent = t("answer_sent");
  add(el, msg);
}

// -- host --------------------------------------------------------------------------
export function host(el, a, ctx) {
  const cmd = (type, extra = {}) => () => ctx.command({ type: "act", step: ctx.stepId, action: { type, ...extra } });
  const buttons = [];
  const btn = (id, label, action, primary = false) => h("button", { class: primary ? "btn primary" : "btn", id, onclick: action }, label);
  if (a.phase === "setup") buttons.push(btn("game-start", t("start_game"), cmd("start"), true));
  if (a.phase === "ready" || a.phase === "revealed") buttons.push(btn("game-deal", t("deal"), cmd("deal"), true));
  if (a.phase === "voting") {
    buttons.push(btn("game-reveal", t("reveal"), cmd("reveal"), true));
    buttons.push(btn("game-close", t("close"), cmd("close")));
    buttons.push(a.paused ? btn("game-resume", t("resume"), cmd("resume")) : btn("game-pause", t("pause"), cmd("pause")));
    if (a.closes_at) buttons.push(btn("game-extend", t("extend"), cmd("extend", { seconds: 30 })));
  }
  if (a.phase === "closed") buttons.push(btn("game-reveal", t("reveal"), cmd("reveal"), true));
  if (a.phase !== "setup" && a.phase !== "ended") {
    buttons.push(h("button", { class: "btn quiet", id: "game-end", onclick: () => confirm(t("end_game_confirm")) && cmd("end")() }, t("end_game")));
  }
  add(el, h("div", { class: "controls" }, buttons), roundLine(a), countdown(a));
  if (a.phase === "setup") {
    add(el, h("p", { class: "muted" }, t("game_needs_teams")));
    return;
  }
  add(el, board(a, ctx));
  if (a.phase === "voting" || a.phase === "closed") add(el, h("p", { class: "hint" }, t("entry_hint_game")));
  if (a.phase === "ended") return add(el, journeys(a, ctx), questions(a, ctx));
  const answered = new Set(a.answered_by || []);
  ctx.answered?.(answered);
  add(el, h("div", { class: "team-cards host" }, a.teams.map((team) => {
    const card = team.card;
    return h("section", { class: "team-card", "data-team": team.team },
      h("h3", { class: `team-head team-${colourOf(team.team, ctx)}` }, `${teamLabel(team.team, ctx)}: ${team.character.name}`),
      meters(a, team.meters, ctx),
      // A flag's label from the pack (`flags` of the host view), its id only if the pack gave none.
      team.flags?.length ? h("ul", { class: "flags small" }, team.flags.map((f) => h("li", { "data-flag": f },
        a.flags?.[f] ? tr(a.flags[f], ctx.lang, ctx.packLang) : f))) : null,
      a.phase === "revealed" ? turnView(team.last, a, ctx) : null,
      card && a.phase !== "revealed" ? [
        h("p", {}, h("strong", {}, tr(card.title, ctx.lang, ctx.packLang)), " – ", tr(card.text, ctx.lang, ctx.packLang)),
        // A team with no device votes aloud: no count of votes to show.
        team.members ? h("p", { class: "voted" }, t("voted_n", { n: team.voted, total: team.members })) : null,
        // Each choice is also the button the facilitator presses when the team says its choice aloud
        // (no device): an entered choice decides the team's turn; pressed again, it is taken back.
        h("ul", { class: "host-choices" }, card.choices.map((c, i) => h("li", { "data-option": c.id },
          h("button", { class: `host-choice${team.entered === c.id ? " chosen" : ""}`, "data-enter-choice": c.id,
            "aria-pressed": team.entered === c.id ? "true" : "false", disabled: a.phase !== "voting" && a.phase !== "closed",
            title: t("entry_team_chose"),
            onclick: () => ctx.command({ type: "act", step: ctx.stepId, action: team.entered === c.id
              ? { type: "enter", team: team.team, count: 0 }
              : { type: "enter", team: team.team, answer: { type: "vote", choice: c.id } } }) },
          h("span", { class: "opt-letter" }, optionMark(i), LETTERS[i]), h("span", { class: "choice-text" }, tr(c.text, ctx.lang, ctx.packLang)),
          team.members ? h("strong", {}, ` ${team.split?.[c.id] ?? 0}`) : null)))),
        team.entered ? h("p", { class: "small entered-note" }, t("entered_by_facilitator")) : null,
        card.questions?.length ? h("details", {}, h("summary", {}, t("discuss")),
          h("ul", {}, card.questions.map((q) => h("li", {}, tr(q, ctx.lang, ctx.packLang))))) : null,
        card.notes ? h("p", { class: "notes small" }, tr(card.notes, ctx.lang, ctx.packLang)) : null,
        a.phase === "voting" ? h("button", { class: "btn tiny quiet", onclick: cmd("skip", { team: team.team }) }, t("skip_card")) : null,
      ] : null);
  })));
}
