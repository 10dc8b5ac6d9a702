// Read by wall.py: the measures of a projector page and of a phone page (see its docstring).
({
  measure: (least) => {
    const W = innerWidth, H = innerHeight, out = { problems: [], smallest: null };
    const el = document.scrollingElement;
    if (el.scrollHeight > H + 1) out.problems.push(`the page scrolls: ${el.scrollHeight} px tall in a ${H} px screen`);
    if (el.scrollWidth > W + 1) out.problems.push(`the page scrolls sideways: ${el.scrollWidth} px wide in ${W} px`);
    const corner = document.getElementById("corner");
    const qr = corner && !corner.hidden && corner.getBoundingClientRect().width ? corner.getBoundingClientRect() : null;
    const overlaps = (r) => qr && r.width && r.height && r.left < qr.right && r.right > qr.left && r.top < qr.bottom && r.bottom > qr.top;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const said = new Set();
    const say = (text) => { if (!said.has(text)) { said.add(text); out.problems.push(text); } };
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      if (!text) continue;
      const parent = node.parentElement;
      if (parent.closest("script, style, template")) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0 && r.height > 0);
      if (!rects.length) continue;
      const style = getComputedStyle(parent);
      if (style.visibility === "hidden" || Number(style.opacity) === 0) continue;
      // Lines a clamp cuts off with "…" are hidden on purpose: only the box's visible part counts.
      const clamp = parent.closest("*") && (() => {
        for (let e = parent; e && e !== document.body; e = e.parentElement) {
          const cs = getComputedStyle(e);
          if ((cs.webkitLineClamp && cs.webkitLineClamp !== "none") || cs.textOverflow === "ellipsis") return e.getBoundingClientRect();
        }
        return null;
      })();
      const shown = clamp ? rects.filter((r) => r.top < clamp.bottom - 1 && r.bottom > clamp.top + 1 && r.left < clamp.right - 1) : rects;
      if (!shown.length) continue;
      rects.splice(0, rects.length, ...shown);
      const size = parseFloat(style.fontSize);
      const name = text.length > 40 ? text.slice(0, 40) + "…" : text;
      if (!out.smallest || size < out.smallest.size) out.smallest = { size, text: name };
      if (size < least * H - 0.05) say(`text too small to read from the back: ${size.toFixed(1)} px < ${(least * H).toFixed(1)} px: "${name}"`);
      for (const r of rects) {
        if (r.right > W + 1 || r.bottom > H + 1 || r.left < -1 || r.top < -1) { say(`text outside the screen: "${name}"`); break; }
        if (!corner.contains(parent) && overlaps(r)) { say(`text under the join corner: "${name}"`); break; }
      }
    }
    for (const pic of document.querySelectorAll("#screen img, #screen svg, #screen .bar-track")) {
      if (corner.contains(pic)) continue;
      const r = pic.getBoundingClientRect();
      if (overlaps(r)) say(`a picture or bar under the join corner: ${pic.className?.baseVal ?? pic.className ?? pic.tagName}`);
      if (r.width && (r.bottom > H + 1 || r.right > W + 1)) say(`a picture or bar outside the screen: ${pic.getAttribute("src") || pic.className?.baseVal || pic.className || pic.tagName}`);
    }
    // A 1-5 column chart shows all its columns; a chart of labelled rows may show a page of
    // them, but only with its "2 / 3" below (rows hidden without it are simply lost).
    for (const chart of document.querySelectorAll("#screen ul.bars")) {
      const gone = Array.from(chart.children).filter((li) => li.hidden).length;
      const paged = chart.nextElementSibling?.matches(".pages");
      if (gone && (chart.matches(".columns") || !paged)) say(`a chart with ${gone} of its ${chart.children.length} bars hidden`);
    }
    return out;
  },

  phone: (target) => {
    const out = [];
    const el = document.scrollingElement;
    if (el.scrollWidth > innerWidth + 1) out.push(`the phone page scrolls sideways: ${el.scrollWidth} px in ${innerWidth}`);
    for (const c of document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]")) {
      const r = c.getBoundingClientRect();
      if (!r.width || !r.height || getComputedStyle(c).visibility === "hidden") continue;
      // An inline link inside a sentence is exempt (WCAG 2.5.5); one on its own line is not.
      if (c.tagName === "A" && getComputedStyle(c).display === "inline" && c.parentElement.textContent.trim() !== c.textContent.trim()) continue;
      if (c.type === "radio" || c.type === "checkbox") {
        const label = c.closest("label");
        if (label) { const lr = label.getBoundingClientRect(); if (lr.height >= target - 0.5 && lr.width >= target - 0.5) continue; }
      }
      if (r.width < target - 0.5 || r.height < target - 0.5) {
        const name = (c.textContent || c.getAttribute("aria-label") || c.id || c.className || c.tagName).trim().slice(0, 30);
        out.push(`a target smaller than ${target}x${target} px: ${Math.round(r.width)}x${Math.round(r.height)} "${name}"`);
      }
    }
    return out;
  },
})
