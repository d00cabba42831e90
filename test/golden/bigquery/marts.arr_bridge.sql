WITH book AS (
  SELECT month_index, sum(arr) AS book_arr FROM marts.account_months GROUP BY month_index
)
SELECT
  b.month,
  b.month_end,
  b.month_index,
  sum(b.opening_arr) AS opening_arr,
  sum(b.new_arr) AS new_arr,
  sum(b.reactivation_arr) AS reactivation_arr,
  sum(b.expansion_arr) AS expansion_arr,
  sum(b.contraction_arr) AS contraction_arr,
  sum(b.churned_arr) AS churned_arr,
  sum(b.closing_arr) AS closing_arr,
  coalesce(max(book.book_arr), 0) AS book_arr
FROM marts.segment_arr_bridge AS b
LEFT JOIN book USING (month_index)
GROUP BY b.month, b.month_end, b.month_index
ORDER BY b.month_index
