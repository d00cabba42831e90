import { formatValue, type ValueFormat } from "../../core/format.ts";
import type { MetricRow } from "../../metrics/query.ts";
import { Html, html, raw } from "../html.ts";

export interface TableColumn {
  name: string;
  label: string;
  format?: ValueFormat;
  /** The cell as a link (to an account's or a book's page). */
  link?(row: MetricRow): Html;
}

/*
 * Filtering and sorting in the page itself, so it works opened from disk: every cell carries its raw
 * value in data-value. The text box matches the columns named in data-search (all, when none are);
 * each select keeps the rows whose cell in its column has the chosen value ("!v": all but v).
 * Sorting puts empty cells last whichever way it goes.
 */
const SCRIPT = `(function () {
  var root = document.currentScript.parentElement;
  var input = root.querySelector("input[type=search]");
  var shown = root.querySelector(".shown");
  var table = root.querySelector("table");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var search = (root.getAttribute("data-search") || "").split(",").filter(Boolean).map(Number);
  var selects = Array.prototype.slice.call(root.querySelectorAll("select[data-column]"));
  function count() {
    var n = rows.filter(function (r) { return !r.hidden; }).length;
    shown.textContent = n + " of " + rows.length;
  }
  function apply() {
    var q = input.value.trim().toLowerCase();
    rows.forEach(function (r) {
      var text = search.length ? search.map(function (i) { return r.cells[i].textContent; }).join(" ") : r.textContent;
      var keep = q === "" || text.toLowerCase().indexOf(q) >= 0;
      selects.forEach(function (s) {
        var want = s.value, have = r.cells[Number(s.getAttribute("data-column"))].getAttribute("data-value");
        if (want === "") return;
        if (want.charAt(0) === "!" ? have === want.slice(1) : have !== want) keep = false;
      });
      r.hidden = !keep;
    });
    count();
  }
  input.addEventListener("input", apply);
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
    th.querySelector("button").addEventListener("click", function () {
      var numeric = th.classList.contains("num");
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var key = function (r) {
        var v = r.cells[i].getAttribute("data-value");
        return v === "" ? null : numeric ? Number(v) : v.toLowerCase();
      };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
        return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  apply();
})();`;

/*
 * Numbers, a single short word (a date, a band, an id, "Manufacturing"), a short label ("FY2026 Q3") and
 * a window ("12 months to 2026-09-30") never break; other text of short words breaks between them; text with a long token (a file path)
 * breaks anywhere rather than widen the table past the page.
 */
function cellClass(value: unknown, numeric: boolean): string {
  if (numeric) return "num";
  const text = (value instanceof Html ? value.value.replace(/<[^>]*>/g, "") : typeof value === "string" ? value : "").trim();
  const words = text.split(/\s+/);
  if (words.some((w) => w.length > 24)) return "";
  return words.length === 1 || text.length <= 12 || /^\d+ months to \d{4}-\d\d-\d\d$/.test(text) ? "word" : "words";
}

/** A cell of a column: its link, its formatted number, or its text. */
function cell(column: TableColumn, row: MetricRow, currency: string): Html | string | number {
  const value = row[column.name];
  if (column.link) return column.link(row);
  if (column.format) return formatValue(value as number | null, column.format, { currency });
  return value ?? "—";
}

/** Cells already formatted, as a table: numeric columns right-aligned; a caption for screen readers. */
export function dataTable(
  caption: string,
  headers: readonly string[],
  rows: readonly (readonly (string | number | Html)[])[],
  numeric: readonly boolean[],
): Html {
  return html`<div class="table-wrap">
    <table>
      <caption class="visually-hidden">
        ${caption}
      </caption>
      <thead>
        <tr>
          ${headers.map((h, i) => html`<th scope="col" class="${numeric[i] ? "num" : ""}">${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr>
              ${r.map((value, i) => html`<td class="${cellClass(value, Boolean(numeric[i]))}">${value}</td>`)}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** Detail rows as a plain table (an account's tickets, a book's renewals), or a sentence when there are none. */
export function plainTable(
  caption: string,
  columns: readonly TableColumn[],
  rows: readonly MetricRow[],
  currency: string,
  empty: string,
): Html {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return dataTable(
    caption,
    columns.map((c) => c.label),
    rows.map((r) => columns.map((c) => cell(c, r, currency))),
    columns.map((c) => Boolean(c.format)),
  );
}

/** A headline number of a page of its own (an account's, a book's); long text gets a smaller face. */
export const tile = (label: string, value: string) =>
  html`<div class="tile">
    <div class="label">${label}</div>
    <div class="value ${value.length > 8 ? "text" : ""}">${value}</div>
  </div>`;

/** A select over one column's values; `hide` starts it at "all but" that value (churned accounts out by default). */
export interface ColumnFilter {
  column: string;
  label: string;
  hide?: string;
}

export interface SortableOptions {
  /** The columns the text box searches (an account's id and name), instead of every cell. */
  search?: readonly string[];
  filters?: readonly ColumnFilter[];
}

/** A table of rows with a filter box, selects by column and sortable columns, in plain script on static data. */
export function sortableTable(
  id: string,
  columns: readonly TableColumn[],
  rows: readonly MetricRow[],
  currency: string,
  { search = [], filters = [] }: SortableOptions = {},
): Html {
  const at = (name: string) => columns.findIndex((c) => c.name === name);
  const searched = search.map((n) => columns.find((c) => c.name === n)?.label.toLowerCase() ?? n).join(" or ");
  const selects = filters.map((f) => {
    const values = [
      ...new Set(
        rows
          .map((r) => r[f.column])
          .filter((v) => v !== null && v !== undefined && v !== "")
          .map(String),
      ),
    ].sort();
    return html`<label
      >${f.label}
      <select data-column="${at(f.column)}">
        <option value="">all</option>
        ${f.hide ? html`<option value="!${f.hide}" selected>all but ${f.hide}</option>` : ""}
        ${values.map((v) => html`<option value="${v}">${v}</option>`)}
      </select></label
    >`;
  });
  return html`<div class="sortable" id="${id}" data-search="${search.map(at).join(",")}">
    <p class="filter">
      <label>Filter <input type="search" placeholder="${search.length ? `${searched}…` : "name, owner, segment, band…"}" /></label>
      ${selects} <span class="shown"></span>
    </p>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            ${columns.map((c) => html`<th scope="col" class="${c.format ? "num" : ""}"><button type="button">${c.label}</button></th>`)}
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (r) =>
              html`<tr>
                ${columns.map((c) => {
                  const value = r[c.name];
                  const shown = c.link
                    ? c.link(r)
                    : c.format
                      ? formatValue(value as number | null, c.format, { currency })
                      : (value ?? "—");
                  return html`<td class="${cellClass(shown, Boolean(c.format))}" data-value="${value ?? ""}">${shown}</td>`;
                })}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <script>
      ${raw(SCRIPT)};
    </script>
  </div>`;
}
