WITH losses AS (
  SELECT account_id, month_index, month_end, movement, previous_arr, arr, amount
  FROM marts.arr_movements
  WHERE movement IN ('churn', 'contraction')
),
candidates AS (
  SELECT
    l.account_id,
    l.month_index,
    o.opportunity_id,
    o.loss_reason,
    row_number() OVER (
      PARTITION BY l.account_id, l.month_index
      ORDER BY abs(o.month_index - l.month_index), o.close_date, o.opportunity_id
    ) AS nearness
  FROM losses AS l
  CROSS JOIN config.settings AS s
  JOIN marts.opportunities AS o
    ON o.account_id = l.account_id
   AND o.type = 'renewal'
   AND o.is_closed
   AND o.loss_reason IS NOT NULL
   AND abs(o.month_index - l.month_index) <= s.reason_window_months
)
SELECT
  l.account_id,
  l.month_index,
  l.month_end,
  l.movement,
  l.previous_arr,
  l.arr,
  l.amount,
  coalesce(c.loss_reason, 'unknown') AS churn_reason,
  coalesce(category.category, 'unknown') AS churn_category,
  c.opportunity_id
FROM losses AS l
LEFT JOIN candidates AS c ON c.account_id = l.account_id AND c.month_index = l.month_index AND c.nearness = 1
LEFT JOIN config.churn_categories AS category ON category.reason = c.loss_reason
ORDER BY l.account_id, l.month_index
