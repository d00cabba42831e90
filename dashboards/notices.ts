import { formatValue } from "../core/format.ts";
import type { Warehouse } from "../core/warehouse.ts";

/** The build's as-of date (marts.as_of) and whether its month is still running. */
export interface AsOf {
  date: string;
  monthToDate: boolean;
}

/**
 * What the numbers on every page leave out (exports never landed, rows quarantined, lines without an
 * FX rate), in sentences shown at the top of each page as warnings; and `schedule`, the book's normal
 * state of term contracts running past the as-of date (they count as ARR until they end), which is not
 * a warning: the renewals page says it in a line, and the build prints it.
 */
export interface Notices {
  asOf: AsOf | null;
  sentences: string[];
  schedule: string | null;
}

/** What each landing table feeds, for the sentence saying it was never landed. */
const FEEDS: Record<string, string> = {
  usage_events: "usage, adoption and the health measures built on them: active users per seat, usage trend, adoption breadth",
  support_tickets: "support metrics and the health measures built on them: open urgent tickets, tickets per seat",
  survey_responses: "NPS, CSAT and CES, and the health score's sentiment measure",
  crm_contacts: "the health score's relationship measure, champions and buyers",
  crm_milestones: "time to value by milestone",
  finance_cs_costs: "cost to retain and the other cost metrics",
  crm_opportunities: "CSQL conversion",
};

export async function readNotices(db: Warehouse, currency: string): Promise<Notices> {
  const sentences: string[] = [];
  let schedule: string | null = null;
  let asOf: AsOf | null = null;
  if (await db.tableExists("marts", "as_of")) {
    const row = await db.one<{ date: string | null; mtd: boolean; lines: number; arr: number }>(
      `SELECT {{ format_time(as_of, '%Y-%m-%d') }} AS date, is_month_to_date AS mtd, lines_ending_after AS lines, arr_ending_after AS arr
       FROM marts.as_of WHERE EXISTS (SELECT 1 FROM marts.months)`,
    );
    if (row?.date) {
      asOf = { date: row.date, monthToDate: row.mtd };
      if (row.lines > 0) {
        schedule = `Renewal schedule: ${row.lines.toLocaleString("en-US")} subscription line${row.lines === 1 ? " runs" : "s run"} past ${row.date}, carrying ${formatValue(Number(row.arr), "currency", { currency })} ARR; ${row.lines === 1 ? "it counts" : "they count"} as ARR until ${row.lines === 1 ? "its" : "their"} end date passes (build with --as-of DATE to report later).`;
      }
    }
  }
  if (asOf) {
    for (const [table, feeds] of Object.entries(FEEDS)) {
      if (!(await db.tableExists("raw", table))) continue;
      const landed = (await db.one<{ n: number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM raw."${table}" LIMIT 1) AS one`))?.n ?? 0;
      if (!landed) sentences.push(`No ${table} export has been landed: no data for ${feeds} (which is not the same as zero).`);
    }
  }
  if (await db.tableExists("marts", "lines_without_fx")) {
    const missing = await db.all<{ currency: string; months: string; lines: number; arr: number }>(
      `SELECT currency, string_agg(DISTINCT {{ format_time(fx_month, '%Y-%m') }}, ', ' ORDER BY {{ format_time(fx_month, '%Y-%m') }}) AS months,
         count(*) AS lines, sum(arr_local) AS arr
       FROM marts.lines_without_fx GROUP BY currency ORDER BY currency`,
    );
    for (const m of missing) {
      sentences.push(
        `${m.lines.toLocaleString("en-US")} ${m.currency} subscription line${m.lines === 1 ? " has" : "s have"} no FX rate for ${m.months} and ${m.lines === 1 ? "is" : "are"} left out of ARR: ${formatValue(Number(m.arr), "currency", { currency: m.currency })} a year in ${m.currency}. Add the rates to finance_fx_rates.`,
      );
    }
  }
  if (await db.tableExists("quarantine", "crm_subscriptions")) {
    const held = (await db.one<{ n: number }>("SELECT count(*) AS n FROM quarantine.crm_subscriptions"))?.n ?? 0;
    if (held > 0) {
      sentences.push(
        `${held.toLocaleString("en-US")} subscription line${held === 1 ? " was" : "s were"} quarantined and ${held === 1 ? "is" : "are"} left out of ARR: see the data quality page.`,
      );
    }
  }
  return { asOf, sentences, schedule };
}
