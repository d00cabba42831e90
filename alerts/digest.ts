import { daysInMonth, isoDate, monthIndexOf } from "../core/dates.ts";
import { formatMoney } from "../core/format.ts";
import type { Warehouse } from "../core/warehouse.ts";
import { query } from "../metrics/query.ts";
import type { MetricSettings } from "../metrics/settings.ts";

/**
 * DESIGN "React": what moved since the last digest — ARR and its bridge, the biggest movers, alerts
 * opened and closed, renewals due in the next 30 days with their band. The marts hold months, so the
 * bridge covers whole months: from the start of the month the digest looks back to, to the as-of day.
 */
export interface Digest {
  asOf: string;
  since: string;
  /** The first day of the first month the bridge covers. */
  from: string;
  bridge: { opening: number; new: number; reactivation: number; expansion: number; contraction: number; churn: number; closing: number };
  movers: { account_id: string; name: string | null; before: number; after: number; change: number; page: string }[];
  opened: { rule: string; severity: string; account_id: string | null; message: string }[];
  closed: number;
  renewals: { account_id: string; name: string | null; due_date: string; arr_due: number; health_band: string | null }[];
}

const BRIDGE = ["opening_arr", "new_arr", "reactivation_arr", "expansion_arr", "contraction_arr", "churned_arr", "arr"] as const;

/** The day the last digest was sent as of, if one was (meta.digests). */
export async function lastDigest(db: Warehouse): Promise<string | null> {
  if (!(await db.tableExists("meta", "digests"))) return null;
  const row = await db.one<{ d: string | null }>("SELECT {{ format_time(max(as_of), '%Y-%m-%d') }} AS d FROM meta.digests");
  return row?.d ?? null;
}

/** Records a digest sent, so the next one starts where it ended. */
export async function recordDigest(db: Warehouse, digest: Digest): Promise<void> {
  await db.run("CREATE SCHEMA IF NOT EXISTS meta");
  await db.run("CREATE TABLE IF NOT EXISTS meta.digests (sent_at TIMESTAMP, since DATE, as_of DATE)");
  await db.run("INSERT INTO meta.digests VALUES (now()::TIMESTAMP, CAST($1 AS DATE), CAST($2 AS DATE))", [digest.since, digest.asOf]);
}

/**
 * The digest as of the warehouse's as-of day, since `since` (by default the last digest's day, else 30
 * days before the as-of). `pageOf` gives an account's page in the site.
 */
