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
  // Wide tables: a wrapper that scrolls sideways says so. It gets the keyboard focus (so
  // arrow keys scroll it), a label, and a hint above it until its far end is in view.
  var hintText = document.body.dataset.scrollHint || "";
  function markScrollable(wrap) {
    var scrollable = wrap.scrollWidth > wrap.clientWidth + 1;
    var atEnd = wrap.scrollLeft + wrap.clientWidth >= wrap.scrollWidth - 2;
    wrap.classList.toggle("is-scrollable", scrollable);
    var hint = wrap.previousElementSibling;
    if (!hint || !hint.classList.contains("scroll-hint")) {
      if (!scrollable) return;
      hint = document.createElement("p");
      hint.className = "scroll-hint";
      hint.setAttribute("aria-hidden", "true");
      hint.textContent = hintText;
      wrap.parentNode.insertBefore(hint, wrap);
    }
    hint.hidden = !scrollable || atEnd;
    if (scrollable) {
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      if (!wrap.hasAttribute("aria-label")) wrap.setAttribute("aria-label", hintText);
    } else if (wrap.getAttribute("role") === "region") {
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("role");
    }
  }
  function markAll() { document.querySelectorAll(".table-wrap").forEach(markScrollable); }
  document.addEventListener("scroll", function (event) {
    var wrap = event.target;
    if (wrap.classList && wrap.classList.contains("table-wrap")) markScrollable(wrap);
  }, true);
  window.addEventListener("resize", markAll);
  document.addEventListener("htmx:afterSettle", markAll);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(markAll);
  markAll();
})();
