-- One row per cohort (the month of an account's first positive ARR) and age in months: revenue
-- retention Σ ARR(c+k) / Σ ARR(c) and logo retention |{ARR(c+k) > 0}| / |cohort| over its accounts.
-- @test unique(cohort_month, age_months)
-- @test expression(age_months > 0 OR (revenue_retention = 1 AND logo_retention = 1))
-- @test expression(logo_retention BETWEEN 0 AND 1)
WITH start AS (
  SELECT account_id, month AS cohort_month, arr AS starting_arr
  FROM marts.account_months
  WHERE age_months = 0
)
SELECT
  s.cohort_month,
  am.age_months,
  am.month AS month,
  count(*) AS cohort_accounts,
  sum(s.starting_arr) AS starting_arr,
  sum(am.arr) AS arr,
  count(CASE WHEN am.arr > 0 THEN 1 END) AS retained_accounts,
  {{ divide(sum(am.arr), sum(s.starting_arr)) }} AS revenue_retention,
  {{ divide(count(CASE WHEN am.arr > 0 THEN 1 END), count(*)) }} AS logo_retention
FROM start AS s
JOIN marts.account_months AS am USING (account_id)
GROUP BY s.cohort_month, am.age_months, am.month
ORDER BY s.cohort_month, am.age_months
