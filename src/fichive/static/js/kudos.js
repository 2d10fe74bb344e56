// Kudos without a page reload: the "Kudos ♥" form is posted with fetch, and the answer's
// button and kudos sentence replace the old ones. Without JavaScript the form posts as usual.
(function () {
  "use strict";

  function say(form, text, failed) {
    var note = document.getElementById("kudos-message");
    if (!note) {
      note = document.createElement("p");
      note.id = "kudos-message";
      note.setAttribute("role", "status");
      var feedback = document.getElementById("feedback") || form.parentNode;
      feedback.insertBefore(note, feedback.firstChild);
    }
    note.className = failed ? "kudos-message error" : "kudos-message";
    note.textContent = text;
  }

  function replace(id, html) {
    var old = document.getElementById(id);
    if (!old || !html) return;
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var fresh = holder.querySelector("#" + id);
    if (fresh) old.replaceWith(fresh);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-kudos")) return;
    event.preventDefault();
    var button = form.querySelector("button");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        if (!data) throw new Error("no answer");
        replace("kudos-action", data.button);
        replace("kudos", data.kudos);
        say(form, data.message, !(data.status === "left" || data.status === "already"));
        if (button && data.status !== "left" && data.status !== "already") button.disabled = false;
      });
    }).catch(function () {
      // Fall back to the plain form post, which shows the answer on the page.
      form.submit();
    });
  });
})();
