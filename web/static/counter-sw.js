// The counter's service worker (scope /counter): keeps the counter page and its scripts loadable through a network
// outage. Network first, so a working network always serves the current page (and its fresh CSRF token); the copy
// cached by the last good answer is the fallback. Check-ins made offline are kept by counter-offline.js, not here.
"use strict";
const CACHE = "counter-v1";
const KEPT = [
  "/counter",
  "/static/app.css",
  "/static/htmx.min.js",
  "/static/app.js",
  "/static/jsQR.js",
  "/static/counter-camera.js",
  "/static/counter-offline.js",
  "/static/icon.svg",
  "/favicon.ico",
];

async function keep(cache, path, response) {
  // A redirect (to sign in) or an error is never what the counter should show offline.
  if (response.ok && !response.redirected) {
    await cache.put(path, response.clone());
  }
  return response;
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await Promise.all(KEPT.map((path) => fetch(path).then((r) => keep(cache, path, r)).catch(() => null)));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || !KEPT.includes(url.pathname)) {
    return; // everything else (the API, forms, other pages) goes to the network as usual
  }
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      return await keep(cache, url.pathname, await fetch(event.request));
    } catch (offline) {
      return (await cache.match(url.pathname)) || Response.error();
    }
  })());
});
