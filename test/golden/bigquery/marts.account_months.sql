WITH active AS (
  SELECT
    l.account_id,
    m.month_index,
    CAST(round(sum(l.arr), 2) AS NUMERIC(18, 2)) AS arr,
    CAST(round(sum(CASE WHEN l.interval_months < 3 THEN l.arr ELSE 0 END), 2) AS NUMERIC(18, 2)) AS month_to_month_arr,
    sum(l.quantity) AS seats,
    ARRAY_AGG(STRUCT(l.plan AS v) ORDER BY l.arr DESC, l.subscription_id LIMIT 1)[OFFSET(0)].v AS plan
  FROM marts.subscription_lines AS l
  JOIN marts.months AS m
    ON l.start_date <= m.snapshot_date AND (l.end_date IS NULL OR m.snapshot_date < l.end_date)
  WHERE l.arr IS NOT NULL
  GROUP BY l.account_id, m.month_index
),
first_paid AS (
  SELECT account_id, min(month_index) AS first_month_index, ARRAY_AGG(STRUCT(arr AS v) ORDER BY month_index LIMIT 1)[OFFSET(0)].v AS cohort_starting_arr
  FROM active
  WHERE arr > 0
  GROUP BY account_id
)
SELECT
  f.account_id,
  m.month,
  m.month_end,
  m.snapshot_date,
  m.month_index,
  CAST(coalesce(a.arr, 0) AS NUMERIC(18, 2)) AS arr,
  CAST(coalesce(a.month_to_month_arr, 0) AS NUMERIC(18, 2)) AS month_to_month_arr,
  coalesce(a.seats, 0) AS seats,
  coalesce(attr.segment, 'Unknown') AS segment,
  tier.name AS touch_tier,
  a.plan,
  attr.employee_band,
  attr.industry,
  attr.region,
  attr.country,
  attr.owner_csm,
  coalesce(attr.owner_is_pool, false) AS owner_is_pool,
  CASE WHEN coalesce(a.arr, 0) > 0 AND attr.owner_csm IS NOT NULL AND NOT coalesce(attr.owner_is_pool, false)
    THEN CAST((CAST(1 AS FLOAT64) / (sum(CASE WHEN coalesce(a.arr, 0) > 0 AND NOT coalesce(attr.owner_is_pool, false) THEN 1 ELSE 0 END)
      OVER (PARTITION BY m.month_index, attr.owner_csm))) AS BIGNUMERIC(18, 12))
  END AS csm_fte,
  attr.acquisition_channel,
  cohort.month AS cohort_month,
  cohort.fiscal_quarter_label AS cohort_quarter,
  m.month_index - f.first_month_index AS age_months,
  f.cohort_starting_arr
FROM first_paid AS f
JOIN marts.months AS m ON m.month_index >= f.first_month_index
JOIN marts.months AS cohort ON cohort.month_index = f.first_month_index
LEFT JOIN active AS a ON a.account_id = f.account_id AND a.month_index = m.month_index
LEFT JOIN marts.account_attributes AS attr ON attr.account_id = f.account_id
LEFT JOIN config.touch_tiers AS tier
  ON (tier.lower IS NULL OR coalesce(a.arr, 0) >= tier.lower) AND (tier.upper IS NULL OR coalesce(a.arr, 0) < tier.upper)
ORDER BY f.account_id, m.month_index
