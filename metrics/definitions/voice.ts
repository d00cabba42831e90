import { defineMetric } from "../definition.ts";

const byMonthAnswered = "Over answers given in the period, grouped by the account's dimensions that month.";

export const csatAvg = defineMetric({
  name: "csat_avg",
  label: "CSAT",
  description: `Average customer-satisfaction score (1–5). ${byMonthAnswered}`,
  formula: "avg(score) over CSAT answers",
  format: "ratio",
  type: "period_aggregate",
  table: "survey_answers",
  agg: "avg",
  measure: "f.score",
  filter: "f.survey = 'csat'",
});

export const cesAvg = defineMetric({
  name: "ces_avg",
  label: "CES",
  description: `Average customer-effort score (1–7, higher is easier). ${byMonthAnswered}`,
  formula: "avg(score) over CES answers",
  format: "ratio",
  type: "period_aggregate",
  table: "survey_answers",
  agg: "avg",
  measure: "f.score",
  filter: "f.survey = 'ces'",
});
