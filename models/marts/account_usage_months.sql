-- One row per account and month with usage: users active in the 30 days up to the month's last day,
-- the key features they used in those days (config health.keyEvents; every event name when empty),
-- users active in the month, the average of daily active users over the month's days, the events of
-- the last 30 days and of the 30 before them, and the seats (from account_months: the quantity of the
-- lines active on the month's last day). Windows end on the month's last day: "30 days" is (end − 30 days, end].
-- Built a month at a time: a month reads events of its own month and the two before it, so a new or
-- changed usage file recomputes the months it touches and the two after them.
-- @test unique(account_id, month_index)
-- @test expression(active_users_30d >= 0 AND monthly_active_users >= 0 AND events_30d >= 0 AND events_prior_30d >= 0)
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
  WHERE {{ rebuilding({{ month_index(occurred_on) }}) }}
     OR {{ rebuilding({{ month_index(occurred_on) }} + 1) }}
     OR {{ rebuilding({{ month_index(occurred_on) }} + 2) }}
),
months AS (
  SELECT DISTINCT month_index, month_end FROM marts.account_months WHERE {{ rebuilding(month_index) }}
),
-- An event counts towards the 30 days up to a month's end when it is in (end − 30 days, end]: the
-- month it happened in, and the next month when it is within 30 days of that month's end. Each event
-- is sent to those months by arithmetic on its own date (a join on a range of months is far slower).
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
-- Events in the last 60 days of each month: they fall in that month or one of the two before it.
events_60d AS (
  SELECT
    d.account_id,
    m.month_index,
    sum(CASE WHEN d.occurred_on > {{ add_days(m.month_end, -30) }} THEN d.events ELSE 0 END) AS events_30d,
    sum(CASE WHEN d.occurred_on <= {{ add_days(m.month_end, -30) }} THEN d.events ELSE 0 END) AS events_prior_30d
  FROM per_day AS d
  JOIN months AS m
    ON m.month_index IN (d.month_index, d.month_index + 1, d.month_index + 2)
   AND d.occurred_on > {{ add_days(m.month_end, -60) }} AND d.occurred_on <= m.month_end
  GROUP BY d.account_id, m.month_index
)
SELECT
  am.account_id,
  am.month_index,
  {{ month_from_index(am.month_index) }} AS month,
  coalesce(t.active_users_30d, 0) AS active_users_30d,
  coalesce(t.key_features_30d, 0) AS key_features_30d,
  coalesce(mo.monthly_active_users, 0) AS monthly_active_users,
  {{ divide(coalesce(d.user_days, 0), {{ day_of_month(am.month_end) }}) }} AS average_daily_active_users,
  am.seats,
  coalesce(e.events_30d, 0) AS events_30d,
  coalesce(e.events_prior_30d, 0) AS events_prior_30d
FROM marts.account_months AS am
LEFT JOIN last_30_days AS t USING (account_id, month_index)
LEFT JOIN monthly AS mo USING (account_id, month_index)
LEFT JOIN daily AS d USING (account_id, month_index)
LEFT JOIN events_60d AS e USING (account_id, month_index)
WHERE {{ rebuilding(am.month_index) }}
