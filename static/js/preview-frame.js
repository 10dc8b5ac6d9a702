// A kit page inside a pack's preview (/preview/<pack>, workshops/web/preview.py): the page shows the
// one view its frame was built with, as if a socket had just delivered it. Nothing connects and
// nothing is sent: every answer and command is answered "not sent", and links and forms that
// would leave the preview or act on a session do nothing.
import { hooks, clock } from "./lib.js";

const data = JSON.parse(document.getElementById("preview").textContent);

hooks.connect = (handlers, { onStatus } = {}) => {
  const socket = { on() {}, disconnect() {}, connected: false };
  // A tick later, as a socket's first views would come: the page has its api by then.
  setTimeout(() => {
    for (const [event, view] of data.views) {
      clock.offset = view.server_time - Date.now() / 1000;
      handlers[event]?.(view);
    }
    onStatus?.("connected");
  });
  return { socket, send: async () => ({ ok: false, error: "preview", message: data.not_sent }) };
};

// Capturing, before the page's own handlers: the console's "delete" form asks nothing here.
document.addEventListener("click", (e) => {
  if (e.target.closest?.("a[href]")) e.preventDefault();
}, true);
document.addEventListener("submit", (e) => {
  if (e.target.hasAttribute("action")) {
    e.preventDefault();
    e.stopImmediatePropagation();
  }
}, true);
