import { defineMetric } from "../definition.ts";

export const avgExpansionSize = defineMetric({
  name: "avg_expansion_size",
  label: "Average expansion",
  description: "Average ARR added by one account's expansion in a month, over the expansions of the period.",
  formula: "avg(ARR(m) − ARR(m−1)) over expansion movements",
  format: "currency",
  type: "period_aggregate",
  table: "arr_movements",
  agg: "avg",
  measure: "f.amount",
  filter: "f.movement = 'expansion'",
});

export const csqlWon = defineMetric({
  name: "csql_won",
  label: "CS-qualified opportunities won",
  description: "CS-sourced expansion and cross-sell opportunities that closed won in the period (a renewal is not a lead).",
  formula: "|{source = cs, type ∈ {expansion, cross_sell}, won, closed in the period}|",
  format: "count",
  type: "period_aggregate",
  table: "opportunities",
  agg: "count",
  measure: "f.opportunity_id",
  filter: "f.source = 'cs' AND f.type IN ('expansion', 'cross_sell') AND f.is_closed AND f.is_won",
});

export const csqlClosed = defineMetric({
  name: "csql_closed",
  label: "CS-qualified opportunities closed",
  description: "CS-sourced expansion and cross-sell opportunities that closed, won or lost, in the period.",
  formula: "|{source = cs, type ∈ {expansion, cross_sell}, closed in the period}|",
  format: "count",
  type: "period_aggregate",
  table: "opportunities",
  agg: "count",
  measure: "f.opportunity_id",
  filter: "f.source = 'cs' AND f.type IN ('expansion', 'cross_sell') AND f.is_closed",
});

export const csqlConversion = defineMetric({
  name: "csql_conversion",
  label: "CSQL conversion",
  description: "Share of CS-qualified leads (CS-sourced expansion and cross-sell opportunities) closed in the period that were won.",
  formula: "won / closed, CS-sourced expansion and cross-sell opportunities",
  format: "percent",
  type: "derived",
  expression: "csql_won / nullif(csql_closed, 0)",
});

export const timeToExpansionDays = defineMetric({
  name: "time_to_expansion_days",
  better: "lower",
  label: "Time to first expansion",
  description:
    "Median days from an account's first paid month to the month it first grew, over accounts whose first expansion fell in the period (measured between month ends).",
  formula: "median(first expansion month end − first paid month end), in days",
  format: "days",
  type: "period_aggregate",
  table: "arr_movements",
  agg: "median",
  measure: "f.days_since_first_paid",
  filter: "f.is_first_expansion",
});

export const arrGrowth = defineMetric({
  name: "arr_growth",
  label: "ARR growth",
  description: "Change in ARR from the previous period's end (quarter over quarter at quarter grain); null for the first period shown.",
  formula: "ARR(t) / ARR(t − 1 period) − 1",
  format: "percent",
  type: "change",
  of: "arr",
});
