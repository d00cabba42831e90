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
      ELSE p.s0 + (CAST(i.value - p.v0 AS DOUBLE) / (p.v1 - p.v0)) * (p.s1 - p.s0)
    END AS score
  FROM inputs AS i
  JOIN config.health_measures AS hm ON hm.measure = i.measure
  LEFT JOIN points AS p
    ON p.measure = i.measure
   AND ((i.value >= p.v0 AND (p.v1 IS NULL OR i.value < p.v1)) OR (p.is_first AND i.value < p.v0))
),
weighted AS (
  SELECT
    scored.*,
    CASE WHEN score IS NOT NULL
      THEN (CAST(configured_weight AS DOUBLE) / (sum(CASE WHEN score IS NOT NULL THEN configured_weight END) OVER (PARTITION BY account_id, month_index)))
    END AS weight
  FROM scored
)
SELECT
  account_id,
  month_index,
  DATE_FROM_PARTS(FLOOR((month_index) / 12), MOD(month_index, 12) + 1, 1) AS month,
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
