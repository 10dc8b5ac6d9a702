// The media-literacy task kinds. Each kind supplies how a phone answers and how results
// look; the chrome around them (prompt, picture, timer, reveal, explanation) is shared.
import { add, h, t, tr, mediaUrl, secondsLeft, errorText } from "../lib.js";

const FACES = { 3: ["🙁", "😐", "🙂"], 4: ["😞", "🙁", "🙂", "😀"], 5: ["😞", "🙁", "😐", "🙂", "😀"] };
// Unsent work on a phone (sorting, ordering) by step: it survives re-renders.
const drafts = new Map();

const text = (value, ctx) => tr(value, ctx.lang, ctx.packLang);

function countdown(a) {
  if (a.phase !== "open" || !a.closes_at) return null;
  return h("p", { class: "countdown", "data-deadline": a.closes_at }, t("seconds_left", { n: secondsLeft(a.closes_at) }));
}

function picture(a, ctx) {
  return a.image ? h("img", { class: "slide-img", src: mediaUrl(ctx.packId, a.image), alt: text(a.image_alt, ctx) }) : null;
}

function bars(rows) {
  const top = Math.max(1, ...rows.map((r) => r.n));
  return h("ul", { class: "bars" }, rows.map((r) => h("li", { class: r.right ? "rbar right" : "rbar", "data-option": r.id },
    h("span", { class: "bar-label" }, r.label, r.right ? " ✓" : ""),
    h("span", { class: "bar-track" }, h("span", { class: "bar-fill", style: `width:${Math.round((100 * r.n) / top)}%` })),
    h("span", { class: "bar-count" }, String(r.n)))));
}

function explanation(a, ctx) {
  return a.explanation ? h("div", { class: "explanation" }, h("strong", {}, t("explanation")), " ", text(a.explanation, ctx)) : null;
}

function sender(ctx, status) {
  return async (answer) => {
    const ack = await ctx.send({ type: "act", step: ctx.stepId, action: { type: "answer", ...answer } });
    status.textContent = ack.ok ? t("answer_sent") : errorText(ack);
    return ack;
  };
}

/** Wrap a kind's parts into the three renderers every kind exports. */
function kind({ prompt, answer, results, solutionView, hostExtra, alwaysResults }) {
  return {
    screen(el, a, ctx) {
      add(el, prompt(a, ctx), picture(a, ctx));
      if (a.phase === "revealed") add(el, results(a, ctx, {}), solutionView?.(a, ctx, {}), explanation(a, ctx));
      else add(el, alwaysResults?.(a, ctx), h("p", { class: "progress" }, t("answers_in", { n: a.answered, total: a.total })), countdown(a));
    },
    host(el, a, ctx) {
      add(el, prompt(a, ctx), picture(a, ctx), results(a, ctx, {}), solutionView?.(a, ctx, {}),
        h("p", { class: "progress" }, t("answers_in", { n: a.answered, total: a.total })), countdown(a));
      const cmd = (type, extra = {}) => () => ctx.command({ type: "act", step: ctx.stepId, action: { type, ...extra } });
      const buttons = [];
      if (a.phase === "open") {
        buttons.push(h("button", { class: "btn", onclick: cmd("close") }, t("close")));
        if (a.closes_at) buttons.push(h("button", { class: "btn", onclick: cmd("extend", { seconds: 30 }) }, t("extend")));
      } else buttons.push(h("button", { class: "btn", onclick: cmd("open") }, t("reopen")));
      if (a.phase !== "revealed") buttons.push(h("button", { class: "btn primary", id: "reveal", onclick: cmd("reveal") }, t("reveal")));
      buttons.push(h("button", { class: "btn quiet", onclick: () => confirm(t("reset_confirm")) && cmd("reset")() }, t("reset")));
      add(el, h("div", { class: "controls" }, buttons), hostExtra?.(a, ctx, cmd));
      ctx.answered?.(new Set(a.answered_by || []));
    },
    pupil(el, a, own, ctx) {
      own = own || {};
      const status = h("p", { class: "answer-msg", role: "status" });
      const open = a.phase === "open";
      add(el, prompt(a, ctx), countdown(a));
      answer(el, a, own, ctx, { open, send: sender(ctx, status), status });
      if (own.team && own.answered_by) add(el, h("p", { class: "hint" }, t("answered_for_team", { nick: own.answered_by })));
      if (!open && a.phase !== "revealed") status.textContent = t("answer_closed");
      else if (open && own.mine != null && !status.textContent) status.textContent = t("answer_sent");
      add(el, status);
      if (a.phase === "revealed") {
        if (own.right !== undefined) add(el, h("p", { class: own.right ? "verdict right" : "verdict wrong" }, own.right ? t("right") : t("not_right")));
        add(el, solutionView?.(a, ctx, own), explanation(a, ctx));
      }
    },
  };
}

