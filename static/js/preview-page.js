// The preview page (/preview/<pack>): fits the projector's and the console's frames to their column,
// and keeps the keyboard's place when a step or a moment is chosen (each is a page of its own).

// The projector is drawn at its own size (1280×720) and scaled down; the console fills its column,
// at least 1280 px wide, scaled down where the column is narrower.
for (const box of document.querySelectorAll(".scaler")) {
  const frame = box.querySelector("iframe");
  const width = Number(box.dataset.width);
  const height = Number(box.dataset.height);
  const fit = () => {
    const room = box.clientWidth;
    const drawn = "stretch" in box.dataset ? Math.max(width, room) : width;
    const scale = Math.min(1, room / drawn);
    frame.style.width = `${drawn}px`;
    frame.style.height = `${height}px`;
    frame.style.transform = `scale(${scale})`;
    box.style.height = `${Math.ceil(height * scale)}px`;
  };
  box.classList.add("fitted");
  new ResizeObserver(fit).observe(box);
}

// Keyboard focus comes back to the control used, on the page it opened: carried in the
// address's fragment (nothing is stored in the browser: docs/data-map.md).
document.addEventListener("click", (e) => {
  const link = e.target.closest?.("a[data-focus]");
  if (link) link.hash = `focus=${link.dataset.focus}`;
});
const list = document.getElementById("step-list");
const current = list?.querySelector("[aria-current]");
// The chosen step in view in its list (the list scrolls on its own beside the frames).
if (current) list.parentElement.scrollTop = current.offsetTop - list.parentElement.clientHeight / 3;
const hashed = location.hash.startsWith("#focus=") ? location.hash.slice(7) : "";
const was = /^[\w-]+$/.test(hashed) ? hashed : "";  // a name of the page's own, never a selector from the address
if (was) history.replaceState(null, "", location.pathname + location.search);
if (was) {
  const again = was === "step" || was === "moment"
    ? document.querySelector(`[data-focus="${was}"][aria-current]`)
    : document.querySelector(`[data-focus="${was}"]`) || document.querySelector("[data-focus=prev], [data-focus=next]");
  again?.focus({ preventScroll: true });
}
