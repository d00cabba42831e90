import type { MetricDefinition } from "../definition.ts";
import { sql } from "../sql.ts";
import type { MetricContext, MetricRows, MetricType } from "./context.ts";
import { withDimensions } from "./dimensions.ts";

type WindowRetention = Extract<MetricDefinition, { type: "window_retention" }>;

/** Per-account terms of DESIGN.md's formulas; `b` is the account at the window start, `c` at its end. */
const terms: Record<WindowRetention["numerator"], string> = {
  arr_start: "b.arr",
  arr_end: "coalesce(c.arr, 0)",
  arr_end_capped: "least(coalesce(c.arr, 0), b.arr)",
  logos: "1",
  logos_retained: "CASE WHEN coalesce(c.arr, 0) > 0 THEN 1 ELSE 0 END",
  logos_lost: "CASE WHEN coalesce(c.arr, 0) > 0 THEN 0 ELSE 1 END",
  // In floating point: a sum of squared ARR is no money and would outgrow DECIMAL(18, 2).
  arr_start_squared: "{{ float(b.arr) }} * {{ float(b.arr) }}",
  arr_end_squared: "{{ float(coalesce(c.arr, 0)) }} * {{ float(coalesce(c.arr, 0)) }}",
  arr_start_times_end: "{{ float(b.arr) }} * {{ float(coalesce(c.arr, 0)) }}",
};

/**
 * Window retention ending at each period t: the base is every account with ARR > 0 at s = t − window,
 * grouped by its dimensions as of s; an empty base gives null, never 0 or NaN.
 */
export const windowRetention: MetricType<WindowRetention> = {
  shareKey: (_metric, { window }) => `window:${window}`,
  dimensions: () => ({ accounts: true, carries: [] }),
  build(metrics: readonly WindowRetention[], context: MetricContext): MetricRows {
    const rows = context.db
      .selectFrom(`${context.periods ?? "periods"} as p`)
      .innerJoin("marts.account_months as b", (join) =>
        join.on("b.month_index", "=", sql<number>`p.month_index - ${context.window}`).on("b.arr", ">", 0),
      )
      .leftJoin("marts.account_months as c", (join) =>
        join.onRef("c.account_id", "=", "b.account_id").onRef("c.month_index", "=", "p.month_index"),
      )
      .select("p.period")
      .select(
        metrics.map((metric, i) => {
          const sum = (term: WindowRetention["numerator"]) => `sum(${terms[term]})`;
          const value = metric.denominator
            ? `{{ divide(${sum(metric.numerator)}, nullif(${sum(metric.denominator)}, 0)) }}`
            : `{{ float(${sum(metric.numerator)}) }}`;
          return sql.raw(value).as(`value_${i}`);
        }),
      );
    const { query, groupBy } = withDimensions(rows, { alias: "b", table: "account_months", accounts: true }, context);
    return query.groupBy(["p.period", ...groupBy]);
  },
  // A ratio over an empty base is undefined; a sum over it (S, |B|) is 0.
  empty: (metric) => (metric.denominator ? null : 0),
  parts(metric) {
    if (!metric.denominator) return { value: metric };
    const sum = (term: WindowRetention["numerator"], role: string) => ({
      ...metric,
      name: `${metric.name}_${role}`,
      label: `${metric.label}: ${TERM_LABELS[term]}`,
      numerator: term,
      denominator: undefined,
      format: term.startsWith("logos")
        ? ("count" as const)
        : term.includes("squared") || term.includes("times")
          ? ("ratio" as const)
          : ("currency" as const),
      interval: undefined,
      sample: undefined,
    });
    return { numerator: sum(metric.numerator, "numerator"), denominator: sum(metric.denominator, "denominator") };
  },
};

/** What each term is, as a column of the accounts behind a rate names it. */
const TERM_LABELS: Record<WindowRetention["numerator"], string> = {
  arr_start: "ARR at the window start",
  arr_end: "ARR at the period end",
  arr_end_capped: "ARR at the period end, at most the start's",
  logos: "base accounts",
  logos_retained: "accounts retained",
  logos_lost: "accounts lost",
  arr_start_squared: "ARR at the start, squared",
  arr_end_squared: "ARR at the end, squared",
  arr_start_times_end: "ARR at the start times at the end",
};
