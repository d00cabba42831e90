import type { MetricDefinition } from "../definition.ts";
import { sql } from "../sql.ts";
import type { MetricContext, MetricRows, MetricType } from "./context.ts";

type WindowRetention = Extract<MetricDefinition, { type: "window_retention" }>;

/** Per-account terms of DESIGN.md's formulas; `b` is the account at the window start, `c` at its end. */
const terms: Record<WindowRetention["numerator"] | WindowRetention["denominator"], string> = {
  arr_start: "b.arr",
  arr_end: "coalesce(c.arr, 0)",
  arr_end_capped: "least(coalesce(c.arr, 0), b.arr)",
  logos: "1",
  logos_retained: "CASE WHEN coalesce(c.arr, 0) > 0 THEN 1 ELSE 0 END",
  logos_lost: "CASE WHEN coalesce(c.arr, 0) > 0 THEN 0 ELSE 1 END",
};

/**
 * Window retention ending at each period t: the base is every account with ARR > 0 at s = t − window,
 * grouped by its dimensions as of s; an empty base gives null, never 0 or NaN.
 */
export const windowRetention: MetricType<WindowRetention> = {
  shareKey: (_metric, { window }) => `window:${window}`,
  build(metrics: readonly WindowRetention[], { db, by, where, window }: MetricContext): MetricRows {
    let query = db
      .selectFrom("periods as p")
      .innerJoin("marts.account_months as b", (join) =>
        join.on("b.month_index", "=", sql<number>`p.month_index - ${window}`).on("b.arr", ">", 0),
      )
      .leftJoin("marts.account_months as c", (join) =>
        join.onRef("c.account_id", "=", "b.account_id").onRef("c.month_index", "=", "p.month_index"),
      )
      .select("p.period")
      .select(by.map((d) => sql.ref(`b.${d.column}`).as(d.name)))
      .select(
        metrics.map((metric, i) =>
          sql.raw(`sum(${terms[metric.numerator]})::DOUBLE / nullif(sum(${terms[metric.denominator]}), 0)`).as(`value_${i}`),
        ),
      )
      .groupBy(["p.period", ...by.map((d) => `b.${d.column}`)]);
    for (const { dimension, value } of where) query = query.where(`b.${dimension.column}`, "=", value);
    return query;
  },
  empty: () => null,
};
