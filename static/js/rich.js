// Formatted pack texts (issue #17), in a module of their own: only the pages and kinds that show
// slide texts, notes, explanations or stories load it, so a phone's first view stays light.
import { h } from "./lib.js";

// Paragraphs, bulleted and numbered lists, **bold** and *emphasis*: the grammar of
// workshops/activities/richtext.py (its docstring says it in words), mirrored rule for rule, so
// the projector shows what `workshops check` read. tests/e2e/test_rich_text.py runs both on the
// same table. Built from elements and text nodes only: no text is ever read as HTML.
const SPACES = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000";
const BULLET = new RegExp(`^[${SPACES}]*[-*][${SPACES}]+`);
const NUMBER = new RegExp(`^[${SPACES}]*([0-9]{1,9})[.)][${SPACES}]+`);
const WORD = /^[\p{L}\p{N}]$/u;
const STYLES = { "**": "strong", "*": "em", _: "em" };

const isSpace = (ch) => ch !== undefined && ch !== "" && SPACES.includes(ch);
const isWord = (ch) => ch !== undefined && WORD.test(ch);
const indented = (line) => isSpace(line[0]);

function strip(s) {
  let i = 0;
  let j = s.length;
  while (i < j && isSpace(s[i])) i++;
  while (j > i && isSpace(s[j - 1])) j--;
  return s.slice(i, j);
}

/** The whole character (code point) that ends just before index i, or starts at index i. */
function charBefore(s, i) {
  const low = s.charCodeAt(i - 1);
  if (i >= 2 && low >= 0xdc00 && low <= 0xdfff) {
    const high = s.charCodeAt(i - 2);
    if (high >= 0xd800 && high <= 0xdbff) return s.slice(i - 2, i);
  }
  return s[i - 1];
}
const charAt = (s, i) => (i < s.length ? String.fromCodePoint(s.codePointAt(i)) : undefined);

function listItem(line) {
  let m = BULLET.exec(line);
  let kind = "bullets";
  let number = 1;
  if (!m) {
    m = NUMBER.exec(line);
    if (!m) return null;
    kind = "numbers";
    number = Number(m[1]);
  }
  const rest = strip(line.slice(m[0].length));
  return rest ? { kind, number, rest } : null;
}

function richLines(text) {
  const lines = text.replace(/\r\n/g, "\n").replace(/\r/g, "\n").split("\n");
  const blocks = [];
  let current = null;
  lines.forEach((line, i) => {
    if (!strip(line)) { current = null; return; }
    let item = listItem(line);
    if (item && item.kind === "numbers" && !(current && current.kind === "numbers")) {
      // A numbered list needs a second item: skip the lines that would continue this one.
      let j = i + 1;
      while (j < lines.length && strip(lines[j]) && indented(lines[j]) && !listItem(lines[j])) j++;
      const following = j < lines.length ? listItem(lines[j]) : null;
      if (!following || following.kind !== "numbers") item = null;
    }
    if (item) {
      if (!current || current.kind !== item.kind) {
        current = { kind: item.kind, items: [], start: item.number };
        blocks.push(current);
      }
      current.items.push([item.rest]);
    } else if (current && current.kind !== "paragraph" && indented(line)) {
      current.items[current.items.length - 1].push(strip(line));
    } else if (current && current.kind === "paragraph") {
      current.items[0].push(strip(line));
    } else {
      current = { kind: "paragraph", items: [[strip(line)]], start: 1 };
      blocks.push(current);
    }
  });
  return blocks;
}

function closing(text, i, mark) {
  const c = mark[0];
  const k = mark.length;
  const n = text.length;
  if (i > 0 && isWord(charBefore(text, i))) return -1;
  if (i + k >= n || isSpace(text[i + k]) || text[i + k] === c) return -1;
  let j = text.indexOf(mark, i + k + 1);
  while (j !== -1) {
    const before = text[j - 1];
    const after = charAt(text, j + k);
    if (!isSpace(before) && before !== c && (after === undefined || (!isWord(after) && after !== c))) return j;
    j = text.indexOf(mark, j + 1);
  }
  return -1;
}

/** The runs of one paragraph's or item's text: [["text" | "strong" | "em", text], ...]. */
function richInline(text) {
  const spans = [];
  let plain = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "*" || ch === "_") {
      const mark = text.startsWith("**", i) ? "**" : ch;
      const end = closing(text, i, mark);
      if (end === -1) plain += mark;
      else {
        if (plain) spans.push(["text", plain]);
        plain = "";
        spans.push([STYLES[mark], text.slice(i + mark.length, end)]);
        i = end;
      }
      i += mark.length;
      continue;
    }
    plain += ch;
    i += 1;
  }
  if (plain) spans.push(["text", plain]);
  return spans;
}

/** A formatted text's blocks as data: [{kind: "paragraph" | "bullets" | "numbers", start, items: [runs]}]. */
export function richBlocks(text) {
  return richLines(text == null ? "" : String(text)).map((b) => ({
    kind: b.kind, start: b.start, items: b.items.map((lines) => richInline(lines.join(" "))),
  }));
}

/**
 * A formatted pack text (slide text, notes, explanations) as a DocumentFragment of <p>, <ul>
 * and <ol> with <strong> and <em> inside; put it in an element: h("div", { class: "rich" }, rich(s)).
 * `lead` (a node, e.g. a bold label) opens the first paragraph, or stands in a paragraph of its
 * own before a list.
 */
export function rich(text, lead = null) {
  const frag = document.createDocumentFragment();
  const runs = (el, spans) => {
    for (const [style, s] of spans) el.append(style === "text" ? document.createTextNode(s) : h(style, {}, s));
    return el;
  };
  for (const b of richBlocks(text)) {
    if (b.kind === "paragraph") {
      frag.append(runs(document.createElement("p"), b.items[0]));
      continue;
    }
    const list = document.createElement(b.kind === "bullets" ? "ul" : "ol");
    if (b.kind === "numbers" && b.start !== 1) list.start = b.start;
    for (const spans of b.items) list.append(runs(document.createElement("li"), spans));
    frag.append(list);
  }
  if (lead) {
    if (frag.firstChild?.nodeName === "P") frag.firstChild.prepend(lead, " ");
    else frag.prepend(h("p", {}, lead));
  }
  return frag;
}

