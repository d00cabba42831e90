-- One row per support ticket, with the month it was opened (for metrics by period) and its response time.
-- @test unique(ticket_id)
-- @test expression(first_response_hours IS NULL OR first_response_hours >= 0)
SELECT
  t.ticket_id,
  t.account_id,
  t.created_at,
  {{ month_index(t.created_at) }} AS month_index,
  t.priority,
  t.status,
  t.category,
  t.first_response_hours,
  t.solved_at,
  t.csat,
  t.ces
FROM staging.support_tickets AS t
