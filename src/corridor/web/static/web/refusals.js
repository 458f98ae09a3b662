// htmx leaves a 4xx answer unswapped. A form or panel marked data-swap-refusals asks for it to be
// swapped anyway: a refused action's answer carries the reason, to show where the user acted.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status >= 400 && status < 500 && event.detail.elt.closest("[data-swap-refusals]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
