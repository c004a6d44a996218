// The counter's camera: decode QR codes from the tablet's or phone's camera (jsQR, vendored) into the same form a
// USB scanner or the keyboard fills, so all three stay one path.
"use strict";
(function () {
  var button = document.getElementById("camera-start");
  var video = document.getElementById("camera");
  var form = document.getElementById("checkin-form");
  if (!button || !video || !form || !navigator.mediaDevices || typeof jsQR !== "function") { return; }
  button.hidden = false;
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var last = "", lastAt = 0;
  function scan() {
    if (video.readyState >= 2 && video.videoWidth) {
      canvas.width = video.videoWidth; canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var frame = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" });
      var now = Date.now();
      // The same code held in front of the camera is sent once (until another code or 5 s pass).
      if (found && found.data && (found.data !== last || now - lastAt > 5000)) {
        last = found.data; lastAt = now;
        form.querySelector("#code").value = found.data;
        form.requestSubmit();
      }
    }
    window.setTimeout(scan, 150);
  }
  button.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (stream) {
      video.srcObject = stream; video.hidden = false; button.hidden = true;
      return video.play();
    }).then(scan).catch(function (error) {
      button.textContent = "Camera unavailable: " + error.name;
    });
  });
})();
