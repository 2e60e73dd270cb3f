/* Upload progress for forms marked data-upload (the survey import). Loaded with <script src>: the CSP allows no
   inline scripts. htmx reports the upload's progress as htmx:xhr:progress on the form; this fills the form's
   <progress data-upload-progress> and its text. After the upload reaches 100% the server processes the file
   (the htmx-indicator says so); later progress events (the response download) are ignored. */
(function () {
  "use strict";

  function uploadForm(event) {
    var target = event.target;
    return target && target.closest ? target.closest("form[data-upload]") : null;
  }

  function show(form, percent, text) {
    var bar = form.querySelector("[data-upload-progress]");
    var label = form.querySelector("[data-upload-progress-text]");
    if (bar) {
      bar.value = percent;
      bar.textContent = percent + "%";
    }
    if (label) {
      label.textContent = text;
    }
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = uploadForm(event);
    if (!form) return;
    form.removeAttribute("data-upload-done");
    show(form, 0, "Uploaden: 0%");
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = uploadForm(event);
    if (!form || form.hasAttribute("data-upload-done")) return;
    var detail = event.detail || {};
    if (!detail.lengthComputable || !detail.total) return;
    var percent = Math.min(100, Math.round((detail.loaded / detail.total) * 100));
    if (percent >= 100) {
      form.setAttribute("data-upload-done", "");
      show(form, 100, "Geüpload; het bestand wordt verwerkt.");
    } else {
      show(form, percent, "Uploaden: " + percent + "%");
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = uploadForm(event);
    if (!form) return;
    form.setAttribute("data-upload-done", "");
    show(form, 100, event.detail && event.detail.successful ? "Klaar." : "Klaar; zie de melding hieronder.");
  });
})();
