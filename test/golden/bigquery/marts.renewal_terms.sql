WITH bounds AS (
  SELECT max(month_end) AS horizon_end FROM marts.calendar
),
term_lines AS (
  SELECT subscription_id, account_id, start_date, end_date, interval_months
  FROM marts.subscription_lines
  WHERE interval_months >= 3 AND arr IS NOT NULL
)
SELECT t.subscription_id, t.account_id, t.start_date, DATE_ADD(CAST(t.start_date AS DATE), INTERVAL CAST(t.interval_months * r.k AS INT64) MONTH) AS due_date
FROM term_lines AS t
CROSS JOIN bounds AS b
CROSS JOIN UNNEST(GENERATE_ARRAY(1, (CAST(FLOOR(((EXTRACT(YEAR FROM least(coalesce(t.end_date, b.horizon_end), b.horizon_end)) * 12 + EXTRACT(MONTH FROM least(coalesce(t.end_date, b.horizon_end), b.horizon_end)) - 1) - (EXTRACT(YEAR FROM t.start_date) * 12 + EXTRACT(MONTH FROM t.start_date) - 1)) / (t.interval_months)) AS INT64) + 1) - 1)) AS k
WHERE DATE_ADD(CAST(t.start_date AS DATE), INTERVAL CAST(t.interval_months * r.k AS INT64) MONTH) <= least(coalesce(t.end_date, b.horizon_end), b.horizon_end)
UNION ALL
SELECT t.subscription_id, t.account_id, t.start_date, t.end_date
FROM term_lines AS t
CROSS JOIN bounds AS b
WHERE t.end_date > t.start_date AND t.end_date < DATE_ADD(CAST(t.start_date AS DATE), INTERVAL CAST(t.interval_months AS INT64) MONTH) AND t.end_date <= b.horizon_end
