WITH bounds AS (
  SELECT
    min(DATE_TRUNC(CAST(s.start_date AS DATE), MONTH)) AS first_month,
    (EXTRACT(YEAR FROM max(a.as_of)) * 12 + EXTRACT(MONTH FROM max(a.as_of)) - 1) AS as_of_month_index,
    max(a.as_of) AS as_of,
    max(settings.fiscal_year_start_month) AS fy_start
  FROM staging.crm_subscriptions AS s
  CROSS JOIN config.settings AS settings
  CROSS JOIN marts.as_of AS a
),
spine AS (
  SELECT
    idx AS month_index,
    DATE(DIV(idx, 12), MOD(idx, 12) + 1, 1) AS month,
    bounds.fy_start,
    bounds.as_of,
    bounds.as_of_month_index
  FROM bounds
  CROSS JOIN UNNEST(GENERATE_ARRAY((EXTRACT(YEAR FROM first_month) * 12 + EXTRACT(MONTH FROM first_month) - 1), (as_of_month_index + 16) - 1)) AS idx
  WHERE first_month IS NOT NULL
),
fiscal AS (
  SELECT
    spine.*,
    mod(mod(month_index, 12) + 13 - fy_start, 12) AS fiscal_month_offset,
    CASE WHEN mod(month_index, 12) + 1 >= fy_start
      THEN CAST(FLOOR((month_index) / (12)) AS INT64) ELSE CAST(FLOOR((month_index) / (12)) AS INT64) - 1 END AS fiscal_start_year,
    2 - mod(mod(mod(as_of_month_index, 12) + 13 - fy_start, 12), 3) AS as_of_to_quarter_end
  FROM spine
)
SELECT
  month,
  LAST_DAY(CAST(month AS DATE), MONTH) AS month_end,
  least(LAST_DAY(CAST(month AS DATE), MONTH), as_of) AS snapshot_date,
  LAST_DAY(CAST(month AS DATE), MONTH) > as_of AS is_month_to_date,
  month_index,
  CAST(CASE WHEN fy_start = 1 THEN fiscal_start_year ELSE fiscal_start_year + 1 END AS INT64) AS fiscal_year,
  CAST(CAST(FLOOR((fiscal_month_offset) / (3)) AS INT64) + 1 AS INT64) AS fiscal_quarter,
  'FY' || CAST(CASE WHEN fy_start = 1 THEN fiscal_start_year ELSE fiscal_start_year + 1 END AS STRING) || ' Q' || CAST(CAST(FLOOR((fiscal_month_offset) / (3)) AS INT64) + 1 AS STRING) AS fiscal_quarter_label,
  CAST(fiscal_month_offset + 1 AS INT64) AS fiscal_month,
  mod(fiscal_month_offset, 3) = 2 AS is_quarter_end,
  fiscal_month_offset = 11 AS is_year_end,
  month_index + 2 - mod(fiscal_month_offset, 3) AS quarter_end_month_index,
  month_index > as_of_month_index AS is_future,
  month_index = as_of_month_index AS is_as_of_month
FROM fiscal
WHERE month_index <= as_of_month_index + as_of_to_quarter_end + 12
ORDER BY month_index
