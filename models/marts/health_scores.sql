-- One row per paying account and month: its health score (the weighted mean of the scorecard measures
-- that had data), its band from the config (default red < 40 ≤ yellow < 70 ≤ green, "no data" when no
-- measure had data), its weakest measure and the measures it had no data for.
-- @test unique(account_id, month_index)
-- @test not_null(health_band)
-- @test expression(score IS NULL OR score BETWEEN 0 AND 100)
WITH scores AS (
  SELECT
    account_id,
    month_index,
    -- The same as the sum of contributions, computed from the configured weights to stay exact (100, not 100.00000000000001).
    sum(configured_weight * score) / sum(configured_weight) FILTER (WHERE NOT is_missing) AS score,
    arg_min(label, score) FILTER (WHERE NOT is_missing) AS weakest_measure,
    min(score) AS weakest_score,
    string_agg(label, '; ' ORDER BY label) FILTER (WHERE is_missing) AS missing_measures,
    count(*) FILTER (WHERE is_missing) AS measures_missing
  FROM marts.health_measure_scores
  GROUP BY ALL
)
SELECT
  s.account_id,
  s.month_index,
  am.month_end,
  am.arr,
  s.score,
  coalesce(band.name, 'no data') AS health_band,
  s.weakest_measure,
  s.weakest_score,
  s.missing_measures,
  s.measures_missing
FROM scores AS s
JOIN marts.account_months AS am ON am.account_id = s.account_id AND am.month_index = s.month_index
-- Rounded for the band only, so that a score of 40 made of fractions is not 39.999… and red.
LEFT JOIN config.health_bands AS band
  ON round(s.score, 9) >= coalesce(band.lower, '-infinity'::DOUBLE) AND round(s.score, 9) < coalesce(band.upper, 'infinity'::DOUBLE)
ORDER BY s.account_id, s.month_index
