import { defineMetric } from "../definition.ts";

const cohort =
  "Over the accounts that started paying in the period (their cohort), grouped by their dimensions in that month. Start = first positive-ARR date; value = the config's rule (milestone `value_one` by default).";

export const ttvMedianDays = defineMetric({
  name: "ttv_median_days",
  better: "lower",
  label: "Median time to value (days)",
  description: `Median days from start to value among accounts that reached value. ${cohort}`,
  formula: "median(value date − start date) over accounts that reached value",
  format: "days",
  type: "period_aggregate",
  table: "account_ttv",
  agg: "median",
  measure: "f.ttv_days",
});

export const ttvP75Days = defineMetric({
  name: "ttv_p75_days",
  better: "lower",
  label: "Time to value, 75th percentile (days)",
  description: `Days within which three in four of the accounts that reached value did. ${cohort}`,
  formula: "p75(value date − start date) over accounts that reached value",
  format: "days",
  type: "period_aggregate",
  table: "account_ttv",
  agg: "percentile",
  quantile: 0.75,
  measure: "f.ttv_days",
});

const reachedWithin = (days: 30 | 60 | 90) =>
  defineMetric({
    name: `ttv_reached_${days}d`,
    label: `Reached value within ${days} days`,
    description: `Share of accounts at least ${days} days old that reached value within ${days} days of starting (younger accounts can't have yet, so they don't count). ${cohort}`,
    formula: `|{a : TTV_a ≤ ${days}}| / |{a : age_a ≥ ${days}}|`,
    format: "percent",
    type: "period_aggregate",
    table: "account_ttv",
    agg: "avg",
    // No milestone (or usage) export at all: unknown, not 0%.
    measure: `CASE WHEN f.ttv_days <= ${days} THEN 1.0 WHEN f.has_value_data THEN 0.0 END`,
    filter: `f.age_days >= ${days}`,
  });

export const ttvReached30d = reachedWithin(30);
export const ttvReached60d = reachedWithin(60);
export const ttvReached90d = reachedWithin(90);

export const ttvKmMedianDays = defineMetric({
  name: "ttv_km_median_days",
  better: "lower",
  label: "Median time to value, Kaplan–Meier (days)",
  description: `Days by which half the accounts reach value, counting those not there yet as censored at their age (so slow starters are not left out the way ttv_median_days leaves them out). Null when fewer than half are expected there within the time observed. ${cohort}`,
  formula: "min t : S(t) ≤ 0.5, S(t) = Π_{u ≤ t} (1 − reached(u) / at risk(u))",
  format: "days",
  type: "kaplan_meier",
  table: "account_ttv",
  duration: "f.duration_days",
  event: "f.reached",
  filter: "f.has_value_data",
});

export const ttvMedianDaysToDate = defineMetric({
  name: "ttv_median_days_to_date",
  better: "lower",
  label: "Median time to value, all cohorts (days)",
  description:
    "Median days from start to value among every account that started by the period's end and reached value: the whole book's TTV, for comparing groups (ICP fit).",
  formula: "median(value date − start date) over accounts started by t that reached value",
  format: "days",
  type: "period_aggregate",
  table: "account_ttv",
  over: "to_date",
  agg: "median",
  measure: "f.ttv_days",
});

export const ttvStartedAccounts = defineMetric({
  name: "ttv_started_accounts",
  label: "Accounts started",
  description: `Accounts that started paying in the period: how many each time-to-value figure of the period rests on. ${cohort}`,
  formula: "|{accounts whose first positive-ARR date is in the period}|",
  format: "count",
  type: "period_aggregate",
  table: "account_ttv",
  agg: "count",
  measure: "f.account_id",
});

export const ttvReachedAccounts = defineMetric({
  name: "ttv_reached_accounts",
  label: "Accounts that reached value",
  description: `Accounts that started in the period and have reached value: the median and p75 rest on them. ${cohort}`,
  formula: "|{accounts started in the period that reached value}|",
  format: "count",
  type: "period_aggregate",
  table: "account_ttv",
  agg: "count",
  measure: "f.account_id",
  filter: "f.reached",
});
