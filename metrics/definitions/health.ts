import { defineMetric, type MetricInput } from "../definition.ts";

const scored = "Over paying accounts at the period's last month, by the scorecard in the config.";

export const healthScoreAvg = defineMetric({
  name: "health_score_avg",
  label: "Average health score",
  description: `Mean health score (0–100): each account's weighted mean of the scorecard measures it had data for. ${scored}`,
  formula: "avg_accounts Σ_i w_i·score_i / Σ_i w_i over measures with data",
  format: "score",
  unit: "of 100",
  type: "snapshot",
  table: "health_scores",
  agg: "avg",
  measure: "am.score",
});

export const healthAccounts = defineMetric({
  name: "health_accounts",
  label: "Accounts by health",
  description: `Paying accounts with a health snapshot; group by health_band for the distribution. ${scored}`,
  formula: "|{accounts with ARR(t) > 0}|",
  format: "count",
  type: "snapshot",
  table: "health_scores",
  agg: "count_distinct",
  measure: "am.account_id",
});

export const healthArr = defineMetric({
  name: "health_arr",
  label: "ARR by health",
  description: `ARR of the accounts with a health snapshot; group by health_band for the ARR at risk. ${scored}`,
  formula: "Σ_accounts ARR(t)",
  format: "currency",
  type: "snapshot",
  table: "health_scores",
  agg: "sum",
  measure: "am.arr",
});

const backtest =
  "Backtest over the snapshots taken in the period whose next H months (config, default 9) are in the data; the outcome is churning or contracting within them.";

export const healthAuc = defineMetric({
  name: "health_auc",
  label: "Health score AUC",
  description: `How well the score ranks accounts that went on to churn or contract below those that didn't: the chance a snapshot without the outcome scored higher than one with it (ties count half). 0.5 is a coin toss. ${backtest}`,
  formula: "P(score(no outcome) > score(outcome)) + ½ P(equal)",
  format: "ratio",
  type: "auc",
  table: "health_backtest",
  score: "f.score",
  outcome: "f.churned_or_contracted",
  sample: "health_backtest_outcomes",
  interval: ["health_auc_low", "health_auc_high"],
});

/** The two sides an AUC compares: its n is the smaller, and its interval (Hanley and McNeil, 1982) needs both. */
const backtestCount = (name: string, label: string, outcome: boolean) =>
  defineMetric({
    name,
    label,
    description: `Scored snapshots ${outcome ? "followed" : "not followed"} by a churn or contraction within the horizon: one side of the AUC's comparison. ${backtest}`,
    formula: `|{scored snapshots ${outcome ? "with" : "without"} the outcome}|`,
    format: "count",
    type: "period_aggregate",
    table: "health_backtest",
    agg: "sum",
    measure: `CASE WHEN f.score IS NOT NULL AND ${outcome ? "" : "NOT "}f.churned_or_contracted THEN 1 ELSE 0 END`,
  });
export const healthBacktestOutcomes = backtestCount("health_backtest_outcomes", "Snapshots that churned or contracted", true);
export const healthBacktestOthers = backtestCount("health_backtest_others", "Snapshots that did not churn or contract", false);

/** Hanley–McNeil: SE(A) = √((A(1−A) + (n₁−1)(Q₁−A²) + (n₂−1)(Q₂−A²)) / (n₁n₂)), Q₁ = A/(2−A), Q₂ = 2A²/(1+A). */
const aucError = `sqrt((health_auc * (1 - health_auc)
  + (health_backtest_outcomes - 1) * (health_auc / nullif(2 - health_auc, 0) - health_auc * health_auc)
  + (health_backtest_others - 1) * (2 * health_auc * health_auc / nullif(1 + health_auc, 0) - health_auc * health_auc))
  / nullif(health_backtest_outcomes * health_backtest_others, 0))`;
