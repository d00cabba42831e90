WITH paying AS (
  SELECT account_id, month_index, month_end, snapshot_date, arr, seats
  FROM marts.account_months
  WHERE arr > 0
),
first_usage AS (
  SELECT account_id, min(occurred_on) AS first_used_on
  FROM staging.usage_events
  WHERE occurred_on <= (SELECT as_of FROM marts.as_of)
  GROUP BY account_id
),
sentiment AS (
  SELECT
    s.account_id,
    m.month_index,
    ARRAY_AGG(OBJECT_CONSTRUCT_KEEP_NULL('v', CASE s.survey WHEN 'nps' THEN s.score ELSE (s.score - 1) * 2.5 END)) WITHIN GROUP (ORDER BY s.responded_at DESC, s.response_id DESC)[0]:v AS sentiment
  FROM marts.survey_answers AS s
  JOIN marts.months AS m
    ON s.month_index BETWEEN m.month_index - 6 AND m.month_index
   AND s.responded_at > DATEADD(DAY, -180, CAST(m.snapshot_date AS DATE)) AND s.responded_at <= m.snapshot_date
  WHERE s.survey IN ('nps', 'csat')
  GROUP BY s.account_id, m.month_index
),
tickets AS (
  SELECT account_id, month_index, priority, first_response_hours, CAST(created_at AS DATE) AS created_on, CAST(solved_at AS DATE) AS solved_on
  FROM marts.tickets
),
recent_tickets AS (
  SELECT t.account_id, m.month_index, count(*) AS tickets_90d, MEDIAN(t.first_response_hours) AS first_response_hours_90d
  FROM tickets AS t
  JOIN marts.months AS m
    ON m.month_index BETWEEN t.month_index AND t.month_index + 3
   AND t.created_on > DATEADD(DAY, -90, CAST(m.snapshot_date AS DATE)) AND t.created_on <= m.snapshot_date
  GROUP BY t.account_id, m.month_index
),
open_urgent AS (
  SELECT t.account_id, m.month_index, count(*) AS open_urgent_tickets
  FROM tickets AS t
  JOIN marts.months AS m
    ON m.month_index >= t.month_index
   AND (t.solved_on IS NULL OR t.solved_on > m.snapshot_date)
  WHERE t.priority IN ('high', 'urgent')
  GROUP BY t.account_id, m.month_index
),
contacts AS (
  SELECT
    p.account_id,
    p.month_index,
    count(CASE
      WHEN c.role IN ('champion', 'buyer')
        AND (c.started_at IS NULL OR c.started_at <= p.snapshot_date)
        AND (c.left_at IS NULL OR c.left_at > p.snapshot_date)
      THEN 1 END) AS champions_and_buyers
  FROM paying AS p
  JOIN staging.crm_contacts AS c ON c.account_id = p.account_id
  GROUP BY p.account_id, p.month_index
)
SELECT
  p.account_id,
  p.month_index,
  p.month_end,
  p.arr,
  p.seats,
  CAST((CAST(u.active_users_30d AS DOUBLE) / (nullif(p.seats, 0))) AS DOUBLE) AS active_users_per_seat,
  CAST(CASE WHEN fu.first_used_on <= DATEADD(DAY, -59, CAST(p.snapshot_date AS DATE)) AND coalesce(u.events_prior_30d, 0) > 0
    THEN (CAST(coalesce(u.events_30d, 0) AS DOUBLE) / (u.events_prior_30d)) - 1 END AS DOUBLE)
    AS usage_trend,
  CAST(s.sentiment AS DOUBLE) AS sentiment,
  CAST(CASE WHEN p.month_index >= helpdesk.first_month THEN coalesce(o.open_urgent_tickets, 0) END AS DOUBLE) AS open_urgent_tickets,
  CAST(CASE WHEN p.month_index >= helpdesk.first_month THEN (CAST(coalesce(r.tickets_90d, 0) AS DOUBLE) / (nullif(p.seats, 0))) END AS DOUBLE)
    AS tickets_per_seat_90d,
  CAST(r.first_response_hours_90d AS DOUBLE) AS first_response_hours_90d,
  CAST(c.champions_and_buyers AS DOUBLE) AS relationship,
  CAST(u.key_features_30d AS DOUBLE) AS adoption_breadth
FROM paying AS p
CROSS JOIN (SELECT min(month_index) AS first_month FROM marts.tickets) AS helpdesk
LEFT JOIN first_usage AS fu ON fu.account_id = p.account_id
LEFT JOIN marts.account_usage_months AS u ON u.account_id = p.account_id AND u.month_index = p.month_index
LEFT JOIN sentiment AS s ON s.account_id = p.account_id AND s.month_index = p.month_index
LEFT JOIN recent_tickets AS r ON r.account_id = p.account_id AND r.month_index = p.month_index
LEFT JOIN open_urgent AS o ON o.account_id = p.account_id AND o.month_index = p.month_index
LEFT JOIN contacts AS c ON c.account_id = p.account_id AND c.month_index = p.month_index
ORDER BY p.account_id, p.month_index
