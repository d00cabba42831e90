-- One row per forecast, account and renewal due date (DESIGN.md "Forecast"; due dates from
-- marts.renewal_terms). A forecast is made at each fiscal quarter end up to the as-of date, and at the as-of
-- date itself, for the renewals due after it to the end of the fourth fiscal quarter after its own,
-- from what could be known then only: the lines
-- that had started by that day (a month-to-month line that ended later is seen still open; a term
-- line's end date is its term, fixed when it was signed), the account's health band and segment at that
-- month's snapshot, and that month's loss rates (marts.loss_rates). Expected lost ARR = ARR due × p_loss,
-- to the cent. `horizon_quarters` counts fiscal quarters from the forecast's (0: the rest of its own).
-- `is_latest` marks the forecast a renewal is judged by: the last one made before it was due.
-- @test unique(made_on, account_id, due_date)
-- @test expression(expected_lost_arr >= 0 AND expected_lost_arr <= arr_due)
-- @test expression(horizon_quarters BETWEEN 0 AND 4)
WITH points AS (
  SELECT
    c.month_index AS made_month_index,
    c.snapshot_date AS made_on,
    c.quarter_end_month_index,
    h.month_end AS horizon_end
  FROM marts.calendar AS c
  JOIN marts.calendar AS h ON h.month_index = c.quarter_end_month_index + 12
  WHERE NOT c.is_future
    AND ((c.is_quarter_end AND NOT c.is_month_to_date) OR c.month_index = (SELECT max(month_index) FROM marts.months))
),
seen AS (
  SELECT
    p.made_month_index,
    p.made_on,
    p.quarter_end_month_index,
    l.account_id,
    l.start_date,
    l.interval_months,
    l.arr,
    CASE WHEN l.interval_months < 3 AND l.end_date > p.made_on THEN NULL ELSE l.end_date END AS end_date
  FROM points AS p
  JOIN marts.subscription_lines AS l
    ON l.start_date <= p.made_on AND (l.end_date IS NULL OR l.end_date > p.made_on) AND l.arr IS NOT NULL
),
-- The terms of the lines that had started by the forecast's day, ending after it and within its horizon.
due_dates AS (
  SELECT p.made_on, t.account_id, t.due_date
  FROM points AS p
  JOIN marts.renewal_terms AS t
    ON t.start_date <= p.made_on AND t.due_date > p.made_on AND t.due_date <= p.horizon_end
),
valued AS (
  SELECT
    s.made_month_index,
    s.made_on,
    s.quarter_end_month_index,
    s.account_id,
    d.due_date,
    CAST(round(sum(CASE WHEN s.start_date < d.due_date AND (s.end_date IS NULL OR s.end_date >= d.due_date) THEN s.arr ELSE 0 END), 2)
      AS {{ decimal(18, 2) }}) AS arr_due
  FROM (SELECT DISTINCT made_on, account_id, due_date FROM due_dates) AS d
  JOIN seen AS s ON s.made_on = d.made_on AND s.account_id = d.account_id
  GROUP BY s.made_month_index, s.made_on, s.quarter_end_month_index, s.account_id, d.due_date
),
priced AS (
  SELECT
    v.*,
    coalesce(h.health_band, 'unscored') AS health_band,
    am.segment,
    r.p_loss,
    CAST(round(v.arr_due * r.p_loss, 2) AS {{ decimal(18, 2) }}) AS expected_lost_arr,
    {{ integer({{ int_divide(c.quarter_end_month_index - v.quarter_end_month_index, 3) }}) }} AS horizon_quarters,
    {{ month_index(v.due_date) }} AS month_index
  FROM valued AS v
  JOIN marts.calendar AS c ON c.month_index = {{ month_index(v.due_date) }}
  JOIN marts.account_months AS am ON am.account_id = v.account_id AND am.month_index = v.made_month_index
  LEFT JOIN marts.health_scores AS h ON h.account_id = v.account_id AND h.month_index = v.made_month_index
  JOIN marts.loss_rates AS r
    ON r.month_index = v.made_month_index AND r.health_band = coalesce(h.health_band, 'unscored') AND r.segment = am.segment
  -- Before any backtest outcome is known there is no rate, and no forecast.
  WHERE v.arr_due > 0 AND r.p_loss IS NOT NULL
)
SELECT
  made_on,
  made_month_index,
  account_id,
  due_date,
  month_index,
  horizon_quarters,
  health_band,
  segment,
  arr_due,
  p_loss,
  expected_lost_arr,
  made_on = max(made_on) OVER (PARTITION BY account_id, due_date) AS is_latest
FROM priced
ORDER BY made_on, account_id, due_date
