import { defineMetric } from "../definition.ts";

const byMonthAnswered = "Over answers given in the period, grouped by the account's dimensions that month.";

export const csatAvg = defineMetric({
  name: "csat_avg",
  label: "CSAT",
  description: `Average customer-satisfaction score (1–5). ${byMonthAnswered}`,
  formula: "avg(score) over CSAT answers",
  format: "ratio",
  unit: "of 5",
  type: "period_aggregate",
  table: "survey_answers",
  agg: "avg",
  measure: "f.score",
  filter: "f.survey = 'csat'",
});

export const csatSatisfied = defineMetric({
  name: "csat_satisfied",
  label: "CSAT satisfied",
  description: `Share of CSAT answers that are satisfied: 4 or 5 of 5, or "good" where the tool asks good/bad. ${byMonthAnswered}`,
  formula: "count(score ≥ 4 or good) / count(CSAT answers)",
  format: "percent",
  type: "period_aggregate",
  table: "survey_answers",
  agg: "avg",
  measure: "CASE WHEN f.is_satisfied THEN 1 ELSE 0 END",
  filter: "f.survey = 'csat' AND f.is_satisfied IS NOT NULL",
});

export const cesAvg = defineMetric({
  name: "ces_avg",
  label: "CES",
  description: `Average customer-effort score (1–7, higher is easier). ${byMonthAnswered}`,
  formula: "avg(score) over CES answers",
  format: "ratio",
  unit: "of 7",
  type: "period_aggregate",
  table: "survey_answers",
  agg: "avg",
  measure: "f.score",
  filter: "f.survey = 'ces'",
});

export const nps = defineMetric({
  name: "nps",
  label: "NPS",
  description:
    "Net promoter score as a fraction (0.25 is an NPS of +25): share of promoters (9–10) minus share of detractors (0–6) among each contact's latest NPS answer in the period. Answers without a contact count on their own.",
  formula: "%{latest answer ≥ 9} − %{latest answer ≤ 6}, one latest answer per contact in the period",
  format: "nps",
  type: "period_aggregate",
  table: "survey_answers",
  agg: "avg",
  measure: "CASE WHEN f.is_promoter THEN 1 WHEN f.is_detractor THEN -1 ELSE 0 END",
  filter: "f.survey = 'nps'",
  latest: { per: "coalesce(f.contact_id, f.response_id)", by: "f.responded_at DESC, f.response_id DESC" },
});

const answers = (survey: string, label: string) =>
  defineMetric({
    name: `${survey}_responses`,
    label,
    description: `${label} in the period: how many answers the ${survey.toUpperCase()} figure rests on. ${byMonthAnswered}`,
    formula: `count(${survey.toUpperCase()} answers)`,
    format: "count",
    type: "period_aggregate",
    table: "survey_answers",
    agg: "count",
    measure: "f.response_id",
    filter: `f.survey = '${survey}'`,
  });

export const npsResponses = answers("nps", "NPS answers");
export const csatResponses = answers("csat", "CSAT answers");
export const cesResponses = answers("ces", "CES answers");
