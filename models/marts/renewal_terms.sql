-- One row per subscription line billed every 3 months or more and each date one of its terms ends
-- (DESIGN.md "Renewals"): each `interval_months` anniversary of its start while it runs (through its end
-- date; an open line's to the end of marts.calendar, four fiscal quarters past the as-of), and the end
-- date of a line that ends before its first anniversary (a co-termed add-on). A line cut short between
-- anniversaries is churn, not a renewal; lines billed monthly never are. marts.renewals (every due
-- date) and marts.renewal_forecasts (the due dates of the lines that had started by each forecast) read it.
-- @test unique(subscription_id, due_date)
-- @test expression(due_date > start_date)
WITH bounds AS (
  SELECT max(month_end) AS horizon_end FROM marts.calendar
),
term_lines AS (
  SELECT subscription_id, account_id, start_date, end_date, interval_months
  FROM marts.subscription_lines
  WHERE interval_months >= 3 AND arr IS NOT NULL
)
SELECT t.subscription_id, t.account_id, t.start_date, {{ add_months(t.start_date, t.interval_months * r.k) }} AS due_date
FROM term_lines AS t
CROSS JOIN bounds AS b
CROSS JOIN {{ series(r, k, 1, {{ int_divide({{ month_index(least(coalesce(t.end_date, b.horizon_end), b.horizon_end)) }} - {{ month_index(t.start_date) }}, t.interval_months) }} + 1) }}
WHERE {{ add_months(t.start_date, t.interval_months * r.k) }} <= least(coalesce(t.end_date, b.horizon_end), b.horizon_end)
UNION ALL
SELECT t.subscription_id, t.account_id, t.start_date, t.end_date
FROM term_lines AS t
CROSS JOIN bounds AS b
WHERE t.end_date > t.start_date AND t.end_date < {{ add_months(t.start_date, t.interval_months) }} AND t.end_date <= b.horizon_end
