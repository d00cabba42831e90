-- One row per paying account and month: its health score (the weighted mean of the scorecard measures
-- that had data), its band from the config (default red < 40 ≤ yellow < 70 ≤ green, "unscored" when no
-- measure had data), its weakest measure, the measures it had no data for, and its next renewal: the
-- soonest end of an active line's term (its end date, or the next anniversary of an open-ended line).
-- @test unique(account_id, month_index)
-- @test not_null(health_band)
-- @test expression(score IS NULL OR score BETWEEN 0 AND 100)
WITH scores AS (
  SELECT
    account_id,
    month_index,
    -- The same as the sum of contributions, computed from the configured weights to stay exact (100, not 100.00000000000001).
    sum(configured_weight * score) / sum(configured_weight) FILTER (WHERE NOT is_missing) AS score,
    -- Of measures with the same lowest score, the first by label.
    first(label ORDER BY score, label) FILTER (WHERE NOT is_missing) AS weakest_measure,
    min(score) AS weakest_score,
    string_agg(label, '; ' ORDER BY label) FILTER (WHERE is_missing) AS missing_measures,
    count(*) FILTER (WHERE is_missing) AS measures_missing
  FROM marts.health_measure_scores
  GROUP BY ALL
),
renewals AS (
  SELECT
    am.account_id,
    am.month_index,
    min(coalesce(
      l.end_date,
      l.start_date + to_months((l.interval_months * (date_diff('month', l.start_date, am.month_end) // l.interval_months + 1))::INTEGER)
    )) AS next_renewal_date
  FROM marts.account_months AS am
  JOIN marts.subscription_lines AS l
    ON l.account_id = am.account_id AND l.start_date <= am.month_end AND (l.end_date IS NULL OR am.month_end < l.end_date)
  WHERE am.arr > 0
  GROUP BY ALL
)
SELECT
  s.account_id,
  s.month_index,
  am.month_end,
  am.arr,
  s.score,
  -- No measure with data: no score and no band (never 100 or green).
  CASE WHEN s.score IS NULL THEN 'unscored' ELSE band.name END AS health_band,
  coalesce(band.position = 1, false) AS is_red,
  s.weakest_measure,
  s.weakest_score,
  s.missing_measures,
  s.measures_missing,
  CAST(r.next_renewal_date AS DATE) AS next_renewal_date,
  date_diff('day', am.month_end, CAST(r.next_renewal_date AS DATE)) AS days_to_renewal
FROM scores AS s
JOIN marts.account_months AS am ON am.account_id = s.account_id AND am.month_index = s.month_index
-- Rounded for the band only, so that a score of 40 made of fractions is not 39.999… and red.
LEFT JOIN renewals AS r ON r.account_id = s.account_id AND r.month_index = s.month_index
LEFT JOIN config.health_bands AS band
  ON round(s.score, 9) >= coalesce(band.lower, '-infinity'::DOUBLE) AND round(s.score, 9) < coalesce(band.upper, 'infinity'::DOUBLE)
ORDER BY s.account_id, s.month_index
