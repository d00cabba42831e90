import type { SelectQueryBuilder } from "kysely";
import type { DimensionDefinition, MetricDefinition } from "../definition.ts";
import type { Db } from "../sql.ts";

export interface MetricContext {
  db: Db;
  /** Dimensions to group by, in output order. */
  by: readonly DimensionDefinition[];
  /** Equality filters on dimensions; values are bound as parameters, never spliced into SQL. */
  where: readonly { dimension: DimensionDefinition; values: readonly string[] }[];
  /** Window length in months for retention metrics. */
  window: number;
  /**
   * The periods CTE the metric reads (default `periods`): in a query that reaches past the as-of, metrics
   * of data read `periods_to_date`, each period cut at the as-of month (its months so far).
   */
  periods?: string;
  /** Marts kept to one row per account and month by a data test (Catalog.accountMonthTables). */
  accountMonthTables?: ReadonlySet<string>;
}

/**
 * Builds the rows of one metric: `period`, one column per grouped dimension (named for the
 * dimension), and `value`. It reads the `periods` CTE the compiler provides: period, month_index and
 * span_months (the months the period covers: 1, 3 or 12, fewer for a quarter or year to date).
 */
// `any`: rows are shaped by metric definitions at run time.
export type MetricRows = SelectQueryBuilder<any, any, any>;

export interface MetricType<M extends MetricDefinition> {
  /**
   * Metrics with the same key read the same rows and are built together in one pass (NRR and GRR over
   * one window), each as a column value_0, value_1, … in the order given.
   */
  shareKey(metric: M, context: MetricContext): string;
  /**
   * Which dimensions the metric's rows can be grouped by: every account dimension when its rows belong
   * to accounts, and the dimensions its table carries itself.
   */
  dimensions(metric: M): { accounts: boolean; carries: readonly string[] };
  build(metrics: readonly M[], context: MetricContext): MetricRows;
  /** The value for a group with no rows at all: 0 for sums and counts, null for ratios. */
  empty(metric: M): 0 | null;
  /**
   * The sums a figure is made of, for the accounts behind it (`--accounts`): grouped by account, each
   * part's values add up to the part's total. One part for a sum or a count (the metric itself); a
   * numerator and a denominator for a ratio, whose quotient is the figure. Undefined when the accounts do
   * not add up to it (a median, an AUC) or its rows are not accounts'.
   */
  parts?(metric: M): MetricParts<M> | undefined;
}

export type MetricParts<M> = { value: M } | { numerator: M; denominator: M };
