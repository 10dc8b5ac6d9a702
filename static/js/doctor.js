// The connection doctor (issue #16, item 4). School guest Wi-Fi often keeps devices apart, and a
// laptop's firewall may block the kit's port: then no phone ever reaches the kit, and nothing on
// the screen says why. A minute after the join QR went up with nobody in, the console's lobby
// shows the likely causes, the likeliest first, each with its fix folded under it.
//
// host.js calls doctorPanel(view, clock.now()) in its lobby render, and renders the lobby again
// every second so the panel appears without waiting for a view.
import { boot, h, t } from "./lib.js";

/** Seconds the join code has been up, with nobody in, before the doctor speaks. */
export const WAIT_SECONDS = 60;

// When this console first showed the lobby (server time). The doctor counts from the first
// projector's connection (`view.qr_since`); with no projector yet, from this: the console shows
// the join address too.
let consoleSince = null;

/** The port phones connect to, from the join address: "http://192.168.1.20:5000/j/AB12" -> "5000". */
export function joinPort(url) {
  try {
    const u = new URL(url);
    return u.port || (u.protocol === "https:" ? "443" : "80");
  } catch {
    return null;
  }
}

/**
 * The doctor's panel for a console view at server time `now` (seconds), or null: only in the
 * lobby, with no pupil in (removed ones do not count), a minute or more after the join QR went up.
 */
export function doctorPanel(view, now) {
  if (!view || view.phase !== "lobby") return null;
  if ((view.pupils || []).some((p) => !p.kicked)) return null;
  if (view.qr_since == null && consoleSince == null) consoleSince = now;
  const since = view.qr_since ?? consoleSince;
  if (!(now - since >= WAIT_SECONDS)) return null;
  const url = view.join_url || boot.join_url || "";
  const port = joinPort(url) ?? "5000";
  const code = (text, cls) => h("code", { class: cls }, text);
  // Folded: the facilitator opens the one to try; an opened one stays open across renders.
  const cause = (id, title, ...fix) => h("li", {},
    h("details", { class: "doctor-cause", "data-cause": id }, h("summary", {}, title), h("div", { class: "doctor-fix" }, fix)));
  return h("div", { class: "doctor", id: "doctor", role: "region", "aria-labelledby": "doctor-title", "data-port": port },
    h("h2", { id: "doctor-title" }, t("doctor_title")),
    h("p", {}, t("doctor_intro")),
    h("ol", { class: "doctor-causes" },
      cause("wifi", t("doctor_wifi"),
        h("p", {}, t("doctor_wifi_fix")), h("p", {}, t("doctor_wifi_restart")), h("p", {}, t("doctor_hosted"))),
      cause("firewall", t("doctor_firewall", { port }),
        h("ul", {},
          h("li", {}, t("doctor_fw_windows")),
          h("li", {}, t("doctor_fw_mac")),
          h("li", {}, t("doctor_fw_linux"), " ", code(`sudo ufw allow ${port}/tcp`, "cmd"), " ", t("doctor_fw_or"), " ",
            code(`sudo firewall-cmd --add-port=${port}/tcp`, "cmd")))),
      cause("network", t("doctor_network"), h("p", {}, t("doctor_network_fix"), " ", code(url)))),
    h("p", { class: "doctor-alone" }, t("doctor_no_devices")));
}
