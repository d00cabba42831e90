WITH costs AS (
  SELECT
    c.month,
    (EXTRACT(YEAR FROM c.month) * 12 + EXTRACT(MONTH FROM c.month) - 1) AS month_index,
    c.cost_center,
    c.segment,
    c.amount * CASE WHEN c.currency = settings.reporting_currency THEN 1.0 ELSE fx.rate END AS amount
  FROM staging.finance_cs_costs AS c
  CROSS JOIN config.settings AS settings
  LEFT JOIN staging.finance_fx_rates AS fx ON fx.currency = c.currency AND fx.month = c.month
),
segment_weights AS (
  SELECT
    am.month_index,
    am.segment,
    sum(CASE WHEN settings.cost_allocate_by = 'accounts' THEN 1 ELSE am.arr END) AS weight
  FROM marts.account_months AS am
  CROSS JOIN config.settings AS settings
  WHERE am.arr > 0
  GROUP BY am.month_index, am.segment
),
shares AS (
  SELECT month_index, segment, (CAST(weight AS FLOAT64) / (sum(weight) OVER (PARTITION BY month_index))) AS share
  FROM segment_weights
),
cost_rows AS (
  SELECT month, month_index, cost_center, segment, amount, false AS allocated
  FROM costs
  WHERE segment IS NOT NULL
  UNION ALL
  SELECT c.month, c.month_index, c.cost_center, coalesce(s.segment, 'Unallocated'), c.amount * coalesce(s.share, 1), true
  FROM costs AS c
  LEFT JOIN shares AS s ON s.month_index = c.month_index
  WHERE c.segment IS NULL
)
SELECT
  r.month,
  r.month_index,
  r.cost_center,
  r.segment,
  sum(r.amount) AS amount,
  r.allocated,
  r.cost_center IN (SELECT cost_center FROM config.retention_cost_centers) AS is_retention
FROM cost_rows AS r
GROUP BY r.month, r.month_index, r.cost_center, r.segment, r.allocated
ORDER BY r.month_index, r.cost_center, r.segment, r.allocated
