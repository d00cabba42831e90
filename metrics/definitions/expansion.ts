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
  description: "CS-sourced opportunities that closed won in the period.",
  formula: "|{source = cs, won, closed in the period}|",
  format: "count",
  type: "period_aggregate",
  table: "opportunities",
  agg: "count",
  measure: "f.opportunity_id",
  filter: "f.source = 'cs' AND f.is_closed AND f.is_won",
});

export const csqlClosed = defineMetric({
  name: "csql_closed",
  label: "CS-qualified opportunities closed",
  description: "CS-sourced opportunities that closed, won or lost, in the period.",
  formula: "|{source = cs, closed in the period}|",
  format: "count",
  type: "period_aggregate",
  table: "opportunities",
  agg: "count",
  measure: "f.opportunity_id",
  filter: "f.source = 'cs' AND f.is_closed",
});

export const csqlConversion = defineMetric({
  name: "csql_conversion",
  label: "CSQL conversion",
  description: "Share of CS-sourced opportunities closed in the period that were won.",
  formula: "won / closed, CS-sourced opportunities",
  format: "percent",
  type: "derived",
  expression: "csql_won / nullif(csql_closed, 0)",
});
