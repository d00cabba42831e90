-- One row per paying account and month: its health score (the weighted mean of the scorecard measures
-- that had data), the share of the scorecard's weight that had data (`coverage`), its band from the
-- config (default red < 40 ≤ yellow < 70 ≤ green; "unscored" when the measures with data weigh less
-- than `health.minCoverage` of the whole), its weakest measure, the measures it had no data for, and its
-- next renewal: the soonest end of an active line's term (its end date, or the next anniversary of an
-- open-ended line).
-- @test unique(account_id, month_index)
-- @test not_null(health_band)
-- @test expression(score IS NULL OR score BETWEEN 0 AND 100)
WITH measured AS (
  SELECT
    account_id,
    month_index,
    sum(configured_weight * score) AS weighted_score,
    coalesce(sum(CASE WHEN NOT is_missing THEN configured_weight END), 0) AS weight_with_data,
    sum(configured_weight) AS weight,
    -- Of measures with the same lowest score, the first by label.
    {{ first_by(CASE WHEN NOT is_missing THEN label END, is_missing, score, label) }} AS weakest_measure,
    min(score) AS weakest_score,
    {{ string_agg(CASE WHEN is_missing THEN label END, '; ', label) }} AS missing_measures,
    count(CASE WHEN is_missing THEN 1 END) AS measures_missing
  FROM marts.health_measure_scores
  GROUP BY account_id, month_index
),
scores AS (
  SELECT
    m.*,
    -- The same as the sum of contributions, computed from the configured weights to stay exact (100, not
    -- 100.00000000000001); none when the measures with data weigh less than the config's minimum share.
    CASE WHEN m.weight_with_data > 0 AND m.weight_with_data >= m.weight * settings.health_min_coverage
      THEN {{ divide(m.weighted_score, m.weight_with_data) }}
    END AS score,
    {{ divide(m.weight_with_data, m.weight) }} AS coverage
  FROM measured AS m
  CROSS JOIN config.settings AS settings
),
renewals AS (
  SELECT
    am.account_id,
    am.month_index,
    min(coalesce(
      l.end_date,
      -- The anniversary in the snapshot's month may still be ahead of a snapshot taken mid-month.
      CASE WHEN {{ add_months(l.start_date, l.interval_months * {{ int_divide({{ month_index(am.snapshot_date) }} - {{ month_index(l.start_date) }}, l.interval_months) }}) }} > am.snapshot_date
        THEN {{ add_months(l.start_date, l.interval_months * {{ int_divide({{ month_index(am.snapshot_date) }} - {{ month_index(l.start_date) }}, l.interval_months) }}) }}
        ELSE {{ add_months(l.start_date, l.interval_months * ({{ int_divide({{ month_index(am.snapshot_date) }} - {{ month_index(l.start_date) }}, l.interval_months) }} + 1)) }}
      END
    )) AS next_renewal_date
  FROM marts.account_months AS am
  JOIN marts.subscription_lines AS l
    ON l.account_id = am.account_id AND l.start_date <= am.snapshot_date AND (l.end_date IS NULL OR am.snapshot_date < l.end_date)
  WHERE am.arr > 0
  GROUP BY am.account_id, am.month_index
)
SELECT
  s.account_id,
  s.month_index,
  am.month_end,
  am.arr,
  s.score,
  s.coverage,
  -- No measure with data: no score and no band (never 100 or green).
  CASE WHEN s.score IS NULL THEN 'unscored' ELSE band.name END AS health_band,
  coalesce(band.position = 1, false) AS is_red,
  s.weakest_measure,
  s.weakest_score,
  s.missing_measures,
  s.measures_missing,
  CAST(r.next_renewal_date AS DATE) AS next_renewal_date,
  {{ days_between(am.snapshot_date, CAST(r.next_renewal_date AS DATE)) }} AS days_to_renewal
FROM scores AS s
JOIN marts.account_months AS am ON am.account_id = s.account_id AND am.month_index = s.month_index
-- Rounded for the band only, so that a score of 40 made of fractions is not 39.999… and red.
LEFT JOIN renewals AS r ON r.account_id = s.account_id AND r.month_index = s.month_index
LEFT JOIN config.health_bands AS band
  ON (band.lower IS NULL OR {{ round_float(s.score, 9) }} >= band.lower) AND (band.upper IS NULL OR {{ round_float(s.score, 9) }} < band.upper)
ORDER BY s.account_id, s.month_index
