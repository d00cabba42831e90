-- One row per paying account, month and scorecard measure: the measure's raw value, its 0–100 score
-- from the config's thresholds (straight lines between [value, score] points, flat beyond the ends),
-- and its weight renormalised over the measures that had data, so contributions add up to the score.
-- @test unique(account_id, month_index, measure)
-- @test expression(score IS NULL OR score BETWEEN 0 AND 100)
-- @test expression(is_missing = (score IS NULL))
WITH measure_values AS (
  SELECT * EXCLUDE (month_end, arr, seats) FROM marts.health_inputs
),
inputs AS (
  SELECT * FROM measure_values
  UNPIVOT INCLUDE NULLS (value FOR measure IN (COLUMNS(* EXCLUDE (account_id, month_index))))
),
points AS (
  SELECT
    measure,
    value AS v0,
    score AS s0,
    lead(value) OVER w AS v1,
    lead(score) OVER w AS s1,
    row_number() OVER w = 1 AS is_first
  FROM config.health_thresholds
  WINDOW w AS (PARTITION BY measure ORDER BY value)
),
scored AS (
  SELECT
    i.account_id,
    i.month_index,
    i.measure,
    hm.label,
    hm.weight AS configured_weight,
    i.value,
    CASE
      WHEN i.value IS NULL THEN NULL
      WHEN p.v1 IS NULL OR i.value < p.v0 THEN p.s0
      ELSE p.s0 + (i.value - p.v0) / (p.v1 - p.v0) * (p.s1 - p.s0)
    END AS score
  FROM inputs AS i
  JOIN config.health_measures AS hm ON hm.measure = i.measure
  -- The one segment a value falls in: [v0, v1), the last point's open end, or before the first point.
  LEFT JOIN points AS p
    ON p.measure = i.measure
   AND ((i.value >= p.v0 AND (p.v1 IS NULL OR i.value < p.v1)) OR (p.is_first AND i.value < p.v0))
),
weighted AS (
  SELECT
    *,
    CASE WHEN score IS NOT NULL
      THEN configured_weight / sum(CASE WHEN score IS NOT NULL THEN configured_weight END) OVER (PARTITION BY account_id, month_index)
    END AS weight
  FROM scored
)
SELECT
  account_id,
  month_index,
  measure,
  label,
  value,
  score,
  configured_weight,
  weight,
  weight * score AS contribution,
  score IS NULL AS is_missing
FROM weighted
ORDER BY account_id, month_index, measure
