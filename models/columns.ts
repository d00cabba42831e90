/*
 * What the columns that recur across models mean: the warehouse's column comments wherever a model's
 * own `-- @column name: meaning` line does not say otherwise, so a SQL client shows them on every table.
 */
export const COMMON_COLUMNS: Record<string, string> = {
  account_id: "The account (marts.accounts: one row per account in the CRM).",
  month_index: "The month as months since year 0 (year × 12 + month − 1); marts.months has its dates and fiscal labels.",
  month: "The first day of the month (the month_index as a date).",
  month_end: "The last day of the month, or the as-of date for a month still running.",
  arr: "Annual recurring revenue in the reporting currency: MRR × 12, to the cent.",
  mrr: "Monthly recurring revenue in the reporting currency.",
  segment: "Employee-count band from the config (default SMB < 100 ≤ Mid-Market < 1000 ≤ Enterprise).",
  health_band: "Health band from the score: red, yellow, green (config bands), or unscored.",
  score: "Health score from 0 to 100: the weighted mean of the scorecard measures with data.",
  owner_csm: "The account's owner in the CRM (a CSM, or a pooled queue listed in config pools).",
  opening_arr: "ARR at the end of the month before.",
  closing_arr: "ARR at the end of the month.",
  new_arr: "ARR of accounts paying for the first time.",
  reactivation_arr: "ARR of accounts paying again after a month or more at zero.",
  expansion_arr: "ARR added by accounts that paid the month before.",
  contraction_arr: "ARR lost by accounts that still pay (negative).",
  churned_arr: "ARR lost by accounts that stopped paying (negative).",
  p_loss: "The share of ARR accounts of the same health band and segment lost within the backtest's horizon.",
  risk_weighted_arr: "ARR × p_loss: the ARR expected to be lost.",
  due_date: "The day a term ends and the line is up for renewal.",
  arr_due: "The account's ARR the day before the due date.",
  ticket_id: "The ticket in the help desk.",
  contact_id: "The contact in the CRM.",
  opportunity_id: "The opportunity in the CRM.",
  fiscal_year: "The fiscal year (config fiscalYearStartMonth) the month falls in, named for the calendar year it ends in.",
  fiscal_quarter: "The fiscal quarter (1–4) the month falls in.",
};
