// The adult-content notice's "No, go back": back to the page the reader came from (a listing)
// when it is one of this site's, else (and without JavaScript) the link's own target, the home
// page. The page is shared between guests, so the server can't know where each came from.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element && event.target.closest("a[data-go-back]");
    if (!link || !document.referrer) return;
    var from;
    try { from = new URL(document.referrer); } catch (e) { return; }
    if (from.origin !== window.location.origin || from.href === window.location.href) return;
    event.preventDefault();
    if (window.history.length > 1) window.history.back();
    else window.location.href = from.href;
  });
})();
