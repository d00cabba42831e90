-- One row per calendar month from the first subscription start to the as-of month, with fiscal labels
-- (marts.calendar without the months after the as-of month). A month's snapshot is taken on its last
-- day, or on the as-of date for a month not complete yet (month to date): nothing after the as-of date
-- is a movement yet.
-- @test unique(month_index)
-- @test not_null(month, month_end, fiscal_year, fiscal_quarter)
SELECT
  month,
  month_end,
  snapshot_date,
  is_month_to_date,
  month_index,
  fiscal_year,
  fiscal_quarter,
  fiscal_quarter_label,
  fiscal_month,
  is_quarter_end,
  is_year_end,
  is_as_of_month
FROM marts.calendar
WHERE NOT is_future
ORDER BY month_index
