import { createHash } from "node:crypto";
import { formatValue } from "../../core/format.ts";
import type { Warehouse } from "../../core/warehouse.ts";
import { type MetricRow, query } from "../../metrics/query.ts";
import { type Html, html } from "../html.ts";
import * as Plot from "@observablehq/plot";
import { lineChart } from "../line-chart.ts";
import { axis } from "../marks.ts";
import { type DashboardSettings, definePage, type SiteWriter } from "../page.ts";
import { plainTable, sortableTable, type TableColumn, tile } from "./tables.ts";

/** An account's page, relative to the site: its id when that is a safe file name, else a stable hash of it. */
export function accountFile(accountId: string): string {
  const safe = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$/.test(accountId)
    ? accountId
    : `id-${createHash("sha1").update(accountId).digest("hex").slice(0, 16)}`;
  return `accounts/${safe}.html`;
}

/** A link to an account's page from a page at the site's root (or `root` deeper). */
export const accountLink = (accountId: unknown, label: unknown = accountId, root = "") =>
  accountId === null || accountId === undefined
    ? html`${label ?? "—"}`
    : html`<a href="${root}${accountFile(String(accountId))}">${label}</a>`;

export type AccountRow = MetricRow & {
  account_id: string;
  name: string | null;
  segment: string;
  owner_csm: string | null;
  owner_is_pool: number | string | null;
  industry: string | null;
  region: string | null;
  plan: string | null;
  arr: number;
  health_band: string | null;
  score: number | null;
  weakest_measure: string | null;
  next_renewal: string | null;
  open_alerts: number;
  /** paying (ARR now), churned (paid before, not now) or never paid. */
  status: "paying" | "churned" | "never paid";
};

/** Every account that ever paid, as it stands in the newest month. */
export async function accountRows(db: Warehouse): Promise<AccountRow[]> {
  const alerts = (await db.tableExists("meta", "alerts"))
    ? "SELECT account_id, count(*) AS n FROM meta.alerts WHERE closed_month IS NULL GROUP BY account_id"
    : "SELECT CAST(NULL AS VARCHAR) AS account_id, 0 AS n WHERE false";
  // marts.renewals reaches four quarters ahead; a longer term's next renewal is its end date. (No
  // comment inside the SQL: an apostrophe there would read as a string to PostgreSQL's schema mapping.)
  return db.all<AccountRow>(`
    WITH latest AS (SELECT max(month_index) AS m FROM marts.months),
    renewals AS (
      SELECT account_id, min(due_date) AS due_date FROM (
        SELECT r.account_id, r.due_date FROM marts.renewals AS r WHERE r.is_upcoming
        UNION ALL
        SELECT l.account_id, l.end_date FROM marts.subscription_lines AS l CROSS JOIN marts.as_of AS o
        WHERE l.interval_months >= 3 AND l.arr IS NOT NULL AND l.start_date <= o.as_of AND l.end_date > o.as_of
      ) AS due GROUP BY account_id
    ),
    alerts AS (${alerts})
    SELECT am.account_id, a.name, am.segment, am.owner_csm, CASE WHEN am.owner_is_pool THEN 1 ELSE 0 END AS owner_is_pool, am.industry, am.region, am.plan,
      {{ float(am.arr) }} AS arr, h.health_band, h.score, h.weakest_measure,
      {{ format_time(r.due_date, '%Y-%m-%d') }} AS next_renewal, coalesce(al.n, 0) AS open_alerts,
      CASE WHEN am.arr > 0 THEN 'paying' WHEN ever.paid THEN 'churned' ELSE 'never paid' END AS status
    FROM marts.account_months AS am
    CROSS JOIN latest
    JOIN marts.accounts AS a ON a.account_id = am.account_id
    LEFT JOIN marts.health_scores AS h ON h.account_id = am.account_id AND h.month_index = am.month_index
    LEFT JOIN renewals AS r ON r.account_id = am.account_id
    LEFT JOIN alerts AS al ON al.account_id = am.account_id
    LEFT JOIN (SELECT account_id, max(arr) > 0 AS paid FROM marts.account_months GROUP BY account_id) AS ever ON ever.account_id = am.account_id
    WHERE am.month_index = latest.m
    ORDER BY am.arr DESC, am.account_id`);
}