// -- true or false ----------------------------------------------------------------------
export const truefalse = kind({
  prompt: (a, ctx) => h("p", { class: "question" }, text(a.statement, ctx)),
  answer(el, a, own, ctx, { open, send }) {
    add(el, picture(a, ctx), h("div", { class: "options two" }, [true, false].map((v, i) => h("button", {
      class: `opt opt-${i === 0 ? 3 : 0}${own.mine === v ? " chosen" : ""}${a.phase === "revealed" && a.answer === v ? " right" : ""}`,
      "data-value": String(v), disabled: !open, onclick: () => send({ value: v }),
    }, h("span", { class: "opt-text" }, v ? t("true") : t("false"))))));
  },
  results: (a) => bars([{ id: "true", label: t("true"), n: a.results.true, right: a.answer === true },
    { id: "false", label: t("false"), n: a.results.false, right: a.answer === false }]),
});

// -- scale -----------------------------------------------------------------------------
function scaleLabels(a) {
  const values = [];
  for (let v = a.min; v <= a.max; v++) values.push(v);
  const faces = a.style === "faces" ? FACES[values.length] : null;
  return values.map((v, i) => ({ v, label: faces ? faces[i] : String(v) }));
}

export const scale = kind({
  prompt: (a, ctx) => h("p", { class: "question" }, text(a.question, ctx)),
  answer(el, a, own, ctx, { open, send }) {
    add(el, picture(a, ctx), h("div", { class: `scale${a.style === "faces" ? " faces" : ""}` }, scaleLabels(a).map(({ v, label }) => h("button", {
      class: own.mine === v ? "scale-btn chosen" : "scale-btn", "data-value": v, disabled: !open,
      "aria-pressed": own.mine === v ? "true" : "false", onclick: () => send({ value: v }),
    }, label, a.style === "faces" ? h("span", { class: "face-n" }, String(v)) : null))), h("p", { class: "scale-ends" }, h("span", {}, text(a.low, ctx)), h("span", {}, text(a.high, ctx))));
  },
  results: (a) => h("div", {}, bars(scaleLabels(a).map(({ v, label }, i) => ({ id: v, label, n: a.results.counts[i] }))),
    a.results.average != null ? h("p", { class: "progress" }, t("average", { n: a.results.average })) : null),
});

// -- open answer -------------------------------------------------------------------------
function cloud(words) {
  if (!words?.length) return null;
  const top = words[0][1];
  return h("ul", { class: "cloud" }, words.map(([word, n]) => h("li", { style: `font-size:${(1 + (1.6 * n) / top).toFixed(2)}em` }, word)));
}

export const open = kind({
  prompt: (a, ctx) => h("p", { class: "question" }, text(a.question, ctx)),
  answer(el, a, own, ctx, { open: isOpen, send }) {
    const input = h("textarea", { id: "open-answer", maxlength: a.max_length, rows: 3, "aria-label": text(a.question, ctx), disabled: !isOpen });
    input.value = own.mine ?? "";
    add(el, picture(a, ctx), h("form", { class: "task", onsubmit: (e) => { e.preventDefault(); send({ text: input.value }); } },
      input, h("p", { class: "hint" }, t("open_hint")), h("button", { class: "btn primary big", type: "submit", id: "send-open", disabled: !isOpen }, t("send"))));
  },
  alwaysResults: (a) => cloud(a.results?.words),
  results: (a) => h("div", {}, cloud(a.results.words),
    a.results.approved.length ? h("ul", { class: "lines" }, a.results.approved.map((line) => h("li", { class: "line" }, line)))
      : h("p", { class: "muted" }, t("none_approved"))),
  hostExtra: (a, ctx, cmd) => a.entries?.length ? h("section", { class: "moderation" }, h("h3", {}, t("moderate_answers")),
    h("ul", {}, a.entries.map((e) => {
      const edit = h("input", { class: "edit-line", maxlength: 300, "aria-label": t("edit_line") });
      edit.value = e.shown ?? e.text;
      return h("li", { class: `line-item ${e.status}`, "data-voter": e.voter }, h("p", {}, e.text), edit,
        h("div", { class: "controls" },
          h("button", { class: "btn tiny approve-line", onclick: () => cmd("moderate", { voter: e.voter, status: "approved", text: edit.value })() }, t("approve")),
          h("button", { class: "btn tiny quiet hide-line", onclick: cmd("moderate", { voter: e.voter, status: "hidden" }) }, t("hide"))));
    }))) : null,
});