export async function buildDigest(
  db: Warehouse,
  config: MetricSettings,
  options: { since?: string; pageOf: (accountId: string) => string },
): Promise<Digest> {
  const asOf = (await db.one<{ d: string }>("SELECT {{ format_time(as_of, '%Y-%m-%d') }} AS d FROM marts.as_of"))?.d as string;
  const since = options.since ?? (await lastDigest(db)) ?? dayBefore(asOf, 30);
  if (since > asOf) throw new Error(`--since ${since} is after the warehouse's as-of day, ${asOf}`);
  const from = `${since.slice(0, 7)}-01`;
  const asOfMonth = monthIndexOf(asOf);
  const monthEnd = isoDate(asOfMonth, daysInMonth(asOfMonth));
  const months = (await query(db, config, { metrics: [...BRIDGE], grain: "month", from, to: monthEnd })).rows;
  const sum = (metric: string) => round(months.reduce((s, r) => s + Number(r[metric] ?? 0), 0));
  const bridge = {
    opening: Number(months[0]?.opening_arr ?? 0),
    new: sum("new_arr"),
    reactivation: sum("reactivation_arr"),
    expansion: sum("expansion_arr"),
    contraction: sum("contraction_arr"),
    churn: sum("churned_arr"),
    closing: Number(months.at(-1)?.arr ?? 0),
  };
  const [start, end] = [monthIndexOf(from) - 1, monthIndexOf(asOf)];
  // The largest changes of ARR over the bridge's months, ties broken by account id.
  const movers = await db.all<{ account_id: string; name: string | null; before: number; after: number; change: number }>(
    `SELECT coalesce(b.account_id, a.account_id) AS account_id, acc.name, coalesce(b.arr, 0) AS before, coalesce(a.arr, 0) AS after,
       coalesce(a.arr, 0) - coalesce(b.arr, 0) AS change
     FROM (SELECT account_id, arr FROM marts.account_months WHERE month_index = $1) AS b
     FULL JOIN (SELECT account_id, arr FROM marts.account_months WHERE month_index = $2) AS a ON a.account_id = b.account_id
     LEFT JOIN marts.accounts AS acc ON acc.account_id = coalesce(b.account_id, a.account_id)
     WHERE coalesce(a.arr, 0) <> coalesce(b.arr, 0)
     ORDER BY abs(coalesce(a.arr, 0) - coalesce(b.arr, 0)) DESC, 1
     LIMIT 5`,
    [start, end],
  );
  const alerts = await db.tableExists("meta", "alerts");
  const opened = alerts
    ? await db.all<Digest["opened"][number]>(
        `SELECT rule, severity, account_id, message FROM meta.alerts
         WHERE NOT coalesce(baseline, false) AND opened_month >= CAST($1 AS DATE) ORDER BY opened_month, rule, subject`,
        [from],
      )
    : [];
  const closed = alerts
    ? Number((await db.one<{ n: number }>("SELECT count(*) AS n FROM meta.alerts WHERE closed_month >= CAST($1 AS DATE)", [from]))?.n ?? 0)
    : 0;
  const renewals = await db.all<Digest["renewals"][number]>(
    `SELECT r.account_id, acc.name, {{ format_time(r.due_date, '%Y-%m-%d') }} AS due_date, r.arr_due, h.health_band
     FROM marts.renewals AS r
     LEFT JOIN marts.accounts AS acc ON acc.account_id = r.account_id
     LEFT JOIN marts.health_scores AS h ON h.account_id = r.account_id AND h.month_index = $1
     WHERE r.due_date > CAST($2 AS DATE) AND r.due_date <= CAST($3 AS DATE)
     ORDER BY r.due_date, r.account_id`,
    [end, asOf, dayBefore(asOf, -30)],
  );
  return {
    asOf,
    since,
    from,
    bridge,
    movers: movers.map((m) => ({
      ...m,
      before: Number(m.before),
      after: Number(m.after),
      change: Number(m.change),
      page: options.pageOf(m.account_id),
    })),
    opened,
    closed,
    renewals: renewals.map((r) => ({ ...r, arr_due: Number(r.arr_due) })),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

/** The ISO day `days` before `iso` (after, when negative). */
function dayBefore(iso: string, days: number): string {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

/** The digest as plain text: the run's output, the mail's body. Names from the data are the caller's to neutralise. */
export function digestText(digest: Digest, currency: string): string {
  const money = (x: number) => formatMoney(x, currency, "full");
  const signed = (x: number) => (x === 0 ? money(0) : `${x > 0 ? "+" : "−"}${money(Math.abs(x))}`);
  const b = digest.bridge;
  const lines = [
    `Bellwether digest: ${digest.since} to ${digest.asOf} (the bridge covers ${digest.from} to ${digest.asOf})`,
    "",
    `ARR ${money(b.opening)} → ${money(b.closing)} (${signed(b.closing - b.opening)})`,
    `  new ${signed(b.new)} · reactivation ${signed(b.reactivation)} · expansion ${signed(b.expansion)} · contraction ${signed(b.contraction)} · churn ${signed(b.churn)}`,
    "",
    digest.movers.length ? "Biggest movers:" : "Biggest movers: none",
    ...digest.movers.map(
      (m) => `  ${m.name ?? m.account_id} (${m.account_id}): ${money(m.before)} → ${money(m.after)} (${signed(m.change)}) · ${m.page}`,
    ),
    "",
    `Alerts opened: ${digest.opened.length} · closed: ${digest.closed}`,
    ...digest.opened.map((a) => `  [${a.severity}] ${a.message}`),
    "",
    digest.renewals.length ? "Renewals due in the next 30 days:" : "Renewals due in the next 30 days: none",
    ...digest.renewals.map(
      (r) => `  ${r.due_date} ${r.name ?? r.account_id} (${r.account_id}): ${money(r.arr_due)} · ${r.health_band ?? "not scored"}`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}
