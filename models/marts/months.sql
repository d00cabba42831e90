-- One row per calendar month from the first subscription start to the as-of month, with fiscal labels.
-- Fiscal years are named for the calendar year they end in (a year starting February 2025 is FY2026).
-- A month's snapshot is taken on its last day, or on the as-of date for a month not complete yet
-- (month to date): nothing after the as-of date is a movement yet.
-- @test unique(month_index)
-- @test not_null(month, month_end, fiscal_year, fiscal_quarter)
WITH bounds AS (
  SELECT
    min(date_trunc('month', s.start_date))::DATE AS first_month,
    date_trunc('month', any_value(a.as_of))::DATE AS last_month,
    any_value(a.as_of) AS as_of,
    any_value(settings.fiscal_year_start_month) AS fy_start
  FROM staging.crm_subscriptions AS s
  CROSS JOIN config.settings AS settings
  CROSS JOIN marts.as_of AS a
),
spine AS (
  SELECT
    idx AS month_index,
    make_date((idx // 12)::INTEGER, (idx % 12 + 1)::INTEGER, 1) AS month,
    bounds.fy_start,
    bounds.as_of
  FROM bounds,
    range(year(first_month) * 12 + month(first_month) - 1, year(last_month) * 12 + month(last_month)) AS r(idx)
  WHERE first_month IS NOT NULL
),
fiscal AS (
  SELECT
    *,
    -- months since the start of the fiscal year, 0..11
    (month(month) - fy_start + 12) % 12 AS fiscal_month_offset,
    CASE WHEN month(month) >= fy_start THEN year(month) ELSE year(month) - 1 END AS fiscal_start_year
  FROM spine
)
SELECT
  month,
  last_day(month) AS month_end,
  least(last_day(month), as_of) AS snapshot_date,
  last_day(month) > as_of AS is_month_to_date,
  month_index,
  (CASE WHEN fy_start = 1 THEN fiscal_start_year ELSE fiscal_start_year + 1 END)::INTEGER AS fiscal_year,
  (fiscal_month_offset // 3 + 1)::INTEGER AS fiscal_quarter,
  'FY' || (CASE WHEN fy_start = 1 THEN fiscal_start_year ELSE fiscal_start_year + 1 END) || ' Q' || (fiscal_month_offset // 3 + 1) AS fiscal_quarter_label,
  fiscal_month_offset % 3 = 2 AS is_quarter_end,
  fiscal_month_offset = 11 AS is_year_end
FROM fiscal
ORDER BY month_index
