/* Tag autocomplete: suggestions from /tags/autocomplete for the tag being typed in a text
   input. In comma-separated fields it completes the tag under the cursor and leaves the
   others alone. Without JavaScript the inputs stay plain text fields and work the same.

   Enhanced inputs: the posting form's tag fields (by id), and any input with a
   data-autocomplete attribute (its value is the tag type, or empty for any type);
   data-autocomplete-multiple="1" marks a comma-separated field and
   data-autocomplete-canonical="1" asks for canonical tags only. */
(function () {
  "use strict";

  var script = document.currentScript;
  var endpoint = (script && script.getAttribute("data-url")) || "/tags/autocomplete";
  var POSTING_FIELDS = {
    id_fandoms: "fandom",
    id_relationships: "relationship",
    id_characters: "character",
    id_freeforms: "freeform"
  };
  var DELAY_MS = 150;
  var counter = 0;

  /* The [start, end) range of the comma-separated token around the cursor. */
  function tokenRange(input, multiple) {
    var value = input.value;
    if (!multiple) {
      return [0, value.length];
    }
    var caret = input.selectionStart === null ? value.length : input.selectionStart;
    var start = value.lastIndexOf(",", caret - 1) + 1;
    var end = value.indexOf(",", caret);
    return [start, end === -1 ? value.length : end];
  }

  function enhance(input, type, multiple, canonicalOnly) {
    counter += 1;
    var listId = "autocomplete-list-" + counter;
    var wrapper = document.createElement("span");
    wrapper.className = "autocomplete";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "autocomplete-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    wrapper.appendChild(list);

    input.setAttribute("autocomplete", "off");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var items = [];
    var active = -1;
    var timer = null;
    var pending = null;

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var options = list.children;
      for (var i = 0; i < options.length; i += 1) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var item = items[index];
      if (!item) {
        return;
      }
      var range = tokenRange(input, multiple);
      var value = input.value;
      var replacement;
      if (multiple) {
        replacement = (range[0] > 0 ? " " : "") + item.name;
        var rest = value.slice(range[1]);
        if (!rest) {
          replacement += ", ";
        }
        input.value = value.slice(0, range[0]) + replacement + rest;
        var caret = range[0] + replacement.length;
        input.setSelectionRange(caret, caret);
      } else {
        input.value = item.name;
      }
      close();
      input.focus();
    }

    function render(found) {
      list.textContent = "";
      items = found;
      active = -1;
      if (!found.length) {
        close();
        return;
      }
      found.forEach(function (item, index) {
        var option = document.createElement("li");
        option.id = listId + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        if (item.synonym_of) {
          option.className = "synonym";
        }
        var label = document.createElement("span");
        label.textContent = item.label || item.name;
        option.appendChild(label);
        var uses = document.createElement("span");
        uses.className = "uses";
        uses.textContent = String(item.uses);
        option.appendChild(uses);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); /* keep the focus in the input */
          choose(index);
        });
        list.appendChild(option);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function lookUp() {
      var range = tokenRange(input, multiple);
      var term = input.value.slice(range[0], range[1]).trim();
      if (!term) {
        close();
        return;
      }
      var params = new URLSearchParams({ term: term });
      if (type) {
        params.set("type", type);
      }
      if (canonicalOnly) {
        params.set("canonical", "1");
      }
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      fetch(endpoint + "?" + params.toString(), {
        headers: { Accept: "application/json" },
        signal: pending.signal
      })
        .then(function (response) {
          return response.ok ? response.json() : [];
        })
        .then(function (found) {
          if (document.activeElement === input) {
            render(Array.isArray(found) ? found : []);
          }
        })
        .catch(function () {
          /* Aborted or offline: the field still works as plain text. */
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookUp, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        return;
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight(active + 1 < items.length ? active + 1 : 0);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active > 0 ? active - 1 : items.length - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault(); /* choose the suggestion, don't submit the form */
        choose(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 100);
    });
  }

  function init() {
    Object.keys(POSTING_FIELDS).forEach(function (id) {
      var input = document.getElementById(id);
      if (input && !input.hasAttribute("data-autocomplete")) {
        enhance(input, POSTING_FIELDS[id], true, false);
      }
    });
    var marked = document.querySelectorAll("input[data-autocomplete]");
    Array.prototype.forEach.call(marked, function (input) {
      enhance(
        input,
        input.getAttribute("data-autocomplete"),
        input.getAttribute("data-autocomplete-multiple") === "1",
        input.getAttribute("data-autocomplete-canonical") === "1"
      );
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
