// The postman's beat (templates/delivery/postman_home.html). No inline scripts (CSP).
//
// Every action is a POST to the delivery API with its own Idempotency-Key. Actions
// that need no answer from the server to be valid (an attempt, a signed hand-over)
// are written to localStorage FIRST and removed only when the server has answered,
// so a link failure, a closed tab or a dead battery never loses or doubles one: the
// server stores the key and replays its first answer to a repeat.
// An OTP check needs the server, so offline the phone offers "attempted: link down".
(function () {
  "use strict";

  var page = document.querySelector(".beat-page");
  if (!page) return;
  var meta = function (name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  };
  var QUEUE_KEY = "dakghar.delivery.queue.v1." + meta("delivery-user");
  var strings = document.getElementById("beat-strings").dataset;
  var linkState = document.getElementById("link-state");
  var flushing = false;

  // --- keys and the queue -------------------------------------------------------------
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function readQueue() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
  }
  function writeQueue(items) {
    localStorage.setItem(QUEUE_KEY, JSON.stringify(items));
    showLinkState();
  }
  function enqueue(item) { var q = readQueue(); q.push(item); writeQueue(q); }
  function dequeue(key) { writeQueue(readQueue().filter(function (i) { return i.key !== key; })); }

  function showLinkState(note) {
    var waiting = readQueue().length;
    var text = navigator.onLine ? linkState.dataset.online : linkState.dataset.offline;
    if (waiting) text += " · " + waiting + " " + linkState.dataset.waiting;
    if (note) text += " · " + note;
    linkState.textContent = text;
    linkState.classList.toggle("offline", !navigator.onLine);
    linkState.classList.toggle("waiting", waiting > 0);
  }

  // --- talking to the server -------------------------------------------------------------
  // Resolves with {status, body}; rejects only when no answer came (no link).
  function post(url, body, key) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": meta("csrf-token"),
        "Idempotency-Key": key
      },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { status: response.status, body: json };
      });
    });
  }
  function errorText(body) {
    return (body && body.error && body.error.message) || strings.error;
  }
  // Worth sending again later: no answer, a server error, or a signed-out session.
  function retriable(status) { return status >= 500 || status === 401 || status === 403 || status === 429; }

  function cardFor(number) { return document.querySelector('.beat-card[data-number="' + number + '"]'); }
  function say(card, text, kind) {
    if (!card) return;
    var msg = card.querySelector(".beat-msg");
    msg.textContent = text;
    msg.className = "beat-msg" + (kind ? " " + kind : "");
  }
  function settle(card, body) {
    // The server answered with the article's new status: show it, close the actions.
    if (!card || !body || !body.status) return;
    card.className = "beat-card status-" + body.status;
    var badge = card.querySelector(".beat-status");
    var label = body.event && body.event.label;
    if (body.status === "returned") label = strings.returned;
    if (badge && label) {
      badge.textContent = label;
      badge.className = "badge beat-status " + (body.status === "delivered" ? "ok" : "err");
    }
    var actions = card.querySelector(".beat-actions");
    if (actions) actions.remove();
  }

  function applyAnswer(item, answer) {
    var card = cardFor(item.number);
    if (answer.status >= 200 && answer.status < 300) {
      settle(card, answer.body);
      say(card, item.kind === "deliver" ? strings.delivered : strings.attempted, "ok");
    } else {
      say(card, errorText(answer.body), "err");
    }
  }

  // Send waiting actions in the order they were taken. Stops at the first one that
  // gets no answer; the next 'online' event or the timer tries again.
  function flush() {
    if (flushing) return Promise.resolve();
    var queue = readQueue();
    if (!queue.length) { showLinkState(); return Promise.resolve(); }
    flushing = true;
    var item = queue[0];
    return post(item.url, item.body, item.key).then(function (answer) {
      if (retriable(answer.status)) {
        showLinkState(answer.status === 403 || answer.status === 401 ? linkState.dataset.signin : "");
        flushing = false;
        return;
      }
      dequeue(item.key);
      applyAnswer(item, answer);
      flushing = false;
      return flush();
    }, function () {
      flushing = false;
      showLinkState();
    });
  }

  // A queued action: stored first, then sent.
  function queuedAction(form, kind, body) {
    var card = form.closest(".beat-card");
    var item = {
      key: newKey(), url: form.getAttribute("action"), body: body,
      number: card.dataset.number, kind: kind, taken_at: new Date().toISOString()
    };
    item.body.occurred_at = item.taken_at;
    enqueue(item);
    say(card, strings.queued, "");
    var actions = card.querySelector(".beat-actions");
    if (actions) actions.setAttribute("aria-busy", "true");
    flush().then(function () {
      if (readQueue().some(function (i) { return i.key === item.key; })) say(card, strings.queued, "warn");
    });
  }

  // An action that needs the server now (OTP check, new code, taking an article out).
  function onlineAction(form, body, onDone, onNoLink) {
    var card = form.closest(".beat-card");
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    post(form.getAttribute("action"), body, newKey()).then(function (answer) {
      if (button) button.disabled = false;
      onDone(answer, card);
    }, function () {
      if (button) button.disabled = false;
      showLinkState();
      onNoLink(card);
    });
  }

  // The "n tries left" line under the code field follows the server's count: after a
  // wrong code (details.attempts_left) and after a new code is sent (a full count again).
  var triesLeft = JSON.parse(strings.triesLeft || "{}");
  var maxTries = Math.max.apply(null, Object.keys(triesLeft).map(Number).concat([0]));
  function showTriesLeft(card, left) {
    var line = card && card.querySelector(".js-tries-left");
    if (!line || typeof left !== "number") return;
    line.textContent = left > 0 && triesLeft[left] ? triesLeft[left] : strings.noLiveCode;
  }
  function attemptsLeft(body) {
    var details = body && body.error && body.error.details;
    return details ? details.attempts_left : undefined;
  }

  function offerLinkDown(card) {
    say(card, strings.needsLink, "warn");
    var select = card && card.querySelector(".js-attempt select");
    if (select) { select.value = "link_down"; select.focus(); }
  }

  // --- signature pads --------------------------------------------------------------------
  function setupPad(canvas) {
    var ctx = canvas.getContext("2d");
    var drawing = false;
    canvas.dataset.strokes = "0";
    function fit() {
      // Keep the drawing buffer the size it is shown at, so strokes land under the finger.
      var width = Math.round(canvas.getBoundingClientRect().width);
      if (width > 0 && canvas.width !== width) canvas.width = width;
      ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.strokeStyle = "#111";
    }
    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return { x: (event.clientX - rect.left) * (canvas.width / rect.width), y: (event.clientY - rect.top) * (canvas.height / rect.height) };
    }
    canvas.addEventListener("pointerdown", function (event) {
      fit();
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      var p = point(event);
      ctx.beginPath(); ctx.moveTo(p.x, p.y);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      var p = point(event);
      ctx.lineTo(p.x, p.y); ctx.stroke();
      canvas.dataset.strokes = String(Number(canvas.dataset.strokes) + 1);
      event.preventDefault();
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; });
    });
    var clear = canvas.closest("form").querySelector(".js-clear");
    if (clear) clear.addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      canvas.dataset.strokes = "0";
    });
    fit();
  }
  document.querySelectorAll("canvas.sig-pad").forEach(setupPad);

  // --- the forms -------------------------------------------------------------------------
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.closest || !form.closest(".beat-page")) return;
    var card = form.closest(".beat-card");

    if (form.matches(".js-attempt")) {
      event.preventDefault();
      queuedAction(form, "attempt", { reason: form.elements.reason.value });
    } else if (form.matches(".js-deliver-sign")) {
      event.preventDefault();
      var canvas = form.querySelector("canvas");
      var name = form.elements.receiver_name.value.trim();
      if (!name || canvas.dataset.strokes === "0") { say(card, strings.signFirst, "err"); return; }
      var kind = form.querySelector("input[name=receiver_kind]:checked");
      queuedAction(form, "deliver", {
        receiver_name: name,
        receiver_kind: kind ? kind.value : "addressee",
        signature: canvas.toDataURL("image/png")
      });
    } else if (form.matches(".js-deliver-otp")) {
      event.preventDefault();
      var code = form.elements.otp.value.trim();
      if (!/^[0-9]{6}$/.test(code)) { say(card, strings.sixDigits, "err"); return; }
      if (!navigator.onLine) { offerLinkDown(card); return; }
      onlineAction(form, { otp: code }, function (answer, c) {
        form.elements.otp.value = "";
        if (answer.status === 200) { settle(c, answer.body); say(c, strings.delivered, "ok"); }
        else { say(c, errorText(answer.body), "err"); showTriesLeft(c, attemptsLeft(answer.body)); }
      }, offerLinkDown);
    } else if (form.matches(".js-resend")) {
      event.preventDefault();
      if (!navigator.onLine) { offerLinkDown(card); return; }
      onlineAction(form, {}, function (answer, c) {
        say(c, answer.status === 200 ? strings.codeSent : errorText(answer.body), answer.status === 200 ? "ok" : "err");
        if (answer.status === 200) showTriesLeft(c, maxTries);
      }, offerLinkDown);
    } else if (form.matches(".js-take-out")) {
      event.preventDefault();
      var li = form.closest("li");
      onlineAction(form, {}, function (answer) {
        if (answer.status === 200) { window.location.reload(); return; }
        var p = li.querySelector(".err") || li.appendChild(document.createElement("p"));
        p.className = "err"; p.textContent = errorText(answer.body);
      }, function () {
        var p = li.querySelector(".err") || li.appendChild(document.createElement("p"));
        p.className = "err"; p.textContent = linkState.dataset.offline;
      });
    }
  });

  // Show waiting actions on their cards after a reload.
  readQueue().forEach(function (item) { say(cardFor(item.number), strings.queued, "warn"); });

  window.addEventListener("online", function () { showLinkState(); flush(); });
  window.addEventListener("offline", function () { showLinkState(); });
  setInterval(flush, 20000);
  showLinkState();
  flush();

  // The service worker keeps this page and its files for a reload without a link.
  var swUrl = meta("delivery-sw");
  if ("serviceWorker" in navigator && swUrl) {
    navigator.serviceWorker.register(swUrl, { scope: swUrl.replace(/[^/]*$/, "") }).catch(function () {});
  }
})();
