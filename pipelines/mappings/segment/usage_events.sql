-- Segment track calls → usage_events; the account is the call's context group, else the latest group call of the same user before it.
WITH events AS (
  SELECT t.*, {{ to_timestamp(t.timestamp) }} AS happened, coalesce(nullif(trim(t.user_id), ''), nullif(trim(t.anonymous_id), '')) AS who
  FROM in_tracks t
),
group_calls AS (
  SELECT coalesce(nullif(trim(user_id), ''), nullif(trim(anonymous_id), '')) AS who, trim(group_id) AS group_id,
    {{ to_timestamp(timestamp) }} AS called, __line
  FROM in_groups
),
earlier_group AS (
  SELECT e.__line, g.group_id,
    row_number() OVER (PARTITION BY e.__line ORDER BY g.called DESC, g.__line DESC) AS n
  FROM events e JOIN group_calls g ON g.who = e.who AND g.called <= e.happened
  WHERE nullif(trim(e.context_group_id), '') IS NULL
),
keyed AS (
  SELECT e.*, coalesce(nullif(trim(e.context_group_id), ''), g.group_id) AS group_key
  FROM events e LEFT JOIN earlier_group g ON g.__line = e.__line AND g.n = 1
)
SELECT
  k.id AS event_id,
  coalesce(CASE WHEN {{ param(account_id) }} = 'crosswalk' THEN acc.account_id ELSE k.group_key END, k.group_key, 'no group') AS account_id,
  CASE WHEN {{ param(account_id) }} = 'crosswalk' THEN acc.account_id IS NULL ELSE k.group_key IS NULL END AS __unresolved,
  nullif(trim(k.user_id), '') AS user_id,
  nullif(trim(k.anonymous_id), '') AS anonymous_id,
  coalesce(nullif(trim(k.event_text), ''), k.event) AS event_name,
  {{ utc_instant(k.timestamp) }} AS occurred_at,
  k.__line
FROM keyed k
LEFT JOIN __accounts acc ON acc.system_key = k.group_key
