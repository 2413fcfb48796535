// The counter's small behaviours. No inline scripts (CSP); htmx does the look-ups.
(function () {
  "use strict";

  function rupees(paise) {
    var r = Math.floor(paise / 100), p = String(paise % 100).padStart(2, "0");
    var s = String(r), head = s.slice(0, -3), tail = s.slice(-3);
    if (head) { head = head.replace(/\B(?=(\d{2})+(?!\d))/g, ","); return "₹" + head + "," + tail + "." + p; }
    return "₹" + tail + "." + p;
  }

  function cashTotal(form) {
    var total = 0;
    form.querySelectorAll("[data-note]").forEach(function (input) {
      var n = parseInt(input.value, 10);
      if (n > 0) total += n * parseInt(input.dataset.note, 10) * 100;
    });
    var coins = form.querySelector("[data-coins]");
    if (coins && /^\d+(\.\d{1,2})?$/.test(coins.value)) {
      var parts = coins.value.split(".");
      total += parseInt(parts[0], 10) * 100 + (parts[1] ? parseInt((parts[1] + "0").slice(0, 2), 10) : 0);
    }
    var out = form.querySelector("[data-cash-total]");
    if (out) out.textContent = rupees(total);
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-cash-count]");
    if (form) cashTotal(form);
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest("[data-print]")) { window.print(); return; }
    var remove = target.closest("[data-remove-article]");
    if (remove) {
      var fieldset = remove.closest("fieldset.article");
      var form = remove.closest("form");
      var previous = fieldset.previousElementSibling;
      fieldset.remove();
      if (previous) { var first = previous.querySelector("select, input"); if (first) first.focus(); }
      if (form && window.htmx) window.htmx.trigger(document.body, "quote-refresh");
    }
  });

  // "Add another article": ask for the block with the next free index.
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.id === "add-article") {
      var max = -1;
      document.querySelectorAll("#articles fieldset.article").forEach(function (f) {
        max = Math.max(max, parseInt(f.dataset.index, 10));
      });
      event.detail.parameters.index = max + 1;
    }
    // The live price check posts only what a price depends on (weights, PINs, service,
    // add-ons): no name, address or mobile leaves the form for it.
    if (elt && elt.id === "quote" && elt.dataset.priceFields) {
      var allowed = new RegExp(elt.dataset.priceFields);
      var params = event.detail.parameters;
      Object.keys(params).forEach(function (name) { if (!allowed.test(name)) delete params[name]; });
    }
  });
  // A consent code is bound to the amount it was sent for: when the price changes after
  // sending, say so before the clerk books (the server refuses the stale code either way).
  function otpStaleCheck() {
    var sentFor = document.querySelector("#account-otp-status [data-otp-for-paise]");
    var warning = document.querySelector("#account-otp-status [data-otp-stale]");
    var total = document.querySelector("#quote [data-total-paise]");
    if (sentFor && warning) warning.hidden = !total || total.dataset.totalPaise === sentFor.value;
  }

  // When the consent-code line is swapped in (dakghar.js shows refusals there too), put
  // the cursor in the code field, so the keyboard never has to hunt.
  document.addEventListener("htmx:afterSwap", function (event) {
    var swapped = event.detail.target;
    if (swapped && swapped.id === "account-otp-status") {
      // Code sent: the next thing to type is the code the customer reads out.
      var hint = swapped.querySelector("[data-focus-next]");
      var field = hint && document.querySelector(hint.getAttribute("data-focus-next"));
      if (field) field.focus();
    }
    if (swapped && (swapped.id === "account-otp-status" || swapped.id === "quote")) otpStaleCheck();
    if (event.detail.target && event.detail.target.id === "articles") {
      var blocks = event.detail.target.querySelectorAll("fieldset.article");
      var last = blocks[blocks.length - 1];
      var first = last && last.querySelector("select, input");
      if (first) first.focus();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    // After a refused booking, go straight to the first field that needs fixing.
    var bad = document.querySelector("#booking-form [aria-invalid=true]");
    if (bad) { bad.focus(); return; }
    var error = document.getElementById("form-error");
    if (error) error.focus();
    document.querySelectorAll("form[data-cash-count]").forEach(cashTotal);
  });
})();
