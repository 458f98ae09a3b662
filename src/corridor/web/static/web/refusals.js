// htmx leaves a 4xx answer unswapped. Two marks ask for it to be swapped anyway, so the reason
// shows where the user acted:
// - data-swap-refusals on a form or panel: any 4xx answer to a request it made (a refused action);
// - data-swap-errors on a swap target: a 400 answer (a filter the server refused), shown in place
//   of the results, next to the field that is wrong.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    var refused = status >= 400 && status < 500 && event.detail.elt.closest("[data-swap-refusals]");
    var badFilter = status === 400 && target && target.hasAttribute("data-swap-errors");
    if (refused || badFilter) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
