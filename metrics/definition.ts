import { z } from "zod";

const name = z.string().regex(/^[a-z][a-z0-9_]*$/, "metric names are snake_case");

const common = {
  name,
  label: z.string().min(1),
  /** What the number means, in words a CFO would accept. Shown by `bellwether metrics` and the glossary. */
  description: z.string().min(1),
  /** The formula in DESIGN.md's notation. */
  formula: z.string().min(1),
  owner: z.string().default("CS Ops"),
  format: z.enum(["currency", "percent", "count", "days", "ratio"]),
  /** Which way is good news, for pages that colour a change (churn, tickets, response times: lower). */
  better: z.enum(["higher", "lower"]).default("higher"),
};

/**
 * An aggregate over account-months on one month of each period: its last month (ARR, customers), or
 * with `at: "period_start"` the month before its first (the ARR a period starts from).
 */
export const snapshotMetric = z.object({
  ...common,
  type: z.literal("snapshot"),
  at: z.enum(["period_end", "period_start"]).default("period_end"),
  agg: z.enum(["sum", "count_distinct", "avg"]),
  /** A column or SQL expression over marts.account_months. */
  measure: z.string().min(1),
  /** Optional SQL condition over marts.account_months rows. */
  filter: z.string().optional(),
});

/**
 * DESIGN.md window retention: base B = accounts with ARR(s) > 0 where s = t − window; the metric is
 * Σ_B numerator / Σ_B denominator, grouped by each account's dimensions as of s.
 */
export const windowRetentionMetric = z.object({
  ...common,
  type: z.literal("window_retention"),
  numerator: z.enum(["arr_end", "arr_end_capped", "logos_retained", "logos_lost"]),
  denominator: z.enum(["arr_start", "logos"]),
  /** Months in the window; the query's --window, then this, then the config's default. */
  window: z.number().int().min(1).optional(),
});

/**
 * An aggregate over the rows of a fact mart (account_id, month_index, …) that fall in the period's
 * months: ARR movements, tickets, survey answers.
 */
export const periodAggregateMetric = z
  .object({
    ...common,
    type: z.literal("period_aggregate"),
    table: z.string().regex(/^[a-z_][a-z0-9_]*$/),
    agg: z.enum(["sum", "count", "avg", "median", "percentile"]),
    /** For agg "percentile": the fraction, e.g. 0.75 for the 75th percentile. */
    quantile: z.number().gt(0).lt(1).optional(),
    /** SQL over the fact row as f.<column>; for count, what is counted (e.g. f.ticket_id). */
    measure: z.string().min(1),
    filter: z.string().optional(),
    /** Keep only the latest row per `per` within each period, ordered by `by` (an ORDER BY list). */
    latest: z.object({ per: z.string().min(1), by: z.string().min(1) }).optional(),
  })
  .refine((m) => (m.agg === "percentile") === (m.quantile !== undefined), {
    message: 'agg "percentile" needs a quantile (and only it takes one)',
    path: ["quantile"],
  });

/**
 * An SQL expression over other metrics of the same period and group, e.g. `arr / nullif(customers, 0)`.
 * Metric names in it are replaced by their values; guard divisions with nullif.
 */
export const derivedMetric = z.object({
  ...common,
  type: z.literal("derived"),
  expression: z.string().min(1),
});

/** Period-over-period change of another metric in the same group: value / previous value − 1. */
export const changeMetric = z.object({
  ...common,
  type: z.literal("change"),
  of: name,
});

export const metricDefinition = z.discriminatedUnion("type", [
  snapshotMetric,
  windowRetentionMetric,
  periodAggregateMetric,
  derivedMetric,
  changeMetric,
]);
export type MetricDefinition = z.output<typeof metricDefinition>;
export type MetricInput = z.input<typeof metricDefinition>;
export type MetricType = MetricDefinition["type"];

export const dimensionDefinition = z.object({
  name,
  label: z.string().min(1),
  description: z.string().min(1),
  /** Column of marts.account_months, read as of the period (or as of the window start for retention). */
  column: z.string().regex(/^[a-z_][a-z0-9_]*$/),
});
export type DimensionDefinition = z.output<typeof dimensionDefinition>;

/** Declares a metric; validation happens once, when the catalog is built. */
export const defineMetric = (metric: MetricInput): MetricInput => metric;
export const defineDimension = (dimension: z.input<typeof dimensionDefinition>) => dimension;
