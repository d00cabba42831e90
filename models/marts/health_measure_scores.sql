-- One row per paying account, month and scorecard measure: the measure's raw value, its 0–100 score
-- from the config's thresholds (straight lines between [value, score] points, flat beyond the ends),
-- and its weight renormalised over the measures that had data, so contributions add up to the score.
-- @test unique(account_id, month_index, measure)
-- @test expression(score IS NULL OR score BETWEEN 0 AND 100)
-- @test expression(is_missing = (score IS NULL))
-- Each configured measure reads its column of health_inputs (core/scorecard.ts HEALTH_INPUTS: a new input is a new WHEN).
WITH inputs AS (
  SELECT
    i.account_id,
    i.month_index,
    hm.measure,
    CASE hm.measure
      WHEN 'active_users_per_seat' THEN i.active_users_per_seat
      WHEN 'usage_trend' THEN i.usage_trend
      WHEN 'sentiment' THEN i.sentiment
      WHEN 'open_urgent_tickets' THEN i.open_urgent_tickets
      WHEN 'tickets_per_seat_90d' THEN i.tickets_per_seat_90d
      WHEN 'first_response_hours_90d' THEN i.first_response_hours_90d
      WHEN 'relationship' THEN i.relationship
      WHEN 'adoption_breadth' THEN i.adoption_breadth
    END AS value
  FROM marts.health_inputs AS i
  CROSS JOIN config.health_measures AS hm
),
points AS (
  SELECT
    measure,
    value AS v0,
    score AS s0,
    lead(value) OVER (PARTITION BY measure ORDER BY value) AS v1,
    lead(score) OVER (PARTITION BY measure ORDER BY value) AS s1,
    row_number() OVER (PARTITION BY measure ORDER BY value) = 1 AS is_first
  FROM config.health_thresholds
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
      ELSE p.s0 + {{ divide(i.value - p.v0, p.v1 - p.v0) }} * (p.s1 - p.s0)
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
    scored.*,
    CASE WHEN score IS NOT NULL
      THEN {{ divide(configured_weight, sum(CASE WHEN score IS NOT NULL THEN configured_weight END) OVER (PARTITION BY account_id, month_index)) }}
    END AS weight
  FROM scored
)
SELECT
  account_id,
  month_index,
  {{ month_from_index(month_index) }} AS month,
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
