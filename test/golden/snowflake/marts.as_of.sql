WITH activity AS (
  SELECT max(start_date) AS day FROM staging.crm_subscriptions WHERE start_date <= current_date
  UNION ALL SELECT max(occurred_on) FROM staging.usage_events WHERE occurred_on <= current_date
  UNION ALL SELECT max(CAST(created_at AS DATE)) FROM staging.support_tickets WHERE CAST(created_at AS DATE) <= current_date
  UNION ALL SELECT max(responded_at) FROM staging.survey_responses WHERE responded_at <= current_date
  UNION ALL SELECT max(achieved_at) FROM staging.crm_milestones WHERE achieved_at <= current_date
  UNION ALL SELECT max(close_date) FROM staging.crm_opportunities WHERE close_date <= current_date AND is_won IS NOT NULL
),
chosen AS (
  SELECT
    CAST(coalesce(max(settings.as_of), least(current_date, coalesce((SELECT max(day) FROM activity), current_date))) AS DATE) AS as_of,
    max(settings.as_of) IS NOT NULL AS from_config
  FROM config.settings AS settings
)
SELECT
  c.as_of,
  c.from_config,
  LAST_DAY(c.as_of) > c.as_of AS is_month_to_date,
  count(l.subscription_id) AS lines_ending_after,
  CAST(coalesce(round(sum(l.arr), 2), 0) AS NUMBER(18, 2)) AS arr_ending_after
FROM chosen AS c
LEFT JOIN marts.subscription_lines AS l
  ON l.start_date <= c.as_of AND l.end_date > c.as_of
GROUP BY c.as_of, c.from_config
