// Board game: the projector shows the day as a board with every team's token;
// phones show the team's character and card and take the vote; the facilitator
// deals, reveals, pauses, skips and ends.
import { add, h, t, tr, mediaUrl, secondsLeft, timeLeft, clockText, errorText } from "../lib.js";

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

function board(a, ctx) {
  const tokensAt = {};
  for (const team of a.teams || []) (tokensAt[team.position] ||= []).push(team);
  let index = 0;
  const sections = a.sections.map((s) => {
    const spaces = [];
    for (let i = 0; i < s.spaces; i++, index++) {
      const here = tokensAt[index] || [];
      const last = index === a.spaces - 1;
      spaces.push(h("li", { class: last ? "space finish" : "space", "data-space": index },
        last ? h("span", { class: "finish-mark", "aria-hidden": "true" }, "★") : null,
        here.map((team) => h("span", {
          class: `token team-${colourOf(team.team, ctx)}`, "data-team": team.team,
          title: `${teamLabel(team.team, ctx)}: ${team.character.name}`,
        }, team.team.slice(1)))));
    }
    return h("li", { class: "section", "data-section": s.id },
      h("span", { class: "section-name" }, tr(s.name, ctx.lang, ctx.packLang)),
      h("ol", { class: "spaces" }, spaces));
  });
  return h("ol", { class: "board", "aria-label": t("board") }, sections);
}

function turnView(turn, a, ctx) {
  if (!turn) return null;
  const choice = turn.choice_text ? tr(turn.choice_text, ctx.lang, ctx.packLang) : t("no_decision");
  const splitText = Object.values(turn.split || {}).sort((x, y) => y - x).join("–");
  return h("div", { class: "turn" },
    turn.card ? h("p", { class: "turn-card" }, h("strong", {}, tr(turn.card.title, ctx.lang, ctx.packLang))) : null,
    h("p", { class: "turn-choice" }, choice, splitText ? h("span", { class: "split" }, ` (${splitText})`) : null),
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
  return h("p", { class: "round" }, a.phase === "setup" ? "" : t("round_of", { n: a.round, total: a.rounds }));
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
export function screen(el, a, ctx) {
  if (a.phase === "setup") {
    add(el, a.intro ? h("p", { class: "slide-text" }, tr(a.intro, ctx.lang, ctx.packLang)) : null);
    return;
  }
  add(el, roundLine(a), countdown(a), board(a, ctx));
  if (a.phase === "ended") {
    add(el, h("h2", {}, t("game_over")), journeys(a, ctx), questions(a, ctx));
    return;
  }
  add(el, h("div", { class: "team-cards" }, a.teams.map((team) => h("section", { class: "team-card", "data-team": team.team },
    h("h3", { class: `team-head team-${colourOf(team.team, ctx)}` }, `${teamLabel(team.team, ctx)}: ${team.character.name}`),
    meters(a, team.meters, ctx),
    a.phase === "revealed" ? turnView(team.last, a, ctx)
      : team.card ? [h("p", { class: "turn-card" }, h("strong", {}, tr(team.card.title, ctx.lang, ctx.packLang))),
        h("p", { class: "voted" }, t("voted_n", { n: team.voted, total: team.members }))] : null))));
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
      msg.textContent = ack.ok ? t("answer_sent") : errorText(ack);
    },
  }, h("span", { class: "opt-letter" }, LETTERS[i]), h("span", { class: "opt-text" }, tr(c.text, ctx.lang, ctx.packLang)),
    own.split?.[c.id] ? h("span", { class: "opt-count" }, `${own.split[c.id]}`) : null))));
  const votes = Object.values(own.split || {}).reduce((x, y) => x + y, 0);
  add(el, h("p", { class: "hint" }, t("team_voted", { n: votes, total: own.team_size })));
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
  if (a.phase === "ended") return add(el, journeys(a, ctx), questions(a, ctx));
  const answered = new Set(a.answered_by || []);
  ctx.answered?.(answered);
  add(el, h("div", { class: "team-cards host" }, a.teams.map((team) => {
    const card = team.card;
    return h("section", { class: "team-card", "data-team": team.team },
      h("h3", { class: `team-head team-${colourOf(team.team, ctx)}` }, `${teamLabel(team.team, ctx)}: ${team.character.name}`),
      meters(a, team.meters, ctx),
      team.flags?.length ? h("p", { class: "small muted" }, team.flags.join(", ")) : null,
      a.phase === "revealed" ? turnView(team.last, a, ctx) : null,
      card && a.phase !== "revealed" ? [
        h("p", {}, h("strong", {}, tr(card.title, ctx.lang, ctx.packLang)), " – ", tr(card.text, ctx.lang, ctx.packLang)),
        h("p", { class: "voted" }, t("voted_n", { n: team.voted, total: team.members })),
        h("ul", { class: "host-choices" }, card.choices.map((c) => h("li", { "data-option": c.id },
          tr(c.text, ctx.lang, ctx.packLang), h("strong", {}, ` ${team.split?.[c.id] ?? 0}`)))),
        card.questions?.length ? h("details", {}, h("summary", {}, t("discuss")),
          h("ul", {}, card.questions.map((q) => h("li", {}, tr(q, ctx.lang, ctx.packLang))))) : null,
        card.notes ? h("p", { class: "notes small" }, tr(card.notes, ctx.lang, ctx.packLang)) : null,
        a.phase === "voting" ? h("button", { class: "btn tiny quiet", onclick: cmd("skip", { team: team.team }) }, t("skip_card")) : null,
      ] : null);
  })));
}
