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
