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

const KEY = "workshops:preview-focus";
document.addEventListener("click", (e) => {
  const link = e.target.closest?.("a[data-focus]");
  if (link) sessionStorage.setItem(KEY, link.dataset.focus);
});
const list = document.getElementById("step-list");
const current = list?.querySelector("[aria-current]");
// The chosen step in view in its list (the list scrolls on its own beside the frames).
if (current) list.parentElement.scrollTop = current.offsetTop - list.parentElement.clientHeight / 3;
const was = sessionStorage.getItem(KEY);
sessionStorage.removeItem(KEY);
if (was) {
  const again = was === "step" || was === "moment"
    ? document.querySelector(`[data-focus="${was}"][aria-current]`)
    : document.querySelector(`[data-focus="${was}"]`) || document.querySelector("[data-focus=prev], [data-focus=next]");
  again?.focus({ preventScroll: true });
}
