-- One row per account and month in which its ARR moved, with the movement's type and signed amount
-- (DESIGN.md): new (prev 0, never positive before), reactivation (prev 0, positive some time before),
-- expansion (0 < prev < cur), contraction (0 < cur < prev), churn (prev > 0, cur 0).
-- @test unique(account_id, month_index)
-- @test accepted_values(movement, 'new', 'reactivation', 'expansion', 'contraction', 'churn')
-- @test expression(amount = arr - previous_arr)
-- @test expression(CASE movement WHEN 'new' THEN previous_arr = 0 AND arr > 0 AND NOT was_paid_before WHEN 'reactivation' THEN previous_arr = 0 AND arr > 0 AND was_paid_before WHEN 'expansion' THEN previous_arr > 0 AND arr > previous_arr WHEN 'contraction' THEN arr > 0 AND arr < previous_arr WHEN 'churn' THEN previous_arr > 0 AND arr = 0 END)
WITH sequenced AS (
  SELECT
    account_id,
    month,
    month_end,
    month_index,
    segment,
    arr,
    -- account_months starts at the first paid month, so "no row before" means 0.
    coalesce(lag(arr) OVER (PARTITION BY account_id ORDER BY month_index), 0) AS previous_arr,
    coalesce(max(arr) OVER (PARTITION BY account_id ORDER BY month_index ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) > 0 AS was_paid_before,
    min(month_end) OVER (PARTITION BY account_id) AS first_paid_month_end
  FROM marts.account_months
)
SELECT
  *,
  CASE
    WHEN previous_arr = 0 AND arr > 0 AND NOT was_paid_before THEN 'new'
    WHEN previous_arr = 0 AND arr > 0 THEN 'reactivation'
    WHEN previous_arr > 0 AND arr = 0 THEN 'churn'
    WHEN arr > previous_arr THEN 'expansion'
    ELSE 'contraction'
  END AS movement,
  arr - previous_arr AS amount,
  {{ days_between(first_paid_month_end, month_end) }} AS days_since_first_paid,
  -- The first month the account grew: time to expansion is measured to it.
  arr > previous_arr AND previous_arr > 0
    AND count(CASE WHEN arr > previous_arr AND previous_arr > 0 THEN 1 END) OVER (PARTITION BY account_id ORDER BY month_index) = 1 AS is_first_expansion
FROM sequenced
WHERE arr <> previous_arr
ORDER BY account_id, month_index
