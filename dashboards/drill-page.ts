import { type Html, html, raw } from "./html.ts";

/**
 * drill.html: the accounts behind one figure, named by the link that opened it (?s=SET&m=METRIC&p=PERIOD
 * and d.DIM=VALUE for its group). Plain script over the set's data file; every name from the data is
 * text (textContent), never markup, and a CSV cell that a spreadsheet would run as a formula is quoted.
 */
export function drillBody(): Html {
  return html`<section class="section">
    <div id="drill" aria-live="polite"><p class="empty">Loading the accounts behind this figure…</p></div>
    <script>
      ${raw(SCRIPT)};
    </script>
  </section>`;
}

const SCRIPT = String.raw`(function () {
  var root = document.getElementById("drill");
  var params = new URLSearchParams(location.search);
  var set = params.get("s") || "";
  function el(tag, text, className) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (className) e.className = className;
    return e;
  }
  function say(text) { root.replaceChildren(el("p", text, "empty")); }
  if (!/^[0-9a-f]{12}$/.test(set)) {
    say("Open this page from a figure: every tile, chart mark and table cell of an account metric links here with the accounts behind it.");
    return;
  }
  window.bellwetherDrill = show;
  var script = document.createElement("script");
  script.src = "data/drill-" + set + ".js";
  script.onerror = function () { say("The accounts behind this figure are not in this site: build it again."); };
  document.head.appendChild(script);

  function show(data) {
    if (data.id !== set) return;
    var metric = params.get("m");
    var info = data.metrics[metric];
    var period = params.get("p");
    if (!info) return say("This site lists no accounts for the metric " + metric + ".");
    var at = function (name) { return data.columns.findIndex(function (c) { return c.name === name; }); };
    var money = new Intl.NumberFormat("en-US", { style: "currency", currency: data.currency, maximumFractionDigits: 2 });
    var shown = function (value, format) {
      if (value === null || value === undefined || !isFinite(value)) return "—";
      if (format === "currency") return money.format(value);
      if (format === "percent") return (value * 100).toFixed(1) + "%";
      if (format === "nps") return (value > 0 ? "+" : "") + (value * 100).toFixed(1);
      if (format === "ratio") return value.toFixed(2);
      if (format === "score") return value.toFixed(1);
      return Math.round(value).toLocaleString("en-US");
    };
    var groups = data.by.map(function (d) { return { name: d, i: at(d), value: params.has("d." + d) ? params.get("d." + d) : undefined }; });
    var parts = info.parts.map(function (p) { var i = at(p.name); return { name: p.name, role: p.role, i: i, column: data.columns[i] }; });
    var rows = data.rows.filter(function (r) {
      return r[at("period")] === period &&
        groups.every(function (g) { return g.value === undefined || (g.value === "" ? r[g.i] === null : String(r[g.i]) === g.value); }) &&
        parts.some(function (p) { return (r[p.i] || 0) !== 0; });
    });
    var total = function (p) {
      var sum = rows.reduce(function (s, r) { return s + (r[p.i] || 0); }, 0);
      return p.column.format === "currency" ? Math.round(sum * 100) / 100 : sum;
    };
    var sums = parts.map(total);
    var where = groups.filter(function (g) { return g.value !== undefined; }).map(function (g) { return (data.labels[g.name] || g.name) + " " + (g.value === "" ? "(none)" : g.value); });
    root.replaceChildren();
    root.appendChild(el("h2", info.label + " · " + (info.windows[period] || period) + (where.length ? " · " + where.join(", ") : "")));
    root.appendChild(el("p", info.description, "intro"));
    // A part is named for itself here ("ARR at the period end"); its metric is the heading.
    parts.forEach(function (p) { p.label = p.column.label.indexOf(": ") > 0 ? p.column.label.slice(p.column.label.indexOf(": ") + 2) : p.column.label; });
    var summary;
    var numerator = parts.findIndex(function (p) { return p.role === "numerator"; });
    if (parts.length === 2 && numerator === 0) {
      var quotient = sums[1] ? sums[0] / sums[1] : null;
      summary = rows.length + " accounts: " + parts[0].label + " " + shown(sums[0], parts[0].column.format) + " ÷ " +
        parts[1].label + " " + shown(sums[1], parts[1].column.format) + " = " + shown(quotient, info.format) + ".";
    } else if (parts.length === 1) {
      summary = rows.length + " accounts add up to " + shown(sums[0], info.format) + ".";
    } else {
      summary = rows.length + " accounts. " + info.label + " is computed from these columns; each adds up over the accounts to its total row.";
    }
    var said = el("p", summary, "drill-summary");
    said.setAttribute("data-total", String(sums[0]));
    root.appendChild(said);
    var table = el("table");
    table.id = "drill-accounts";
    var head = el("tr");
    var headers = [{ label: "Account", i: at("account_name") }].concat(parts.map(function (p) { return { label: p.label, i: p.i, num: true }; }));
    // Largest first, by size: a loss of $68K before one of $720.
    var order = { i: parts[0].i, down: true, size: true };
    headers.forEach(function (h) {
      var th = el("th");
      th.scope = "col";
      if (h.num) th.className = "num";
      var button = el("button", h.label);
      button.type = "button";
      button.addEventListener("click", function () { order = { i: h.i, down: order.i === h.i ? !order.down : true, size: false }; fill(); });
      th.appendChild(button);
      head.appendChild(th);
    });
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var body = el("tbody");
    table.appendChild(body);
    var foot = el("tfoot");
    var sumRow = el("tr");
    sumRow.appendChild(el("th", "Total (" + rows.length + " accounts)"));
    parts.forEach(function (p, k) { sumRow.appendChild(el("td", shown(sums[k], p.column.format), "num")); });
    foot.appendChild(sumRow);
    table.appendChild(foot);
    function fill() {
      var sorted = rows.slice().sort(function (a, b) {
        var x = a[order.i], y = b[order.i];
        var c = typeof x === "number" && typeof y === "number" ? (order.size ? Math.abs(x) - Math.abs(y) : x - y) : String(x).localeCompare(String(y));
        return (order.down ? -c : c) || String(a[at("account")]).localeCompare(String(b[at("account")]));
      });
      body.replaceChildren();
      sorted.forEach(function (r) {
        var tr = el("tr");
        var name = el("td");
        var link = el("a", r[at("account_name")] === null ? String(r[at("account")]) : String(r[at("account_name")]));
        link.href = r[at("account_file")];
        name.appendChild(link);
        tr.appendChild(name);
        parts.forEach(function (p) {
          var td = el("td", shown(r[p.i], p.column.format), "num");
          td.setAttribute("data-value", r[p.i] === null ? "" : String(r[p.i]));
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
    }
    fill();
    var wrap = el("div", undefined, "table-wrap");
    wrap.appendChild(table);
    root.appendChild(wrap);
    var csv = el("button", "CSV of these accounts");
    csv.type = "button";
    csv.addEventListener("click", function () {
      var cell = function (v) {
        var text = v === null || v === undefined ? "" : String(v);
        if (/^[=+\-@\t\r]/.test(text) && typeof v !== "number") text = "'" + text;
        return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
      };
      var lines = [["period", "account", "account_name"].concat(parts.map(function (p) { return p.name; })).map(cell).join(",")];
      rows.forEach(function (r) {
        lines.push([period, r[at("account")], r[at("account_name")]].concat(parts.map(function (p) { return r[p.i]; })).map(cell).join(","));
      });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([lines.join("\n") + "\n"], { type: "text/csv" }));
      a.download = metric + "-" + period + "-accounts.csv";
      a.click();
    });
    root.appendChild(el("p", undefined, "downloads")).appendChild(csv);
  }
})()`;
