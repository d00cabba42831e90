import { defineMetric } from "../definition.ts";

const movement = (name: string, kind: string, label: string, description: string) =>
  defineMetric({
    name,
    label,
    description: `${description} Summed over the months of the period (a quarter is its three months); grouped by each account's dimensions in the month it moved.`,
    formula: `Σ_months in period Σ_accounts (ARR(m) − ARR(m−1)) where the movement is ${kind}`,
    format: "currency",
    type: "period_aggregate",
    table: "arr_movements",
    agg: "sum",
    measure: "f.amount",
    filter: `f.movement = '${kind}'`,
  });

export const newArr = movement("new_arr", "new", "New ARR", "ARR from accounts that had none the month before and never had any.");
export const reactivationArr = movement(
  "reactivation_arr",
  "reactivation",
  "Reactivation ARR",
  "ARR from accounts that had none the month before but had some earlier.",
);
export const expansionArr = movement("expansion_arr", "expansion", "Expansion ARR", "ARR added by accounts that already paid.");
export const contractionArr = movement(
  "contraction_arr",
  "contraction",
  "Contraction ARR",
  "ARR lost by accounts that still pay (negative, so the bridge adds up).",
);
export const churnedArr = movement("churned_arr", "churn", "Churned ARR", "ARR lost by accounts that stopped paying (negative).");

export const openingArr = defineMetric({
  name: "opening_arr",
  label: "Opening ARR",
  description: "ARR on the last day before the period: what the period starts from.",
  formula: "ARR(last day of the month before the period)",
  format: "currency",
  type: "snapshot",
  at: "period_start",
  agg: "sum",
  measure: "am.arr",
});

export const quickRatio = defineMetric({
  name: "quick_ratio",
  label: "Quick ratio",
  description: "ARR gained (new, expansion, reactivation) per dollar of ARR lost (contraction, churn) in the period; null with no loss.",
  formula: "(new + expansion + reactivation) / −(contraction + churn)",
  format: "ratio",
  type: "derived",
  expression: "(new_arr + expansion_arr + reactivation_arr) / nullif(-(contraction_arr + churned_arr), 0)",
});

export const expansionRate = defineMetric({
  name: "expansion_rate",
  label: "Expansion rate",
  description: "Expansion ARR in the period over the ARR the period started from.",
  formula: "expansion ARR / opening ARR",
  format: "percent",
  type: "derived",
  expression: "expansion_arr / nullif(opening_arr, 0)",
});