// -- sort into categories ------------------------------------------------------------------
export const sort = kind({
  prompt: (a, ctx) => h("p", { class: "question" }, text(a.question, ctx)),
  answer(el, a, own, ctx, { open: isOpen, send }) {
    if (!drafts.has(ctx.stepId)) drafts.set(ctx.stepId, { placed: { ...(own.mine || {}) }, picked: null });
    const draft = drafts.get(ctx.stepId);
    const cats = Object.fromEntries(a.categories.map((c) => [c.id, text(c.text, ctx)]));
    const revealed = a.phase === "revealed";
    add(el, picture(a, ctx), h("p", { class: "hint" }, t("sort_hint")),
      h("div", { class: "sort-items" }, a.items.map((item) => {
        const where = draft.placed[item.id];
        const mark = revealed && where ? (a.solution[item.id] === where ? " ✓" : ` ✗ → ${cats[a.solution[item.id]]}`) : "";
        return h("button", {
          class: `sort-item${draft.picked === item.id ? " picked" : ""}${where ? " placed" : ""}`, "data-item": item.id, disabled: !isOpen,
          "aria-pressed": draft.picked === item.id ? "true" : "false",
          onclick: () => { draft.picked = item.id; ctx.rerender(); },
        }, text(item.text, ctx), where ? h("span", { class: "placed-in" }, ` → ${cats[where]}`) : null, mark);
      })),
      h("div", { class: "sort-cats" }, a.categories.map((c, i) => h("button", {
        class: `opt opt-${i}`, "data-category": c.id, disabled: !isOpen || !draft.picked,
        onclick: () => {
          draft.placed[draft.picked] = c.id;
          draft.picked = a.items.find((it) => !draft.placed[it.id])?.id ?? null;
          if (Object.keys(draft.placed).length === a.items.length) send({ placements: { ...draft.placed } });
          ctx.rerender();
        },
      }, h("span", { class: "opt-text" }, text(c.text, ctx))))));
  },
  results: (a, ctx) => h("p", { class: "progress" }, t("all_right_n", { n: a.results.right, total: a.results.answers })),
  solutionView: (a, ctx) => h("ul", { class: "solution" }, a.items.map((item) => h("li", {},
    text(item.text, ctx), " → ", h("strong", {}, text(a.categories.find((c) => c.id === a.solution[item.id])?.text, ctx))))),
});

// -- order ---------------------------------------------------------------------------
export const order = kind({
  prompt: (a, ctx) => h("p", { class: "question" }, text(a.question, ctx)),
  answer(el, a, own, ctx, { open: isOpen, send }) {
    if (!drafts.has(ctx.stepId)) drafts.set(ctx.stepId, own.mine ? [...own.mine] : []);
    const picked = drafts.get(ctx.stepId);
    const label = Object.fromEntries(a.items.map((i) => [i.id, text(i.text, ctx)]));
    add(el, picture(a, ctx), h("p", { class: "hint" }, t("order_hint")),
      h("ol", { class: "order-picked" }, picked.map((id) => h("li", {}, label[id]))),
      h("div", { class: "options" }, a.items.filter((i) => !picked.includes(i.id)).map((i) => h("button", {
        class: "opt opt-1", "data-item": i.id, disabled: !isOpen,
        onclick: () => { picked.push(i.id); if (picked.length === a.items.length) send({ items: [...picked] }); ctx.rerender(); },
      }, h("span", { class: "opt-text" }, label[i.id])))),
      picked.length && isOpen ? h("button", { class: "btn quiet", id: "order-reset", onclick: () => { picked.length = 0; ctx.rerender(); } }, t("start_over")) : null);
  },
  results: (a) => h("p", { class: "progress" }, t("all_right_n", { n: a.results.right, total: a.results.answers })),
  solutionView: (a, ctx) => h("ol", { class: "solution" }, a.solution.map((id) => h("li", {}, text(a.items.find((i) => i.id === id)?.text, ctx)))),
});