const ACCOUNT_COLUMNS: TableColumn[] = [
  { name: "account_id", label: "Account", link: (r) => accountLink(r.account_id) },
  { name: "name", label: "Name" },
  { name: "segment", label: "Segment" },
  { name: "owner_csm", label: "Owner", link: (r) => bookLink(r.owner_csm) },
  { name: "industry", label: "Industry" },
  { name: "status", label: "Status" },
  { name: "arr", label: "ARR", format: "currency" },
  { name: "health_band", label: "Band" },
  { name: "score", label: "Score", format: "count" },
  { name: "weakest_measure", label: "Weakest measure" },
  { name: "next_renewal", label: "Next renewal" },
  { name: "open_alerts", label: "Open alerts", format: "count" },
];

/** A CSM book's page, relative to the site root. */
export function bookFile(owner: string): string {
  const slug = owner
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase()
    .slice(0, 40);
  return `books/${slug || "owner"}-${createHash("sha1").update(owner).digest("hex").slice(0, 6)}.html`;
}

export const bookLink = (owner: unknown, root = "") =>
  owner === null || owner === undefined || owner === "" ? html`—` : html`<a href="${root}${bookFile(String(owner))}">${owner}</a>`;

/** Monthly series of a metric for one account, as a line, dates along x. */
function series(
  site: SiteWriter,
  rows: MetricRow[],
  y: string,
  label: string,
  format: "currency" | "count" | "ratio",
  title: string,
  since?: string,
) {
  const points = rows
    .filter((r) => r[y] !== null && (since === undefined || String(r.period) >= since))
    .map((r) => ({ date: new Date(`${String(r.period)}T00:00:00Z`), value: Number(r[y]) }));
  if (points.length === 0) return html`<p class="empty">No data for this yet.</p>`;
  const { currency } = site.context;
  return lineChart(
    {
      marginLeft: 70,
      y: { label, integer: format === "count", ...axis(format === "ratio" ? "count" : format, site.context) },
      series: [
        {
          points,
          color: "#3b6fb6",
          title: (d) => `${d.date.toISOString().slice(0, 10)}\n${formatValue(d.value, format, { currency })}`,
        },
      ],
    },
    { title, description: `${label} each month` },
  );
}

/** Each measure's colour in Plot's categorical scheme, as the other pages' Plot legends give it. */
function measureColors(names: readonly string[]): { name: string; color: string }[] {
  const scale = Plot.scale({ color: { type: "categorical", domain: names } });
  return names.map((name) => ({ name, color: String(scale.apply(name)) }));
}

/** Everything the account pages show, for one batch of accounts: read a batch at a time, so a book of
 * 10,000 accounts never holds every ticket and measure in memory at once. */
