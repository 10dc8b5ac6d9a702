// Counting the paper answer cards with the laptop's camera (issue #16), like Plickers: each card
// printed by /print/<pack> carries its number as an ArUco marker (ARUCO_MIP_36h12), upright when
// the card's A edge is at the top. The marker's rotation in the picture tells which letter is up.
// The console's counts form puts the button beside Save; the counts go into the form, and the
// facilitator saves them as if typed.
import { h, t, optionMark } from "./lib.js";

const LETTERS = ["A", "B", "C", "D"];
const EVERY_MS = 125; // at most 8 pictures a second
const MAX_WIDTH = 1280; // pictures are scaled down to this width before detection
const MAX_CARD = 40;
// js-aruco2 accepts a code up to its dictionary's tau (12 for ARUCO_MIP_36h12) bits away from a
// marker: too loose, other shapes on the card pass for markers. The markers are at least 12 bits
// apart, so up to 5 wrong bits still name one marker only; fewer is safer.
const MAX_WRONG_BITS = 3;

/**
 * The letter at the top of a card whose marker the detector found with `corners` (the marker's
 * own top-left, top-right, bottom-right, bottom-left, in picture coordinates, y down). The
 * marker's top edge points right when A is up; turned a quarter anticlockwise, B (the right
 * edge) is up; upside down, C; a quarter clockwise, D.
 */
export function letterOf(corners) {
  const [a, b] = corners;
  const quarter = Math.round(Math.atan2(b.y - a.y, b.x - a.x) / (Math.PI / 2));
  return ["A", "D", "C", "B"][((quarter % 4) + 4) % 4];
}

/** Each card's letter, the latest seen: counts per letter. */
export function countLetters(seen) {
  const counts = { A: 0, B: 0, C: 0, D: 0 };
  for (const letter of seen.values()) counts[letter] += 1;
  return counts;
}

/**
 * A button "Scan the cards" that opens the camera in a dialog and counts the cards per letter.
 * `rows` are the counts form's rows (A, B, C, D in order; only their `labelText` is read);
 * `onCounts({A, B, C, D})` gets the counts when the facilitator presses "Use these counts".
 */
export function scanButton(ctx, rows, onCounts) {
  return h("button", { type: "button", class: "btn", "data-scan-cards": ctx?.stepId ?? "",
    onclick: () => openScanner(rows, onCounts) }, t("scan_cards"));
}

async function openScanner(rows, onCounts) {
  const shown = LETTERS.slice(0, Math.max(1, Math.min(4, rows?.length || 4)));
  const seen = new Map(); // card number -> letter
  const video = h("video", { class: "scan-video", muted: true, playsinline: true, autoplay: true, "aria-hidden": "true",
    style: "display: block; width: min(640px, 80vw); height: auto; background: #000;" }); // CSSOM: allowed by the CSP
  video.muted = true;
  const canvas = document.createElement("canvas");
  const status = h("p", { class: "answer-msg", role: "status" });
  const counts = h("ul", { class: "scan-counts" });
  const total = h("p", { class: "scan-seen", "aria-live": "polite" });
  let stream = null;
  let frame = 0;
  let closed = false;

  const stop = () => {
    closed = true;
    cancelAnimationFrame(frame);
    for (const track of stream?.getTracks() ?? []) track.stop();
    stream = null;
    video.srcObject = null;
  };
  const show = () => {
    const n = countLetters(seen);
    counts.replaceChildren(...shown.map((letter, i) => h("li", { "data-scan-letter": letter },
      optionMark(i), " ", h("span", { class: "letter" }, rows?.[i]?.labelText ?? letter), ": ",
      h("strong", { "data-scan-count": letter }, String(n[letter])))));
    total.textContent = t("scan_seen", { n: seen.size });
    total.dataset.cards = [...seen.keys()].sort((x, y) => x - y).join(" ");
  };
  const dialog = h("dialog", { class: "scan-dialog", "aria-labelledby": "scan-title" },
    h("h2", { id: "scan-title" }, t("scan_cards")),
    h("p", { class: "hint" }, t("scan_hint")),
    video, status, counts, total,
    h("div", { class: "row" },
      h("button", { type: "button", class: "btn primary", "data-scan-use": "",
        onclick: () => { const n = countLetters(seen); dialog.close(); onCounts(n); } }, t("scan_use")),
      h("button", { type: "button", class: "btn", "data-scan-cancel": "", onclick: () => dialog.close() }, t("cancel"))));
  dialog.addEventListener("close", () => { stop(); dialog.remove(); });
  document.body.append(dialog);
  show();
  dialog.showModal();

  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 1280 }, height: { ideal: 720 }, facingMode: "user" }, audio: false,
    });
  } catch (e) {
    status.setAttribute("role", "alert");
    status.textContent = t("scan_no_camera");
    return;
  }
  if (closed) { stop(); return; }
  video.srcObject = stream;
  let detector;
  try {
    const { loadAruco } = await import("../vendor/aruco/index.js");
    const AR = await loadAruco();
    detector = new AR.Detector({ dictionaryName: "ARUCO_MIP_36h12", maxHammingDistance: MAX_WRONG_BITS + 1 });
  } catch (e) {
    status.setAttribute("role", "alert");
    status.textContent = t("scan_no_camera");
    stop();
    return;
  }
  try { await video.play(); } catch { /* autoplay starts it anyway: it is muted */ }
  const draw = canvas.getContext("2d", { willReadFrequently: true });
  let last = 0;
  const tick = (now) => {
    if (closed) return;
    frame = requestAnimationFrame(tick);
    if (now - last < EVERY_MS || video.readyState < 2 || !video.videoWidth) return;
    last = now;
    const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    draw.drawImage(video, 0, 0, canvas.width, canvas.height);
    const picture = draw.getImageData(0, 0, canvas.width, canvas.height);
    let changed = false;
    for (const marker of detector.detect(picture)) {
      if (marker.id < 1 || marker.id > MAX_CARD) continue;
      const letter = letterOf(marker.corners);
      if (seen.get(marker.id) !== letter) { seen.set(marker.id, letter); changed = true; }
    }
    if (changed) show();
  };
  frame = requestAnimationFrame(tick);
}
