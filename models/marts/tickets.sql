-- One row per support ticket opened by the as-of date, with the month it was opened (for metrics by period)
-- and its response time. A response or solve after the as-of date has not happened yet: it is empty.
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
  CASE WHEN CAST(t.first_response_at AS DATE) <= a.as_of THEN t.first_response_hours END AS first_response_hours,
  CASE WHEN CAST(t.solved_at AS DATE) <= a.as_of THEN t.solved_at END AS solved_at,
  t.csat,
  t.ces
FROM staging.support_tickets AS t
CROSS JOIN marts.as_of AS a
WHERE CAST(t.created_at AS DATE) <= a.as_of
