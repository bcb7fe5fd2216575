// Follows a report being compiled: status and progress update without a reload (and whether its
// worker stopped and it restarts, or no worker is there at all), and the page reloads once to show
// the report when it is done. An external file, so a strict CSP holds.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("report-status");
  if (!box) return;
  const bar = box.querySelector('[data-field="progress"]');
  const setWidth = (percent) => {
    if (!bar) return;
    bar.style.width = `${percent}%`;
    bar.textContent = `${percent} %`;
    bar.parentElement.setAttribute("aria-valuenow", String(percent));
  };
  setWidth(Number(bar ? bar.dataset.width : 0));
  if (box.dataset.pending !== "true") return;
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const status = await response.json();
        box.querySelector('[data-field="status_label"]').textContent = status.status_label;
        setWidth(status.progress);
        for (const name of ["error", "interruption", "notice"]) {
          const field = box.querySelector(`[data-field="${name}"]`);
          if (!field) continue;
          field.textContent = status[name] || "";
          field.classList.toggle("d-none", !status[name]);
        }
        if (!status.pending) {
          window.location.reload();
          return;
        }
      }
    } catch (_error) {
      // A network hiccup: try again at the next tick.
    }
    window.setTimeout(poll, 1500);
  };
  window.setTimeout(poll, 1000);
});
