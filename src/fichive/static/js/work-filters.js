// Listing filters (works and bookmarks): submit only the fields that differ from their
// defaults, so a filtered listing's address stays short enough to read and share. Without
// JavaScript the form still works.
(function () {
  "use strict";
  // Browsers without ::details-content can't show a closed <details>' contents with CSS:
  // open the "Filters" fold on wide screens, where it is a sidebar rather than a fold.
  var fold = document.querySelector("details.filters-toggle");
  if (fold && !(window.CSS && CSS.supports("selector(::details-content)")) &&
      window.matchMedia("(min-width: 52.01rem)").matches) { fold.open = true; }
  var form = document.querySelector("form.listing-filters");
  if (!form) { return; }
  var defaults = new URLSearchParams(form.dataset.defaults || "");
  form.addEventListener("submit", function (event) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      value = String(value).trim();
      if (value && defaults.get(name) !== value) { params.append(name, value); }
    });
    event.preventDefault();
    var query = params.toString();
    window.location.assign(form.getAttribute("action") + (query ? "?" + query : ""));
  });
})();
