import { defineDimension } from "./definition.ts";

/** Dimensions are columns of account-month marts, read as of the period (or the window start), or of fact tables that carry them. */
export const dimensions = [
  defineDimension({
    name: "segment",
    label: "Segment",
    description: "Employee-count band from the config (default SMB < 100 ≤ Mid-Market < 1000 ≤ Enterprise); Unknown without a count.",
    column: "segment",
  }),
  defineDimension({
    name: "touch_tier",
    label: "Touch tier",
    description: "ARR band as of the month, from the config (default tech < 10k ≤ low < 50k ≤ high).",
    column: "touch_tier",
  }),
  defineDimension({
    name: "employee_band",
    label: "Employee band",
    description: "Finer employee-count bands from the config.",
    column: "employee_band",
  }),
  defineDimension({
    name: "account",
    label: "Account",
    description: "The account itself (its account_id): a metric per account, as the account pages show them.",
    column: "account_id",
  }),
  defineDimension({ name: "industry", label: "Industry", description: "The account's industry in the CRM.", column: "industry" }),
  defineDimension({ name: "region", label: "Region", description: "The account's region in the CRM.", column: "region" }),
  defineDimension({ name: "country", label: "Country", description: "The account's country (ISO code) in the CRM.", column: "country" }),
  defineDimension({ name: "owner_csm", label: "CSM", description: "The account's owner in the CRM.", column: "owner_csm" }),
  defineDimension({
    name: "acquisition_channel",
    label: "Acquisition channel",
    description: "How the account was acquired, from the CRM.",
    column: "acquisition_channel",
  }),
  defineDimension({
    name: "plan",
    label: "Plan",
    description: "The plan of the account's largest subscription line that month.",
    column: "plan",
  }),
  defineDimension({
    name: "cohort_month",
    label: "Cohort month",
    description: "First day of the month of the account's first positive ARR.",
    column: "cohort_month",
  }),
  defineDimension({
    name: "cohort_quarter",
    label: "Cohort quarter",
    description: "Fiscal quarter of the account's first positive ARR.",
    column: "cohort_quarter",
  }),
  defineDimension({
    name: "cohort_age_months",
    label: "Months since first paid",
    description: "Whole months from the cohort month to the month read.",
    column: "age_months",
  }),
  defineDimension({
    name: "health_band",
    label: "Health band",
    description:
      "The account's health band that month, from its health score and the config's bands (default red < 40 ≤ yellow < 70 ≤ green).",
    column: "health_band",
    table: "health_scores",
  }),
  defineDimension({
    name: "band_from",
    label: "Band a quarter before",
    description: "The account's health band at the quarter end before (band movement: marts.health_band_moves).",
    column: "band_from",
    table: null,
  }),
  defineDimension({
    name: "band_to",
    label: "Band now",
    description: "The account's health band at the quarter end, or the as-of month (band movement: marts.health_band_moves).",
    column: "band_to",
    table: null,
  }),
  defineDimension({
    name: "churn_reason",
    label: "Churn reason",
    description:
      "Why ARR was lost: the loss reason of the lost or contracted renewal opportunity nearest the churn or contraction, else unknown. Only lost-ARR metrics are split by it.",
    column: "churn_reason",
    table: null,
  }),
  defineDimension({
    name: "churn_category",
    label: "Churn category",
    description: "The churn reason's category from the config (default: preventable, not preventable, unknown).",
    column: "churn_category",
    table: null,
  }),
  defineDimension({
    name: "forecast_horizon",
    label: "Quarters ahead",
    description: "How many fiscal quarters ahead a past forecast was made (1 = the quarter after the quarter end it was made at).",
    column: "horizon_quarters",
    table: null,
  }),
  defineDimension({
    name: "cost_center",
    label: "Cost centre",
    description:
      "The finance cost centre a customer-success cost was booked to. Only cost metrics are split by it; others show their total for each.",
    column: "cost_center",
    table: null,
  }),
];
