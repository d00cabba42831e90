import type { MetricDefinition } from "../definition.ts";
import { sql } from "../sql.ts";
import type { MetricContext, MetricRows, MetricType } from "./context.ts";
import { withDimensions } from "./dimensions.ts";

type Snapshot = Extract<MetricDefinition, { type: "snapshot" }>;

/** The measure where the metric's filter holds (null elsewhere): metrics with other filters share one pass. */
const where = (filter: string | undefined, value: string) => (filter ? `CASE WHEN ${filter} THEN ${value} END` : value);

const aggregates: Record<Snapshot["agg"], (measure: string, filter: string | undefined, rowPerAccount: boolean) => string> = {
  // A filter that no row of the group passes sums to 0; rows that pass with no value sum to null (no data).
  sum: (m, f) => (f ? `CASE WHEN count(CASE WHEN ${f} THEN 1 END) = 0 THEN 0 ELSE sum(${where(f, m)}) END` : `sum(${m})`),
  // One month of a mart a data test keeps to one row per account and month: distinct accounts are rows.
  count_distinct: (m, f, rowPerAccount) =>
    rowPerAccount && m.trim() === "am.account_id" ? `count(${where(f, m)})` : `count(DISTINCT ${where(f, m)})`,
  avg: (m, f) => `avg(${where(f, m)})`,
};

/** An aggregate over each account's row of an account-month mart for the period's last month, grouped as of that month. */
export const snapshot: MetricType<Snapshot> = {
  shareKey: (metric) => `snapshot:${metric.table}:${metric.at}`,
  dimensions: () => ({ accounts: true, carries: [] }),
  build(metrics: readonly Snapshot[], context: MetricContext): MetricRows {
    const [first] = metrics;
    if (!first) throw new Error("snapshot: no metrics to build");
    // At the period's start: the month before its first, however many months the period covers so far.
    const month = first.at === "period_start" ? sql<number>`p.month_index - p.span_months` : sql.ref<number>("p.month_index");
    const rows = context.db
      .selectFrom(`${context.periods ?? "periods"} as p`)
      .innerJoin(`marts.${first.table} as am`, (join) => join.on("am.month_index", "=", month))
      .select("p.period")
      // Definitions are reviewed code, never user input. They name the table's columns qualified (am.arr).
      .select(
        metrics.map((metric, k) =>
          sql
            .raw(aggregates[metric.agg](metric.measure, metric.filter, context.accountMonthTables?.has(first.table) ?? false))
            .as(`value_${k}`),
        ),
      );
    let { query, groupBy } = withDimensions(rows, { alias: "am", table: first.table, accounts: true }, context);
    return query.groupBy(["p.period", ...groupBy]);
  },
  empty: (metric) => (metric.agg === "avg" ? null : 0),
  parts(metric) {
    const accounts = metric.measure.trim() === "am.account_id";
    if (metric.agg === "sum" || (metric.agg === "count_distinct" && accounts)) return { value: metric };
    if (metric.agg === "count_distinct") return undefined;
    // An average over an account-month mart's rows: the sum over the accounts that have a value, and how many they are.
    const filter = metric.filter ? `(${metric.filter}) AND (${metric.measure}) IS NOT NULL` : `(${metric.measure}) IS NOT NULL`;
    return {
      numerator: { ...metric, name: `${metric.name}_numerator`, label: `${metric.label}: sum`, agg: "sum" },
      denominator: {
        ...metric,
        name: `${metric.name}_denominator`,
        label: `${metric.label}: accounts`,
        agg: "count_distinct",
        measure: "am.account_id",
        filter,
        format: "count",
      },
    };
  },
};
