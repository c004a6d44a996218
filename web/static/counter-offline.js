// The counter through a network outage (PRODUCT 7.4). While online it keeps the meal's roster and the QR public key
// (GET /api/v1/checkins/roster) in IndexedDB. Offline, a check-in is decided here by the rules the server uses
// (QR signature with WebCrypto Ed25519, expiry, serving window, booked / on leave / walk-in, one admission per
// resident), shown like an online result, and queued in IndexedDB. Back online, the queue goes in one
// POST /api/v1/checkins/batch; the server decides, and any result that changed is listed under the form.
// A queued check-in is tagged with the signed-in user and sent only in that user's session: on a shared tablet the
// next person to sign in never sends (and is never recorded as making) another's check-ins; they wait on the device
// until their maker signs in here again. Signing out with check-ins still waiting asks for a second press.
"use strict";
(function () {
  const form = document.getElementById("checkin-form");
  const resultBox = document.getElementById("result");
  const status = document.getElementById("offline-status");
  const settled = document.getElementById("settled");
  if (!form || !resultBox || !status || !settled || !window.indexedDB || !window.crypto || !crypto.subtle) {
    return;
  }
  if (navigator.serviceWorker) {
    navigator.serviceWorker.register("/counter-sw.js", { scope: "/counter" }).catch(() => null);
  }
  const QR = /^r(\d+)\.(\d+)\.([A-Za-z0-9_-]+)$/;
  const TITLES = {
    ok: "OK: come in", duplicate: "Duplicate", not_booked: "Not booked", on_leave: "On leave",
    outside_window: "Outside serving time", unknown_resident: "Unknown resident", wrong_mess: "Wrong mess",
    refused: "Refused",
  };
  let meal = null; // the roster as the server sent it
  let key = null; // its public key, imported for WebCrypto (null where Ed25519 is not supported)
  let sending = false;
  let warnedSignOut = false;
  const user = form.dataset.user || ""; // the signed-in user's id, and name for messages
  const userName = form.dataset.userName || "";
  const mine = (q) => q.user === undefined || q.user === user; // untagged: queued before tagging, sent as before

  // --- IndexedDB: store "meal" holds the roster (key "current"), store "queue" the check-ins not yet sent ---
  const opened = new Promise((resolve, reject) => {
    const request = indexedDB.open("mess-counter", 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore("meal");
      request.result.createObjectStore("queue", { autoIncrement: true });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  async function store(name, mode, work) {
    const db = await opened;
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(name, mode);
      const request = work(transaction.objectStore(name));
      transaction.oncomplete = () => resolve(request ? request.result : undefined);
      transaction.onerror = () => reject(transaction.error);
    });
  }

  async function snapshot() {
    // The queue's keys and entries read together, so that only what was sent is deleted afterwards.
    const db = await opened;
    return new Promise((resolve, reject) => {
      const queue = db.transaction("queue", "readonly").objectStore("queue");
      const keys = queue.getAllKeys();
      const values = queue.getAll();
      values.onsuccess = () => {
        const own = values.result.map((q, i) => [keys.result[i], q]).filter(([, q]) => mine(q));
        resolve([own.map(([k]) => k), own.map(([, q]) => q)]);
      };
      values.onerror = () => reject(values.error);
    });
  }

  function bytes(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0));
  }
  function hhmm(iso) {
    return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
  }

  async function useRoster(roster) {
    meal = roster;
    try {
      key = await crypto.subtle.importKey("raw", bytes(roster.public_key), { name: "Ed25519" }, false, ["verify"]);
    } catch (unsupported) {
      key = null;
    }
    form.dataset.offlineReady = String(key !== null); // codes can be verified without the network
  }
  async function refreshRoster() {
    try {
      const response = await fetch("/api/v1/checkins/roster", { credentials: "same-origin" });
      if (!response.ok) { return; }
      const roster = await response.json();
      // A device clock clearly off the server's (by its Date header) is corrected: a check-in is judged and stamped
      // by the server's time, which refuses one stamped more than 2 minutes ahead or before its QR code was issued.
      const offset = Date.parse(response.headers.get("Date") || "") - Date.now();
      roster.clock_offset = Math.abs(offset) >= 10000 ? offset : 0;
      await store("meal", "readwrite", (s) => s.put(roster, "current"));
      await useRoster(roster);
    } catch (offline) {
      // keep the roster we have
    }
  }

  // --- deciding a check-in without the server: the same result kinds and, as far as the roster knows, messages ---
  async function validSignature(token) {
    const parts = QR.exec(token);
    if (!parts || parts[3].length !== 86) { return false; } // an older HMAC code needs the server
    const body = "qr1:r" + parts[1] + "." + parts[2];
    try {
      return await crypto.subtle.verify({ name: "Ed25519" }, key, bytes(parts[3]), new TextEncoder().encode(body));
    } catch (malformed) {
      return false;
    }
  }

  async function decide(code, queued) {
    const now = new Date(Date.now() + ((meal && meal.clock_offset) || 0));
    const answer = (kind, message, extra) => Object.assign({ kind, accepted: false, message, who: code }, extra);
    if (!meal) {
      return answer("refused", "This counter has no meal list yet: type roll numbers once the network is back.");
    }
    const entry = { date: meal.date, slot: meal.slot, at: now.toISOString() };
    let person;
    const parts = QR.exec(code);
    if (parts) {
      entry.token = code;
      if (!key) {
        return answer("unknown_resident", "This device cannot check QR codes offline: type the roll number, or the " +
          "server settles the code when the network is back.", { entry });
      }
      if (!(await validSignature(code))) {
        return answer("unknown_resident", "Invalid QR code: not issued by this system. Ask for the roll number.",
          { entry });
      }
      if (Number(parts[2]) <= Math.floor(now.getTime() / 1000)) {
        return answer("refused", "This QR code has expired; ask the resident to open a fresh code.",
          { title: "Expired code" });
      }
      person = meal.residents.find((r) => r.id === Number(parts[1]));
      if (!person) {
        return answer("unknown_resident", "Not on this meal's list; the server will say why once the network is back.",
          { entry });
      }
    } else {
      entry.roll_no = code;
      person = meal.residents.find((r) => r.roll_no.toLowerCase() === code.toLowerCase());
      if (!person) { return answer("unknown_resident", "No resident with roll number " + code + ".", { entry }); }
    }
    const who = person.name + " (" + person.roll_no + ", " + person.diet.replace("_", "-") + ")";
    const said = (kind, message, extra) => answer(kind, message, Object.assign({ who, entry }, extra));
    if (now < new Date(meal.opens_at) || now >= new Date(meal.closes_at)) {
      const when = meal.slot_name + " is served " + hhmm(meal.opens_at) + "-" + hhmm(meal.closes_at);
      return said("outside_window", when + (now < new Date(meal.opens_at) ? "; it has not started." : "; it is over."));
    }
    if (person.state === "on_leave") { return said("on_leave", person.name + " is on approved leave today."); }
    if (person.state === "not_booked" && !meal.walk_in_allowed) {
      return said("not_booked", person.name + " has not booked " + meal.slot_name + ", and this mess does not take walk-ins.");
    }
    const earlier = queued.find((q) => q.accepted && q.resident_id === person.id && q.entry.date === meal.date &&
      q.entry.slot === meal.slot);
    if (person.checked_in || earlier) {
      const at = earlier ? " at " + hhmm(earlier.entry.at) : "";
      return said("duplicate", person.name + " already checked in for " + meal.slot_name + at + ".");
    }
    if (person.state === "not_booked") {
      return said("not_booked", "Walk-in: " + person.name + " has not booked " + meal.slot_name +
        "; charged at the walk-in price.", { accepted: true, walk_in: true, resident_id: person.id });
    }
    return said("ok", "Welcome, " + person.name + ": " + meal.slot_name + ".", { accepted: true, resident_id: person.id });
  }

  // --- showing results: the same markup as the server's counter/_result.html ---
  function show(shown, note) {
    const box = document.createElement("div");
    box.className = "result r-" + shown.kind;
    box.setAttribute("role", "alert");
    box.dataset.result = shown.kind;
    box.dataset.offline = "true";
    const title = document.createElement("strong");
    title.textContent = shown.title || TITLES[shown.kind];
    const who = document.createElement("span");
    who.textContent = shown.who + (shown.walk_in ? " · walk-in (charged)" : "");
    const message = document.createElement("p");
    message.textContent = shown.message;
    const offline = document.createElement("p");
    offline.className = "small";
    offline.textContent = note;
    box.append(title, who, message, offline);
    resultBox.replaceChildren(box);
  }
  async function tell() {
    // The headcount above stops while offline: say how many this device let in meanwhile.
    const all = await store("queue", "readonly", (s) => s.getAll());
    const queued = all.filter(mine);
    const waiting = queued.length;
    const letIn = queued.filter((q) => q.accepted).length;
    const others = new Map();
    all.filter((q) => !mine(q)).forEach((q) => others.set(q.user_name, (others.get(q.user_name) || 0) + 1));
    status.hidden = navigator.onLine && !waiting && !others.size;
    status.textContent = (navigator.onLine ? "Online" : "Offline: checking in on this device") + (waiting
      ? " · " + waiting + " check-in" + (waiting === 1 ? "" : "s") + " waiting to be sent, " + letIn + " let in"
      : "") + Array.from(others, ([name, n]) => " · " + n + " check-in" + (n === 1 ? "" : "s") + " made by " + name +
      " wait" + (n === 1 ? "s" : "") + " on this device until they sign in here again").join("");
  }

  async function checkInOffline(code) {
    const queued = await store("queue", "readonly", (s) => s.getAll());
    const shown = await decide(code, queued);
    if (shown.entry) {
      shown.entry.client_id = crypto.randomUUID();
      shown.user = user;
      shown.user_name = userName;
      await store("queue", "readwrite", (s) => s.add(shown));
    }
    show(shown, shown.entry ? "Offline: kept on this device; the server settles it when the network is back."
      : "Offline: not kept.");
    form.reset();
    form.querySelector("#code").focus();
    await tell();
  }

  // --- sending the queue when the network returns ---
  async function send() {
    if (sending || !navigator.onLine) { return; }
    sending = true;
    try {
      const [keys, queued] = await snapshot();
      if (!queued.length) { return; }
      const response = await fetch("/api/v1/checkins/batch", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": form.elements.csrf_token.value },
        body: JSON.stringify({ entries: queued.map((q) => q.entry) }),
      });
      if (!response.ok) {
        status.textContent = "The server did not take the " + queued.length + " waiting check-ins (" +
          response.status + "); they stay on this device. Reload the page, or sign in again.";
        return;
      }
      const answer = await response.json();
      const byId = new Map(answer.results.map((r) => [r.client_id, r]));
      const changed = queued.filter((q) => {
        const r = byId.get(q.entry.client_id);
        return r && (r.result !== q.kind || r.accepted !== q.accepted);
      });
      await store("queue", "readwrite", (s) => { keys.forEach((k) => s.delete(k)); });
      listChanges(changed, byId);
      await refreshRoster();
    } catch (offline) {
      // still no network: try again later
    } finally {
      sending = false;
      await tell();
    }
  }
  function listChanges(changed, byId) {
    const list = document.getElementById("settled-list");
    changed.forEach((q) => {
      const r = byId.get(q.entry.client_id);
      const item = document.createElement("li");
      item.dataset.result = r.result;
      item.textContent = q.who + ", " + hhmm(q.entry.at) + ": shown " + (q.title || TITLES[q.kind]) + ", settled " +
        TITLES[r.result] + ". " + r.message;
      list.append(item);
    });
    if (changed.length) { settled.hidden = false; }
  }

  // A check-in while offline never reaches htmx; one whose request fails is decided here instead.
  let lastCode = "";
  document.addEventListener("submit", (event) => {
    if (event.target !== form) { return; }
    lastCode = form.elements.code.value.trim();
    if (!navigator.onLine && lastCode) {
      event.preventDefault();
      event.stopImmediatePropagation();
      checkInOffline(lastCode);
    }
  }, true);
  document.addEventListener("htmx:sendError", (event) => {
    if (event.target === form && lastCode) { checkInOffline(lastCode); }
  });
  // Signing out with this user's check-ins waiting: send them first; if they cannot be sent, say so and sign out
  // only on a second press (they stay on the device for this user). The counter page kept for offline use is
  // dropped, so the next user never works offline under this user's page.
  document.addEventListener("submit", async (event) => {
    const signOut = event.target;
    if (!(signOut instanceof HTMLFormElement) || !signOut.matches("form.logout")) { return; }
    event.preventDefault();
    await send();
    const [, waiting] = await snapshot();
    if (waiting.length && !warnedSignOut) {
      warnedSignOut = true;
      status.hidden = false;
      status.textContent = waiting.length + " check-in" + (waiting.length === 1 ? "" : "s") + " made by you could " +
        "not be sent yet. Sign out when the network is back, or press Sign out again to leave " +
        (waiting.length === 1 ? "it" : "them") + " on this device until you sign in here again.";
      return;
    }
    if (window.caches) { await caches.open("counter-v1").then((c) => c.delete("/counter")).catch(() => null); }
    signOut.submit();
  }, true);
  window.addEventListener("online", send);
  window.addEventListener("offline", tell);

  (async () => {
    const kept = await store("meal", "readonly", (s) => s.get("current"));
    if (kept) { await useRoster(kept); }
    await refreshRoster();
    await send();
    await tell();
    setInterval(() => { refreshRoster(); send(); }, 30000);
  })();
})();
