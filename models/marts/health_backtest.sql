-- One row per scored health snapshot whose next H months (config, default 9) are all in the data: did
-- the account churn (ARR to 0) or contract (ARR below the snapshot's) in any of them? The outcome a
-- health score exists to predict; snapshots too recent to know it are left out. `lost_arr` is the ARR
-- lost within them: the snapshot's ARR less the lowest ARR after it (0 when it never fell), what the
-- forecast's loss rates (marts.loss_rates) are made of.
-- @test unique(account_id, month_index)
-- @test not_null(churned_or_contracted, churned)
-- @test expression(lost_arr >= 0 AND lost_arr <= arr)
SELECT
  h.account_id,
  h.month_index,
  {{ month_from_index(h.month_index) }} AS month,
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
