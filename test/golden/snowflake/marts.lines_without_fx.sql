SELECT
  subscription_id,
  account_id,
  currency,
  CAST(DATE_TRUNC('MONTH', start_date) AS DATE) AS fx_month,
  start_date,
  end_date,
  CAST(round(12 * mrr_local, 2) AS NUMBER(18, 2)) AS arr_local
FROM marts.subscription_lines
WHERE fx_rate IS NULL
ORDER BY currency, fx_month, subscription_id