export const healthAucLow = defineMetric({
  name: "health_auc_low",
  label: "Health score AUC, 95% low",
  description: `Lower end of the AUC's 95% interval (Hanley and McNeil's standard error), never below 0. ${backtest}`,
  formula: "max(0, A − 1.96 · SE(A))",
  format: "ratio",
  type: "derived",
  expression: `((health_auc - 1.96 * ${aucError}) + abs(health_auc - 1.96 * ${aucError})) / 2`,
});
export const healthAucHigh = defineMetric({
  name: "health_auc_high",
  label: "Health score AUC, 95% high",
  description: `Upper end of the AUC's 95% interval (Hanley and McNeil's standard error), never above 1. ${backtest}`,
  formula: "min(1, A + 1.96 · SE(A))",
  format: "ratio",
  type: "derived",
  // min(H, 1) as (H + 1 − |H − 1|) / 2, which stays null with the interval (least() would give 1).
  expression: `((health_auc + 1.96 * ${aucError}) + 1 - abs(health_auc + 1.96 * ${aucError} - 1)) / 2`,
});

export const healthOutcomeRate = defineMetric({
  name: "health_churn_rate",
  better: "lower",
  label: "Churn-or-contraction rate",
  description: `Share of snapshots followed by a churn or contraction within H months; group by health_band to see what each band is worth. ${backtest}`,
  formula: "|{snapshots with ARR falling within H months}| / |snapshots|",
  format: "percent",
  type: "period_aggregate",
  table: "health_backtest",
  agg: "avg",
  measure: "CASE WHEN f.churned_or_contracted THEN 1.0 ELSE 0.0 END",
});

export const healthLeadDays = defineMetric({
  name: "health_lead_days_median",
  label: "Warning lead time (days)",
  description:
    "Median days from an account's first red month to its churn, over churns in the period that had a red month in the H months before (churns the score missed are left out; see health_warned_share).",
  formula: "median(churn month end − first red month end)",
  format: "days",
  type: "period_aggregate",
  table: "health_churn_leads",
  agg: "median",
  measure: "f.lead_days",
});

export const healthWarnedShare = defineMetric({
  name: "health_warned_share",
  label: "Churns warned of",
  description: "Share of the churns in the period that had a red health month in the H months before.",
  formula: "|{churns with a red month in the H months before}| / |churns|",
  format: "percent",
  type: "period_aggregate",
  table: "health_churn_leads",
  agg: "avg",
  measure: "CASE WHEN f.warned THEN 1.0 ELSE 0.0 END",
});

const atRisk =
  "Accounts in the lowest health band (red) at the period's end whose next renewal (the soonest end of an active line's term) is within 180 days.";

const atRiskRows = {
  better: "lower",
  type: "snapshot",
  table: "health_scores",
  filter: "am.is_red AND am.days_to_renewal <= 180",
} satisfies Partial<MetricInput>;

export const atRiskArr = defineMetric({
  ...atRiskRows,
  name: "at_risk_arr",
  label: "At-risk ARR",
  description: `ARR of red accounts renewing soon. ${atRisk}`,
  formula: "Σ ARR(t) over red accounts with a renewal in (t, t + 180 days]",
  format: "currency",
  agg: "sum",
  measure: "am.arr",
});

export const atRiskAccounts = defineMetric({
  ...atRiskRows,
  name: "at_risk_accounts",
  label: "At-risk accounts",
  description: `Red accounts renewing soon. ${atRisk}`,
  formula: "|{red accounts with a renewal in (t, t + 180 days]}|",
  format: "count",
  agg: "count_distinct",
  measure: "am.account_id",
});

const bandMoves =
  "Accounts scored at a quarter end (or the as-of month) and at the quarter end before, by their band then (band_from) and now (band_to); grouped by the other dimensions as of now.";

export const bandMoveAccounts = defineMetric({
  name: "band_move_accounts",
  label: "Accounts by band move",
  description: `How many accounts went from one health band to another (or stayed) over the quarter. ${bandMoves}`,
  formula: "|{a : band_a(previous quarter end) = from, band_a(quarter end) = to}|",
  format: "count",
  type: "period_aggregate",
  table: "health_band_moves",
  agg: "count",
  measure: "f.account_id",
  carries: ["band_from", "band_to"],
});

export const bandMoveArr = defineMetric({
  name: "band_move_arr",
  label: "ARR by band move",
  description: `The ARR now of the accounts that went from one health band to another (or stayed) over the quarter. ${bandMoves}`,
  formula: "Σ ARR_a(quarter end) over {a : band_a(previous quarter end) = from, band_a(quarter end) = to}",
  format: "currency",
  type: "period_aggregate",
  table: "health_band_moves",
  agg: "sum",
  measure: "f.arr",
  carries: ["band_from", "band_to"],
});
