WITH measured AS (
  SELECT
    account_id,
    month_index,
    sum(configured_weight * score) AS weighted_score,
    coalesce(sum(CASE WHEN NOT is_missing THEN configured_weight END), 0) AS weight_with_data,
    sum(configured_weight) AS weight,
    ARRAY_AGG(OBJECT_CONSTRUCT_KEEP_NULL('v', CASE WHEN NOT is_missing THEN label END)) WITHIN GROUP (ORDER BY is_missing, score, label)[0]:v AS weakest_measure,
    min(score) AS weakest_score,
    NULLIF(LISTAGG(CASE WHEN is_missing THEN label END, '; ') WITHIN GROUP (ORDER BY label), '') AS missing_measures,
    count(CASE WHEN is_missing THEN 1 END) AS measures_missing
  FROM marts.health_measure_scores
  GROUP BY account_id, month_index
),
scores AS (
  SELECT
    m.*,
    CASE WHEN m.weight_with_data > 0 AND m.weight_with_data >= m.weight * settings.health_min_coverage
      THEN (CAST(m.weighted_score AS DOUBLE) / (m.weight_with_data))
    END AS score,
    (CAST(m.weight_with_data AS DOUBLE) / (m.weight)) AS coverage
  FROM measured AS m
  CROSS JOIN config.settings AS settings
),
renewals AS (
  SELECT
    am.account_id,
    am.month_index,
    min(coalesce(
      l.end_date,
      CASE WHEN CAST(DATEADD(MONTH, l.interval_months * CAST(FLOOR(((YEAR(am.snapshot_date) * 12 + MONTH(am.snapshot_date) - 1) - (YEAR(l.start_date) * 12 + MONTH(l.start_date) - 1)) / (l.interval_months)) AS INTEGER), l.start_date) AS DATE) > am.snapshot_date
        THEN CAST(DATEADD(MONTH, l.interval_months * CAST(FLOOR(((YEAR(am.snapshot_date) * 12 + MONTH(am.snapshot_date) - 1) - (YEAR(l.start_date) * 12 + MONTH(l.start_date) - 1)) / (l.interval_months)) AS INTEGER), l.start_date) AS DATE)
        ELSE CAST(DATEADD(MONTH, l.interval_months * (CAST(FLOOR(((YEAR(am.snapshot_date) * 12 + MONTH(am.snapshot_date) - 1) - (YEAR(l.start_date) * 12 + MONTH(l.start_date) - 1)) / (l.interval_months)) AS INTEGER) + 1), l.start_date) AS DATE)
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
  CASE WHEN s.score IS NULL THEN 'unscored' ELSE band.name END AS health_band,
  coalesce(band.position = 1, false) AS is_red,
  s.weakest_measure,
  s.weakest_score,
  s.missing_measures,
  s.measures_missing,
  CAST(r.next_renewal_date AS DATE) AS next_renewal_date,
  DATEDIFF(DAY, am.snapshot_date, CAST(r.next_renewal_date AS DATE)) AS days_to_renewal
FROM scores AS s
JOIN marts.account_months AS am ON am.account_id = s.account_id AND am.month_index = s.month_index
LEFT JOIN renewals AS r ON r.account_id = s.account_id AND r.month_index = s.month_index
LEFT JOIN config.health_bands AS band
  ON (band.lower IS NULL OR ROUND(s.score, 9) >= band.lower) AND (band.upper IS NULL OR ROUND(s.score, 9) < band.upper)
ORDER BY s.account_id, s.month_index
