WITH sequenced AS (
  SELECT
    account_id,
    month,
    month_end,
    month_index,
    segment,
    arr,
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
  DATE_DIFF(CAST(month_end AS DATE), CAST(first_paid_month_end AS DATE), DAY) AS days_since_first_paid,
  arr > previous_arr AND previous_arr > 0
    AND count(CASE WHEN arr > previous_arr AND previous_arr > 0 THEN 1 END) OVER (PARTITION BY account_id ORDER BY month_index) = 1 AS is_first_expansion
FROM sequenced
WHERE arr <> previous_arr
ORDER BY account_id, month_index
