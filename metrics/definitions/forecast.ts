import { defineMetric, type MetricInput } from "../definition.ts";

const made =
  "Each renewal is forecast by the last forecast made before it was due (at a fiscal quarter end, or at the as-of date for those still to come), from what was known then only.";

/** The renewals each forecast expected, counted in the month due, grouped as the account stood when it was made. */
const forecastRows = {
  type: "period_aggregate",
  table: "renewal_forecasts",
  filter: "f.is_latest",
  dimensionsAt: "made_month_index",
  future: true,
  agg: "sum",
  format: "currency",
} satisfies Partial<MetricInput>;

export const forecastArrDue = defineMetric({
  ...forecastRows,
  name: "forecast_arr_due",
  label: "ARR due (as forecast)",
  description: `ARR due for renewal in the period as the forecast saw it: the lines that had started when it was made. ${made}`,
  formula: "Σ ARR due, as known when forecast",
  measure: "f.arr_due",
});

export const forecastLostArr = defineMetric({
  ...forecastRows,
  name: "forecast_lost_arr",
  better: "lower",
  label: "Forecast lost ARR",
  description: `ARR expected to be lost on the renewals due in the period: each renewal's ARR due × p_loss of its account's health band and segment when the forecast was made. ${made}`,
  formula: "Σ due × p_loss(band, segment)",
  measure: "f.expected_lost_arr",
});

export const forecastGrr = defineMetric({
  name: "forecast_grr",
  label: "Forecast GRR",
  description: `The gross renewal rate the forecast expects for the renewals due in the period: 1 − expected lost ARR / ARR due. ${made}`,
  formula: "1 − Σ due × p_loss / Σ due",
  format: "percent",
  type: "derived",
  expression: "1 - forecast_lost_arr / nullif(forecast_arr_due, 0)",
});

export const forecastGrrError = defineMetric({
  name: "forecast_grr_error",
  better: "lower",
  label: "Forecast GRR error (points)",
  description:
    "Mean absolute error, in percentage points, of every past forecast of a fiscal quarter's GRR (made at each earlier quarter end, one to four quarters ahead, from the data before it only) against the gross renewal rate that quarter really had, over the quarters ended by the period's end whose outcomes are all known. Group by forecast_horizon to see how it grows with distance.",
  formula: "mean |forecast_grr(q | made at e) − gross_renewal_rate(q)| × 100 over quarters q ≤ t, quarter ends e < q",
  format: "score",
  unit: "points",
  type: "period_aggregate",
  table: "forecast_backtest",
  over: "to_date",
  accounts: false,
  carries: ["forecast_horizon"],
  agg: "avg",
  measure: "f.error_points",
});

const risk =
  "p_loss(band, segment) is the share of ARR lost (churn and contraction) within the backtest's horizon after snapshots in that health band and segment, from the outcomes known by the month (a cell of fewer than forecast.minAccounts accounts takes its band's rate).";

export const riskWeightedArr = defineMetric({
  name: "risk_weighted_arr",
  better: "lower",
  label: "Risk-weighted ARR at risk",
  description: `Σ ARR × p_loss over every paying account at the period's end, whatever its band: the ARR expected to be lost within the horizon. ${risk}`,
  formula: "Σ_accounts ARR(t) × p_loss(band, segment)",
  format: "currency",
  type: "snapshot",
  table: "account_risk",
  agg: "sum",
  measure: "am.risk_weighted_arr",
});

export const pLoss = defineMetric({
  name: "p_loss",
  better: "lower",
  label: "Loss rate (p_loss)",
  description: `The loss rate the forecast gives accounts at the period's end; group by health_band and segment for the rate of each cell (ungrouped: the mean over accounts). ${risk}`,
  formula: "Σ lost within H months / Σ ARR at snapshot, per band and segment",
  format: "percent",
  type: "snapshot",
  table: "account_risk",
  agg: "avg",
  measure: "am.p_loss",
});
