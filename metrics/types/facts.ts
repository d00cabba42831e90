import type { MetricDefinition } from "../definition.ts";
import { sql } from "../sql.ts";
import type { MetricContext, MetricRows } from "./context.ts";
import { withDimensions } from "./dimensions.ts";

type FactMetric = Extract<MetricDefinition, { type: "period_aggregate" | "auc" | "kaplan_meier" }>;

/**
 * The fact rows each period reads, one row per (period, fact row): `period`, a column per dimension
 * (the account's, in the month of the fact, or the fact's own), and the expressions asked for, named.
 * Metric types aggregate over it; it never selects the fact's columns wholesale, so names never clash.
 */
export function periodFacts(metric: FactMetric, context: MetricContext, expressions: Record<string, string>): MetricRows {
  const { db, window } = context;
  let rows: MetricRows = db.selectFrom(`${context.periods ?? "periods"} as p`).innerJoin(`marts.${metric.table} as f`, (join) => {
    const on = join.onRef("f.month_index", "<=", "p.month_index");
    if (metric.over === "to_date") return on;
    const months = metric.over === "window" ? sql<number>`${window}` : sql.ref<number>("p.span_months");
    return on.on("f.month_index", ">", sql<number>`p.month_index - ${months}`);
  });
  rows = rows.select("p.period");
  // Definitions are reviewed code: their SQL names the fact's columns as f.<column>.
  if (metric.filter) rows = rows.where(sql.raw<boolean>(metric.filter));
  rows = rows.select(Object.entries(expressions).map(([alias, expression]) => sql.raw(expression).as(alias)));
  const source = { alias: "f", table: metric.table, accounts: metric.accounts, carries: metric.carries, monthColumn: metric.dimensionsAt };
  return withDimensions(rows, source, context).query;
}

/** The period and dimension columns of rows under `alias`: what every metric groups and partitions by. */
export function groupColumns(alias: string, { by }: MetricContext): string[] {
  return ["period", ...by.map((d) => d.name)].map((column) => `${alias}.${column}`);
}

/** Rows (a subquery, named `alias`) aggregated per period and group; the caller selects the aggregates. */
export function perGroup(rows: MetricRows, alias: string, context: MetricContext): MetricRows {
  const columns = groupColumns(alias, context);
  return context.db.selectFrom(rows.as(alias)).select(columns).groupBy(columns);
}
