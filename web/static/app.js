// Small enhancements only: every page works without this file.
"use strict";
document.addEventListener("click", function (event) {
  var target = event.target;
  if (target instanceof Element && target.closest("[data-print]")) {
    event.preventDefault();
    window.print();
  }
});
// After a swap, put keyboard focus on the first element the server marked with data-focus.
document.addEventListener("htmx:afterSettle", function (event) {
  var el = event.target instanceof Element ? event.target.querySelector("[data-focus]") : null;
  if (el) { el.focus(); }
});
// The counter: after each check-in, clear the field and keep focus there for the next scan.
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.target;
  if (form instanceof HTMLFormElement && form.id === "checkin-form") {
    form.reset();
    var code = form.querySelector("#code");
    if (code) { code.focus(); }
  }
});
// A resident without a photo: hide the counter's empty picture instead of showing a broken image.
document.addEventListener("error", function (event) {
  var img = event.target;
  if (img instanceof HTMLImageElement && img.classList.contains("photo")) { img.hidden = true; }
}, true);
// The week's countdowns ("closes in 2 h 10 min"): the server wrote them; keep them current once a minute.
function countdowns() {
  var now = Date.now() / 1000;
  document.querySelectorAll("[data-closes]").forEach(function (el) {
    var seconds = Number(el.getAttribute("data-closes")) - now;
    if (seconds <= 0) { el.textContent = "closed"; return; }
    var left = Math.max(1, Math.floor(seconds / 60));
    var d = Math.floor(left / 1440), h = Math.floor((left % 1440) / 60), m = left % 60, parts = [];
    if (d) { parts.push(d + (d === 1 ? " day" : " days")); }
    if (h) { parts.push(h + " h"); }
    if (m && !d) { parts.push(m + " min"); }
    el.textContent = "closes in " + parts.join(" ");
  });
}
setInterval(countdowns, 60000);
document.addEventListener("htmx:afterSettle", countdowns);
