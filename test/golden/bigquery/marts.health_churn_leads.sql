WITH churns AS (
  SELECT account_id, month_index
  FROM marts.arr_movements
  WHERE movement = 'churn'
),
first_red AS (
  SELECT c.account_id, c.month_index, min(h.month_index) AS red_month_index, ARRAY_AGG(STRUCT(h.month_end AS v) ORDER BY h.month_index LIMIT 1)[OFFSET(0)].v AS red_month_end
  FROM churns AS c
  CROSS JOIN config.settings AS settings
  JOIN marts.health_scores AS h
    ON h.account_id = c.account_id
   AND h.month_index < c.month_index
   AND h.month_index >= c.month_index - settings.health_horizon_months
  JOIN config.health_bands AS band ON band.name = h.health_band AND band.position = 1
  GROUP BY c.account_id, c.month_index
)
SELECT
  c.account_id,
  c.month_index,
  m.month_end AS churn_month_end,
  r.red_month_end,
  DATE_DIFF(CAST(m.month_end AS DATE), CAST(r.red_month_end AS DATE), DAY) AS lead_days,
  r.red_month_end IS NOT NULL AS warned
FROM churns AS c
JOIN marts.months AS m ON m.month_index = c.month_index
LEFT JOIN first_red AS r ON r.account_id = c.account_id AND r.month_index = c.month_index
ORDER BY c.account_id, c.month_index
