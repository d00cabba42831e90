-- One row per calendar month from the first subscription start to the as-of month, with fiscal labels.
-- Fiscal years are named for the calendar year they end in (a year starting February 2025 is FY2026).
-- @test unique(month_index)
-- @test not_null(month, month_end, fiscal_year, fiscal_quarter)
WITH bounds AS (
  SELECT
    min(date_trunc('month', s.start_date))::DATE AS first_month,
    date_trunc('month', coalesce(any_value(settings.as_of), max(s.start_date)))::DATE AS last_month,
    any_value(settings.fiscal_year_start_month) AS fy_start
  FROM staging.crm_subscriptions AS s
  CROSS JOIN config.settings AS settings
),
spine AS (
  SELECT
    idx AS month_index,
    make_date((idx // 12)::INTEGER, (idx % 12 + 1)::INTEGER, 1) AS month,
    bounds.fy_start
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
  month_index,
  (CASE WHEN fy_start = 1 THEN fiscal_start_year ELSE fiscal_start_year + 1 END)::INTEGER AS fiscal_year,
  (fiscal_month_offset // 3 + 1)::INTEGER AS fiscal_quarter,
  'FY' || (CASE WHEN fy_start = 1 THEN fiscal_start_year ELSE fiscal_start_year + 1 END) || ' Q' || (fiscal_month_offset // 3 + 1) AS fiscal_quarter_label,
  fiscal_month_offset % 3 = 2 AS is_quarter_end,
  fiscal_month_offset = 11 AS is_year_end
FROM fiscal
ORDER BY month_index
