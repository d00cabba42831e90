WITH paid AS (
  SELECT
    account_id,
    min(CASE WHEN arr > 0 THEN month END) AS first_paid_month,
    min(month_index) AS first_month_index,
    max(CASE WHEN arr > 0 THEN month END) AS last_paid_month,
    ARRAY_AGG(STRUCT(arr AS v) ORDER BY month_index DESC LIMIT 1)[OFFSET(0)].v AS current_arr,
    ARRAY_AGG(STRUCT(touch_tier AS v) ORDER BY month_index DESC LIMIT 1)[OFFSET(0)].v AS touch_tier
  FROM marts.account_months
  GROUP BY account_id
)
SELECT
  a.*,
  p.first_paid_month,
  p.last_paid_month,
  p.first_month_index,
  p.first_paid_month AS cohort_month,
  m.fiscal_quarter_label AS cohort_quarter,
  coalesce(p.current_arr, 0) AS current_arr,
  p.touch_tier,
  coalesce(p.current_arr, 0) > 0 AS is_active
FROM marts.account_attributes AS a
LEFT JOIN paid AS p USING (account_id)
LEFT JOIN marts.months AS m ON m.month = p.first_paid_month