// -- find in the picture ---------------------------------------------------------------------
function spotBoxes(a, ctx, found) {
  return (a.spots || []).map((s) => h("span", {
    class: `spot${found?.includes(s.id) ? " found" : ""}`, "data-spot": s.id,
    style: `left:${s.x}%;top:${s.y}%;width:${s.w}%;height:${s.h}%`, title: text(s.label, ctx),
  }));
}

export const hotspot = kind({
  prompt: (a, ctx) => h("p", { class: "question" }, text(a.question, ctx)),
  answer(el, a, own, ctx, { open: isOpen, send }) {
    const taps = (own.mine || []).map(([x, y]) => ({ x, y }));
    const frame = h("div", { class: "hotspot-frame" },
      h("img", { class: "hotspot-img", src: mediaUrl(ctx.packId, a.image), alt: text(a.image_alt, ctx), draggable: "false" }),
      taps.map((tap, i) => h("button", { class: "tap-mark", style: `left:${tap.x}%;top:${tap.y}%`, "aria-label": t("remove_tap"), disabled: !isOpen,
        onclick: (e) => { e.stopPropagation(); send({ taps: taps.filter((_, j) => j !== i) }); } }, String(i + 1))),
      a.phase === "revealed" ? spotBoxes(a, ctx, own.found) : null);
    frame.addEventListener("click", (e) => {
      if (!isOpen || taps.length >= a.max_taps) return;
      const box = frame.getBoundingClientRect();
      const x = Math.round((1000 * (e.clientX - box.left)) / box.width) / 10;
      const y = Math.round((1000 * (e.clientY - box.top)) / box.height) / 10;
      // Show the mark at once (a slow network must not make a child tap twice); the server's view confirms it.
      frame.append(h("span", { class: "tap-mark pending", style: `left:${x}%;top:${y}%` }, String(taps.length + 1)));
      taps.push({ x, y });
      send({ taps: [...taps] });
    });
    add(el, h("p", { class: "hint" }, t("taps_left", { n: a.max_taps - taps.length, spots: a.spot_count })), frame);
  },
  results: (a, ctx) => a.spots ? h("ul", { class: "solution" }, a.spots.map((s) => h("li", {},
    h("strong", {}, text(s.label, ctx)), ` – ${t("found_by", { n: a.results.spots[s.id], total: a.results.answers })}`))) : null,
  solutionView: (a, ctx, own) => own.found ? null : h("div", { class: "hotspot-frame" },
    h("img", { class: "hotspot-img", src: mediaUrl(ctx.packId, a.image), alt: text(a.image_alt, ctx) }), spotBoxes(a, ctx, null)),
});

// -- what would you do ---------------------------------------------------------------------
export const scenario = kind({
  prompt: () => null,
  answer(el, a, own, ctx, { open: isOpen, send }) {
    const nodes = Object.fromEntries(a.nodes.map((n) => [n.id, n]));
    add(el, picture(a, ctx), (own.path || []).map((step) => {
      const node = nodes[step.node];
      return h("div", { class: "story-step" }, h("p", {}, text(node.text, ctx)),
        h("p", { class: "story-choice" }, "→ ", text(node.choices.find((c) => c.id === step.choice)?.text, ctx)),
        h("p", { class: "consequence" }, text(step.consequence, ctx)));
    }));
    const at = own.at === undefined ? a.nodes[0].id : own.at;
    if (at === null) return add(el, h("p", { class: "big-prompt" }, t("story_end")));
    const node = nodes[at];
    add(el, h("div", { class: "situation" }, h("p", {}, text(node.text, ctx))),
      h("div", { class: "options" }, node.choices.map((c, i) => h("button", {
        class: `opt opt-${i}`, "data-choice": c.id, disabled: !isOpen, onclick: () => send({ node: node.id, choice: c.id }),
      }, h("span", { class: "opt-text" }, text(c.text, ctx))))));
  },
  results: (a, ctx) => h("div", {}, a.nodes.map((n) => h("section", { class: "story-results" }, h("p", {}, text(n.text, ctx)),
    bars(n.choices.map((c) => ({ id: c.id, label: text(c.text, ctx), n: a.results.nodes[n.id][c.id] })))))),
});

