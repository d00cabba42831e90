import type { MetricDefinition } from "../definition.ts";
import { sql } from "../sql.ts";
import type { MetricContext, MetricRows, MetricType } from "./context.ts";

type PeriodSum = Extract<MetricDefinition, { type: "period_sum" }>;

/**
 * Σ measure over the months of each period (a quarter is its three months), each row grouped by the
 * account's dimensions in the month it happened.
 */
export const periodSum: MetricType<PeriodSum> = {
  build(metric: PeriodSum, { db, by, where, span }: MetricContext): MetricRows {
    let query = db
      .selectFrom("periods as p")
      .innerJoin(`marts.${metric.table} as f`, (join) =>
        join.on("f.month_index", ">", sql<number>`p.month_index - ${span}`).onRef("f.month_index", "<=", "p.month_index"),
      )
      .innerJoin("marts.account_months as am", (join) =>
        join.onRef("am.account_id", "=", "f.account_id").onRef("am.month_index", "=", "f.month_index"),
      )
      .select("p.period")
      .select(by.map((d) => sql.ref(`am.${d.column}`).as(d.name)))
      // Definitions are reviewed code: measure and filter name the fact table's columns as f.<column>.
      .select(sql.raw(`sum(${metric.measure})`).as("value"))
      .groupBy(["p.period", ...by.map((d) => `am.${d.column}`)]);
    if (metric.filter) query = query.where(sql.raw<boolean>(metric.filter));
    for (const { dimension, value } of where) query = query.where(`am.${dimension.column}`, "=", value);
    return query;
  },
  empty: () => 0,
};
