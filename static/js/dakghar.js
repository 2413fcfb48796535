// Site-wide behaviour. No inline scripts anywhere (the Content-Security-Policy forbids them).
(function () {
  "use strict";
  // Forms marked data-once disable their submit buttons after the first submit, so a
  // double-click sends one request (the server's idempotency key is the real guard).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-once]")) return;
    if (form.dataset.submitted === "1") { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.setAttribute("aria-disabled", "true"); });
  });

  // htmx drops 4xx answers by default. A target marked data-swap-errors shows them: our
  // partial views answer a refusal (cooldown, unknown account, wrong input) with a 4xx
  // and a short bilingual message, which the person must see. 5xx are never swapped.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target, status = event.detail.xhr.status;
    if (target && target.hasAttribute("data-swap-errors") && status >= 400 && status < 500) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
