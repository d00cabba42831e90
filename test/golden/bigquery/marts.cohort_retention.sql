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
  (CAST(sum(am.arr) AS FLOAT64) / (sum(s.starting_arr))) AS revenue_retention,
  (CAST(count(CASE WHEN am.arr > 0 THEN 1 END) AS FLOAT64) / (count(*))) AS logo_retention
FROM start AS s
JOIN marts.account_months AS am USING (account_id)
GROUP BY s.cohort_month, am.age_months, am.month
ORDER BY s.cohort_month, am.age_months
