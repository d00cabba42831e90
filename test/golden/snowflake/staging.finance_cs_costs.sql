SELECT
  CAST(DATE_TRUNC('MONTH', c.month) AS DATE) AS month,
  lower(trim(c.cost_center)) AS cost_center,
  nullif(trim(c.segment), '') AS segment,
  c.amount,
  upper(coalesce(nullif(trim(c.currency), ''), settings.reporting_currency)) AS currency
FROM raw.finance_cs_costs AS c
CROSS JOIN config.settings AS settings
