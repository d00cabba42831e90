-- One row per calendar month from the first subscription start to the end of the fourth fiscal quarter
-- after the as-of month's quarter, with fiscal labels. Months after the as-of month are `is_future`:
-- only renewals scheduled and the forecast reach them (marts.months is the months of data).
-- Fiscal years are named for the calendar year they end in (a year starting February 2025 is FY2026);
-- `fiscal_month` is 1 in a fiscal year's first month.
-- A month's snapshot is taken on its last day, or on the as-of date for a month not complete yet
-- (month to date): nothing after the as-of date is a movement yet.
-- @test unique(month_index)
-- @test expression(quarter_end_month_index >= month_index)
-- @test not_null(month, month_end, fiscal_year, fiscal_quarter)
WITH bounds AS (
  SELECT
    min({{ month_start(s.start_date) }}) AS first_month,
    {{ month_index(max(a.as_of)) }} AS as_of_month_index,
    max(a.as_of) AS as_of,
    max(settings.fiscal_year_start_month) AS fy_start
  FROM staging.crm_subscriptions AS s
  CROSS JOIN config.settings AS settings
  CROSS JOIN marts.as_of AS a
),
spine AS (
  SELECT
    idx AS month_index,
    {{ month_from_index(idx) }} AS month,
    bounds.fy_start,
    bounds.as_of,
    bounds.as_of_month_index
  FROM bounds
  -- 15 months past the as-of month covers the rest of its quarter and four more; the WHERE below trims.
  CROSS JOIN {{ series(r, idx, {{ month_index(first_month) }}, as_of_month_index + 16) }}
  WHERE first_month IS NOT NULL
),
fiscal AS (
  SELECT
    spine.*,
    -- months since the start of the fiscal year, 0..11 (the calendar month is mod(month_index, 12) + 1)
    mod(mod(month_index, 12) + 13 - fy_start, 12) AS fiscal_month_offset,
    CASE WHEN mod(month_index, 12) + 1 >= fy_start
      THEN {{ int_divide(month_index, 12) }} ELSE {{ int_divide(month_index, 12) }} - 1 END AS fiscal_start_year,
    -- The as-of month's fiscal quarter ends this many months after it.
    2 - mod(mod(mod(as_of_month_index, 12) + 13 - fy_start, 12), 3) AS as_of_to_quarter_end
  FROM spine
)
SELECT
  month,
  {{ month_end(month) }} AS month_end,
  least({{ month_end(month) }}, as_of) AS snapshot_date,
  {{ month_end(month) }} > as_of AS is_month_to_date,
  month_index,
  {{ integer(CASE WHEN fy_start = 1 THEN fiscal_start_year ELSE fiscal_start_year + 1 END) }} AS fiscal_year,
  {{ integer({{ int_divide(fiscal_month_offset, 3) }} + 1) }} AS fiscal_quarter,
  'FY' || {{ text(CASE WHEN fy_start = 1 THEN fiscal_start_year ELSE fiscal_start_year + 1 END) }} || ' Q' || {{ text({{ int_divide(fiscal_month_offset, 3) }} + 1) }} AS fiscal_quarter_label,
  {{ integer(fiscal_month_offset + 1) }} AS fiscal_month,
  mod(fiscal_month_offset, 3) = 2 AS is_quarter_end,
  fiscal_month_offset = 11 AS is_year_end,
  month_index + 2 - mod(fiscal_month_offset, 3) AS quarter_end_month_index,
  month_index > as_of_month_index AS is_future,
  -- the last month of data: a quarter or year not over yet ends here, to date
  month_index = as_of_month_index AS is_as_of_month
FROM fiscal
WHERE month_index <= as_of_month_index + as_of_to_quarter_end + 12
ORDER BY month_index
