// The savings pages. No inline scripts anywhere (the Content-Security-Policy forbids them).
(function () {
  "use strict";
  // "Print" buttons on the statement page.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });
  // After htmx swaps in a status line that names the next field (an OTP sent: type the
  // code), move the keyboard focus there.
  document.addEventListener("htmx:afterSwap", function (event) {
    var hint = event.detail.target.querySelector("[data-focus-next]");
    if (!hint) return;
    var field = document.querySelector(hint.getAttribute("data-focus-next"));
    if (field) field.focus();
  });
  // A form that came back with errors: put the keyboard on the first field to fix.
  document.addEventListener("DOMContentLoaded", function () {
    var bad = document.querySelector("main [aria-invalid=true]");
    if (bad) { bad.focus(); return; }
    var alert = document.querySelector("main .form-error[tabindex]");
    if (alert) alert.focus();
  });
})();
