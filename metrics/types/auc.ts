import type { MetricDefinition } from "../definition.ts";
import { sql } from "../sql.ts";
import type { MetricContext, MetricRows, MetricType } from "./context.ts";
import { groupColumns, perGroup, periodFacts } from "./facts.ts";

type Auc = Extract<MetricDefinition, { type: "auc" }>;

/**
 * AUC = Σ over outcome rows of (rows without the outcome scoring higher + ½ those scoring the same),
 * over (outcome rows × rows without). Computed per distinct score with running sums: exact, and one
 * sort rather than a pairwise join. Null when either side is empty.
 */
export const auc: MetricType<Auc> = {
  shareKey: (metric) => `auc:${metric.name}`,
  dimensions: () => ({ accounts: true, carries: [] }),
  build(metrics: readonly Auc[], context: MetricContext): MetricRows {
    const [metric] = metrics;
    if (!metric) throw new Error("auc: no metric to build");
    const { db } = context;
    const perScore = perGroup(periodFacts(metric, context, { score: metric.score, outcome: metric.outcome }), "f", context)
      .select("f.score")
      .groupBy("f.score")
      .select([
        sql<number>`count(CASE WHEN f.outcome THEN 1 END)`.as("with_outcome"),
        sql<number>`count(CASE WHEN NOT f.outcome THEN 1 END)`.as("without"),
      ])
      .where("f.score", "is not", null);
    const partition = groupColumns("s", context).join(", ");
    const running = db
      .selectFrom(perScore.as("s"))
      .selectAll("s")
      .select([
        sql.raw<number>(`sum(s.without) OVER (PARTITION BY ${partition} ORDER BY s.score)`).as("without_at_or_below"),
        sql.raw<number>(`sum(s.without) OVER (PARTITION BY ${partition})`).as("without_total"),
      ]);
    return perGroup(running, "r", context).select(
      sql
        .raw(
          "{{ divide(sum(r.with_outcome * (r.without_total - r.without_at_or_below + 0.5 * r.without)), nullif(sum(r.with_outcome) * max(r.without_total), 0)) }}",
        )
        .as("value_0"),
    );
  },
  empty: () => null,
};
