SELECT
  account_id,
  user_id,
  event_name,
  occurred_at,
  CAST(occurred_at AS DATE) AS occurred_on,
  event_id,
  anonymous_id
FROM raw.usage_events
