// Shows "talk 2 of 4" on the quick contact form as the consultant types a caregiver's label.
// An external file (no inline script), so a strict Content-Security-Policy holds.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("contact-form");
  if (!form) return;
  const status = document.getElementById("talk-status");
  const caregiver = form.elements.caregiver;
  const district = form.elements.district;
  let timer = null;
  const refresh = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(async () => {
      const label = caregiver.value.trim();
      if (!label) {
        status.textContent = "";
        return;
      }
      const query = new URLSearchParams({ caregiver: label, district: district.value });
      try {
        const response = await fetch(`${form.dataset.talkStatusUrl}?${query}`, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        if (response.ok) status.textContent = (await response.json()).text;
      } catch (error) {
        // The hint is a convenience; the server checks the cap when the form is saved.
      }
    }, 250);
  };
  caregiver.addEventListener("input", refresh);
  district.addEventListener("change", refresh);

  // Enter saves from any field, lists included, so a contact is logged without the mouse.
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.tagName === "SELECT" && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
});
