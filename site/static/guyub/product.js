/* The product page's variant picker (issue 15), on top of a plain form that works without it: the radio list of
   variants becomes a size group and a colour group of swatches; picking one shows that variant's price, stock or
   lead time and picture; "Add to basket" posts the same form in the background and updates the basket count. */
(function () {
  "use strict";
  var form = document.getElementById("add_to_basket_form");
  var list = document.getElementById("variant-list");
  if (!form || !list) return;
  var radios = Array.prototype.slice.call(list.querySelectorAll("input[name=child_id]"));
  if (!radios.length) return;
  var checked = radios.filter(function (r) { return r.checked; })[0] || radios[0];
  var state = { size: checked.dataset.size, colour: checked.dataset.colour };

  function values(key) {
    var seen = [];
    radios.forEach(function (r) { if (r.dataset[key] && seen.indexOf(r.dataset[key]) < 0) seen.push(r.dataset[key]); });
    return seen;
  }
  function match(size, colour) {
    return radios.filter(function (r) {
      return (!size || r.dataset.size === size) && (!colour || r.dataset.colour === colour);
    })[0];
  }
  function show(radio) {
    radio.checked = true;
    document.getElementById("variant-price").textContent = radio.dataset.price;
    var avail = document.getElementById("variant-availability");
    avail.textContent = radio.dataset.availability;
    avail.classList.toggle("gy-ready", radio.dataset.inStock === "1");
    var img = document.getElementById("variant-image");
    if (img && radio.dataset.image) img.src = radio.dataset.image;
    form.querySelector("button[type=submit]").disabled = radio.disabled;
    list.querySelectorAll(".gy-swatch").forEach(function (b) {
      var on = b.dataset.value === radio.dataset[b.dataset.key];
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }
  function group(key, label, names) {
    var options = values(key);
    if (!options.length) return null;
    var box = document.createElement("div");
    box.className = "gy-swatches";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", label);
    var title = document.createElement("p");
    title.className = "gy-swatch-title";
    title.textContent = label;
    box.appendChild(title);
    options.forEach(function (value) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "gy-swatch gy-swatch-" + key;
      b.dataset.key = key;
      b.dataset.value = value;
      b.textContent = names[value] || value;
      if (key === "colour") {
        var dot = document.createElement("span");
        dot.className = "gy-dot";
        dot.style.background = match("", value).dataset.swatch;
        b.insertBefore(dot, b.firstChild);
      }
      b.addEventListener("click", function () {
        state[key] = value;
        var r = match(state.size, state.colour) || match(key === "size" ? value : "", key === "colour" ? value : "");
        state.size = r.dataset.size; state.colour = r.dataset.colour;
        show(r);
      });
      box.appendChild(b);
    });
    return box;
  }
  var colourNames = {};
  radios.forEach(function (r) { colourNames[r.dataset.colour] = r.dataset.colourLabel; });
  var legend = list.querySelector("legend");
  var sizes = group("size", list.dataset.sizeLabel || legend.dataset.size, {});
  var colours = group("colour", list.dataset.colourLabel || legend.dataset.colour, colourNames);
  list.querySelectorAll(".gy-variant").forEach(function (row) { row.classList.add("sr-only"); });
  if (sizes) list.appendChild(sizes);
  if (colours) list.appendChild(colours);
  show(checked);

  form.addEventListener("submit", function (event) {
    if (!window.fetch || !window.FormData || !window.DOMParser) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var count = doc.getElementById("basket-count");
        if (count) document.getElementById("basket-count").textContent = count.textContent;
        var messages = doc.getElementById("messages");
        var here = document.getElementById("messages");
        if (messages && here) here.innerHTML = messages.innerHTML;
        document.getElementById("added-note").textContent = form.dataset.added;
      })
      .catch(function () { form.submit(); })
      .then(function () { button.disabled = false; });
  });
})();
