import type { MetricDefinition } from "../definition.ts";
import { sql } from "../sql.ts";
import type { MetricContext, MetricRows, MetricType } from "./context.ts";
import { perGroup, periodFacts } from "./facts.ts";

type PeriodAggregate = Extract<MetricDefinition, { type: "period_aggregate" }>;

const aggregates: Record<PeriodAggregate["agg"], (value: string, metric: PeriodAggregate) => string> = {
  sum: (v) => `sum(${v})`,
  count: (v) => `count(${v})`,
  avg: (v) => `avg(${v})`,
  median: (v) => `{{ median(${v}) }}`,
  percentile: (v, metric) => `{{ quantile(${v}, ${Number(metric.quantile)}) }}`,
};

/**
 * An aggregate over the fact rows of each period's months (a quarter is its three months), each row
 * grouped by its account's dimensions in the month it happened. With `latest`, only the latest row per
 * key within the period counts (NPS: each contact's latest answer).
 */
export const periodAggregate: MetricType<PeriodAggregate> = {
  shareKey: (metric) =>
    `aggregate:${metric.table}:${metric.over}:${metric.filter ?? ""}:${JSON.stringify(metric.latest ?? null)}:${metric.accounts}:${metric.carries}:${metric.dimensionsAt}`,
  dimensions: (metric) => ({ accounts: metric.accounts, carries: metric.carries }),
  build(metrics: readonly PeriodAggregate[], context: MetricContext): MetricRows {
    // Metrics built together share the table, months, filter and latest rule: the first one's stand for all.
    const [metric] = metrics;
    if (!metric) throw new Error("period_aggregate: no metrics to build");
    const values = Object.fromEntries(metrics.map((m, k) => [`value_in_${k}`, m.measure]));
    if (metric.latest) {
      values.latest_rank = `row_number() OVER (PARTITION BY p.period, ${metric.latest.per} ORDER BY ${metric.latest.by})`;
    }
    let query = perGroup(periodFacts(metric, context, values), "f", context).select(
      metrics.map((m, k) => sql.raw(aggregates[m.agg](`f.value_in_${k}`, m)).as(`value_${k}`)),
    );
    if (metric.latest) query = query.where("f.latest_rank", "=", 1);
    return query;
  },
  // A sum or count over no rows is 0; an average or median of nothing is undefined.
  empty: (metric) => (metric.agg === "sum" || metric.agg === "count" ? 0 : null),
  parts(metric) {
    if (!metric.accounts) return undefined;
    if (metric.agg === "sum" || metric.agg === "count") return { value: metric };
    if (metric.agg !== "avg") return undefined;
    return {
      numerator: { ...metric, name: `${metric.name}_numerator`, label: `${metric.label}: sum`, agg: "sum" },
      denominator: { ...metric, name: `${metric.name}_denominator`, label: `${metric.label}: rows`, agg: "count", format: "count" },
    };
  },
};
