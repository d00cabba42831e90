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

const moved = (direction: "in" | "out", label: string, description: string) =>
  defineMetric({
    name: `moved_${direction}_arr`,
    label,
    description: `${description} Zero in a total: an account moves between groups, not out of the book. Over the months of the period, for dimensions of account_months (touch tier, plan, segment, owner).`,
    formula:
      direction === "in"
        ? "Σ_months Σ_accounts ARR(m−1) where the account's group at m is this one and at m−1 was another"
        : "−Σ_months Σ_accounts ARR(m−1) where the account's group at m−1 was this one and at m is another",
    format: "currency",
    type: "transfer",
    direction,
  });

export const movedInArr = moved(
  "in",
  "Moved-in ARR",
  "ARR brought into a group by accounts that moved to it from another (their ARR the month before), so that a bridge by a dimension foots in every group.",
);
export const movedOutArr = moved(
  "out",
  "Moved-out ARR",
  "ARR taken out of a group by accounts that moved to another (negative: their ARR the month before).",
);

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
