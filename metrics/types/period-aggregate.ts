import type { MetricDefinition } from "../definition.ts";
import { sql } from "../sql.ts";
import type { MetricContext, MetricRows, MetricType } from "./context.ts";

type PeriodAggregate = Extract<MetricDefinition, { type: "period_aggregate" }>;

const aggregates: Record<PeriodAggregate["agg"], (measure: string, metric: PeriodAggregate) => string> = {
  sum: (m) => `sum(${m})`,
  count: (m) => `count(${m})`,
  avg: (m) => `avg(${m})`,
  median: (m) => `median(${m})`,
  percentile: (m, metric) => `quantile_cont(${m}, ${Number(metric.quantile)})`,
};

/**
 * An aggregate over the fact rows of each period's months (a quarter is its three months), each row
 * grouped by its account's dimensions in the month it happened. With `latest`, only the latest row per
 * key within the period counts (NPS: each contact's latest answer).
 */
export const periodAggregate: MetricType<PeriodAggregate> = {
  shareKey: (metric) => `aggregate:${metric.table}:${metric.filter ?? ""}:${JSON.stringify(metric.latest ?? null)}`,
  build(metrics: readonly PeriodAggregate[], { db, by, where, span }: MetricContext): MetricRows {
    // Metrics built together share the table, filter and latest rule: the first one's stand for all.
    const [metric] = metrics;
    if (!metric) throw new Error("period_aggregate: no metrics to build");
    // Definitions are reviewed code: measure, filter and latest name the fact's columns as f.<column>.
    let facts = db
      .selectFrom("periods as p")
      .innerJoin(`marts.${metric.table} as f`, (join) =>
        join.on("f.month_index", ">", sql<number>`p.month_index - ${span}`).onRef("f.month_index", "<=", "p.month_index"),
      )
      .select("p.period")
      .selectAll("f");
    if (metric.filter) facts = facts.where(sql.raw<boolean>(metric.filter));
    if (metric.latest) {
      facts = facts.select(
        sql.raw(`row_number() OVER (PARTITION BY p.period, ${metric.latest.per} ORDER BY ${metric.latest.by})`).as("__rank"),
      );
    }
    let query = db
      .selectFrom(facts.as("f"))
      // A left join: a fact from before an account's first paid month (a trial's tickets) still counts in
      // totals; it has no dimensions that month, so it is in no group.
      .leftJoin("marts.account_months as am", (join) =>
        join.onRef("am.account_id", "=", "f.account_id").onRef("am.month_index", "=", "f.month_index"),
      )
      .select("f.period")
      .select(by.map((d) => sql.ref(`am.${d.column}`).as(d.name)))
      .select(metrics.map((m, k) => sql.raw(aggregates[m.agg](m.measure, m)).as(`value_${k}`)))
      .groupBy(["f.period", ...by.map((d) => `am.${d.column}`)]);
    if (metric.latest) query = query.where("f.__rank", "=", 1);
    for (const { dimension, value } of where) query = query.where(`am.${dimension.column}`, "=", value);
    return query;
  },
  // A sum or count over no rows is 0; an average or median of nothing is undefined.
  empty: (metric) => (metric.agg === "sum" || metric.agg === "count" ? 0 : null),
};
