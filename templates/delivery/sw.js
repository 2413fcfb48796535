{% load static %}// Dakghar delivery service worker: scope /delivery/ (served by delivery.views.service_worker).
// Keeps the postman's beat page and its files so a reload without a link still shows
// the beat; the page's own script (delivery-beat.js) queues the actions. Never caches
// the API or any POST.
"use strict";
var CACHE = "dakghar-delivery-v1";
var ASSETS = [
  "{% static 'css/dakghar.css' %}",
  "{% static 'css/delivery.css' %}",
  "{% static 'js/dakghar.js' %}",
  "{% static 'js/delivery-beat.js' %}",
  "{% static 'vendor/htmx-2.0.11.min.js' %}"
];
var BEAT = "{% url 'delivery:postman_home' %}";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var isBeat = request.mode === "navigate" && url.pathname === BEAT;
  if (!isBeat && ASSETS.indexOf(url.pathname) === -1) return;
  // Network first: fresh when there is a link, the last good copy when not.
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(isBeat ? BEAT : request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(isBeat ? BEAT : request).then(function (hit) { return hit || Response.error(); });
  }));
});
