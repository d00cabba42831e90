-- One row per account and month with usage: users active in the 30 days up to the month's last day,
-- users active in the month, the average of daily active users over the month's days, and the seats
-- (quantity of the account's lines active on the month's last day).
-- @test unique(account_id, month_index)
-- @test expression(active_users_30d >= 0 AND monthly_active_users >= 0)
WITH events AS (
  SELECT account_id, user_id, occurred_on FROM staging.usage_events
),
daily AS (
  SELECT account_id, occurred_on, count(DISTINCT user_id) AS users FROM events GROUP BY ALL
),
seats AS (
  SELECT l.account_id, m.month_index, sum(l.quantity) AS seats
  FROM marts.subscription_lines AS l
  JOIN marts.months AS m ON l.start_date <= m.month_end AND (l.end_date IS NULL OR m.month_end < l.end_date)
  GROUP BY ALL
)
SELECT
  am.account_id,
  am.month_index,
  (SELECT count(DISTINCT e.user_id) FROM events AS e
   WHERE e.account_id = am.account_id AND e.occurred_on > am.month_end - INTERVAL 30 DAY AND e.occurred_on <= am.month_end) AS active_users_30d,
  (SELECT count(DISTINCT e.user_id) FROM events AS e
   WHERE e.account_id = am.account_id AND e.occurred_on BETWEEN am.month AND am.month_end) AS monthly_active_users,
  coalesce((SELECT sum(d.users) FROM daily AS d
   WHERE d.account_id = am.account_id AND d.occurred_on BETWEEN am.month AND am.month_end), 0)
    / day(am.month_end) AS average_daily_active_users,
  coalesce(s.seats, 0) AS seats
FROM marts.account_months AS am
LEFT JOIN seats AS s USING (account_id, month_index)
