// The print pages' one script (templates/print/pack.html, templates/stats/print.html,
// templates/report.html): the Print button. The page is HTML and print CSS; the CSP allows no
// inline handlers, hence this module.
const button = document.getElementById("print-now");
if (button) button.addEventListener("click", () => window.print());
