import { addDays } from "../../core/dates.ts";
import type { MetricRow } from "../../metrics/query.ts";
import { groupedBars, histogram, lines, metricSeries } from "../marks.ts";
import { definePage } from "../page.ts";
import { lastPeriods } from "./periods.ts";

const WINDOWS = [30, 60, 90];
const REACHED = WINDOWS.map((days) => `ttv_reached_${days}d`);

/**
 * A quarter's share within a window rests on its oldest few accounts until the window has passed for
 * all of them (the quarter's end + the window ≤ the as-of): unknown (null) until then.
 */
export function oldEnough(row: MetricRow, asOf: string | undefined): MetricRow {
  if (!asOf) return row;
  const young = WINDOWS.filter((days) => addDays(String(row.period), days) > asOf).map((days) => [`ttv_reached_${days}d`, null]);
  return { ...row, ...Object.fromEntries(young) };
}

/** Time to value: how fast new customers get there, by segment and cohort. */
export const ttvPage = definePage({
  file: "ttv.html",
  nav: "Time to value",
  title: "Time to value",
  intro:
    "Days from an account's first paid day to value (by default its value_one milestone; the config can use active users instead). Accounts are grouped by the fiscal quarter they started in. The Kaplan–Meier median also counts accounts that have not got there yet.",
  tiles: { metrics: ["ttv_median_days", "ttv_km_median_days", "ttv_reached_30d", "ttv_reached_90d"], query: { grain: "year" } },
  sections: [
    {
      title: "Distribution",
      blocks: [
        {
          kind: "listing",
          id: "ttv-distribution",
          reads: ["marts.account_ttv", "marts.accounts"],
          title: "Days to value, every account that reached it",
          description: "Histogram: accounts by days from first paid day to value, in 7-day bins.",
          rows: (db) =>
            db.all(
              "SELECT t.account_id, a.name, {{ format_time(t.start_date, '%Y-%m-%d') }} AS start_date, t.ttv_days FROM marts.account_ttv AS t JOIN marts.accounts AS a USING (account_id) WHERE t.reached ORDER BY t.ttv_days, t.account_id",
            ),
          columns: [
            { name: "account_id", label: "Account" },
            { name: "name", label: "Name" },
            { name: "start_date", label: "Started" },
            { name: "ttv_days", label: "Days to value", format: "days" },
          ],
          table: false,
          plot: (rows) => histogram(rows, { x: "ttv_days", label: "Days to value", thresholds: 20 }),
          empty: "No account has reached value yet.",
        },
      ],
    },
    {
      title: "By cohort and segment",
      blocks: [
        {
          kind: "chart",
          id: "ttv-by-cohort",
          title: "Median days to value by starting quarter, last twelve quarters",
          description:
            "Lines: median days to value of the accounts that started in each fiscal quarter, among those that reached it, and the Kaplan–Meier median over all of them, for the last twelve quarters.",
          query: { metrics: ["ttv_median_days", "ttv_km_median_days"], grain: "quarter" },
          plot: (rows, context) =>
            lines(
              metricSeries(lastPeriods(rows, 12), ["ttv_median_days", "ttv_km_median_days"], context),
              { y: "value", by: "series", format: "days", label: "Days to value" },
              context,
            ),
        },
        {
          kind: "metric_table",
          id: "ttv-counts",
          title: "How many accounts each quarter's figures rest on, last eight quarters",
          description:
            "Accounts that started in each fiscal quarter, how many of them reached value, and the medians: a quarter of a few accounts moves on one of them.",
          query: { metrics: ["ttv_started_accounts", "ttv_reached_accounts", "ttv_median_days", "ttv_km_median_days"], grain: "quarter" },
          last: 8,
        },
        {
          kind: "chart",
          id: "ttv-by-segment",
          title: "Median days to value by segment, by starting fiscal year",
          description: "Bars: median days to value of the accounts that started in each fiscal year, per segment.",
          query: { metrics: ["ttv_median_days"], by: ["segment"], grain: "year" },
          plot: (rows, context) =>
            groupedBars(lastPeriods(rows, 3), { y: "ttv_median_days", by: "segment", format: "days", label: "Days to value" }, context),
        },
        {
          kind: "chart",
          id: "ttv-reached-within",
          title: "Share reaching value within 30, 60 and 90 days, by starting quarter",
          description:
            "Lines: of the accounts that started in each fiscal quarter, the share that reached value within 30, 60 and 90 days, for the last twelve quarters; a quarter shows a window once all its accounts are that old.",
          query: { metrics: REACHED, grain: "quarter" },
          plot: (rows, context) =>
            lines(
              metricSeries(
                lastPeriods(rows, 12).map((r) => oldEnough(r, context.asOf)),
                REACHED,
                context,
              ),
              { y: "value", by: "series", format: "percent", label: "Reached value (%)" },
              context,
            ),
        },
      ],
    },
  ],
});
