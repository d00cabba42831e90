-- One row per account and renewal due date (DESIGN.md "Renewals"): a date a term of one of its lines
-- ends (marts.renewal_terms), to four fiscal quarters past the as-of.
-- ARR due is the account's ARR the day before the due date; the outcome is its ARR `renewals.graceDays`
-- (default 30) after it, known once that day is on or before the as-of date. The account's segment,
-- owner and health band are read at `basis_month_index`: the last month whose snapshot is before the
-- due date (the as-of month for renewals still to come).
-- @test unique(account_id, due_date)
-- @test expression(arr_due > 0)
-- @test expression(is_known = (arr_outcome IS NOT NULL))
-- @test expression(arr_outcome IS NULL OR arr_retained = least(arr_outcome, arr_due))
-- @test accepted_values(outcome, 'renewed', 'expanded', 'contracted', 'churned', 'pending')
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
    {{ add_days(d.due_date, b.grace_days) }} AS outcome_date,
    b.as_of,
    sum(CASE WHEN l.start_date < d.due_date AND (l.end_date IS NULL OR l.end_date >= d.due_date) THEN l.arr END) AS arr_before,
    sum(CASE WHEN l.start_date <= {{ add_days(d.due_date, b.grace_days) }}
      AND (l.end_date IS NULL OR l.end_date > {{ add_days(d.due_date, b.grace_days) }}) THEN l.arr END) AS arr_after
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
    -- To the cent once, like account_months.
    CAST(round(coalesce(arr_before, 0), 2) AS {{ decimal(18, 2) }}) AS arr_due,
    CASE WHEN outcome_date <= as_of THEN CAST(round(coalesce(arr_after, 0), 2) AS {{ decimal(18, 2) }}) END AS arr_outcome
  FROM valued
)
SELECT
  account_id,
  due_date,
  {{ month_index(due_date) }} AS month_index,
  CASE WHEN due_date > as_of THEN {{ month_index(as_of) }} ELSE {{ month_index(due_date) }} - 1 END AS basis_month_index,
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
