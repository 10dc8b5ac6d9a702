// True or false: a statement, two big buttons.
import { add, h, t } from "../lib.js";
import { kind, text, picture, bars, answerTags } from "./task-base.js";

export const { screen, host, pupil } = kind({
  prompt: (a, ctx) => h("p", { class: "question" }, text(a.statement, ctx)),
  answer(el, a, own, ctx, { open, send }) {
    const revealed = a.phase === "revealed";
    add(el, picture(a, ctx), h("div", { class: "options two" }, [true, false].map((v, i) => h("button", {
      class: `opt opt-${i === 0 ? 3 : 0}${own.mine === v ? " chosen" : ""}${revealed && a.answer === v ? " right" : ""}`,
      "data-value": String(v), disabled: !open, "aria-pressed": own.mine === v ? "true" : "false", onclick: () => send({ value: v }),
    }, h("span", { class: "opt-text" }, v ? t("true") : t("false")),
    revealed ? answerTags({ mine: own.mine === v && !own.team, team: own.mine === v && own.team, right: a.answer === v }) : null))));
  },
  entryRows: () => [{ value: true, label: t("true"), labelText: t("true") }, { value: false, label: t("false"), labelText: t("false") }],
  results: (a) => bars([{ id: "true", label: t("true"), n: a.results.true, right: a.answer === true },
    { id: "false", label: t("false"), n: a.results.false, right: a.answer === false }]),
});
