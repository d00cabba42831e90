import { defineMetric } from "../definition.ts";

const base =
  "Base B = accounts with ARR > 0 at the window start s (the period end minus the window, 12 months by default); S = their ARR at s. Grouped by each account's dimension as of s; null when S = 0.";

export const nrr = defineMetric({
  name: "nrr",
  label: "Net revenue retention",
  description: `ARR the base accounts have at the period end, including expansion, over the ARR they had at the window start. ${base}`,
  formula: "Σ_B ARR(t) / Σ_B ARR(s)",
  format: "percent",
  type: "window_retention",
  numerator: "arr_end",
  denominator: "arr_start",
});

export const grr = defineMetric({
  name: "grr",
  label: "Gross revenue retention",
  description: `Like NRR, but each account counts for at most what it had at the window start, so expansion cannot hide churn and contraction. ${base}`,
  formula: "Σ_B min(ARR(t), ARR(s)) / Σ_B ARR(s)",
  format: "percent",
  type: "window_retention",
  numerator: "arr_end_capped",
  denominator: "arr_start",
});

export const logoRetention = defineMetric({
  name: "logo_retention",
  label: "Logo retention",
  description: `Share of the base accounts that still have ARR at the period end. ${base}`,
  formula: "|{a ∈ B : ARR_a(t) > 0}| / |B|",
  format: "percent",
  type: "window_retention",
  numerator: "logos_retained",
  denominator: "logos",
});

export const logoChurn = defineMetric({
  name: "logo_churn",
  better: "lower",
  label: "Logo churn",
  description: `Share of the base accounts with no ARR at the period end (1 − logo retention). ${base}`,
  formula: "1 − |{a ∈ B : ARR_a(t) > 0}| / |B|",
  format: "percent",
  type: "window_retention",
  numerator: "logos_lost",
  denominator: "logos",
});
