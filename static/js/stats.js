// The statistics' print view (templates/stats/print.html): its button opens the browser's print
// dialog. A module, not an inline handler: the pages' policy allows no inline script.
const button = document.getElementById("print");
if (button) button.addEventListener("click", () => window.print());
