SELECT
  t.ticket_id,
  t.account_id,
  t.created_at,
  (EXTRACT(YEAR FROM t.created_at) * 12 + EXTRACT(MONTH FROM t.created_at) - 1) AS month_index,
  t.priority,
  t.status,
  t.category,
  CASE WHEN CAST(t.first_response_at AS DATE) <= a.as_of THEN t.first_response_hours END AS first_response_hours,
  CASE WHEN CAST(t.solved_at AS DATE) <= a.as_of THEN t.solved_at END AS solved_at,
  t.csat,
  t.ces
FROM staging.support_tickets AS t
CROSS JOIN marts.as_of AS a
WHERE CAST(t.created_at AS DATE) <= a.as_of
