// Comments under a work or chapter: the page (cached for guests) has only a "Comments (N)"
// link; this fetches the comments fragment from the link's own address and shows it in place.
// Without JavaScript the link opens the comments page, which does the same.
(function () {
  "use strict";

  function load(hook, url) {
    var placeholder = hook.querySelector(".comments-placeholder");
    if (!placeholder) { return; }
    placeholder.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin", headers: { "X-Fichive-Fragment": "1" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.text();
      })
      .then(function (html) {
        placeholder.innerHTML = html;
        placeholder.removeAttribute("aria-busy");
        hook.classList.add("comments-loaded");
        // A new comment posted here comes back to this page, at the new comment.
        placeholder.querySelectorAll("form#add_comment").forEach(function (form) {
          var back = document.createElement("input");
          back.type = "hidden";
          back.name = "return_to";
          back.value = window.location.pathname + window.location.search;
          form.appendChild(back);
        });
        var target = /^#comment_\d+$/.test(window.location.hash) &&
          document.getElementById(window.location.hash.slice(1));
        if (target) { target.scrollIntoView(); }
        // Page links inside the fragment load in place too.
        placeholder.querySelectorAll(".comments-pagination a").forEach(function (link) {
          link.addEventListener("click", function (event) {
            event.preventDefault();
            load(hook, link.getAttribute("href"));
          });
        });
      })
      .catch(function () {
        placeholder.removeAttribute("aria-busy");
        placeholder.textContent = "The comments could not be loaded. ";
        var again = document.createElement("a");
        again.href = url.replace(/[?&]fragment=1/, "");
        again.textContent = "Open them on their own page.";
        placeholder.appendChild(again);
      });
  }

  function init() {
    document.querySelectorAll(".comments-hook").forEach(function (hook) {
      var link = hook.querySelector("a.comments-show");
      if (!link || link.dataset.commentsReady) { return; }
      link.dataset.commentsReady = "1";
      link.addEventListener("click", function (event) {
        event.preventDefault();
        if (hook.classList.contains("comments-loaded")) {
          var placeholder = hook.querySelector(".comments-placeholder");
          placeholder.hidden = !placeholder.hidden;
          return;
        }
        load(hook, link.dataset.fragmentUrl || link.href);
      });
      if (window.location.hash === "#comments" || /^#comment_\d+$/.test(window.location.hash)) {
        load(hook, link.dataset.fragmentUrl || link.href);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
