WITH grid AS (
  SELECT m.month, m.month_end, m.month_index, s.segment
  FROM marts.months AS m
  CROSS JOIN (SELECT DISTINCT segment FROM marts.account_months) AS s
),
closing AS (
  SELECT g.month, g.month_end, g.month_index, g.segment, coalesce(sum(am.arr), 0) AS closing_arr
  FROM grid AS g
  LEFT JOIN marts.account_months AS am ON am.month_index = g.month_index AND am.segment = g.segment
  GROUP BY g.month, g.month_end, g.month_index, g.segment
),
moved AS (
  SELECT
    month_index,
    segment,
    sum(CASE WHEN movement = 'new' THEN amount END) AS new_arr,
    sum(CASE WHEN movement = 'reactivation' THEN amount END) AS reactivation_arr,
    sum(CASE WHEN movement = 'expansion' THEN amount END) AS expansion_arr,
    sum(CASE WHEN movement = 'contraction' THEN amount END) AS contraction_arr,
    sum(CASE WHEN movement = 'churn' THEN amount END) AS churned_arr
  FROM marts.arr_movements
  GROUP BY month_index, segment
)
SELECT
  c.month,
  c.month_end,
  c.month_index,
  c.segment,
  coalesce(lag(c.closing_arr) OVER (PARTITION BY c.segment ORDER BY c.month_index), 0) AS opening_arr,
  coalesce(mv.new_arr, 0) AS new_arr,
  coalesce(mv.reactivation_arr, 0) AS reactivation_arr,
  coalesce(mv.expansion_arr, 0) AS expansion_arr,
  coalesce(mv.contraction_arr, 0) AS contraction_arr,
  coalesce(mv.churned_arr, 0) AS churned_arr,
  c.closing_arr
FROM closing AS c
LEFT JOIN moved AS mv USING (month_index, segment)
ORDER BY c.segment, c.month_index
