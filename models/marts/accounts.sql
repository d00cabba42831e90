-- One row per CRM account: its attributes, cohort (month and fiscal quarter of its first positive ARR),
-- first and last paid month, and its ARR and touch tier in the last month of data.
-- @test unique(account_id)
-- @test not_null(account_id, segment, employee_band)
-- @test expression(first_paid_month IS NULL OR last_paid_month >= first_paid_month)
-- @test expression(cohort_month IS NOT DISTINCT FROM first_paid_month)
WITH paid AS (
  SELECT
    account_id,
    min(CASE WHEN arr > 0 THEN month END) AS first_paid_month,
    min(month_index) AS first_month_index,
    max(CASE WHEN arr > 0 THEN month END) AS last_paid_month,
    {{ first_by(arr, month_index DESC) }} AS current_arr,
    {{ first_by(touch_tier, month_index DESC) }} AS touch_tier
  FROM marts.account_months
  GROUP BY account_id
)
SELECT
  a.*,
  p.first_paid_month,
  p.last_paid_month,
  -- The first month the account has in marts.account_months: the snapshot a fact before it takes its dimensions from.
  p.first_month_index,
  p.first_paid_month AS cohort_month,
  m.fiscal_quarter_label AS cohort_quarter,
  coalesce(p.current_arr, 0) AS current_arr,
  p.touch_tier,
  coalesce(p.current_arr, 0) > 0 AS is_active
FROM marts.account_attributes AS a
LEFT JOIN paid AS p USING (account_id)
LEFT JOIN marts.months AS m ON m.month = p.first_paid_month
