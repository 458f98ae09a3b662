// The waiting list: filters the server refused (400) are swapped in like a result, so the
// reason shows in place of the rows, as in the returns and incident lists.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.hasAttribute("data-swap-errors") && event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
