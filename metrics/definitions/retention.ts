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

// Wilson score interval for logo retention, 95% (z = 1.96): p̂ = retained / n over n base accounts.
// Unlike p̂ ± z·√(p̂(1−p̂)/n) it stays inside [0, 1] and is not zero-width at 0 of n or n of n.
const wilson = (sign: "-" | "+") =>
  `(logo_retention + 1.9208 / nullif(retention_base_logos, 0) ${sign} 1.96 * sqrt(logo_retention * (1 - logo_retention) / nullif(retention_base_logos, 0) + 0.9604 / nullif(retention_base_logos * retention_base_logos, 0))) / nullif(1 + 3.8416 / nullif(retention_base_logos, 0), 0)`;

export const logoRetentionLow = defineMetric({
  name: "logo_retention_low",
  label: "Logo retention, 95% low",
  description: `Lower end of the Wilson 95% interval for logo retention, given how many accounts the base has. ${base}`,
  formula: "(p̂ + z²/2n − z√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n), z = 1.96",
  format: "percent",
  type: "derived",
  expression: wilson("-"),
});

export const logoRetentionHigh = defineMetric({
  name: "logo_retention_high",
  label: "Logo retention, 95% high",
  description: `Upper end of the Wilson 95% interval for logo retention. ${base}`,
  formula: "(p̂ + z²/2n + z√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n), z = 1.96",
  format: "percent",
  type: "derived",
  expression: wilson("+"),
});
