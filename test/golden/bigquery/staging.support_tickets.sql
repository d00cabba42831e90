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
  (TIMESTAMP_DIFF(first_response_at, created_at, MICROSECOND) / 3600000000.0) AS first_response_hours
FROM raw.support_tickets
