-- One row per support ticket, with hours to first response.
-- @test unique(ticket_id)
-- @test expression(first_response_at IS NULL OR first_response_at >= created_at)
SELECT
  ticket_id,
  account_id,
  created_at,
  first_response_at,
  solved_at,
  priority,
  lower(nullif(trim(status), '')) AS status,
  lower(nullif(trim(category), '')) AS category,
  csat,
  ces,
  {{ hours_between(created_at, first_response_at) }} AS first_response_hours
FROM raw.support_tickets
