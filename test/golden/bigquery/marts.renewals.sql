WITH bounds AS (
  SELECT
    max(a.as_of) AS as_of,
    max(s.renewal_grace_days) AS grace_days
  FROM marts.as_of AS a
  CROSS JOIN config.settings AS s
),
valued AS (
  SELECT
    d.account_id,
    d.due_date,
    DATE_ADD(CAST(d.due_date AS DATE), INTERVAL b.grace_days DAY) AS outcome_date,
    b.as_of,
    sum(CASE WHEN l.start_date < d.due_date AND (l.end_date IS NULL OR l.end_date >= d.due_date) THEN l.arr END) AS arr_before,
    sum(CASE WHEN l.start_date <= DATE_ADD(CAST(d.due_date AS DATE), INTERVAL b.grace_days DAY)
      AND (l.end_date IS NULL OR l.end_date > DATE_ADD(CAST(d.due_date AS DATE), INTERVAL b.grace_days DAY)) THEN l.arr END) AS arr_after
  FROM (SELECT DISTINCT account_id, due_date FROM marts.renewal_terms) AS d
  CROSS JOIN bounds AS b
  JOIN marts.subscription_lines AS l ON l.account_id = d.account_id AND l.arr IS NOT NULL
  GROUP BY d.account_id, d.due_date, b.grace_days, b.as_of
),
rounded AS (
  SELECT
    account_id,
    due_date,
    as_of,
    outcome_date,
    CAST(round(coalesce(arr_before, 0), 2) AS NUMERIC(18, 2)) AS arr_due,
    CASE WHEN outcome_date <= as_of THEN CAST(round(coalesce(arr_after, 0), 2) AS NUMERIC(18, 2)) END AS arr_outcome
  FROM valued
)
SELECT
  account_id,
  due_date,
  (EXTRACT(YEAR FROM due_date) * 12 + EXTRACT(MONTH FROM due_date) - 1) AS month_index,
  CASE WHEN due_date > as_of THEN (EXTRACT(YEAR FROM as_of) * 12 + EXTRACT(MONTH FROM as_of) - 1) ELSE (EXTRACT(YEAR FROM due_date) * 12 + EXTRACT(MONTH FROM due_date) - 1) - 1 END AS basis_month_index,
  due_date > as_of AS is_upcoming,
  arr_due,
  outcome_date,
  arr_outcome IS NOT NULL AS is_known,
  arr_outcome,
  least(arr_outcome, arr_due) AS arr_retained,
  CASE
    WHEN arr_outcome IS NULL THEN 'pending'
    WHEN arr_outcome = 0 THEN 'churned'
    WHEN arr_outcome > arr_due THEN 'expanded'
    WHEN arr_outcome < arr_due THEN 'contracted'
    ELSE 'renewed'
  END AS outcome
FROM rounded
WHERE arr_due > 0
ORDER BY account_id, due_date
