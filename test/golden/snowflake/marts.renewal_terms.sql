WITH bounds AS (
  SELECT max(month_end) AS horizon_end FROM marts.calendar
),
term_lines AS (
  SELECT subscription_id, account_id, start_date, end_date, interval_months
  FROM marts.subscription_lines
  WHERE interval_months >= 3 AND arr IS NOT NULL
)
SELECT t.subscription_id, t.account_id, t.start_date, CAST(DATEADD(MONTH, t.interval_months * r.k, t.start_date) AS DATE) AS due_date
FROM term_lines AS t
CROSS JOIN bounds AS b
CROSS JOIN LATERAL (SELECT CAST(g.value AS INTEGER) AS k FROM TABLE(FLATTEN(INPUT => ARRAY_GENERATE_RANGE(1, CAST(FLOOR(((YEAR(least(coalesce(t.end_date, b.horizon_end), b.horizon_end)) * 12 + MONTH(least(coalesce(t.end_date, b.horizon_end), b.horizon_end)) - 1) - (YEAR(t.start_date) * 12 + MONTH(t.start_date) - 1)) / (t.interval_months)) AS INTEGER) + 1))) AS g) AS r
WHERE CAST(DATEADD(MONTH, t.interval_months * r.k, t.start_date) AS DATE) <= least(coalesce(t.end_date, b.horizon_end), b.horizon_end)
UNION ALL
SELECT t.subscription_id, t.account_id, t.start_date, t.end_date
FROM term_lines AS t
CROSS JOIN bounds AS b
WHERE t.end_date > t.start_date AND t.end_date < CAST(DATEADD(MONTH, t.interval_months, t.start_date) AS DATE) AND t.end_date <= b.horizon_end
