WITH as_of AS (
  SELECT as_of FROM marts.as_of
),
starts AS (
  SELECT l.account_id, min(l.start_date) AS start_date
  FROM marts.subscription_lines AS l, as_of
  WHERE l.arr > 0 AND l.start_date <= as_of.as_of
  GROUP BY l.account_id
),
milestone_values AS (
  SELECT ms.account_id, min(CAST(ms.achieved_at AS DATE)) AS value_date
  FROM staging.crm_milestones AS ms
  CROSS JOIN config.settings AS settings
  WHERE settings.ttv_rule = 'milestone' AND ms.milestone = settings.ttv_milestone
  GROUP BY ms.account_id
),
user_days AS (
  SELECT DISTINCT e.account_id, e.user_id, e.occurred_on
  FROM staging.usage_events AS e
  CROSS JOIN config.settings AS settings
  WHERE settings.ttv_rule = 'usage' AND e.occurred_on <= (SELECT as_of FROM marts.as_of)
),
window_users AS (
  SELECT account_id, DATE_ADD(CAST(occurred_on AS DATE), INTERVAL k DAY) AS day, count(DISTINCT user_id) AS users
  FROM user_days CROSS JOIN UNNEST(GENERATE_ARRAY(0, (7) - 1)) AS k
  GROUP BY account_id, DATE_ADD(CAST(occurred_on AS DATE), INTERVAL k DAY)
),
usage_values AS (
  SELECT w.account_id, min(w.day) AS value_date
  FROM window_users AS w
  CROSS JOIN config.settings AS settings
  WHERE w.users >= settings.ttv_active_users
  GROUP BY w.account_id
),
value_source AS (
  SELECT CASE settings.ttv_rule
    WHEN 'milestone' THEN EXISTS (SELECT 1 FROM staging.crm_milestones WHERE achieved_at <= (SELECT as_of FROM marts.as_of))
    ELSE EXISTS (SELECT 1 FROM staging.usage_events WHERE occurred_on <= (SELECT as_of FROM marts.as_of))
  END AS has_value_data
  FROM config.settings AS settings
),
valued AS (
  SELECT
    s.account_id,
    s.start_date,
    CASE WHEN coalesce(mv.value_date, uv.value_date) <= as_of.as_of THEN coalesce(mv.value_date, uv.value_date) END AS value_date,
    as_of.as_of,
    vs.has_value_data
  FROM starts AS s
  CROSS JOIN as_of
  CROSS JOIN value_source AS vs
  LEFT JOIN milestone_values AS mv ON mv.account_id = s.account_id
  LEFT JOIN usage_values AS uv ON uv.account_id = s.account_id
),
measured AS (
  SELECT
    *,
    CASE WHEN value_date IS NOT NULL THEN greatest(DATE_DIFF(CAST(value_date AS DATE), CAST(start_date AS DATE), DAY), 0) END AS ttv_days,
    DATE_DIFF(CAST(as_of AS DATE), CAST(start_date AS DATE), DAY) AS age_days
  FROM valued
)
SELECT
  account_id,
  (EXTRACT(YEAR FROM start_date) * 12 + EXTRACT(MONTH FROM start_date) - 1) AS month_index,
  start_date,
  value_date,
  value_date IS NOT NULL AS reached,
  ttv_days,
  age_days,
  coalesce(ttv_days, age_days) AS duration_days,
  has_value_data
FROM measured
ORDER BY account_id
