-- One row per month: opening ARR, each movement (contraction and churn negative) and closing ARR.
-- The bridge identity of DESIGN.md is this model's test: opening + movements = closing, every month.
-- @test unique(month_index)
-- @test expression(abs(opening_arr + new_arr + reactivation_arr + expansion_arr + contraction_arr + churned_arr - closing_arr) < 0.005)
WITH closing AS (
  SELECT m.month, m.month_end, m.month_index, coalesce(sum(am.arr), 0) AS closing_arr
  FROM marts.months AS m
  LEFT JOIN marts.account_months AS am USING (month_index)
  GROUP BY ALL
),
moved AS (
  SELECT
    month_index,
    sum(amount) FILTER (WHERE movement = 'new') AS new_arr,
    sum(amount) FILTER (WHERE movement = 'reactivation') AS reactivation_arr,
    sum(amount) FILTER (WHERE movement = 'expansion') AS expansion_arr,
    sum(amount) FILTER (WHERE movement = 'contraction') AS contraction_arr,
    sum(amount) FILTER (WHERE movement = 'churn') AS churned_arr
  FROM marts.arr_movements
  GROUP BY ALL
)
SELECT
  c.month,
  c.month_end,
  c.month_index,
  coalesce(lag(c.closing_arr) OVER (ORDER BY c.month_index), 0) AS opening_arr,
  coalesce(mv.new_arr, 0) AS new_arr,
  coalesce(mv.reactivation_arr, 0) AS reactivation_arr,
  coalesce(mv.expansion_arr, 0) AS expansion_arr,
  coalesce(mv.contraction_arr, 0) AS contraction_arr,
  coalesce(mv.churned_arr, 0) AS churned_arr,
  c.closing_arr
FROM closing AS c
LEFT JOIN moved AS mv USING (month_index)
ORDER BY c.month_index
