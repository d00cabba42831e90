-- One row per account that has paid: the day it started (its first positive-ARR line), the day it
-- reached value by the config's rule (the first `crm_milestones` row of the configured name, or the
-- first day N distinct users were active over a trailing 7 days), the days between (floor 0), and how
-- old it is at the last day of data, so that accounts not there yet count as censored.
-- @test unique(account_id)
-- @test expression(ttv_days IS NULL OR ttv_days >= 0)
-- @test expression(duration_days >= 0)
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
-- Usage rule: each active user-day counts towards the 7 trailing-day windows that end on it and the 6 days after.
user_days AS (
  SELECT DISTINCT e.account_id, e.user_id, e.occurred_on
  FROM staging.usage_events AS e
  CROSS JOIN config.settings AS settings
  WHERE settings.ttv_rule = 'usage' AND e.occurred_on <= (SELECT as_of FROM marts.as_of)
),
window_users AS (
  SELECT account_id, {{ add_days(occurred_on, k) }} AS day, count(DISTINCT user_id) AS users
  FROM user_days CROSS JOIN {{ series(r, k, 0, 7) }}
  GROUP BY account_id, {{ add_days(occurred_on, k) }}
),
usage_values AS (
  SELECT w.account_id, min(w.day) AS value_date
  FROM window_users AS w
  CROSS JOIN config.settings AS settings
  WHERE w.users >= settings.ttv_active_users
  GROUP BY w.account_id
),
-- The source the rule reads holds rows by the as-of date: without it (no milestone or usage export),
-- whether an account reached value is unknown, not "not yet".
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
-- greatest ignores nulls on some engines and not others, so the floor at 0 is applied only where there is a value date.
measured AS (
  SELECT
    *,
    CASE WHEN value_date IS NOT NULL THEN greatest({{ days_between(start_date, value_date) }}, 0) END AS ttv_days,
    {{ days_between(start_date, as_of) }} AS age_days
  FROM valued
)
SELECT
  account_id,
  {{ month_index(start_date) }} AS month_index,
  start_date,
  value_date,
  value_date IS NOT NULL AS reached,
  ttv_days,
  age_days,
  -- Kaplan–Meier: time to value for those who reached it, time observed so far for those who have not.
  coalesce(ttv_days, age_days) AS duration_days,
  has_value_data
FROM measured
ORDER BY account_id
