// modelctl site: the workload calculator, the side-by-side comparison, sorting and filtering,
// downloads and the page's state in its URL.
// Money is never a float here: prices are decimal strings, costs exact decimals
// {n: BigInt, s: scale} meaning n / 10^s; only the text shown to people is rounded.
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");
  var data = JSON.parse(document.getElementById("catalog-data").textContent);
  var byRef = {};
  data.models.forEach(function (m) { byRef[m.ref] = m; });

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
  // Rounded half-even to `places`, with thousands separators: for reading only.
  function shown(a, places) {
    var n = a.n, s = a.s;
    if (s > places) {
      var d = pow10(s - places), q = n / d, r = n % d, half = d / 2n;
      if (r > half || (r === half && q % 2n !== 0n)) q += 1n;
      n = q; s = places;
    }
    var text = format({ n: n, s: s }, places), parts = text.split(".");
    return parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (parts.length > 1 ? "." + parts[1] : "");
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

  function sideTokens(usage) {
    return usage.input_tokens + usage.cached_input_tokens + usage.cache_write_tokens + usage.cache_write_1h_tokens;
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
      var c = data.components[i], field = c[0], name = c[1], keys = c[2], places = c[3];
      var count = usage[field];
      if (!count) continue;
      var key = keys.find(function (k) { return Object.prototype.hasOwnProperty.call(prices, k); });
      if (key === undefined) {
        if (field === "requests") continue; // no per-request fee: requests are free
        return { error: "no price for " + name.replace(/_/g, " ") + " tokens" };
      }
      var amount = times(dec(prices[key]), count);
      total = add(total, { n: amount.n, s: amount.s + places });
    }
    return { total: total, from: set.from, variant: variant, tier: tier };
  }

  // Why a model cannot take the workload at all (as estimate says): a modality it does not accept,
  // or a request larger than its context window.
  var NEEDS = [["input_audio_tokens", "input", "audio"], ["input_image_tokens", "input", "image"],
    ["output_audio_tokens", "output", "audio"], ["output_image_tokens", "output", "image"], ["images", "output", "image"]];
  function unfit(model, usage) {
    for (var i = 0; i < NEEDS.length; i++) {
      var need = NEEDS[i];
      if (usage[need[0]] && model[need[1]].indexOf(need[2]) < 0) {
        return "does not accept " + need[2] + " " + need[1] + " (" + need[1] + ": " + model[need[1]].join(", ") + ")";
      }
    }
    var needed = sideTokens(usage) + usage.output_tokens + usage.reasoning_tokens;
    if (model.context && needed > BigInt(model.context)) {
      return "the request (" + needed.toLocaleString("en-US") + " tokens) is larger than its context window (" +
        model.context.toLocaleString("en-US") + ")";
    }
    return null;
  }

  // --- the calculator ----------------------------------------------------------
  var form = document.getElementById("calc-form");
  var results = document.querySelector("#calc-results tbody");
  var status = document.getElementById("calc-status");
  var apart = document.getElementById("calc-apart"), apartList = document.getElementById("calc-apart-list");
  var FIELDS = ["input_tokens", "output_tokens", "cached_input_tokens", "cache_write_tokens", "cache_write_1h_tokens",
    "reasoning_tokens", "input_audio_tokens", "output_audio_tokens", "input_image_tokens", "output_image_tokens",
    "requests", "images"];
  var DEFAULTS = {};
  FIELDS.concat(["volume", "at", "variant", "view"]).forEach(function (f) { DEFAULTS[f] = form.elements[f].defaultValue || ""; });
  DEFAULTS.variant = ""; DEFAULTS.view = "request";

  function count(input) {
    var text = input.value.replace(/[\s_,]/g, "");
    var valid = /^\d+$/.test(text);
    input.classList.toggle("invalid", !valid);
    return valid ? BigInt(text) : null;
  }

  function readUsage() {
    var usage = {}, ok = true;
    FIELDS.forEach(function (f) {
      var value = count(form.elements[f]);
      ok = ok && value !== null;
      usage[f] = value === null ? 0n : value;
    });
    return ok ? usage : null;
  }

  function cell(text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  var table = [];  // the current results, for the downloads and the comparison
  function money(total, monthly) { return "$" + shown(total, monthly ? 2 : 6); }

  function calculate() {
    var usage = readUsage(), volume = count(form.elements.volume);
    var at = form.elements.at, day = at.value.trim() || data.today;
    var badDay = !/^\d{4}-\d{2}-\d{2}$/.test(day) || isNaN(Date.parse(day));
    at.classList.toggle("invalid", badDay);
    results.textContent = "";
    apartList.textContent = "";
    table = [];
    if (!usage || volume === null) { status.textContent = "Token counts are whole numbers."; return finish(); }
    if (badDay) { status.textContent = "Write the date as YYYY-MM-DD."; return finish(); }
    var variant = form.elements.variant.value, all = form.elements.all.checked;
    var monthly = form.elements.view.value === "month";
    document.getElementById("cost-head").textContent = monthly ? "Cost per month (USD)" : "Cost per request (USD)";
    var priced = [], skipped = [], unfitting = [];
    data.models.forEach(function (m) {
      if (!all && !m.available) return;
      var why = unfit(m, usage);
      if (why) { unfitting.push({ model: m, why: why }); return; }
      var r = cost(m, usage, day, variant);
      (r.error ? skipped : priced).push({ model: m, result: r });
    });
    priced.sort(function (a, b) { return compare(a.result.total, b.result.total) || (a.model.ref < b.model.ref ? -1 : 1); });
    priced.forEach(function (p, i) {
      var tr = document.createElement("tr"), r = p.result, how = ["prices from " + r.from];
      var month = times(r.total, volume);
      if (i >= SHOWN && !showAll) tr.className = "hidden";
      if (r.variant) how.push(r.variant);
      if (r.tier !== null) how.push("tier above " + r.tier.toLocaleString("en-US") + " input tokens");
      tr.dataset.ref = p.model.ref;
      tr.dataset.total = format(r.total, 0);
      tr.dataset.monthly = format(month, 0);
      tr.appendChild(cell(String(i + 1), "num"));
      var name = cell(p.model.name + " ");
      var code = document.createElement("code");
      code.textContent = p.model.ref;
      name.appendChild(code);
      tr.appendChild(name);
      tr.appendChild(cell(monthly ? money(month, true) : money(r.total, false), "num cost"));
      tr.appendChild(cell(how.join(", ")));
      results.appendChild(tr);
      table.push({ rank: i + 1, model: p.model.ref, name: p.model.name, cost_per_request: format(r.total, 0),
        cost_per_month: format(month, 0), requests_per_month: volume.toString(), currency: p.model.currency,
        effective_from: r.from, variant: r.variant || "", tier: r.tier === null ? "" : String(r.tier) });
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
    unfitting.forEach(function (u) {
      var li = document.createElement("li");
      li.dataset.ref = u.model.ref;
      li.textContent = u.model.name + " (" + u.model.ref + "): " + u.why;
      apartList.appendChild(li);
    });
    apart.hidden = !unfitting.length;
    status.textContent = priced.length + " models priced, cheapest first" +
      (monthly ? ", at " + volume.toLocaleString("en-US") + " requests a month" : ", per request") +
      (skipped.length ? "; " + skipped.length + " have no price for it (listed last)" : "") +
      (unfitting.length ? "; " + unfitting.length + " cannot take it (below)" : "") + ".";
    more.hidden = priced.length + skipped.length <= SHOWN;
    more.textContent = showAll ? "Show the " + SHOWN + " cheapest only" : "Show all " + (priced.length + skipped.length);
    return finish();
  }
  function finish() { renderCompare(); saveState(); }
  var SHOWN = 10, showAll = false, more = document.getElementById("calc-more");
  more.addEventListener("click", function () { showAll = !showAll; calculate(); });
  // "change" too: a select chosen with the mouse may fire only that.
  form.addEventListener("input", calculate);
  form.addEventListener("change", calculate);
  form.addEventListener("submit", function (e) { e.preventDefault(); calculate(); });

  // --- downloads -------------------------------------------------------------------
  var COLUMNS = ["rank", "model", "name", "cost_per_request", "cost_per_month", "requests_per_month", "currency",
    "effective_from", "variant", "tier"];
  function csvCell(value) {
    var text = String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text; // a spreadsheet would run it as a formula (OWASP)
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }
  function exportText(kind) {
    if (kind === "json") {
      return JSON.stringify({ format_version: "1.0", at: form.elements.at.value || data.today,
        variant: form.elements.variant.value || null, usage: usageState(), models: table }, null, 2) + "\n";
    }
    return [COLUMNS.join(",")].concat(table.map(function (row) {
      return COLUMNS.map(function (c) { return csvCell(row[c]); }).join(",");
    })).join("\r\n") + "\r\n";
  }
  function download(kind) {
    var blob = new Blob([exportText(kind)], { type: kind === "json" ? "application/json" : "text/csv" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "model-costs." + kind;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }
  document.getElementById("download-csv").addEventListener("click", function () { download("csv"); });
  document.getElementById("download-json").addEventListener("click", function () { download("json"); });
  window.modelctlExport = exportText;  // for tests and for people who prefer the console

  // --- the comparison ------------------------------------------------------------
  var MAX_PICKS = 5, picks = [];
  var compareSection = document.getElementById("compare"), compareBody = document.querySelector("#compare-table tbody");
  var compareHint = document.getElementById("compare-hint");
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input.pick-box"));
  function label(key) { return data.labels[key] || key; }
  function current(m) { return priceSet(m, form.elements.at.value || data.today, "") || { prices: {}, tiers: [] }; }
  function compareRows(models) {
    var rows = [
      ["Provider", function (m) { return m.provider; }],
      ["Status", function (m) { return m.status + (m.available ? "" : " (not available)"); }],
      ["Context window", function (m) { return m.context ? m.context.toLocaleString("en-US") : "–"; }],
      ["Max output", function (m) { return m.max_output ? m.max_output.toLocaleString("en-US") : "–"; }],
      ["Released", function (m) { return m.released || "–"; }],
      ["Input", function (m) { return m.input.join(", "); }],
      ["Output", function (m) { return m.output.join(", "); }],
    ];
    var keys = [];
    models.forEach(function (m) { Object.keys(current(m).prices).forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); }); });
    var order = Object.keys(data.labels);
    keys.sort(function (a, b) { return order.indexOf(a) - order.indexOf(b); });
    keys.forEach(function (k) {
      rows.push([label(k) + (k.indexOf("_per_1m") > 0 ? " /1M" : ""), function (m) {
        var v = current(m).prices[k]; return v === undefined ? "–" : format(dec(v), 2);
      }]);
    });
    rows.push(["Tiers", function (m) {
      return current(m).tiers.map(function (t) { return "above " + t.above_input_tokens.toLocaleString("en-US"); }).join(", ") || "–";
    }]);
    rows.push(["Features", function (m) { return m.features.join(", ").replace(/_/g, " ") || "–"; }]);
    rows.push(["Cost per request", function (m) {
      var row = table.find(function (r) { return r.model === m.ref; });
      return row ? money(dec(row.cost_per_request), false) : "not priced";
    }]);
    rows.push(["Cost per month", function (m) {
      var row = table.find(function (r) { return r.model === m.ref; });
      return row ? money(dec(row.cost_per_month), true) : "not priced";
    }]);
    return rows;
  }
  function renderCompare() {
    boxes.forEach(function (b) { b.checked = picks.indexOf(b.value) >= 0; b.disabled = !b.checked && picks.length >= MAX_PICKS; });
    compareSection.hidden = picks.length === 0;
    compareBody.textContent = "";
    var models = picks.map(function (r) { return byRef[r]; }).filter(Boolean);
    compareHint.textContent = models.length < 2 ? "Choose at least one more model to compare (2 to 5)." :
      models.length + " models side by side; at most " + MAX_PICKS + ".";
    if (!models.length) return;
    var head = document.createElement("tr");
    head.appendChild(document.createElement("th"));
    models.forEach(function (m) { var th = document.createElement("th"); th.scope = "col"; th.textContent = m.name; head.appendChild(th); });
    compareBody.appendChild(head);
    compareRows(models).forEach(function (spec) {
      var tr = document.createElement("tr"), th = document.createElement("th");
      th.scope = "row"; th.textContent = spec[0];
      tr.appendChild(th);
      models.forEach(function (m) { tr.appendChild(cell(spec[1](m))); });
      compareBody.appendChild(tr);
    });
  }
  boxes.forEach(function (b) {
    b.addEventListener("change", function () {
      picks = picks.filter(function (r) { return r !== b.value; });
      if (b.checked && picks.length < MAX_PICKS) picks.push(b.value);
      renderCompare();
      saveState();
    });
  });
  document.getElementById("compare-clear").addEventListener("click", function () { picks = []; renderCompare(); saveState(); });

  // --- the model table: sorting and filtering ------------------------------
  var modelTable = document.getElementById("model-table");
  var body = modelTable.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var heads = Array.prototype.slice.call(modelTable.tHead.rows[0].cells);

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

  var filters = {
    q: document.getElementById("f-search"), provider: document.getElementById("f-provider"),
    status: document.getElementById("f-status"), feature: document.getElementById("f-feature"),
    modality: document.getElementById("f-modality"), avail: document.getElementById("f-available"),
  };
  var counter = document.getElementById("f-count");
  function filter() {
    var q = filters.q.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (row) {
      var d = row.dataset;
      var ok = (!q || d.search.indexOf(q) >= 0) && (!filters.provider.value || d.provider === filters.provider.value) &&
        (!filters.status.value || d.status === filters.status.value) &&
        (!filters.feature.value || d.features.split(" ").indexOf(filters.feature.value) >= 0) &&
        (!filters.modality.value || d.input.split(" ").indexOf(filters.modality.value) >= 0) &&
        (!filters.avail.checked || d.available === "1");
      row.classList.toggle("hidden", !ok);
      if (ok) n++;
    });
    counter.textContent = "Showing " + n + " of " + rows.length + " models";
    saveState();
  }
  Object.keys(filters).forEach(function (k) {
    var el = filters[k];
    el.addEventListener(el.tagName === "INPUT" && el.type !== "checkbox" ? "input" : "change", filter);
  });

  // --- the page's state in its URL ---------------------------------------------
  var restoring = true;
  function usageState() {
    var out = {};
    FIELDS.forEach(function (f) { out[f] = form.elements[f].value.replace(/[\s_,]/g, ""); });
    return out;
  }
  function saveState() {
    if (restoring) return;
    var params = new URLSearchParams();
    FIELDS.concat(["volume", "at", "variant", "view"]).forEach(function (f) {
      var v = form.elements[f].value.replace(/[\s_,]/g, "");
      if (v !== String(DEFAULTS[f]).replace(/[\s_,]/g, "")) params.set(f, v);
    });
    if (form.elements.all.checked) params.set("all", "1");
    if (picks.length) params.set("compare", picks.join(","));
    Object.keys(filters).forEach(function (k) {
      var el = filters[k];
      if (el.type === "checkbox" ? el.checked : el.value) params.set(k, el.type === "checkbox" ? "1" : el.value);
    });
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }
  function restoreState() {
    var params = new URLSearchParams(location.search);
    FIELDS.concat(["volume", "at", "variant", "view"]).forEach(function (f) {
      if (params.has(f)) form.elements[f].value = params.get(f);
    });
    form.elements.all.checked = params.get("all") === "1";
    picks = (params.get("compare") || "").split(",").filter(function (r) { return byRef[r]; }).slice(0, MAX_PICKS);
    Object.keys(filters).forEach(function (k) {
      var el = filters[k];
      if (!params.has(k)) return;
      if (el.type === "checkbox") el.checked = params.get(k) === "1"; else el.value = params.get(k);
    });
  }
  document.getElementById("copy-link").addEventListener("click", function () {
    var note = document.getElementById("link-status");
    var done = function () { note.textContent = "Link copied."; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(location.href).then(done, function () { note.textContent = location.href; });
    } else {
      note.textContent = location.href;
    }
  });
  restoreState();
  calculate();
  filter();
  restoring = false;
  saveState();

  // --- details: all open without JavaScript; with it, open on demand ---------
  var details = document.querySelectorAll("details.model-details");
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1)), target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") target.open = true;
  }
  details.forEach(function (d) { d.open = false; });
  window.addEventListener("hashchange", openTarget);
  openTarget();
  var wasOpen = [];
  window.addEventListener("beforeprint", function () {
    wasOpen = Array.prototype.map.call(details, function (d) { return d.open; });
    details.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    details.forEach(function (d, i) { d.open = wasOpen[i]; });
  });
  document.getElementById("show-extra").addEventListener("change", function (e) {
    document.getElementById("details").classList.toggle("show-extra", e.target.checked);
  });
})();
