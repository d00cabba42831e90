-- One row per subscription line with its MRR and ARR in the reporting currency.
-- MRR = amount × quantity × (1 − discount) / interval_months, converted at the FX rate of the line's
-- start month (constant currency: FX never shows up as expansion). ARR = 12 × MRR.
-- @test unique(subscription_id)
-- @test not_null(fx_rate)
-- @test expression(mrr >= 0)
SELECT
  s.*,
  s.amount * s.quantity * (1 - s.discount) / s.interval_months AS mrr_local,
  CASE WHEN s.currency = settings.reporting_currency THEN 1.0 ELSE fx.rate END AS fx_rate,
  s.amount * s.quantity * (1 - s.discount) / s.interval_months
    * CASE WHEN s.currency = settings.reporting_currency THEN 1.0 ELSE fx.rate END AS mrr,
  12 * s.amount * s.quantity * (1 - s.discount) / s.interval_months
    * CASE WHEN s.currency = settings.reporting_currency THEN 1.0 ELSE fx.rate END AS arr
FROM staging.crm_subscriptions AS s
CROSS JOIN config.settings AS settings
LEFT JOIN staging.finance_fx_rates AS fx
  ON fx.currency = s.currency AND fx.month = date_trunc('month', s.start_date)
