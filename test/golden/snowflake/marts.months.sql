SELECT
  month,
  month_end,
  snapshot_date,
  is_month_to_date,
  month_index,
  fiscal_year,
  fiscal_quarter,
  fiscal_quarter_label,
  is_quarter_end,
  is_year_end
FROM marts.calendar
WHERE NOT is_future
ORDER BY month_index
