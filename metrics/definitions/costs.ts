import { defineMetric, type MetricInput } from "../definition.ts";

const costRows = {
  type: "period_aggregate",
  table: "cost_allocations",
  agg: "sum",
  measure: "f.amount",
  filter: "f.is_retention",
  // Cost rows are not accounts': they carry their segment (after allocation) and cost centre.
  accounts: false,
  carries: ["segment", "cost_center"],
} satisfies Partial<MetricInput>;

const centres =
  "Retention cost = the config's retention cost centres (default csm, support, onboarding, cs_ops, renewals), in the reporting currency; a cost with no segment is shared pro-rata to segment ARR that month (or account count, by config).";

export const retentionCost = defineMetric({
  ...costRows,
  name: "retention_cost",
  better: "lower",
  label: "Retention cost",
  description: `Customer-success cost booked in the period's months. ${centres}`,
  formula: "Σ_months in period retention cost",
  format: "currency",
});

export const retentionCostWindow = defineMetric({
  ...costRows,
  over: "window",
  name: "retention_cost_window",
  better: "lower",
  label: "Retention cost over the window",
  description: `Customer-success cost over the retention window ending with the period (12 months by default): what was spent to keep the book that the window's retention measures. ${centres}`,
  formula: "Σ_months in (s, t] retention cost",
  format: "currency",
});

export const retentionBaseArr = defineMetric({
  name: "retention_base_arr",
  label: "ARR under management (S)",
  description: "ARR at the window start of the accounts paying then: the S of NRR and GRR. Grouped by each account's dimensions as of s.",
  formula: "S = Σ_B ARR(s)",
  format: "currency",
  type: "window_retention",
  numerator: "arr_start",
});

export const retainedArr = defineMetric({
  name: "retained_arr",
  label: "Retained ARR",
  description: "ARR the window-start accounts kept at the period end, each counted for at most what it had: GRR's numerator.",
  formula: "Σ_B min(ARR(t), ARR(s))",
  format: "currency",
  type: "window_retention",
  numerator: "arr_end_capped",
});

export const retentionBaseLogos = defineMetric({
  name: "retention_base_logos",
  label: "Base accounts (|B|)",
  description: "Accounts paying at the window start: the base logo retention is measured on.",
  formula: "|B|",
  format: "count",
  type: "window_retention",
  numerator: "logos",
});

export const revenueWindow = defineMetric({
  name: "revenue_window",
  label: "Revenue over the window",
  description: "Recurring revenue over the retention window ending with the period: the MRR of every month in it, summed.",
  formula: "Σ_months in (s, t] Σ_accounts MRR(m)",
  format: "currency",
  type: "period_aggregate",
  table: "account_months",
  over: "window",
  agg: "sum",
  measure: "{{ divide(f.arr, 12) }}",
});

export const costToRetain = defineMetric({
  name: "cost_to_retain",
  better: "lower",
  label: "Cost to retain",
  description: `Retention cost over the window per dollar of ARR under management at its start. By cost centre, each centre's share of it. ${centres}`,
  formula: "retention cost over (s, t] / S",
  format: "ratio",
  unit: "per {currency} 1 of ARR",
  type: "derived",
  expression: "retention_cost_window / nullif(retention_base_arr, 0)",
});

export const costPerRetainedDollar = defineMetric({
  name: "cost_per_retained_dollar",
  better: "lower",
  label: "Cost per retained dollar",
  description: `Retention cost over the window per dollar of ARR actually kept (GRR's numerator). ${centres}`,
  formula: "retention cost over (s, t] / Σ_B min(ARR(t), ARR(s))",
  format: "ratio",
  unit: "per {currency} 1 retained",
  type: "derived",
  expression: "retention_cost_window / nullif(retained_arr, 0)",
});

export const csCostPctRevenue = defineMetric({
  name: "cs_cost_pct_revenue",
  better: "lower",
  label: "CS cost as % of revenue",
  description: `Retention cost over the window as a share of the recurring revenue of the same months. ${centres}`,
  formula: "retention cost over (s, t] / Σ_months in (s, t] MRR",
  format: "percent",
  type: "derived",
  expression: "retention_cost_window / nullif(revenue_window, 0)",
});

export const csms = defineMetric({
  name: "csms",
  label: "CSMs",
  description:
    "Account owners (owner_csm) of paying accounts at the period's end, pooled owners (config `pools`, a digital-CS queue) left out. By segment, each CSM counts in proportion to the share of their paying accounts in it, so the segments add up to the total.",
  formula: "Σ over CSM-owned paying accounts of 1 / |the owner's paying accounts| (= |CSMs| in total)",
  format: "ratio",
  unit: "CSMs",
  type: "snapshot",
  agg: "sum",
  measure: "am.csm_fte",
  filter: "am.arr > 0 AND NOT am.owner_is_pool",
});

const csmOwned = {
  type: "snapshot",
  filter: "am.arr > 0 AND NOT am.owner_is_pool",
} satisfies Partial<MetricInput>;

export const csmArr = defineMetric({
  ...csmOwned,
  name: "csm_arr",
  label: "ARR with a CSM",
  description: "ARR at the period's end of accounts owned by a person, not a pool.",
  formula: "Σ ARR(t) over accounts whose owner is not a pool",
  format: "currency",
  agg: "sum",
  measure: "am.arr",
});

export const csmAccounts = defineMetric({
  ...csmOwned,
  name: "csm_accounts",
  label: "Accounts with a CSM",
  description: "Paying accounts at the period's end owned by a person, not a pool.",
  formula: "|{accounts with ARR(t) > 0 whose owner is not a pool}|",
  format: "count",
  agg: "count_distinct",
  measure: "am.account_id",
});

export const arrPerCsm = defineMetric({
  name: "arr_per_csm",
  label: "ARR per CSM",
  description:
    "ARR of accounts owned by a CSM at the period's end per CSM who owns a paying account (by segment: over the CSMs' time apportioned by their accounts in it). Pooled owners and their accounts are left out.",
  formula: "ARR(t) of CSM-owned accounts / |CSMs|",
  format: "currency",
  type: "derived",
  expression: "csm_arr / nullif(csms, 0)",
});

export const accountsPerCsm = defineMetric({
  name: "accounts_per_csm",
  label: "Accounts per CSM",
  description: "Paying accounts owned by a CSM at the period's end per CSM who owns one; pooled owners left out.",
  formula: "|CSM-owned accounts(t)| / |CSMs|",
  format: "ratio",
  unit: "accounts",
  type: "derived",
  expression: "csm_accounts / nullif(csms, 0)",
});
