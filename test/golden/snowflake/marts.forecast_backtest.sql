WITH bounds AS (
  SELECT max(a.as_of) AS as_of, max(s.renewal_grace_days) AS grace_days
  FROM marts.as_of AS a
  CROSS JOIN config.settings AS s
),
forecasts AS (
  SELECT
    f.made_on,
    f.made_month_index,
    c.quarter_end_month_index AS month_index,
    max(f.horizon_quarters) AS horizon_quarters,
    sum(f.arr_due) AS arr_due,
    sum(f.expected_lost_arr) AS expected_lost_arr
  FROM marts.renewal_forecasts AS f
  JOIN marts.calendar AS c ON c.month_index = f.month_index
  WHERE f.horizon_quarters >= 1
  GROUP BY f.made_on, f.made_month_index, c.quarter_end_month_index
),
actuals AS (
  SELECT
    c.quarter_end_month_index AS month_index,
    sum(r.arr_due) AS arr_due,
    sum(r.arr_retained) AS arr_retained,
    count(CASE WHEN NOT r.is_known THEN 1 END) AS pending
  FROM marts.renewals AS r
  JOIN marts.calendar AS c ON c.month_index = r.month_index
  GROUP BY c.quarter_end_month_index
),
known AS (
  SELECT a.*
  FROM actuals AS a
  CROSS JOIN bounds AS b
  JOIN marts.calendar AS q ON q.month_index = a.month_index
  WHERE a.pending = 0 AND DATEADD(DAY, b.grace_days, CAST(q.month_end AS DATE)) <= b.as_of AND a.arr_due > 0
),
compared AS (
  SELECT
    f.made_on,
    f.made_month_index,
    f.month_index,
    f.horizon_quarters,
    f.arr_due AS forecast_arr_due,
    f.expected_lost_arr AS forecast_lost_arr,
    1 - (CAST(f.expected_lost_arr AS DOUBLE) / (f.arr_due)) AS forecast_grr,
    k.arr_due AS actual_arr_due,
    (CAST(k.arr_retained AS DOUBLE) / (k.arr_due)) AS actual_grr
  FROM forecasts AS f
  JOIN known AS k ON k.month_index = f.month_index
  WHERE f.arr_due > 0
)
SELECT
  *,
  100 * abs(forecast_grr - actual_grr) AS error_points
FROM compared
ORDER BY made_on, month_index
