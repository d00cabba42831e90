SELECT
  upper(trim(currency)) AS currency,
  CAST(DATE_TRUNC('MONTH', month) AS DATE) AS month,
  rate
FROM raw.finance_fx_rates
