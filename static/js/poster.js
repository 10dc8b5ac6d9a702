// The poster's one button: print it (the page's CSP allows no inline handler).
document.getElementById("print")?.addEventListener("click", () => window.print());
