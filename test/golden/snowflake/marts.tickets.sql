SELECT
  t.ticket_id,
  t.account_id,
  t.created_at,
  (YEAR(t.created_at) * 12 + MONTH(t.created_at) - 1) AS month_index,
  t.priority,
  t.status,
  t.category,
  t.first_response_hours,
  t.solved_at,
  t.csat,
  t.ces
FROM staging.support_tickets AS t
