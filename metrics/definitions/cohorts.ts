import { defineMetric } from "../definition.ts";

const grouping = "Group by cohort_month or cohort_quarter: each row is a cohort at a period, so its age is the period minus the cohort.";

export const cohortStartingArr = defineMetric({
  name: "cohort_starting_arr",
  label: "Cohort starting ARR",
  description: "The ARR each account had in its first paid month, summed over the accounts that had started by the period's end.",
  formula: "Σ_accounts ARR(cohort month)",
  format: "currency",
  type: "snapshot",
  agg: "sum",
  measure: "am.cohort_starting_arr",
});

export const cohortAccounts = defineMetric({
  name: "cohort_accounts",
  label: "Cohort accounts",
  description: "Accounts that had started paying by the period's end, whether they still pay or not.",
  formula: "|{accounts with a first paid month ≤ t}|",
  format: "count",
  type: "snapshot",
  agg: "count_distinct",
  measure: "am.account_id",
});

export const cohortRevenueRetention = defineMetric({
  name: "cohort_revenue_retention",
  label: "Cohort revenue retention",
  description: `ARR of a cohort's accounts at the period's end over their ARR in their first paid month. ${grouping}`,
  formula: "Σ_cohort ARR(c + k) / Σ_cohort ARR(c)",
  format: "percent",
  type: "derived",
  expression: "arr / nullif(cohort_starting_arr, 0)",
});

export const cohortLogoRetention = defineMetric({
  name: "cohort_logo_retention",
  label: "Cohort logo retention",
  description: `Share of a cohort's accounts that still pay at the period's end. ${grouping}`,
  formula: "|{a ∈ cohort : ARR_a(c + k) > 0}| / |cohort|",
  format: "percent",
  type: "derived",
  expression: "customers / nullif(cohort_accounts, 0)",
});