async function detailsFor(db: Warehouse, config: DashboardSettings, ids: readonly string[]) {
  const list = ids.map((_, i) => `$${i + 1}`).join(", ");
  const byAccount = async (sql: string): Promise<Map<string, MetricRow[]>> => {
    const out = new Map<string, MetricRow[]>();
    for (const row of await db.all<MetricRow>(sql.replace("{{ ids }}", list), [...ids])) {
      const id = String(row.account_id);
      const rows = out.get(id);
      if (rows) rows.push(row);
      else out.set(id, [row]);
    }
    return out;
  };
  const metrics = await query(db, config, {
    metrics: ["arr", "health_score_avg", "active_users_30d", "tickets"],
    by: ["account"],
    where: { account: ids },
  });
  const monthly = new Map<string, MetricRow[]>();
  for (const row of metrics.rows) {
    const id = String(row.account);
    const rows = monthly.get(id);
    if (rows) rows.push(row);
    else monthly.set(id, [row]);
  }
  const recent = "(SELECT max(month_index) - 11 FROM marts.months)";
  // Before the product analytics start, "no active users" is no data, not zero: the chart starts there.
  const usage = await db.one<{ since: string | null }>(
    `SELECT {{ format_time(min(m.month_end), '%Y-%m-%d') }} AS since
     FROM marts.account_usage_months AS u JOIN marts.months AS m USING (month_index) WHERE u.active_users_30d > 0`,
  );
  return {
    // No usage at all: the chart says there is no data rather than drawing zeros.
    usageSince: usage?.since ?? "9999-12-31",
    monthly,
    movements: await byAccount(
      `SELECT account_id, {{ format_time(month_end, '%Y-%m-%d') }} AS month, movement, {{ float(amount) }} AS amount, {{ float(arr) }} AS arr
       FROM marts.arr_movements WHERE account_id IN ({{ ids }}) ORDER BY account_id, month_index DESC`,
    ),
    measures: await byAccount(
      `SELECT account_id, {{ format_time(m.month_end, '%Y-%m-%d') }} AS period, s.label, {{ float(s.score) }} AS score
       FROM marts.health_measure_scores AS s JOIN marts.months AS m USING (month_index)
       WHERE s.account_id IN ({{ ids }}) AND s.score IS NOT NULL AND s.month_index >= ${recent} ORDER BY account_id, s.month_index, s.label`,
    ),
    tickets: await byAccount(
      `SELECT account_id, ticket_id, {{ format_time(created_at, '%Y-%m-%d') }} AS created, priority, status, category,
         first_response_hours, csat
       FROM (SELECT t.*, row_number() OVER (PARTITION BY account_id ORDER BY created_at DESC, ticket_id) AS n
             FROM marts.tickets AS t WHERE t.account_id IN ({{ ids }})) AS t
       WHERE n <= 15 ORDER BY account_id, n`,
    ),
    answers: await byAccount(
      `SELECT account_id, {{ format_time(responded_at, '%Y-%m-%d') }} AS answered, survey, score, comment
       FROM (SELECT s.*, row_number() OVER (PARTITION BY account_id ORDER BY responded_at DESC, response_id) AS n
             FROM marts.survey_answers AS s WHERE s.account_id IN ({{ ids }})) AS s
       WHERE n <= 15 ORDER BY account_id, n`,
    ),
    contacts: await byAccount(
      `SELECT account_id, contact_id, email, title, role, {{ format_time(started_at, '%Y-%m-%d') }} AS started,
         {{ format_time(left_at, '%Y-%m-%d') }} AS left_on,
         CASE WHEN role = 'champion' AND left_at IS NOT NULL THEN 'champion who left' ELSE '' END AS note
       FROM staging.crm_contacts WHERE account_id IN ({{ ids }}) ORDER BY account_id, left_at IS NOT NULL, role, contact_id`,
    ),
    renewals: await byAccount(
      `SELECT account_id, {{ format_time(due_date, '%Y-%m-%d') }} AS due, {{ float(arr_due) }} AS arr_due,
         {{ float(arr_outcome) }} AS arr_outcome, outcome
       FROM marts.renewals WHERE account_id IN ({{ ids }}) ORDER BY account_id, due_date DESC`,
    ),
    alerts: (await db.tableExists("meta", "alerts"))
      ? await byAccount(
          `SELECT account_id, {{ format_time(opened_month, '%Y-%m-%d') }} AS opened,
             coalesce({{ format_time(closed_month, '%Y-%m-%d') }}, 'open') AS closed, severity, rule, message
           FROM meta.alerts WHERE account_id IN ({{ ids }}) ORDER BY account_id, opened_month DESC, rule`,
        )
      : new Map<string, MetricRow[]>(),
  };
}

/** Accounts per batch of account pages. */
const BATCH = 500;

