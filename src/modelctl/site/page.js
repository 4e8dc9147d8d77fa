// modelctl site: sorting, filtering, search and the workload calculator.
// Money is never a float here: prices are decimal strings, costs exact
// decimals {n: BigInt, s: scale} meaning n / 10^s.
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");
  var data = JSON.parse(document.getElementById("catalog-data").textContent);

  // --- exact decimals --------------------------------------------------------
  function dec(text) {
    var neg = text.charAt(0) === "-";
    var body = neg ? text.slice(1) : text;
    var parts = body.split(".");
    var frac = parts.length > 1 ? parts[1] : "";
    return { n: BigInt((neg ? "-" : "") + (parts[0] || "0") + frac), s: frac.length };
  }
  function pow10(k) { return BigInt("1" + "0".repeat(k)); }
  function align(a, s) { return a.n * pow10(s - a.s); }
  function add(a, b) { var s = Math.max(a.s, b.s); return { n: align(a, s) + align(b, s), s: s }; }
  function times(a, count) { return { n: a.n * count, s: a.s }; }
  function perMillion(a) { return { n: a.n, s: a.s + 6 }; }
  function compare(a, b) {
    var s = Math.max(a.s, b.s), x = align(a, s), y = align(b, s);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  function format(a, minPlaces) {
    var neg = a.n < 0n, digits = (neg ? -a.n : a.n).toString();
    while (digits.length <= a.s) digits = "0" + digits;
    var whole = digits.slice(0, digits.length - a.s), frac = digits.slice(digits.length - a.s).replace(/0+$/, "");
    while (frac.length < minPlaces) frac += "0";
    return (neg ? "-" : "") + whole + (frac ? "." + frac : "");
  }
  var ZERO = { n: 0n, s: 0 };

  // --- pricing, as runtime.Catalog.cost ------------------------------------
  function priceSet(model, day, variant) {
    // Periods are newest first; without a variant, the newest one started by
    // `day`; with one, the newest such period that has the variant.
    for (var i = 0; i < model.pricing.length; i++) {
      var p = model.pricing[i];
      if (p.from > day) continue;
      if (!variant) return { from: p.from, prices: p.prices, tiers: p.tiers || [], max: p.max_input || 0 };
      var v = p.variants && p.variants[variant];
      if (!v) continue;
      return { from: p.from, prices: Object.assign({}, p.prices, v.prices || {}), tiers: v.tiers || [], max: p.max_input || 0 };
    }
    return null;
  }

  function cost(model, usage, day, variant) {
    var set = priceSet(model, day, variant);
    if (!set) {
      var had = model.pricing.some(function (p) { return !variant || (p.variants && p.variants[variant]); });
      return { error: had ? "no price in force on " + day : "no " + variant + " variant" };
    }
    var prices = set.prices, tier = null;
    // As runtime cost(): a modality the model does not take, or more input than it takes, is marked.
    var needs = [["input_audio_tokens", "input", "audio"], ["input_image_tokens", "input", "image"],
      ["output_audio_tokens", "output", "audio"], ["output_image_tokens", "output", "image"]];
    for (var j = 0; j < needs.length; j++) {
      var side_ = needs[j][1] === "input" ? model.input : model.output;
      if (usage[needs[j][0]] && side_ && side_.indexOf(needs[j][2]) < 0) {
        return { error: "does not " + (needs[j][1] === "input" ? "accept " : "produce ") + needs[j][2] + " " + needs[j][1] };
      }
    }
    var side = usage.input_tokens + usage.cached_input_tokens + usage.cache_write_tokens + usage.cache_write_1h_tokens +
      usage.input_audio_tokens + usage.input_image_tokens;
    if (set.max && side > BigInt(set.max) * (usage.requests || 1n)) {
      return { error: "does not take that much input" };
    }
    if (set.tiers.length) {
      set.tiers.forEach(function (t) {
        if (side > BigInt(t.above_input_tokens)) { prices = Object.assign({}, set.prices, t.prices || {}); tier = t.above_input_tokens; }
      });
    }
    var total = ZERO;
    for (var i = 0; i < data.components.length; i++) {
      var c = data.components[i], field = c[0], name = c[1], keys = c[2], million = c[3];
      var count = usage[field];
      if (!count) continue;
      var key = keys.find(function (k) { return Object.prototype.hasOwnProperty.call(prices, k); });
      if (key === undefined) {
        if (field === "requests") continue; // no per-request fee: requests are free
        return { error: "no price for " + name + " tokens" };
      }
      var amount = times(dec(prices[key]), count);
      total = add(total, million ? perMillion(amount) : amount);
    }
    return { total: total, from: set.from, variant: variant, tier: tier };
  }

  // --- the calculator ----------------------------------------------------------
  var form = document.getElementById("calc-form");
  var results = document.querySelector("#calc-results tbody");
  var status = document.getElementById("calc-status");
  var FIELDS = ["input_tokens", "output_tokens", "cached_input_tokens", "cache_write_tokens", "cache_write_1h_tokens",
    "reasoning_tokens", "input_audio_tokens", "output_audio_tokens", "input_image_tokens", "output_image_tokens",
    "requests", "images"];

  function readUsage() {
    var usage = {}, ok = true;
    FIELDS.forEach(function (f) {
      var input = form.elements[f];
      var text = input ? input.value.replace(/[\s_,]/g, "") : "";
      if (text === "") text = f === "requests" && !input ? "1" : "0";
      var valid = /^\d+$/.test(text);
      if (input) input.classList.toggle("invalid", !valid);
      ok = ok && valid;
      usage[f] = valid ? BigInt(text) : 0n;
    });
    return ok ? usage : null;
  }

  function cell(text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  function calculate() {
    var usage = readUsage();
    results.textContent = "";
    if (!usage) { status.textContent = "Token counts are whole numbers."; return; }
    var day = form.elements.at.value || data.today, variant = form.elements.variant.value, all = form.elements.all.checked;
    var priced = [], skipped = [];
    data.models.forEach(function (m) {
      if (!all && !m.available) return;
      var r = cost(m, usage, day, variant);
      (r.error ? skipped : priced).push({ model: m, result: r });
    });
    priced.sort(function (a, b) { return compare(a.result.total, b.result.total) || (a.model.ref < b.model.ref ? -1 : 1); });
    priced.forEach(function (p, i) {
      var tr = document.createElement("tr"), r = p.result, how = ["prices from " + r.from];
      if (i >= SHOWN && !showAll) tr.className = "hidden";
      if (r.variant) how.push(r.variant);
      if (r.tier !== null) how.push("tier above " + r.tier.toLocaleString("en-US") + " input tokens");
      tr.dataset.ref = p.model.ref;
      tr.dataset.total = format(r.total, 0);
      tr.appendChild(cell(String(i + 1), "num"));
      var name = cell(p.model.name + " ");
      var code = document.createElement("code");
      code.textContent = p.model.ref;
      name.appendChild(code);
      tr.appendChild(name);
      tr.appendChild(cell(format(r.total, 2), "num cost"));
      tr.appendChild(cell(how.join(", ")));
      results.appendChild(tr);
    });
    skipped.forEach(function (p) {
      var tr = document.createElement("tr");
      tr.className = showAll ? "unpriced" : "unpriced hidden";
      tr.dataset.ref = p.model.ref;
      tr.appendChild(cell("–", "num"));
      tr.appendChild(cell(p.model.name + " (" + p.model.ref + ")"));
      tr.appendChild(cell("–", "num"));
      tr.appendChild(cell(p.result.error));
      results.appendChild(tr);
    });
    status.textContent = priced.length + " models priced, cheapest first" +
      (skipped.length ? "; " + skipped.length + " cannot price this workload (listed last)" : "") + ".";
    more.hidden = priced.length + skipped.length <= SHOWN;
    more.textContent = showAll ? "Show the " + SHOWN + " cheapest only" : "Show all " + (priced.length + skipped.length);
  }
  var SHOWN = 10, showAll = false, more = document.getElementById("calc-more");
  more.addEventListener("click", function () { showAll = !showAll; calculate(); });
  form.addEventListener("input", calculate);
  form.addEventListener("submit", function (e) { e.preventDefault(); calculate(); });
  calculate();

  // --- the model table: sorting and filtering ------------------------------
  var table = document.getElementById("model-table");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);

  function sortBy(index, descending) {
    var numeric = heads[index].dataset.type === "num";
    var keyed = rows.map(function (row) {
      var v = row.cells[index].dataset.v;
      return { row: row, empty: v === undefined || v === "", v: numeric && v ? BigInt(v) : (v || "") };
    });
    keyed.sort(function (a, b) {
      if (a.empty !== b.empty) return a.empty ? 1 : -1; // no value: last either way
      var c = a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
      if (c === 0) c = a.row.dataset.ref < b.row.dataset.ref ? -1 : 1;
      return descending ? -c : c;
    });
    keyed.forEach(function (k) { body.appendChild(k.row); });
    heads.forEach(function (th, i) {
      if (th.dataset.type) th.setAttribute("aria-sort", i === index ? (descending ? "descending" : "ascending") : "none");
    });
  }
  heads.forEach(function (th, i) {
    var button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", function () {
      sortBy(i, th.getAttribute("aria-sort") === "ascending");
    });
  });

  var search = document.getElementById("f-search"), provider = document.getElementById("f-provider");
  var statusFilter = document.getElementById("f-status"), feature = document.getElementById("f-feature");
  var available = document.getElementById("f-available"), count = document.getElementById("f-count");
  function filter() {
    var q = search.value.trim().toLowerCase(), shown = 0;
    rows.forEach(function (row) {
      var d = row.dataset;
      var ok = (!q || d.search.indexOf(q) >= 0) && (!provider.value || d.provider === provider.value) &&
        (!statusFilter.value || d.status === statusFilter.value) &&
        (!feature.value || d.features.split(" ").indexOf(feature.value) >= 0) &&
        (!available.checked || d.available === "1");
      row.classList.toggle("hidden", !ok);
      if (ok) shown++;
    });
    count.textContent = "Showing " + shown + " of " + rows.length + " models";
  }
  [search, provider, statusFilter, feature, available].forEach(function (el) {
    el.addEventListener(el.tagName === "INPUT" && el.type !== "checkbox" ? "input" : "change", filter);
  });
  filter();

  // --- details: all open without JavaScript; with it, open on demand ---------
  var details = document.querySelectorAll("details.model-details");
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1)), target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") target.open = true;
  }
  details.forEach(function (d) { d.open = false; });
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
