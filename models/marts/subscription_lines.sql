-- One row per subscription line with its MRR and ARR in the reporting currency.
-- MRR = amount × quantity × (1 − discount) / interval_months, converted at the FX rate of the line's
-- start month (constant currency: FX never shows up as expansion). ARR = 12 × MRR. Money is DECIMAL
-- throughout: the line's amount per interval is exact, converted and kept to 1e-10, and divided by the
-- months exactly (div_round: DuckDB's DECIMAL division would give a DOUBLE), rounding half up at 1e-10.
-- Accounts round their sum to the cent once (account_months). A line whose currency has no FX rate for
-- its start month has no fx_rate, MRR or ARR: it is left out of ARR and listed in lines_without_fx.
-- @test unique(subscription_id)
-- @test expression(mrr IS NULL OR mrr >= 0)
WITH converted AS (
  SELECT
    s.*,
    CASE WHEN s.currency = settings.reporting_currency THEN 1.0 ELSE fx.rate END AS fx_rate,
    CAST(s.amount * s.quantity * (1 - s.discount) AS {{ decimal(38, 10) }}) AS interval_local,
    CAST(CAST(s.amount * s.quantity * (1 - s.discount) AS {{ decimal(38, 10) }})
      * CASE WHEN s.currency = settings.reporting_currency THEN 1.0 ELSE fx.rate END AS {{ decimal(38, 10) }}) AS interval_amount
  FROM staging.crm_subscriptions AS s
  CROSS JOIN config.settings AS settings
  LEFT JOIN staging.finance_fx_rates AS fx
    ON fx.currency = s.currency AND fx.month = {{ month_start(s.start_date) }}
),
monthly AS (
  SELECT
    *,
    {{ div_round(interval_local, interval_months, 10) }} AS mrr_local,
    {{ div_round(interval_amount, interval_months, 10) }} AS mrr
  FROM converted
)
SELECT
  subscription_id,
  account_id,
  product,
  plan,
  start_date,
  end_date,
  amount,
  interval_months,
  quantity,
  discount,
  currency,
  fx_rate,
  mrr_local,
  mrr,
  12 * mrr AS arr
FROM monthly
