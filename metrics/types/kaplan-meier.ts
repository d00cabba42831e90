import type { MetricDefinition } from "../definition.ts";
import { sql } from "../sql.ts";
import type { MetricContext, MetricRows, MetricType } from "./context.ts";
import { groupColumns, perGroup, periodFacts } from "./facts.ts";

type KaplanMeier = Extract<MetricDefinition, { type: "kaplan_meier" }>;

/**
 * The Kaplan–Meier estimate S(t) = Π over event times u ≤ t of (1 − events(u) / at risk(u)), where a
 * row is at risk at u while its time is ≥ u (so a row censored at u still counts there). The metric is
 * the first event time at which S falls to 1 − quantile or below; null when it never does.
 */
export const kaplanMeier: MetricType<KaplanMeier> = {
  shareKey: (metric) => `kaplan_meier:${metric.name}`,
  dimensions: () => ({ accounts: true, carries: [] }),
  build(metrics: readonly KaplanMeier[], context: MetricContext): MetricRows {
    const [metric] = metrics;
    if (!metric) throw new Error("kaplan_meier: no metric to build");
    const { db } = context;
    const perTime = perGroup(periodFacts(metric, context, { time: metric.duration, event: metric.event }), "f", context)
      .select("f.time")
      .groupBy("f.time")
      .select([sql<number>`count(CASE WHEN f.event THEN 1 END)`.as("events"), sql<number>`count(*)`.as("rows")])
      .where("f.time", "is not", null);
    const partition = (alias: string) => groupColumns(alias, context).join(", ");
    const atRisk = db
      .selectFrom(perTime.as("s"))
      .selectAll("s")
      .select(sql.raw<number>(`sum(s.rows) OVER (PARTITION BY ${partition("s")} ORDER BY s.time DESC)`).as("at_risk"));
    // A factor of 0 (everyone left at risk had the event) ends the curve at 0; ln(0) is never taken
    // (DuckDB evaluates every branch of a CASE over a window, so the guard is inside the ln too).
    const upToHere = `OVER (PARTITION BY ${partition("k")} ORDER BY k.time ROWS UNBOUNDED PRECEDING)`;
    const survival = db
      .selectFrom(atRisk.as("k"))
      .selectAll("k")
      .select(
        sql
          .raw<number>(
            `CASE WHEN {{ bool_or(k.events >= k.at_risk) }} ${upToHere} THEN 0 ELSE exp(sum(ln(CASE WHEN k.events < k.at_risk THEN 1 - {{ divide(k.events, k.at_risk) }} ELSE 1 END)) ${upToHere}) END`,
          )
          .as("survival"),
      );
    return perGroup(survival, "v", context).select(
      sql
        .raw(`{{ float(min(CASE WHEN v.events > 0 AND v.survival <= ${1 - Number(metric.quantile)} + 1e-12 THEN v.time END)) }}`)
        .as("value_0"),
    );
  },
  empty: () => null,
};
