// The klantbeeld's actions in place (issue 15, casefile/client_actions.py): one action open at a time, and the
// panel's own refusal (403) swapped in where the action was. Without this script every action still works: htmx
// answers 2xx/409/422, and without JavaScript at all the buttons open the klantbeeld with the form in place.
(function () {
  "use strict";

  function panel() {
    return document.querySelector("[data-klantactie]");
  }

  function mark(action) {
    document.querySelectorAll("[data-klantactie-knop]").forEach(function (button) {
      button.setAttribute("aria-expanded", String(button.getAttribute("data-klantactie-knop") === action));
    });
  }

  function closePanel() {
    var current = panel();
    if (current) {
      current.replaceChildren();
      current.setAttribute("data-klantactie", "");
      current.removeAttribute("aria-labelledby");
      current.classList.remove("klantactie--open");
    }
  }

  function closeDetailsForm() {
    document.querySelectorAll("details.client-details-form[open]").forEach(function (details) {
      details.open = false;
    });
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var answer = detail.serverResponse || "";
    if (detail.xhr.status === 403 && detail.target && detail.target.matches("[data-klantactie]") &&
        answer.indexOf("data-klantactie=") !== -1) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var path = (event.detail.pathInfo || {}).requestPath || "";
    var current = panel();
    if (!current || path.indexOf("/acties/") === -1) {
      return;
    }
    var action = current.getAttribute("data-klantactie");
    if (action) {
      closeDetailsForm();
      mark(current.querySelector("form") ? action : "");
      var first = current.querySelector("[aria-invalid='true'], .utrecht-alert, select, input:not([type=hidden]), textarea");
      if (first && first.focus) {
        if (!first.hasAttribute("tabindex") && first.classList.contains("utrecht-alert")) {
          first.setAttribute("tabindex", "-1");
        }
        first.focus();
      }
    }
  });

  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-klantactie-sluiten]");
    if (close) {
      event.preventDefault();
      closePanel();
      mark("");
      return;
    }
    var details = event.target.closest("[data-klantactie-knop='gegevens']");
    if (details) {
      var form = document.querySelector("details.client-details-form");
      if (form) {
        event.preventDefault();
        closePanel();
        form.open = true;
        mark("gegevens");
        form.querySelector("summary").focus();
      }
    }
  });

  document.addEventListener("toggle", function (event) {
    if (event.target.matches && event.target.matches("details.client-details-form") && event.target.open) {
      closePanel();
      mark("gegevens");
    }
  }, true);
})();
