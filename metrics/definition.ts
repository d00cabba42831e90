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
  /** "score": a 0–100 score or points, shown to one decimal. */
  format: z.enum(["currency", "percent", "count", "days", "ratio", "score", "nps"]),
  /** What the number counts, shown after it on tiles ("of 100", "hours", "per {currency} 1 of ARR"). */
  unit: z.string().min(1).optional(),
  /** Which way is good news, for pages that colour a change (churn, tickets, response times: lower). */
  better: z.enum(["higher", "lower"]).default("higher"),
  /**
   * For a rate, AUC or lift: the metric counting what it rests on (its n), shown beside it; under the
   * config's display.minSample the figure carries a caution (DESIGN "Dashboards": small samples).
   */
  sample: name.optional(),
  /** Its 95% interval: the metrics of the low and high ends, shown with a small sample's caution. */
  interval: z.tuple([name, name]).optional(),
  /** The share of its base known by the as-of: below 1 the figure is partial and says so (a renewal rate mid-quarter). */
  known: name.optional(),
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
  /** The account-month mart read (keys account_id, month_index): account_months, or health_scores. */
  table: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default("account_months"),
  /** A column or SQL expression over the table's rows. */
  measure: z.string().min(1),
  /** Optional SQL condition over the table's rows. */
  filter: z.string().optional(),
});

/**
 * DESIGN.md window retention: base B = accounts with ARR(s) > 0 where s = t − window; the metric is
 * Σ_B numerator / Σ_B denominator, grouped by each account's dimensions as of s.
 */
export const windowRetentionMetric = z.object({
  ...common,
  type: z.literal("window_retention"),
  numerator: z.enum([
    "arr_start",
    "arr_end",
    "arr_end_capped",
    "logos",
    "logos_retained",
    "logos_lost",
    // Second moments, for NRR's interval: Σ s², Σ e², Σ s·e over the base.
    "arr_start_squared",
    "arr_end_squared",
    "arr_start_times_end",
  ]),
  /** Without one, the metric is the sum itself (S, the ARR under management; |B|). */
  denominator: z.enum(["arr_start", "logos"]).optional(),
  /** Months in the window; the query's --window, then this, then the config's default. */
  window: z.number().int().min(1).optional(),
});

/** Which rows of a fact mart (month_index, usually account_id, …) a metric reads for each period. */
const facts = {
  table: z.string().regex(/^[a-z_][a-z0-9_]*$/),
  /** The months read: the period's own, the retention window ending with it, or every month up to its end. */
  over: z.enum(["period", "window", "to_date"]).default("period"),
  /** SQL condition over the fact row as f.<column>. */
  filter: z.string().optional(),
  /** Rows belong to accounts (account_id): they group by the account's dimensions in the row's month. */
  accounts: z.boolean().default(true),
  /** Dimensions the table has as columns of its own (cost_center, and segment on cost rows). */
  carries: z.array(name).default([]),
  /**
   * The column holding the month whose account dimensions a row takes, when it is not the month the row
   * counts in: a renewal is counted when due but grouped as the account stood before it.
   */
  dimensionsAt: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default("month_index"),
  /**
   * Rows can be dated after the as-of date (renewals to come, the forecast): a query asking for this
   * metric runs on through marts.calendar's months after the as-of, where other metrics are null.
   */
  future: z.boolean().default(false),
};

/**
 * An aggregate over the rows of a fact mart that fall in the period's months: ARR movements, tickets,
 * survey answers, costs.
 */
export const periodAggregateMetric = z
  .object({
    ...common,
    ...facts,
    type: z.literal("period_aggregate"),
    agg: z.enum(["sum", "count", "avg", "median", "percentile"]),
    /** For agg "percentile": the fraction, e.g. 0.75 for the 75th percentile. */
    quantile: z.number().gt(0).lt(1).optional(),
    /** SQL over the fact row as f.<column>; for count, what is counted (e.g. f.ticket_id). */
    measure: z.string().min(1),
    /** Keep only the latest row per `per` within each period, ordered by `by` (an ORDER BY list). */
    latest: z.object({ per: z.string().min(1), by: z.string().min(1) }).optional(),
  })
  .refine((m) => (m.agg === "percentile") === (m.quantile !== undefined), {
    message: 'agg "percentile" needs a quantile (and only it takes one)',
    path: ["quantile"],
  });

/**
 * Area under the ROC curve of a score against an outcome, over the fact rows of the period: the chance
 * that a row without the outcome scores higher than a row with it, ties counted half (exact, no bins).
 */
export const aucMetric = z.object({
  ...common,
  ...facts,
  type: z.literal("auc"),
  /** SQL over f: the score (higher should mean the outcome is less likely). */
  score: z.string().min(1),
  /** SQL condition over f: the outcome (churned or contracted). */
  outcome: z.string().min(1),
});

/**
 * A quantile of the Kaplan–Meier estimate of time to an event, over the fact rows of the period: rows
 * that have not had the event yet count as censored at the time observed so far.
 */
export const kaplanMeierMetric = z.object({
  ...common,
  ...facts,
  type: z.literal("kaplan_meier"),
  /** SQL over f: time to the event, or time observed so far when it has not happened. */
  duration: z.string().min(1),
  /** SQL condition over f: the event happened. */
  event: z.string().min(1),
  /** The smallest time by which this share has had the event: 0.5 for the median. */
  quantile: z.number().gt(0).lt(1).default(0.5),
});

/**
 * ARR that moved between the groups of a query (an account whose touch tier or plan changed): into the
 * group it moved to ("in", its ARR the month before) or out of the one it left ("out", negative), so a
 * bridge grouped by a dimension foots in every group. Zero without a grouping: nothing moves in a total.
 */
export const transferMetric = z.object({
  ...common,
  type: z.literal("transfer"),
  direction: z.enum(["in", "out"]),
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
  aucMetric,
  kaplanMeierMetric,
  transferMetric,
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
  column: z.string().regex(/^[a-z_][a-z0-9_]*$/),
  /**
   * The account-month mart (account_id, month_index) that has the column, read as of the period (as of
   * the window start for retention). null: not an account attribute; only fact tables that carry it
   * have it (cost_center), and metrics that don't are the same for every value of it.
   */
  table: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .nullable()
    .default("account_months"),
});
export type DimensionDefinition = z.output<typeof dimensionDefinition>;
export type DimensionInput = z.input<typeof dimensionDefinition>;

/** Declares a metric; validation happens once, when the catalog is built. */
export const defineMetric = (metric: MetricInput): MetricInput => metric;
export const defineDimension = (dimension: DimensionInput): DimensionInput => dimension;
