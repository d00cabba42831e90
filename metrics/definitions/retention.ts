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
  sample: "retention_base_logos",
  interval: ["nrr_low", "nrr_high"],
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
  sample: "retention_base_logos",
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
  sample: "retention_base_logos",
  interval: ["logo_retention_low", "logo_retention_high"],
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
  sample: "retention_base_logos",
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

/*
 * NRR's 95% interval. NRR is a ratio of sums over the base's accounts, R = Σe / Σs, so its standard
 * error is the ratio estimator's (the linearised variance over n accounts):
 * SE(R) = √( Σ(e − R·s)² / (n(n − 1)) ) / s̄, with Σ(e − R·s)² = Σe² − 2R·Σse + R²·Σs².
 */
const moments = (name: string, label: string, numerator: "arr_start_squared" | "arr_end_squared" | "arr_start_times_end") =>
  defineMetric({
    name,
    label,
    description: `A term of NRR's interval: ${label.toLowerCase()} over the base accounts. ${base}`,
    formula: { arr_start_squared: "Σ_B ARR(s)²", arr_end_squared: "Σ_B ARR(t)²", arr_start_times_end: "Σ_B ARR(s)·ARR(t)" }[numerator],
    format: "count",
    type: "window_retention",
    numerator,
  });
export const nrrStartSquared = moments("nrr_term_start_squared", "Sum of squared ARR at the window start", "arr_start_squared");
export const nrrEndSquared = moments("nrr_term_end_squared", "Sum of squared ARR at the period end", "arr_end_squared");
export const nrrStartTimesEnd = moments("nrr_term_start_times_end", "Sum of ARR at the start times ARR at the end", "arr_start_times_end");

const nrrStandardError = `sqrt(greatest(nrr_term_end_squared - 2 * nrr * nrr_term_start_times_end + nrr * nrr * nrr_term_start_squared, 0)
  / nullif(retention_base_logos * (retention_base_logos - 1), 0)) / nullif(retention_base_arr / nullif(retention_base_logos, 0), 0)`;

export const nrrLow = defineMetric({
  name: "nrr_low",
  label: "NRR, 95% low",
  description: `Lower end of a 95% interval for NRR, from how the base accounts' own retention varies (the ratio estimator's standard error); null with fewer than two accounts. ${base}`,
  formula: "max(0, R − 1.96 · √(Σ(e − R·s)² / (n(n − 1))) / s̄)",
  format: "percent",
  type: "derived",
  // NRR is never below zero, whatever a small base's normal approximation says: max(L, 0) as (L + |L|) / 2,
  // which stays null with the interval (greatest() would turn a null into 0).
  expression: `((nrr - 1.96 * ${nrrStandardError}) + abs(nrr - 1.96 * ${nrrStandardError})) / 2`,
});

export const nrrHigh = defineMetric({
  name: "nrr_high",
  label: "NRR, 95% high",
  description: `Upper end of a 95% interval for NRR (see nrr_low). ${base}`,
  formula: "R + 1.96 · √(Σ(e − R·s)² / (n(n − 1))) / s̄",
  format: "percent",
  type: "derived",
  expression: `nrr + 1.96 * ${nrrStandardError}`,
});
