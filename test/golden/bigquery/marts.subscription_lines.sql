WITH converted AS (
  SELECT
    s.*,
    CASE WHEN s.currency = settings.reporting_currency THEN 1.0 ELSE fx.rate END AS fx_rate,
    CAST(s.amount * s.quantity * (1 - s.discount) AS BIGNUMERIC(38, 10)) AS interval_local,
    CAST(CAST(s.amount * s.quantity * (1 - s.discount) AS BIGNUMERIC(38, 10))
      * CASE WHEN s.currency = settings.reporting_currency THEN 1.0 ELSE fx.rate END AS BIGNUMERIC(38, 10)) AS interval_amount
  FROM staging.crm_subscriptions AS s
  CROSS JOIN config.settings AS settings
  LEFT JOIN staging.finance_fx_rates AS fx
    ON fx.currency = s.currency AND fx.month = DATE_TRUNC(CAST(s.start_date AS DATE), MONTH)
),
monthly AS (
  SELECT
    *,
    ROUND(CAST(interval_local AS BIGNUMERIC) / (interval_months), 10, 'ROUND_HALF_AWAY_FROM_ZERO') AS mrr_local,
    ROUND(CAST(interval_amount AS BIGNUMERIC) / (interval_months), 10, 'ROUND_HALF_AWAY_FROM_ZERO') AS mrr
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
