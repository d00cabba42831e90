-- One row per paying account and month: the raw value of every health measure as of the month's snapshot
-- day, null where the account has no data for it (no survey answer in 180 days, no ticket answered in 90
-- days, no contacts on record; a month before a source's first record, when the tool was not yet in use,
-- has no data from it, and a source never landed has none at all). An account without events in a month
-- the product analytics were running has zero usage, which scores. The scorecard in the config scores them.
-- Windows end on the snapshot day (the month's last day, or the as-of date in a month to date): "30 days"
-- is (snapshot − 30 days, snapshot]. A usage trend needs its prior 30 days after the account's first event.
-- @test unique(account_id, month_index)
-- @test expression(open_urgent_tickets IS NOT NULL OR coalesce(month_index < (SELECT min(month_index) FROM marts.tickets), true))
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
-- The latest NPS or CSAT answer in the 180 days up to the month's end, on NPS's 0–10 scale (CSAT 1–5 → 0–10);
-- of answers on the same day, the one with the highest response_id.
sentiment AS (
  SELECT
    s.account_id,
    m.month_index,
    {{ first_by(CASE s.survey WHEN 'nps' THEN s.score ELSE (s.score - 1) * 2.5 END, s.responded_at DESC, s.response_id DESC) }} AS sentiment
  FROM marts.survey_answers AS s
  JOIN marts.months AS m
    ON s.month_index BETWEEN m.month_index - 6 AND m.month_index
   AND s.responded_at > {{ add_days(m.snapshot_date, -180) }} AND s.responded_at <= m.snapshot_date
  WHERE s.survey IN ('nps', 'csat')
  GROUP BY s.account_id, m.month_index
),
tickets AS (
  SELECT account_id, month_index, priority, first_response_hours, CAST(created_at AS DATE) AS created_on, CAST(solved_at AS DATE) AS solved_on
  FROM marts.tickets
),
recent_tickets AS (
  SELECT t.account_id, m.month_index, count(*) AS tickets_90d, {{ median(t.first_response_hours) }} AS first_response_hours_90d
  FROM tickets AS t
  JOIN marts.months AS m
    ON m.month_index BETWEEN t.month_index AND t.month_index + 3
   AND t.created_on > {{ add_days(m.snapshot_date, -90) }} AND t.created_on <= m.snapshot_date
  GROUP BY t.account_id, m.month_index
),
-- High and urgent tickets opened by the snapshot day and not solved by it.
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
  -- account_usage_months is null before the product analytics' first event (no data) and 0 for an
  -- account with no events after it (zero usage, which scores).
  {{ float({{ divide(u.active_users_30d, nullif(p.seats, 0)) }}) }} AS active_users_per_seat,
  {{ float(CASE WHEN fu.first_used_on <= {{ add_days(p.snapshot_date, -59) }} AND coalesce(u.events_prior_30d, 0) > 0
    THEN {{ divide(coalesce(u.events_30d, 0), u.events_prior_30d) }} - 1 END) }}
    AS usage_trend,
  {{ float(s.sentiment) }} AS sentiment,
  -- No ticket export, or a month before its first ticket (the help desk came later than the CRM), is
  -- "no data", not "zero tickets" (which would score as perfect).
  {{ float(CASE WHEN p.month_index >= helpdesk.first_month THEN coalesce(o.open_urgent_tickets, 0) END) }} AS open_urgent_tickets,
  {{ float(CASE WHEN p.month_index >= helpdesk.first_month THEN {{ divide(coalesce(r.tickets_90d, 0), nullif(p.seats, 0)) }} END) }}
    AS tickets_per_seat_90d,
  {{ float(r.first_response_hours_90d) }} AS first_response_hours_90d,
  {{ float(c.champions_and_buyers) }} AS relationship,
  {{ float(u.key_features_30d) }} AS adoption_breadth
FROM paying AS p
CROSS JOIN (SELECT min(month_index) AS first_month FROM marts.tickets) AS helpdesk
LEFT JOIN first_usage AS fu ON fu.account_id = p.account_id
LEFT JOIN marts.account_usage_months AS u ON u.account_id = p.account_id AND u.month_index = p.month_index
LEFT JOIN sentiment AS s ON s.account_id = p.account_id AND s.month_index = p.month_index
LEFT JOIN recent_tickets AS r ON r.account_id = p.account_id AND r.month_index = p.month_index
LEFT JOIN open_urgent AS o ON o.account_id = p.account_id AND o.month_index = p.month_index
LEFT JOIN contacts AS c ON c.account_id = p.account_id AND c.month_index = p.month_index
ORDER BY p.account_id, p.month_index
