// Optional camera scanning on the check-in screen, where the browser has a BarcodeDetector.
// Without it (or without this script) the page works the same with a scanner or the keyboard.
(function () {
  "use strict";
  var box = document.querySelector(".check-in .camera");
  var form = document.querySelector(".check-in form.scan-form");
  if (!box || !form || !("BarcodeDetector" in window)) return;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var button = document.getElementById("camera-scan");
  var video = document.getElementById("camera-view");
  var status = document.getElementById("camera-status");
  var input = form.querySelector("input.scan");
  var stream = null;

  function stop() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.hidden = true;
  }

  function scan(detector) {
    if (!stream) return;
    detector.detect(video).then(function (found) {
      if (found.length && found[0].rawValue) {
        input.value = found[0].rawValue;
        stop();
        form.submit();
      } else {
        window.setTimeout(function () { scan(detector); }, 200);
      }
    }, function () { window.setTimeout(function () { scan(detector); }, 500); });
  }

  window.BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") === -1) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      if (stream) { stop(); status.textContent = ""; input.focus(); return; }
      status.textContent = box.dataset.starting;
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (media) {
          stream = media;
          video.srcObject = media;
          video.hidden = false;
          return video.play();
        })
        .then(function () { scan(new window.BarcodeDetector({ formats: ["qr_code"] })); })
        .catch(function () { stop(); status.textContent = box.dataset.failed; input.focus(); });
    });
  }, function () {});
})();
