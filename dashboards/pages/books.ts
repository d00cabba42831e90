import { formatValue } from "../../core/format.ts";
import type { Warehouse } from "../../core/warehouse.ts";
import { type MetricRow, query } from "../../metrics/query.ts";
import { type Html, html } from "../html.ts";
import { lineChart } from "../line-chart.ts";
import { type DashboardSettings, definePage, type SiteWriter } from "../page.ts";
import { type AccountRow, accountLink, accountRows, bookFile, bookLink } from "./accounts.ts";
import { plainTable, sortableTable, type TableColumn, tile } from "./tables.ts";

const BANDS = ["red", "yellow", "green", "unscored"];

/** The book of each owner at the newest month end: the metrics by owner, and the health mix. */
async function books(db: Warehouse, config: DashboardSettings) {
  const latest = await db.one<{ period: string | null }>(
    "SELECT {{ format_time(max(month_end), '%Y-%m-%d') }} AS period FROM marts.months",
  );
  const at = { from: latest?.period ?? undefined, to: latest?.period ?? undefined };
  const totals = await query(db, config, { metrics: ["arr", "customers"], by: ["owner_csm"], ...at });
  const mix = await query(db, config, { metrics: ["health_accounts"], by: ["owner_csm", "health_band"], ...at });
  // Each book's ARR month by month, and its NRR and GRR over the twelve months to each month end (the
  // accounts the owner held at the window start).
  const trend = await query(db, config, { metrics: ["arr", "nrr", "grr"], by: ["owner_csm"], grain: "month" });
  return { totals: totals.rows, mix: mix.rows, trend: trend.rows };
}

