-- One row per account and month, from its first paid month to the last month of data: the ARR of its
-- lines active on the month's snapshot day (its last day, or the as-of date in a month to date; start_date <= day
-- < end_date), and its segment and touch tier
-- as of that month, with every dimension the metrics group by (the account's attributes, its plan that
-- month, its cohort). Months after a churn are kept with ARR 0 so that retention can see them.
-- @test unique(account_id, month_index)
-- @test not_null(segment, touch_tier)
-- @test expression(arr >= 0)
WITH active AS (
  SELECT
    l.account_id,
    m.month_index,
    -- Rounded to the cent once per account and month (half away from zero), and exact from here on.
    CAST(round(sum(l.arr), 2) AS {{ decimal(18, 2) }}) AS arr,
    -- Lines billed more often than quarterly are never "due" for renewal (marts.renewals).
    CAST(round(sum(CASE WHEN l.interval_months < 3 THEN l.arr ELSE 0 END), 2) AS {{ decimal(18, 2) }}) AS month_to_month_arr,
    sum(l.quantity) AS seats,
    -- The account's plan in a month is the plan of its largest line that month (ties: the lowest subscription_id).
    {{ first_by(l.plan, l.arr DESC, l.subscription_id) }} AS plan
  FROM marts.subscription_lines AS l
  JOIN marts.months AS m
    ON l.start_date <= m.snapshot_date AND (l.end_date IS NULL OR m.snapshot_date < l.end_date)
  -- A line without an FX rate is left out (marts.lines_without_fx), not counted as 0.
  WHERE l.arr IS NOT NULL
  GROUP BY l.account_id, m.month_index
),
first_paid AS (
  SELECT account_id, min(month_index) AS first_month_index, {{ first_by(arr, month_index) }} AS cohort_starting_arr
  FROM active
  WHERE arr > 0
  GROUP BY account_id
)
SELECT
  f.account_id,
  m.month,
  m.month_end,
  -- The day the month's snapshot is taken: its last day, or the as-of date in the month to date.
  m.snapshot_date,
  m.month_index,
  CAST(coalesce(a.arr, 0) AS {{ decimal(18, 2) }}) AS arr,
  CAST(coalesce(a.month_to_month_arr, 0) AS {{ decimal(18, 2) }}) AS month_to_month_arr,
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
  -- The account's share of its owner's paying book that month: a CSM's time, apportioned by account,
  -- so CSMs by segment add up to the CSMs in total (none for pooled owners and non-paying months).
  CASE WHEN coalesce(a.arr, 0) > 0 AND attr.owner_csm IS NOT NULL AND NOT coalesce(attr.owner_is_pool, false)
    -- In DECIMAL: a sum of floating-point thirds depends on the order it is added in, engine by engine.
    THEN CAST({{ divide(1, sum(CASE WHEN coalesce(a.arr, 0) > 0 AND NOT coalesce(attr.owner_is_pool, false) THEN 1 ELSE 0 END)
      OVER (PARTITION BY m.month_index, attr.owner_csm)) }} AS {{ decimal(18, 12) }})
  END AS csm_fte,
  attr.acquisition_channel,
  cohort.month AS cohort_month,
  cohort.fiscal_quarter_label AS cohort_quarter,
  m.month_index - f.first_month_index AS age_months,
  -- ARR in the cohort month: what cohort revenue retention is measured against.
  f.cohort_starting_arr
FROM first_paid AS f
JOIN marts.months AS m ON m.month_index >= f.first_month_index
JOIN marts.months AS cohort ON cohort.month_index = f.first_month_index
LEFT JOIN active AS a ON a.account_id = f.account_id AND a.month_index = m.month_index
LEFT JOIN marts.account_attributes AS attr ON attr.account_id = f.account_id
LEFT JOIN config.touch_tiers AS tier
  ON (tier.lower IS NULL OR coalesce(a.arr, 0) >= tier.lower) AND (tier.upper IS NULL OR coalesce(a.arr, 0) < tier.upper)
ORDER BY f.account_id, m.month_index
