SELECT
  h.account_id,
  h.month_index,
  DATE_FROM_PARTS(FLOOR((h.month_index) / 12), MOD(h.month_index, 12) + 1, 1) AS month,
  h.score,
  h.health_band,
  h.arr,
  h.arr - least(min(f.arr), h.arr) AS lost_arr,
  min(f.arr) < h.arr AS churned_or_contracted,
  min(f.arr) = 0 AS churned
FROM marts.health_scores AS h
CROSS JOIN config.settings AS settings
JOIN marts.account_months AS f
  ON f.account_id = h.account_id
 AND f.month_index > h.month_index
 AND f.month_index <= h.month_index + settings.health_horizon_months
WHERE h.score IS NOT NULL
  AND h.month_index + settings.health_horizon_months <= (SELECT max(month_index) FROM marts.months)
GROUP BY h.account_id, h.month_index, h.score, h.health_band, h.arr
ORDER BY h.account_id, h.month_index
