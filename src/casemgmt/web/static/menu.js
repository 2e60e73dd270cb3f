/* The main menu in base.html, a <details data-app-menu>: open on a wide screen (its "Menu" summary is hidden there),
   closed on a narrow one (<= 40rem, as in app.css) until the user opens it; Escape closes it again. Loaded with
   <script src> right after the menu, not deferred, so a phone never paints the open menu first. Without this script
   the menu starts open everywhere and still folds behind "Menu" on a phone. */
(function () {
  "use strict";

  var menu = document.querySelector("details[data-app-menu]");
  if (!menu || !window.matchMedia) {
    return;
  }
  var narrow = window.matchMedia("(max-width: 40rem)");

  function sync() {
    menu.open = !narrow.matches;
  }

  sync();
  narrow.addEventListener("change", sync);
  menu.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && narrow.matches && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();
