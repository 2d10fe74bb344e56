/* "Suggest tags" on the posting form: the form's text is posted to the suggestions view and
   its answer (checkboxes) shown under the button; checking one adds the tag to its field,
   unchecking takes it out. Without JavaScript the button submits the form, which comes back
   with the same checkboxes and an "Add the checked tags" button. */
(function () {
  "use strict";

  var script = document.currentScript;
  var endpoint = script && script.getAttribute("data-url");

  function names(input) {
    return input.value.split(",").map(function (n) { return n.trim(); })
      .filter(function (n) { return n; });
  }

  function toggle(box) {
    var input = document.getElementById(box.getAttribute("data-field"));
    if (!input) return;
    var name = box.value.slice(box.value.indexOf(":") + 1);
    var current = names(input);
    var lower = current.map(function (n) { return n.toLowerCase(); });
    var at = lower.indexOf(name.toLowerCase());
    if (box.checked && at === -1) current.push(name);
    if (!box.checked && at !== -1) current.splice(at, 1);
    input.value = current.join(", ");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[value='suggest']");
    if (!button || !endpoint) return;
    var form = button.form;
    event.preventDefault();
    var panel = document.getElementById("tag-suggestions");
    button.disabled = true;
    fetch(endpoint, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "text/html", "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.text();
    }).then(function (html) {
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var fresh = holder.querySelector("#tag-suggestions");
      if (fresh && panel) panel.replaceWith(fresh);
      var add = fresh && fresh.querySelector("button[value='add-suggested']");
      if (add) add.hidden = true;
    }).catch(function () {
      if (panel) panel.textContent = "Suggestions couldn't be fetched; try again.";
    }).then(function () { button.disabled = false; });
  });

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches && box.matches("#tag-suggestions input[type='checkbox']")) toggle(box);
  });
})();
