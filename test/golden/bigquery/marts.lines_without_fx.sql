SELECT
  subscription_id,
  account_id,
  currency,
  DATE_TRUNC(CAST(start_date AS DATE), MONTH) AS fx_month,
  start_date,
  end_date,
  CAST(round(12 * mrr_local, 2) AS NUMERIC(18, 2)) AS arr_local
FROM marts.subscription_lines
WHERE fx_rate IS NULL
ORDER BY currency, fx_month, subscription_id
