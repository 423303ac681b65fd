// Suggestions from the places register as the officer types (WAI-ARIA combobox with a list box).
// Only an enhancement: without this script the name is resolved on the server, and an ambiguous name
// is answered with a choice of places. Texts are set with textContent, never as HTML.
(function () {
  "use strict";
  var input = document.getElementById("place");
  if (!input || !window.fetch) return;
  var field = input.closest(".field");
  var status = document.getElementById("place-status");
  var country = document.getElementById("country");
  var list = document.createElement("ul");
  list.id = "place-options";
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Places like the name");
  list.hidden = true;
  field.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  var places = [];
  var active = -1;
  var timer = null;
  var asked = 0;

  function say(text) { if (status) status.textContent = text; }

  function close() {
    list.hidden = true;
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function mark(index) {
    var items = list.children;
    for (var i = 0; i < items.length; i++) items[i].setAttribute("aria-selected", i === index ? "true" : "false");
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function describe(p) {
    var parts = [];
    if (p.population != null) parts.push(p.population.toLocaleString("en") + " inhabitants");
    if (p.degurba != null) parts.push("DEGURBA " + p.degurba);
    if (p.name_latin && p.name_latin !== p.name) parts.push(p.name_latin);
    return parts.join(" · ");
  }

  function show(found) {
    places = found;
    list.replaceChildren();
    found.forEach(function (p, i) {
      var item = document.createElement("li");
      item.id = "place-option-" + i;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.textContent = p.label;
      var small = document.createElement("small");
      small.textContent = describe(p);
      item.appendChild(small);
      // mousedown, not click: the input keeps its focus.
      item.addEventListener("mousedown", function (event) { event.preventDefault(); pick(i); });
      list.appendChild(item);
    });
    if (found.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      say(found.length + (found.length === 1 ? " place" : " places") + " found; use the arrow keys to choose.");
    } else {
      close();
      say("No place of the register is like this name.");
    }
  }

  function hint(id, value) {
    var el = document.getElementById(id);
    if (el) el.placeholder = value == null ? "" : "register: " + value;
  }

  function pick(i) {
    var p = places[i];
    if (!p) return;
    input.value = p.label;
    hint("population", p.population);
    hint("nuts", p.nuts3);
    close();
    say("Chosen: " + p.label);
  }

  function ask() {
    var q = input.value.trim();
    if (q.length < 2) { close(); return; }
    var mine = ++asked;
    var params = new URLSearchParams({ q: q, limit: "8" });
    if (country && country.value) params.set("country", country.value);
    fetch("/api/places?" + params.toString(), { headers: { accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { places: [] }; })
      .then(function (data) { if (mine === asked) show(data.places || []); })
      .catch(function () { close(); });
  }

  input.addEventListener("input", function () {
    // The register's values shown as placeholders belong to the place picked, not to a name being edited.
    hint("population", null);
    hint("nuts", null);
    clearTimeout(timer);
    timer = setTimeout(ask, 150);
  });
  input.addEventListener("keydown", function (event) {
    var open = !list.hidden && places.length > 0;
    if (event.key === "ArrowDown" && open) {
      event.preventDefault();
      mark(Math.min(active + 1, places.length - 1));
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      mark(Math.max(active - 1, 0));
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault(); // choose, do not submit
      pick(active);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 100); });
})();
