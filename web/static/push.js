/* Web Push on the notification settings page, progressive: the section stays hidden unless this browser has
   service workers, the Push API and notifications. Subscribing asks for permission, fetches the server's VAPID
   key and sends the browser's subscription to the API (cookie session + CSRF header, like htmx). */
(function () {
  "use strict";
  var box = document.getElementById("push-setup");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
  var status = document.getElementById("push-status");
  var on = document.getElementById("push-subscribe");
  var off = document.getElementById("push-unsubscribe");
  var csrf = (JSON.parse(document.body.getAttribute("hx-headers") || "{}"))["X-CSRF-Token"];

  function say(text) { status.textContent = text; }
  function show(subscription) {
    on.hidden = !!subscription;
    off.hidden = !subscription;
    box.dataset.subscribed = subscription ? "yes" : "no";
    say(subscription ? "Push is on for this device." : "Push is off for this device.");
  }
  function keyBytes(base64url) {
    var base64 = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(base64), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  function api(method, url, body) {
    var headers = { "X-CSRF-Token": csrf, "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(url, { method: method, credentials: "same-origin", headers: headers,
                        body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (response) {
        if (response.ok) return response;
        return response.json().catch(function () { return {}; }).then(function (problem) {
          throw new Error(typeof problem.detail === "string" ? problem.detail : "the server said no");
        });
      });
  }

  navigator.serviceWorker.register("/sw.js").then(function (registration) {
    box.hidden = false;
    return registration.pushManager.getSubscription().then(show);
  }).catch(function () { box.hidden = true; });

  on.addEventListener("click", function () {
    on.disabled = true;
    say("Turning push on...");
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error("notifications are blocked for this site in the browser's settings");
      return api("GET", "/api/v1/push/key");
    }).then(function (response) { return response.json(); }).then(function (key) {
      return navigator.serviceWorker.ready.then(function (registration) {
        return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key.public_key) });
      });
    }).then(function (subscription) {
      return api("POST", "/api/v1/push/subscriptions", subscription.toJSON()).then(function () { show(subscription); });
    }).catch(function (error) {
      say("Push could not be turned on: " + error.message + ".");
    }).then(function () { on.disabled = false; });
  });

  off.addEventListener("click", function () {
    off.disabled = true;
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) return null;
      return api("DELETE", "/api/v1/push/subscriptions?endpoint=" + encodeURIComponent(subscription.endpoint))
        .then(function () { return subscription.unsubscribe(); });
    }).then(function () { show(null); }).catch(function (error) {
      say("Push could not be turned off: " + error.message + ".");
    }).then(function () { off.disabled = false; });
  });
})();
