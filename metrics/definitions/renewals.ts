import { defineMetric, type MetricInput } from "../definition.ts";

const renewal =
  "A renewal is due when a line's term ends (its end date, or each anniversary of an open line billed every 3 months or more; monthly lines never are). Grouped by the account as it stood at the last month end before the due date.";

/** Rows of marts.renewals, counted in the month they are due, grouped as the account stood before. */
const renewalRows = {
  type: "period_aggregate",
  table: "renewals",
  dimensionsAt: "basis_month_index",
  agg: "sum",
} satisfies Partial<MetricInput>;

const known = "Over renewals due in the period whose outcome (the account's ARR `renewals.graceDays`, default 30, after) is known.";

export const renewalArrDue = defineMetric({
  ...renewalRows,
  name: "renewal_arr_due",
  label: "ARR due for renewal",
  description: `The account's ARR the day before each renewal due in the period, summed; renewals still to come are counted too (the next four quarters). ${renewal}`,
  formula: "Σ_renewals due in period ARR(due date − 1 day)",
  format: "currency",
  future: true,
  measure: "f.arr_due",
});

export const renewalsDue = defineMetric({
  ...renewalRows,
  name: "renewals_due",
  label: "Renewals due",
  description: `Renewals (account and due date) due in the period, including those still to come. ${renewal}`,
  formula: "|{(account, due date) in period}|",
  format: "count",
  future: true,
  agg: "count",
  measure: "f.account_id",
});

export const renewalArrDueKnown = defineMetric({
  ...renewalRows,
  name: "renewal_arr_due_known",
  label: "ARR due, outcome known",
  description: `ARR due on the renewals whose outcome is known: what the renewal rates divide by. ${known}`,
  formula: "Σ due over renewals with a known outcome",
  format: "currency",
  filter: "f.is_known",
  measure: "f.arr_due",
});

export const renewalArrRetained = defineMetric({
  ...renewalRows,
  name: "renewal_arr_retained",
  label: "ARR renewed (capped at due)",
  description: `Each renewal's outcome capped at what was due, summed: ARR kept, with expansion left out. ${known}`,
  formula: "Σ min(outcome, due)",
  format: "currency",
  filter: "f.is_known",
  measure: "f.arr_retained",
});

export const renewalArrOutcome = defineMetric({
  ...renewalRows,
  name: "renewal_arr_outcome",
  label: "ARR after renewal",
  description: `Each renewal's outcome, expansion included, summed. ${known}`,
  formula: "Σ outcome",
  format: "currency",
  filter: "f.is_known",
  measure: "f.arr_outcome",
});

export const grossRenewalRate = defineMetric({
  name: "gross_renewal_rate",
  label: "Gross renewal rate",
  description: `Share of the ARR due that was renewed, expansion left out. ${known}`,
  formula: "Σ min(outcome, due) / Σ due",
  format: "percent",
  type: "derived",
  expression: "renewal_arr_retained / nullif(renewal_arr_due_known, 0)",
  sample: "renewals_due",
  known: "renewal_known_share",
});

export const netRenewalRate = defineMetric({
  name: "net_renewal_rate",
  label: "Net renewal rate",
  description: `ARR after renewal over the ARR due, expansion included. ${known}`,
  formula: "Σ outcome / Σ due",
  format: "percent",
  type: "derived",
  expression: "renewal_arr_outcome / nullif(renewal_arr_due_known, 0)",
  sample: "renewals_due",
  known: "renewal_known_share",
});

export const monthToMonthArr = defineMetric({
  name: "month_to_month_arr",
  label: "Month-to-month ARR",
  description:
    "ARR on lines billed monthly (more often than quarterly) at the period's end: never due for renewal, it can leave any month.",
  formula: "Σ_accounts 12 × MRR of lines with interval_months < 3",
  format: "currency",
  type: "snapshot",
  agg: "sum",
  measure: "am.month_to_month_arr",
});

export const churnedArrByReason = defineMetric({
  name: "churned_arr_by_reason",
  label: "ARR lost, by reason",
  description:
    "ARR lost to churn and contraction in the period (negative), to be grouped by churn_reason or churn_category: each loss takes the loss reason of the lost or contracted renewal opportunity nearest its month (within renewals.reasonWindowMonths), else unknown. In total it is churned_arr + contraction_arr.",
  formula: "Σ_months in period Σ_accounts (ARR(m) − ARR(m−1)) over churn and contraction, by reason",
  format: "currency",
  type: "period_aggregate",
  table: "arr_losses",
  carries: ["churn_reason", "churn_category"],
  agg: "sum",
  measure: "f.amount",
});

export const renewalKnownShare = defineMetric({
  name: "renewal_known_share",
  label: "Share of ARR due with a known outcome",
  description:
    "Of the ARR due in the period, the share whose outcome is known by the as-of date: below 100% the renewal rates are partial, resting on that share (a period the as-of cuts, or renewals in their grace days).",
  formula: "Σ due over renewals with a known outcome / Σ due",
  format: "percent",
  type: "derived",
  expression: "renewal_arr_due_known / nullif(renewal_arr_due, 0)",
});
