// The home page: Enter in a rehearsal's "simulated pupils" field rehearses, and Enter in a
// self-paced session's date opens it so. Without this the browser would press the form's first
// button, "Start a session", and start a session led from the console.
for (const [field, submit] of [["details.rehearse input.simulated", "input[name=rehearsal]"],
  ["details.paced input.paced-until", "input[name=paced]"]]) {
  for (const input of document.querySelectorAll(field)) {
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      input.closest("details").querySelector(submit).click();
    });
  }
}

// The start form's labels for the statistics (place, grade, district): remembered in this browser
// only, for the next session, and filled into every pack's form. Never sent anywhere but the form.
const LABELS_KEY = "workshops.statsLabels";

function savedLabels() {
  try {
    const saved = JSON.parse(localStorage.getItem(LABELS_KEY) || "{}");
    return saved && typeof saved === "object" ? saved : {};
  } catch {
    return {}; // storage blocked or unreadable: start empty
  }
}

const labels = savedLabels();
for (const field of document.querySelectorAll("input.stats-label")) {
  const value = labels[field.dataset.label];
  if (typeof value === "string") field.value = value.slice(0, 80);
}
for (const form of document.querySelectorAll("form")) {
  const fields = form.querySelectorAll("input.stats-label");
  if (!fields.length) continue;
  form.addEventListener("submit", (event) => {
    if (event.submitter && event.submitter.name === "rehearsal") return; // a rehearsal keeps no statistics
    const typed = {};
    for (const field of fields) {
      const value = field.value.trim();
      if (value) typed[field.dataset.label] = value;
    }
    try {
      localStorage.setItem(LABELS_KEY, JSON.stringify(typed));
    } catch {
      // private mode or full storage: the labels still go with this form
    }
  });
}
