// Forms that create something: one press sends once, and what was typed survives an error page.
// An external file (no inline script), so the strict Content-Security-Policy holds.
(() => {
  const TOKEN = "submission_token";
  const PREFIX = "draft:";
  const SKIPPED = new Set(["csrfmiddlewaretoken"]);
  const storage = (() => {
    try {
      return window.sessionStorage; // the tab's own storage: gone when the tab is closed
    } catch (error) {
      return null;
    }
  })();

  const draftKey = (form) => `${PREFIX}${window.location.pathname}#${form.id || form.getAttribute("action") || ""}`;

  const fieldsOf = (form) =>
    Array.from(form.elements).filter(
      (el) => el.name && !SKIPPED.has(el.name) && !["submit", "button", "file", "password", "reset"].includes(el.type),
    );

  const saveDraft = (form) => {
    if (!storage) return;
    const values = fieldsOf(form).map((el) => {
      if (el.type === "checkbox" || el.type === "radio") return [el.name, el.value, el.checked];
      if (el.multiple) return [el.name, Array.from(el.selectedOptions).map((o) => o.value), true];
      return [el.name, el.value, true];
    });
    try {
      storage.setItem(draftKey(form), JSON.stringify({ token: form.elements[TOKEN]?.value || "", values }));
    } catch (error) {
      // A full or blocked storage only loses the convenience, never the save.
    }
  };

  const restoreDraft = (form, draft) => {
    const elements = fieldsOf(form);
    for (const [name, value, checked] of draft.values) {
      for (const el of elements.filter((e) => e.name === name)) {
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.value === value) el.checked = checked;
        } else if (el.multiple && Array.isArray(value)) {
          for (const option of el.options) option.selected = value.includes(option.value);
        } else if (el.type !== "checkbox" && el.type !== "radio") {
          el.value = value;
        }
      }
    }
    for (const el of elements) el.dispatchEvent(new Event("input", { bubbles: true }));
  };

  const dropSavedDrafts = () => {
    if (!storage) return;
    const saved = new Set(
      Array.from(document.querySelectorAll(`input[name="${TOKEN}"][data-saved]`))
        .map((el) => el.dataset.saved)
        .filter(Boolean),
    );
    if (!saved.size) return;
    for (let i = storage.length - 1; i >= 0; i -= 1) {
      const key = storage.key(i);
      if (!key || !key.startsWith(PREFIX)) continue;
      try {
        if (saved.has(JSON.parse(storage.getItem(key)).token)) storage.removeItem(key);
      } catch (error) {
        storage.removeItem(key);
      }
    }
  };

  const setBusy = (form, busy) => {
    form.dataset.submitting = busy ? "1" : "";
    for (const button of form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]")) {
      button.disabled = busy;
      if (busy) button.setAttribute("aria-busy", "true");
      else button.removeAttribute("aria-busy");
    }
  };

  // Bring back what was typed into a form whose submission has not been saved: after an error page,
  // a reload or the back button. The draft keeps its token, so if that submission did save after all,
  // saving again replays the first answer instead of storing a second record. Run on load and again
  // on pageshow: a browser restoring a page from its history cache resets fields marked
  // autocomplete="off" (the caregiver's label) after the page has loaded.
  const restoreDrafts = () => {
    if (!storage) return;
    dropSavedDrafts();
    for (const form of document.querySelectorAll("form[data-keep-draft]")) {
      if (!form.elements[TOKEN]) continue;
      const raw = storage.getItem(draftKey(form));
      if (!raw) continue;
      try {
        restoreDraft(form, JSON.parse(raw));
      } catch (error) {
        storage.removeItem(draftKey(form));
      }
    }
  };

  document.addEventListener("DOMContentLoaded", () => {
    restoreDrafts();
    for (const form of document.querySelectorAll("form")) {
      if (!form.elements[TOKEN]) continue;
      if (form.hasAttribute("data-keep-draft") && storage) {
        form.addEventListener("input", () => saveDraft(form));
        form.addEventListener("change", () => saveDraft(form));
      }
      form.addEventListener("submit", (event) => {
        if (form.dataset.submitting === "1") {
          event.preventDefault(); // a second press while the first is on its way
          return;
        }
        if (form.hasAttribute("data-keep-draft")) saveDraft(form);
        // The pressed button's name and value travel in a hidden copy: a disabled button sends none.
        const submitter = event.submitter;
        form.querySelectorAll("input[data-submitter-copy]").forEach((el) => el.remove());
        if (submitter && submitter.name) {
          const copy = document.createElement("input");
          copy.type = "hidden";
          copy.name = submitter.name;
          copy.value = submitter.value;
          copy.dataset.submitterCopy = "1";
          form.appendChild(copy);
        }
        setBusy(form, true);
      });
    }
  });

  // Back to a page kept in the browser's cache: its buttons work again, and its typing comes back.
  window.addEventListener("pageshow", () => {
    for (const form of document.querySelectorAll("form[data-submitting='1']")) setBusy(form, false);
    restoreDrafts();
  });
})();
