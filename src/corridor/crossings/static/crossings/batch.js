// The batch page: show a refused action's reason in place, and print the manifest.
(function () {
  "use strict";
  // htmx does not swap 4xx answers by default; the batch page answers a refused action with the
  // page section carrying the reason, so it is swapped in like a success.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    if (target && target.id === "batch" && (status === 400 || status === 409)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // Keep the keyboard where the user was: the row just marked, or the next one down.
  var lastRow = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var row = event.detail.elt && event.detail.elt.closest ? event.detail.elt.closest("tr[id]") : null;
    lastRow = row ? row.id : null;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "batch") { return; }
    var rowError = document.querySelector("#batch td .error");
    var alert = document.querySelector("#batch .notice-error");
    if (rowError || alert) { (rowError || alert).scrollIntoView({ block: "nearest" }); }
    var row = lastRow ? document.getElementById(lastRow) : null;
    var next = row;
    while (next && !next.querySelector("button, summary")) { next = next.nextElementSibling; }
    var control = next ? next.querySelector("button, summary") : null;
    if (control) {
      control.focus({ preventScroll: true });
    } else {
      var notice = document.querySelector("#batch .notice, #batch .notice-error");
      if (notice) { notice.setAttribute("tabindex", "-1"); notice.focus({ preventScroll: true }); }
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
