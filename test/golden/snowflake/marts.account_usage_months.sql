WITH events AS (
  SELECT
    account_id,
    user_id,
    event_name,
    occurred_on,
    (YEAR(occurred_on) * 12 + MONTH(occurred_on) - 1) AS month_index,
    NOT EXISTS (SELECT 1 FROM config.key_events) OR event_name IN (SELECT event_name FROM config.key_events) AS is_key_event
  FROM staging.usage_events
  WHERE (true
     OR true
     OR true)
    AND occurred_on <= (SELECT max(snapshot_date) FROM marts.account_months)
),
months AS (
  SELECT DISTINCT month_index, month_end, snapshot_date FROM marts.account_months WHERE true
),
last_30_days AS (
  SELECT account_id, month_index, count(DISTINCT user_id) AS active_users_30d,
    count(DISTINCT CASE WHEN is_key_event THEN event_name END) AS key_features_30d
  FROM (
    SELECT account_id, user_id, event_name, is_key_event, month_index
    FROM events
    WHERE occurred_on > DATEADD(DAY, -30, CAST(LAST_DAY(occurred_on) AS DATE))
    UNION ALL
    SELECT account_id, user_id, event_name, is_key_event, month_index + 1
    FROM events
    WHERE occurred_on > DATEADD(DAY, -30, CAST(LAST_DAY(CAST(DATEADD(MONTH, 1, occurred_on) AS DATE)) AS DATE))
  ) AS counted
  GROUP BY account_id, month_index
),
last_30_days_to_date AS (
  SELECT e.account_id, m.month_index, count(DISTINCT e.user_id) AS active_users_30d,
    count(DISTINCT CASE WHEN e.is_key_event THEN e.event_name END) AS key_features_30d
  FROM events AS e
  JOIN months AS m
    ON m.snapshot_date < m.month_end
   AND m.month_index IN (e.month_index, e.month_index + 1, e.month_index + 2)
   AND e.occurred_on > DATEADD(DAY, -30, CAST(m.snapshot_date AS DATE)) AND e.occurred_on <= m.snapshot_date
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
events_60d AS (
  SELECT
    d.account_id,
    m.month_index,
    sum(CASE WHEN d.occurred_on > DATEADD(DAY, -30, CAST(m.snapshot_date AS DATE)) THEN d.events ELSE 0 END) AS events_30d,
    sum(CASE WHEN d.occurred_on <= DATEADD(DAY, -30, CAST(m.snapshot_date AS DATE)) THEN d.events ELSE 0 END) AS events_prior_30d
  FROM per_day AS d
  JOIN months AS m
    ON m.month_index IN (d.month_index, d.month_index + 1, d.month_index + 2)
   AND d.occurred_on > DATEADD(DAY, -60, CAST(m.snapshot_date AS DATE)) AND d.occurred_on <= m.snapshot_date
  GROUP BY d.account_id, m.month_index
)
SELECT
  am.account_id,
  am.month_index,
  DATE_FROM_PARTS(FLOOR((am.month_index) / 12), MOD(am.month_index, 12) + 1, 1) AS month,
  CASE WHEN am.month_index >= analytics.first_month THEN
    CASE WHEN am.snapshot_date < am.month_end THEN coalesce(td.active_users_30d, 0) ELSE coalesce(t.active_users_30d, 0) END
  END AS active_users_30d,
  CASE WHEN am.month_index >= analytics.first_month THEN
    CASE WHEN am.snapshot_date < am.month_end THEN coalesce(td.key_features_30d, 0) ELSE coalesce(t.key_features_30d, 0) END
  END AS key_features_30d,
  CASE WHEN am.month_index >= analytics.first_month THEN coalesce(mo.monthly_active_users, 0) END AS monthly_active_users,
  CASE WHEN am.month_index >= analytics.first_month THEN
    (CAST(coalesce(d.user_days, 0) AS DOUBLE) / (DAYOFMONTH(am.snapshot_date)))
  END AS average_daily_active_users,
  am.seats,
  CASE WHEN am.month_index >= analytics.first_month THEN coalesce(e.events_30d, 0) END AS events_30d,
  CASE WHEN am.month_index >= analytics.first_month THEN coalesce(e.events_prior_30d, 0) END AS events_prior_30d
FROM marts.account_months AS am
CROSS JOIN (
  SELECT (YEAR(min(occurred_on)) * 12 + MONTH(min(occurred_on)) - 1) AS first_month
  FROM staging.usage_events
  WHERE occurred_on <= (SELECT max(snapshot_date) FROM marts.account_months)
) AS analytics
LEFT JOIN last_30_days AS t USING (account_id, month_index)
LEFT JOIN last_30_days_to_date AS td USING (account_id, month_index)
LEFT JOIN monthly AS mo USING (account_id, month_index)
LEFT JOIN daily AS d USING (account_id, month_index)
LEFT JOIN events_60d AS e USING (account_id, month_index)
WHERE true
