-- One row per month, cost centre and segment (no segment = to be allocated) of customer-success cost.
-- @test unique(month, cost_center, segment)
SELECT
  {{ month_start(c.month) }} AS month,
  lower(trim(c.cost_center)) AS cost_center,
  nullif(trim(c.segment), '') AS segment,
  c.amount,
  upper(coalesce(nullif(trim(c.currency), ''), settings.reporting_currency)) AS currency
FROM raw.finance_cs_costs AS c
CROSS JOIN config.settings AS settings
