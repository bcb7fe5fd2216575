// The periodic task form of django-celery-beat (in the admin): the chosen crontab's schedule, in words,
// under the crontab field. Replaces the package's inline script, which our Content-Security-Policy blocks.
"use strict";
(function () {
  const label = document.currentScript.dataset.label;
  const readable = JSON.parse(document.getElementById("readable-crontabs").textContent);
  const originalHelp = JSON.parse(document.getElementById("crontab-help").textContent);
  const select = document.getElementById("id_crontab");
  const help = document.querySelector(".field-crontab .help");
  const translation = document.querySelector(".field-crontab_translation");
  if (translation) {
    translation.style.display = "none"; // the live line below says the same
  }
  if (!select || !help) {
    return;
  }
  function show() {
    const words = readable[select.value];
    help.replaceChildren(document.createTextNode(originalHelp));
    if (words) {
      help.append(document.createElement("br"), document.createTextNode(`${label} ${words}`));
    }
  }
  // The admin's related-object widget changes the select through jQuery; its handlers see native changes too.
  if (window.django && django.jQuery) {
    django.jQuery(select).on("change", show);
  } else {
    select.addEventListener("change", show);
  }
  show();
})();