/** Writes accounts/<id>.html for every account that ever paid, and returns the table of all of them. */
async function renderAccounts(db: Warehouse, config: DashboardSettings, site: SiteWriter): Promise<Html> {
  if (!(await db.tableExists("marts", "account_months"))) return html`<p class="empty">No data for this yet.</p>`;
  const accounts = await accountRows(db);
  const { currency } = site.context;
  for (let from = 0; from < accounts.length; from += BATCH) {
    const batch = accounts.slice(from, from + BATCH);
    const { usageSince, monthly, movements, measures, tickets, answers, contacts, renewals, alerts } = await detailsFor(
      db,
      config,
      batch.map((a) => a.account_id),
    );
    for (const account of batch) {
      const id = account.account_id;
      // Health and usage describe a customer: months it was not paying are gaps in their lines, not values.
      const all = monthly.get(id) ?? [];
      const paying = new Set(all.filter((r) => Number(r.arr) > 0).map((r) => String(r.period)));
      const rows = all.map((r) => (paying.has(String(r.period)) ? r : { ...r, health_score_avg: null, active_users_30d: null }));
      const lastPaid = [...paying].sort().at(-1);
      const allScores = (measures.get(id) ?? [])
        .filter((r) => paying.has(String(r.period)))
        .map((r) => ({ label: String(r.label), value: Number(r.score), date: new Date(`${String(r.period)}T00:00:00Z`) }));
      // Four lines at most: the score and the three measures weakest at its latest month (the table of
      // measures is the weakest measure tile; every measure is in marts.health_measure_scores).
      const latest = allScores.reduce((m, r) => Math.max(m, r.date.getTime()), 0);
      const weakest = allScores
        .filter((r) => r.date.getTime() === latest)
        .sort((a, b) => a.value - b.value || a.label.localeCompare(b.label))
        .slice(0, 3)
        .map((r) => r.label);
      const score = allScores.filter((r) => weakest.includes(r.label));
      const scoreChart =
        score.length === 0
          ? html`<p class="empty">Unscored: no measure of the scorecard has data for this account.</p>`
          : lineChart(
              {
                height: 220,
                y: { label: "Score (0–100)", domain: [0, 100] },
                rules: [40, 70],
                series: [
                  // Plot's own colour scale, over the labels sorted as a Plot legend would sort them.
                  ...measureColors([...new Set(score.map((r) => r.label))].sort()).map(({ name, color }) => ({
                    name,
                    color,
                    points: score.filter((r) => r.label === name),
                  })),
                  {
                    color: "currentColor",
                    width: 2.5,
                    points: rows
                      // The measures' twelve months: the chart says "last twelve months".
                      .filter((r) => r.health_score_avg !== null && String(r.period) >= (measures.get(id)?.[0]?.period as string))
                      .map((r) => ({ date: new Date(`${String(r.period)}T00:00:00Z`), value: Number(r.health_score_avg) })),
                  },
                ],
              },
              {
                title: "Health score and its three weakest measures",
                description:
                  "The score (thick) and the 0–100 scores of the three measures weakest in its latest month, over the last twelve months it paid; dashed: the band edges.",
              },
            );
      const churned = account.status === "churned" && lastPaid ? `Churned: last paid in ${monthName(lastPaid)}` : "";
      const body = html`<p class="as-of">
          ${id} · ${account.segment} · ${account.industry ?? "—"} · ${account.region ?? "—"} · plan ${account.plan ?? "—"} · owner
          ${bookLink(account.owner_csm, "../")}${Number(account.owner_is_pool) === 1 ? " (pool)" : ""}
        </p>
        ${churned ? html`<p class="notice">${churned}; its health and usage are shown for the months it paid.</p>` : ""}
        <section class="tiles" aria-label="Headline numbers">
          ${tile("ARR", formatValue(account.arr, "currency", { currency, style: "compact" }))}
          ${tile(
            "Health",
            account.status === "churned"
              ? "churned"
              : account.score === null
                ? "unscored"
                : `${Math.round(account.score)} · ${account.health_band}`,
          )}
          ${tile("Weakest measure", account.weakest_measure ?? "—")} ${tile("Next renewal", account.next_renewal ?? "—")}
          ${tile("Open alerts", String(account.open_alerts))}
        </section>
        <section class="section">
          <h2>ARR</h2>
          <figure class="block">
            ${series(
              site,
              rows,
              "arr",
              `ARR (${currency})`,
              "currency",
              "ARR each month",
              // From the first month it paid: the months before it was a customer are not a zero.
              rows.find((r) => Number(r.arr) > 0)?.period as string | undefined,
            )}
          </figure>
          ${plainTable(
            "ARR movements",
            [
              { name: "month", label: "Month" },
              { name: "movement", label: "Movement" },
              { name: "amount", label: "Change", format: "currency" },
              { name: "arr", label: "ARR after", format: "currency" },
            ],
            movements.get(id) ?? [],
            currency,
            "No movements.",
          )}
        </section>
        <section class="section">
          <h2>Health</h2>
          <figure class="block">${scoreChart}</figure>
        </section>
        <section class="section">
          <h2>Usage and support</h2>
          <figure class="block">
            ${series(site, rows, "active_users_30d", "Active users (30 days)", "count", "Active users each month", usageSince)}
          </figure>
          ${plainTable(
            "Support tickets",
            [
              { name: "created", label: "Opened" },
              { name: "ticket_id", label: "Ticket" },
              { name: "priority", label: "Priority" },
              { name: "status", label: "Status" },
              { name: "category", label: "Category" },
              { name: "first_response_hours", label: "First response (h)", format: "ratio" },
              { name: "csat", label: "CSAT", format: "count" },
            ],
            tickets.get(id) ?? [],
            currency,
            "No tickets.",
          )}
        </section>
        <section class="section">
          <h2>Answers</h2>
          ${plainTable(
            "Survey answers",
            [
              { name: "answered", label: "Answered" },
              { name: "survey", label: "Survey" },
              { name: "score", label: "Score", format: "count" },
              { name: "comment", label: "Comment" },
            ],
            answers.get(id) ?? [],
            currency,
            "No survey answers.",
          )}
        </section>
        <section class="section">
          <h2>Contacts</h2>
          ${plainTable(
            "Contacts",
            [
              { name: "contact_id", label: "Contact" },
              { name: "email", label: "Email" },
              { name: "title", label: "Title" },
              { name: "role", label: "Role" },
              { name: "started", label: "Since" },
              { name: "left_on", label: "Left" },
              { name: "note", label: "" },
            ],
            contacts.get(id) ?? [],
            currency,
            "No contacts in the CRM.",
          )}
        </section>
        <section class="section">
          <h2>Renewals</h2>
          ${plainTable(
            "Renewals",
            [
              { name: "due", label: "Due" },
              { name: "arr_due", label: "ARR due", format: "currency" },
              { name: "arr_outcome", label: "ARR after", format: "currency" },
              { name: "outcome", label: "Outcome" },
            ],
            renewals.get(id) ?? [],
            currency,
            "No renewal due: month-to-month lines only.",
          )}
        </section>
        <section class="section">
          <h2>Alerts</h2>
          ${plainTable(
            "Alerts",
            [
              { name: "opened", label: "Opened" },
              { name: "closed", label: "Closed" },
              { name: "severity", label: "Severity" },
              { name: "rule", label: "Rule" },
              { name: "message", label: "What" },
            ],
            alerts.get(id) ?? [],
            currency,
            "No alerts.",
          )}
        </section>`;
      site.write(accountFile(id), account.name ?? id, body);
    }
  }
  // Text searches names and ids only ("red" is a band, chosen below, not every "Redwood"); churned out until asked for.
  return sortableTable("accounts", ACCOUNT_COLUMNS, accounts, currency, {
    search: ["account_id", "name"],
    filters: [
      { column: "status", label: "Status", hide: "churned" },
      { column: "health_band", label: "Band" },
      { column: "segment", label: "Segment" },
      { column: "owner_csm", label: "Owner" },
    ],
  });
}

/** Every account: a table to sort and filter in the page (no server), each row linking to the account's page. */
export const accountsPage = definePage({
  file: "accounts.html",
  nav: "Accounts",
  title: "Accounts",
  intro:
    "Every account that has paid, as it stands in the newest month: status, ARR, health, weakest measure, next renewal and open alerts. Type a name to find it; choose a status, band, segment or owner to narrow the list (churned accounts are left out until you choose them); click a column to sort. Each account has a page of its own.",
  sections: [
    {
      title: "All accounts",
      blocks: [
        {
          kind: "content",
          reads: [
            "marts.account_months",
            "marts.accounts",
            "marts.health_scores",
            "marts.health_measure_scores",
            "marts.renewals",
            "marts.arr_movements",
            "marts.tickets",
            "marts.survey_answers",
            "marts.account_usage_months",
            "marts.months",
            "staging.crm_contacts",
            "alerts",
          ],
          render: renderAccounts,
        },
      ],
    },
  ],
});

/** "Mar 2025" for a month's last day. */
function monthName(period: string): string {
  return new Date(`${period}T00:00:00Z`).toLocaleDateString("en-US", { month: "short", year: "numeric", timeZone: "UTC" });
}