async function renderBooks(db: Warehouse, config: DashboardSettings, site: SiteWriter): Promise<Html> {
  if (!(await db.tableExists("marts", "account_months"))) return html`<p class="empty">No data for this yet.</p>`;
  const { currency } = site.context;
  const pools = new Set(config.pools);
  // A book is measured against its segment's target: the segment holding most of its ARR.
  const targetOf = (segment: string | null) => {
    const value = (segment === null ? undefined : config.segmentTargets.arr_per_csm?.[segment]) ?? config.targets.arr_per_csm;
    return typeof value === "number" ? value : null;
  };
  const accounts = await accountRows(db);
  const { totals, mix, trend } = await books(db, config);
  const due = await db.all<MetricRow>(`
    SELECT r.account_id, a.name, am.owner_csm, {{ format_time(r.due_date, '%Y-%m-%d') }} AS due, {{ float(r.arr_due) }} AS arr_due,
      coalesce(h.health_band, 'unscored') AS health_band
    FROM marts.renewals AS r
    CROSS JOIN marts.as_of AS x
    JOIN marts.accounts AS a ON a.account_id = r.account_id
    JOIN marts.account_months AS am ON am.account_id = r.account_id AND am.month_index = r.basis_month_index
    LEFT JOIN marts.health_scores AS h ON h.account_id = r.account_id AND h.month_index = r.basis_month_index
    WHERE r.due_date > x.as_of AND r.due_date <= {{ add_days(x.as_of, 90) }}
    ORDER BY r.due_date, r.account_id`);
  const owners = [...new Set(accounts.map((a) => a.owner_csm ?? ""))].filter((o) => o !== "").sort();
  const rows: MetricRow[] = owners.map((owner) => {
    const total = totals.find((t) => t.owner_csm === owner);
    const bands = Object.fromEntries(
      BANDS.map((b) => [b, Number(mix.find((m) => m.owner_csm === owner && m.health_band === b)?.health_accounts ?? 0)]),
    );
    const renewals = due.filter((d) => d.owner_csm === owner);
    const arr = Number(total?.arr ?? 0);
    const segment = mainSegment(accounts.filter((a) => a.owner_csm === owner));
    const target = pools.has(owner) ? null : targetOf(segment);
    return {
      owner_csm: owner,
      kind: pools.has(owner) ? "pool" : "CSM",
      segment,
      customers: Number(total?.customers ?? 0),
      arr,
      red: bands.red ?? 0,
      yellow: bands.yellow ?? 0,
      green: bands.green ?? 0,
      unscored: bands.unscored ?? 0,
      due_90d: renewals.reduce((sum, r) => sum + Number(r.arr_due), 0),
      open_alerts: accounts.filter((a) => a.owner_csm === owner).reduce((sum, a) => sum + Number(a.open_alerts), 0),
      // A pool is not a person: no coverage against a CSM's target.
      target,
      coverage: target === null ? null : arr / target,
    };
  });
  const accountColumns: TableColumn[] = [
    { name: "account_id", label: "Account", link: (r) => accountLink(r.account_id, r.account_id, "../") },
    { name: "name", label: "Name" },
    { name: "segment", label: "Segment" },
    { name: "arr", label: "ARR", format: "currency" },
    { name: "health_band", label: "Band" },
    { name: "weakest_measure", label: "Weakest measure" },
    { name: "next_renewal", label: "Next renewal" },
    { name: "open_alerts", label: "Open alerts", format: "count" },
  ];
  for (const row of rows) {
    const owner = String(row.owner_csm);
    const own = accounts.filter((a) => a.owner_csm === owner && a.arr > 0);
    const renewals = due.filter((d) => d.owner_csm === owner);
    const months = trend.filter((t) => t.owner_csm === owner).slice(-24);
    const now = months.at(-1);
    const rate = (metric: "nrr" | "grr") => (typeof now?.[metric] === "number" ? formatValue(now[metric] as number, "percent") : "—");
    const totalArr = own.reduce((sum, a) => sum + Number(a.arr), 0);
    const totalDue = renewals.reduce((sum, r) => sum + Number(r.arr_due), 0);
    const body = html`<p class="as-of">
        ${site.context.asOf ? `Data as of ${site.context.asOf} · ` : ""}
        ${row.kind === "pool" ? "A pooled owner (config pools): left out of per-CSM ratios." : "A CSM's book."}
        <a href="../books.html">All books</a>
      </p>
      <section class="tiles" aria-label="Headline numbers">
        ${tile("Paying accounts", formatValue(Number(row.customers), "count"))}
        ${tile("ARR", formatValue(Number(row.arr), "currency", { currency, style: "compact" }))} ${tile("NRR, 12 months", rate("nrr"))}
        ${tile("GRR, 12 months", rate("grr"))} ${tile("Red · yellow · green", `${row.red} · ${row.yellow} · ${row.green}`)}
        ${tile("Due in 90 days", formatValue(Number(row.due_90d), "currency", { currency, style: "compact" }))}
        ${tile("Open alerts", String(row.open_alerts))}
      </section>
      <section class="section">
        <h2>ARR</h2>
        <figure class="block">
          ${bookTrend(months, currency)}
          <figcaption>
            NRR and GRR above are the twelve months to ${String(now?.period ?? "—")}, over the accounts this owner held twelve months
            before.
          </figcaption>
        </figure>
      </section>
      <section class="section">
        <h2>Accounts</h2>
        ${sortableTable("book-accounts", accountColumns, own, currency)}
        <p class="total">
          Total: ${formatValue(own.length, "count")} paying accounts, ${formatValue(totalArr, "currency", { currency })} ARR.
        </p>
      </section>
      <section class="section">
        <h2>Renewals due in the next 90 days</h2>
        ${plainTable(
          "Renewals due in the next 90 days",
          [
            { name: "due", label: "Due" },
            { name: "name", label: "Account", link: (r) => accountLink(r.account_id, r.name ?? r.account_id, "../") },
            { name: "health_band", label: "Band" },
            { name: "arr_due", label: "ARR due", format: "currency" },
          ],
          renewals,
          currency,
          "No renewal due in the next 90 days.",
        )}
        ${
          renewals.length
            ? html`<p class="total">
                Total: ${formatValue(renewals.length, "count")} renewals, ${formatValue(totalDue, "currency", { currency })} ARR due.
              </p>`
            : ""
        }
      </section>`;
    site.write(bookFile(owner), `${owner}: book`, body);
  }
  const columns: TableColumn[] = [
    { name: "owner_csm", label: "Owner", link: (r) => bookLink(r.owner_csm) },
    { name: "kind", label: "Kind" },
    { name: "segment", label: "Segment" },
    { name: "customers", label: "Paying accounts", format: "count" },
    { name: "arr", label: "ARR", format: "currency" },
    { name: "red", label: "Red", format: "count" },
    { name: "yellow", label: "Yellow", format: "count" },
    { name: "green", label: "Green", format: "count" },
    { name: "unscored", label: "Unscored", format: "count" },
    { name: "due_90d", label: "Due in 90 days", format: "currency" },
    { name: "open_alerts", label: "Open alerts", format: "count" },
    // Coverage only against a target the team set (config targets / segmentTargets).
    ...(rows.some((r) => r.target !== null)
      ? [
          { name: "target", label: "Target ARR per CSM", format: "currency" } as const,
          { name: "coverage", label: "ARR ÷ target", format: "percent" } as const,
        ]
      : []),
  ];
  const sum = (key: string) => rows.reduce((total, r) => total + Number(r[key] ?? 0), 0);
  return html`${sortableTable("books", columns, rows, currency)}
    <p class="total">
      Total: ${formatValue(sum("customers"), "count")} paying accounts, ${formatValue(sum("arr"), "currency", { currency })} ARR,
      ${formatValue(sum("due_90d"), "currency", { currency })} due in 90 days, across ${formatValue(rows.length, "count")} owners.
    </p>`;
}

