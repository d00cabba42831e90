-- One row per account and month with usage: users active in the 30 days up to the month's last day,
-- the key features they used in those days (config health.keyEvents; every event name when empty),
-- users active in the month, the average of daily active users over the month's days, the events of
-- the last 30 days and of the 30 before them, and the seats (from account_months: the quantity of the
-- lines active on the month's last day). Windows end on the month's snapshot day (its last day, or the as-of
-- date in a month to date): "30 days" is (snapshot − 30 days, snapshot]; nothing after the as-of is read.
-- Built a month at a time: a month reads events of its own month and the two before it, so a new or
-- changed usage file recomputes the months it touches and the two after them.
-- @test unique(account_id, month_index)
-- @test expression(coalesce(active_users_30d >= 0 AND monthly_active_users >= 0 AND events_30d >= 0 AND events_prior_30d >= 0, true))
-- @incremental month_index
-- @months staging.usage_events: {{ month_index(occurred_on) }} reach 2
-- @months marts.account_months: month_index
-- @column events_30d: usage events in the 30 days up to the month's last day
-- @column events_prior_30d: usage events in the 30 days before those
WITH events AS (
  SELECT
    account_id,
    user_id,
    event_name,
    occurred_on,
    {{ month_index(occurred_on) }} AS month_index,
    NOT EXISTS (SELECT 1 FROM config.key_events) OR event_name IN (SELECT event_name FROM config.key_events) AS is_key_event
  FROM staging.usage_events
  WHERE ({{ rebuilding({{ month_index(occurred_on) }}) }}
     OR {{ rebuilding({{ month_index(occurred_on) }} + 1) }}
     OR {{ rebuilding({{ month_index(occurred_on) }} + 2) }})
    -- The as-of date is the last snapshot day: events after it are not read, whatever the file holds.
    AND occurred_on <= (SELECT max(snapshot_date) FROM marts.account_months)
),
months AS (
  SELECT DISTINCT month_index, month_end, snapshot_date FROM marts.account_months WHERE {{ rebuilding(month_index) }}
),
-- An event counts towards the 30 days up to a month's end when it is in (end − 30 days, end]: the
-- month it happened in, and the next month when it is within 30 days of that month's end. Each event
-- is sent to those months by arithmetic on its own date (a join on a range of months is far slower).
-- This is right for whole months; the month to date (at most one) is counted by last_30_days_to_date.
last_30_days AS (
  SELECT account_id, month_index, count(DISTINCT user_id) AS active_users_30d,
    count(DISTINCT CASE WHEN is_key_event THEN event_name END) AS key_features_30d
  FROM (
    SELECT account_id, user_id, event_name, is_key_event, month_index
    FROM events
    WHERE occurred_on > {{ add_days({{ month_end(occurred_on) }}, -30) }}
    UNION ALL
    SELECT account_id, user_id, event_name, is_key_event, month_index + 1
    FROM events
    WHERE occurred_on > {{ add_days({{ month_end({{ add_months(occurred_on, 1) }}) }}, -30) }}
  ) AS counted
  GROUP BY account_id, month_index
),
-- The month to date: its 30 days end on the as-of date and may reach two months back.
last_30_days_to_date AS (
  SELECT e.account_id, m.month_index, count(DISTINCT e.user_id) AS active_users_30d,
    count(DISTINCT CASE WHEN e.is_key_event THEN e.event_name END) AS key_features_30d
  FROM events AS e
  JOIN months AS m
    ON m.snapshot_date < m.month_end
   AND m.month_index IN (e.month_index, e.month_index + 1, e.month_index + 2)
   AND e.occurred_on > {{ add_days(m.snapshot_date, -30) }} AND e.occurred_on <= m.snapshot_date
  GROUP BY e.account_id, m.month_index
),
per_day AS (
  SELECT account_id, month_index, occurred_on, count(DISTINCT user_id) AS users, count(*) AS events
  FROM events
  GROUP BY account_id, month_index, occurred_on
),
monthly AS (
  SELECT account_id, month_index, count(DISTINCT user_id) AS monthly_active_users
  FROM events
  GROUP BY account_id, month_index
),
daily AS (
  SELECT account_id, month_index, sum(users) AS user_days
  FROM per_day
  GROUP BY account_id, month_index
),
-- Events in the last 60 days up to each month's snapshot day: they fall in that month or one of the two before it.
events_60d AS (
  SELECT
    d.account_id,
    m.month_index,
    sum(CASE WHEN d.occurred_on > {{ add_days(m.snapshot_date, -30) }} THEN d.events ELSE 0 END) AS events_30d,
    sum(CASE WHEN d.occurred_on <= {{ add_days(m.snapshot_date, -30) }} THEN d.events ELSE 0 END) AS events_prior_30d
  FROM per_day AS d
  JOIN months AS m
    ON m.month_index IN (d.month_index, d.month_index + 1, d.month_index + 2)
   AND d.occurred_on > {{ add_days(m.snapshot_date, -60) }} AND d.occurred_on <= m.snapshot_date
  GROUP BY d.account_id, m.month_index
)
-- Zero versus no data: from the month of the first event in the product analytics on, an account with no
-- events has zero usage; before it (the tool not in use yet), or with no usage export at all, usage is
-- unknown (null). (A month in which no account has a single event is not rebuilt when the first event
-- moves; with the analytics running, every month has events.)
SELECT
  am.account_id,
  am.month_index,
  {{ month_from_index(am.month_index) }} AS month,
  CASE WHEN am.month_index >= analytics.first_month THEN
    CASE WHEN am.snapshot_date < am.month_end THEN coalesce(td.active_users_30d, 0) ELSE coalesce(t.active_users_30d, 0) END
  END AS active_users_30d,
  CASE WHEN am.month_index >= analytics.first_month THEN
    CASE WHEN am.snapshot_date < am.month_end THEN coalesce(td.key_features_30d, 0) ELSE coalesce(t.key_features_30d, 0) END
  END AS key_features_30d,
  CASE WHEN am.month_index >= analytics.first_month THEN coalesce(mo.monthly_active_users, 0) END AS monthly_active_users,
  -- Over the month's days so far in a month to date.
  CASE WHEN am.month_index >= analytics.first_month THEN
    {{ divide(coalesce(d.user_days, 0), {{ day_of_month(am.snapshot_date) }}) }}
  END AS average_daily_active_users,
  am.seats,
  CASE WHEN am.month_index >= analytics.first_month THEN coalesce(e.events_30d, 0) END AS events_30d,
  CASE WHEN am.month_index >= analytics.first_month THEN coalesce(e.events_prior_30d, 0) END AS events_prior_30d
FROM marts.account_months AS am
CROSS JOIN (
  SELECT {{ month_index(min(occurred_on)) }} AS first_month
  FROM staging.usage_events
  WHERE occurred_on <= (SELECT max(snapshot_date) FROM marts.account_months)
) AS analytics
LEFT JOIN last_30_days AS t USING (account_id, month_index)
LEFT JOIN last_30_days_to_date AS td USING (account_id, month_index)
LEFT JOIN monthly AS mo USING (account_id, month_index)
LEFT JOIN daily AS d USING (account_id, month_index)
LEFT JOIN events_60d AS e USING (account_id, month_index)
WHERE {{ rebuilding(am.month_index) }}
