// The home page: Enter in a rehearsal's "simulated pupils" field rehearses. Without this the
// browser would press the form's first button, "Start a session", and start a real one.
for (const field of document.querySelectorAll("details.rehearse input.simulated")) {
  field.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    field.closest("details").querySelector("input[name=rehearsal]").click();
  });
}