// -- invent an exercise (media mentors) ----------------------------------------------------------
export const invent = {
  screen(el, a, ctx) {
    add(el, h("p", { class: "question" }, text(a.prompt, ctx)), h("p", { class: "progress" }, t("ideas_in", { n: a.count })),
      h("ol", { class: "ideas" }, a.approved.map((i) => h("li", {}, i.question))));
  },
  host(el, a, ctx) {
    const review = (idea, status) => () => ctx.command({ type: "act", step: ctx.stepId, action: { type: "review", idea, status } });
    add(el, h("p", { class: "question" }, text(a.prompt, ctx)),
      h("p", {}, h("a", { class: "btn", id: "export-ideas", href: `/export/${ctx.code}/${ctx.stepId}`, download: "" }, t("download_ideas"))),
      h("ul", { class: "ideas" }, a.ideas.map((i) => h("li", { class: `line-item ${i.status}`, "data-idea": i.id },
        h("span", { class: "small muted" }, `${i.nick} · ${t(`idea_${i.status}`)}`),
        h("p", {}, h("strong", {}, i.question)),
        h("ol", {}, i.options.map((o, n) => h("li", {}, o, n === i.right ? " ✓" : ""))),
        i.explanation ? h("p", { class: "small" }, i.explanation) : null,
        h("div", { class: "controls" },
          h("button", { class: "btn tiny approve-idea", onclick: review(i.id, "approved") }, t("approve")),
          h("button", { class: "btn tiny quiet reject-idea", onclick: review(i.id, "rejected") }, t("reject")))))));
  },
  pupil(el, a, own, ctx) {
    own = own || {};
    const status = h("p", { class: "answer-msg", role: "status" });
    const question = h("textarea", { id: "idea-question", maxlength: 200, rows: 2, "aria-label": t("idea_question") });
    const options = [0, 1, 2, 3].map((i) => h("input", { class: "idea-option", maxlength: 80, "aria-label": t("idea_option", { n: i + 1 }) }));
    const right = [0, 1, 2, 3].map((i) => h("input", { type: "radio", name: "right", value: i, "aria-label": t("idea_right") }));
    const why = h("textarea", { id: "idea-why", maxlength: 300, rows: 2, "aria-label": t("idea_explanation") });
    const form = h("form", { class: "task", onsubmit: async (e) => {
      e.preventDefault();
      const filled = options.map((o, i) => [o.value.trim(), i]).filter(([v]) => v);
      const picked = right.findIndex((r) => r.checked);
      const index = filled.findIndex(([, i]) => i === picked);
      const ack = await ctx.send({ type: "act", step: ctx.stepId, action: { type: "idea", question: question.value,
        options: filled.map(([v]) => v), right: Math.max(0, index), explanation: why.value } });
      status.textContent = ack.ok ? t("idea_sent") : errorText(ack);
      if (ack.ok) form.reset();
    } },
      h("label", {}, t("idea_question")), question,
      options.map((o, i) => h("div", { class: "row" }, right[i], o)),
      h("p", { class: "hint" }, t("idea_right")),
      h("label", {}, t("idea_explanation")), why,
      h("button", { class: "btn primary big", type: "submit", id: "send-idea" }, t("send")));
    if (own.ideas?.length && !status.textContent) status.textContent = t("idea_sent");  // survives re-renders
    add(el, h("p", { class: "question" }, text(a.prompt, ctx)), form, status,
      own.ideas?.length ? h("ol", { class: "ideas" }, own.ideas.map((i) => h("li", {}, i.question, ` (${t(`idea_${i.status}`)})`))) : null);
  },
};
