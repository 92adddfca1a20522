// Show times in the reader's own zone, and copy feed addresses.
for (const el of document.querySelectorAll("time[datetime][data-local]")) {
  const when = new Date(el.getAttribute("datetime"));
  if (!isNaN(when)) {
    el.textContent = new Intl.DateTimeFormat(undefined, { dateStyle: "long", timeStyle: "short" }).format(when);
  }
}
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(document.getElementById(button.dataset.copy).value);
    button.textContent = "Copied";
  });
}
// Preselect the reader's own time zone on a fresh subscribe form.
for (const select of document.querySelectorAll("select[data-guess='yes']")) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if ([...select.options].some((o) => o.value === zone)) select.value = zone;
}