/** The segment holding most of a book's ARR (ties: the name first in order). */
function mainSegment(accounts: readonly AccountRow[]): string | null {
  const bySegment = new Map<string, number>();
  for (const a of accounts) if (a.segment && a.arr > 0) bySegment.set(a.segment, (bySegment.get(a.segment) ?? 0) + a.arr);
  const ranked = [...bySegment].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  return ranked[0]?.[0] ?? null;
}

/** Each owner's book: CSMs and pools, with their accounts, health mix, renewals due and alerts. */
export const booksPage = definePage({
  file: "books.html",
  nav: "Books",
  title: "CSM books",
  intro:
    "Each owner's book at the newest month end: paying accounts, ARR, health mix, renewals due in the next 90 days and open alerts. Pooled owners (config pools, e.g. a digital-CS queue) are shown as pools and left out of ARR and accounts per CSM; when the config sets a target ARR per CSM (targets.arr_per_csm, by segment in segmentTargets), coverage compares a CSM's ARR with the target of the segment holding most of the book.",
  sections: [
    {
      title: "Books",
      blocks: [
        {
          kind: "content",
          reads: [
            "marts.account_months",
            "marts.accounts",
            "marts.health_scores",
            "marts.renewals",
            "marts.as_of",
            "marts.months",
            "alerts",
          ],
          render: renderBooks,
        },
      ],
    },
  ],
});

/** A book's ARR each month, the last two years. */
function bookTrend(months: readonly MetricRow[], currency: string): Html {
  const points = months
    .filter((m) => m.arr !== null)
    .map((m) => ({ date: new Date(`${String(m.period)}T00:00:00Z`), value: Number(m.arr) }));
  if (points.length === 0) return html`<p class="empty">No data for this yet.</p>`;
  return lineChart(
    {
      marginLeft: 70,
      y: { label: `ARR (${currency})`, tickFormat: (v) => formatValue(v, "currency", { currency, style: "compact" }) },
      series: [
        {
          points,
          color: "#3b6fb6",
          title: (p) => `${p.date.toISOString().slice(0, 10)}\n${formatValue(p.value, "currency", { currency })}`,
        },
      ],
    },
    { title: "Book ARR each month", description: "The ARR of the accounts this owner holds, at each month end, the last two years" },
  );
}
