SELECT
  upper(trim(currency)) AS currency,
  DATE_TRUNC(CAST(month AS DATE), MONTH) AS month,
  rate
FROM raw.finance_fx_rates
