-- One row per product usage event (user_id is empty for an anonymous one, which counts in no user total). A view: tens of millions of rows are read where needed, not copied.
-- @materialized view
SELECT
  account_id,
  user_id,
  event_name,
  occurred_at,
  CAST(occurred_at AS DATE) AS occurred_on,
  event_id,
  anonymous_id
FROM raw.usage_events
