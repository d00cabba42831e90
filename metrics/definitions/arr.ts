import { defineMetric } from "../definition.ts";

export const arr = defineMetric({
  name: "arr",
  label: "ARR",
  description:
    "Annual recurring revenue at the period's last day: twelve times the MRR of every subscription line active that day, in the reporting currency at each line's start-month FX rate.",
  formula: "Σ_accounts Σ_lines active on the last day 12 × amount × quantity × (1 − discount) / interval_months × fx(start month)",
  format: "currency",
  type: "snapshot",
  agg: "sum",
  measure: "am.arr",
});

export const mrr = defineMetric({
  name: "mrr",
  label: "MRR",
  // Derived from ARR, the one figure rounded to the cent (DESIGN: 12 × mrr = arr, always).
  description: "Monthly recurring revenue at the period's last day: ARR / 12.",
  formula: "ARR / 12",
  format: "currency",
  type: "derived",
  expression: "arr / 12",
});

export const customers = defineMetric({
  name: "customers",
  label: "Customers",
  description: "Accounts with positive ARR on the period's last day.",
  formula: "|{a : ARR_a(t) > 0}|",
  format: "count",
  type: "snapshot",
  agg: "count_distinct",
  measure: "am.account_id",
  filter: "am.arr > 0",
});

export const arpa = defineMetric({
  name: "arpa",
  label: "ARR per account",
  description: "Average ARR per paying account at the period's last day.",
  formula: "ARR / customers",
  format: "currency",
  type: "derived",
  expression: "arr / nullif(customers, 0)",
});
