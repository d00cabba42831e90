import type { MetricDefinition } from "../definition.ts";
import { sql } from "../sql.ts";
import type { MetricContext, MetricRows, MetricType } from "./context.ts";

type Snapshot = Extract<MetricDefinition, { type: "snapshot" }>;

const aggregates: Record<Snapshot["agg"], (measure: string) => string> = {
  sum: (m) => `sum(${m})`,
  count_distinct: (m) => `count(DISTINCT ${m})`,
  avg: (m) => `avg(${m})`,
};

/** An aggregate over each account's row for the period's last month, grouped as of that month. */
export const snapshot: MetricType<Snapshot> = {
  shareKey: (metric) => `snapshot:${metric.at}:${metric.filter ?? ""}`,
  build(metrics: readonly Snapshot[], { db, by, where, span }: MetricContext): MetricRows {
    const [first] = metrics;
    if (!first) throw new Error("snapshot: no metrics to build");
    const offset = first.at === "period_start" ? span : 0;
    let query = db
      .selectFrom("periods as p")
      .innerJoin("marts.account_months as am", (join) => join.on("am.month_index", "=", sql<number>`p.month_index - ${offset}`))
      .select("p.period")
      .select(by.map((d) => sql.ref(`am.${d.column}`).as(d.name)))
      // Definitions are reviewed code, never user input. They name account_months columns unqualified;
      // the only other relation here, periods, has just period and month_index.
      .select(metrics.map((metric, k) => sql.raw(aggregates[metric.agg](metric.measure)).as(`value_${k}`)))
      .groupBy(["p.period", ...by.map((d) => `am.${d.column}`)]);
    if (first.filter) query = query.where(sql.raw<boolean>(first.filter));
    for (const { dimension, value } of where) query = query.where(`am.${dimension.column}`, "=", value);
    return query;
  },
  empty: (metric) => (metric.agg === "avg" ? null : 0),
};
