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
      AS NUMERIC(18, 2)) AS arr_due
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
    CAST(round(v.arr_due * r.p_loss, 2) AS NUMERIC(18, 2)) AS expected_lost_arr,
    CAST(CAST(FLOOR((c.quarter_end_month_index - v.quarter_end_month_index) / (3)) AS INT64) AS INT64) AS horizon_quarters,
    (EXTRACT(YEAR FROM v.due_date) * 12 + EXTRACT(MONTH FROM v.due_date) - 1) AS month_index
  FROM valued AS v
  JOIN marts.calendar AS c ON c.month_index = (EXTRACT(YEAR FROM v.due_date) * 12 + EXTRACT(MONTH FROM v.due_date) - 1)
  JOIN marts.account_months AS am ON am.account_id = v.account_id AND am.month_index = v.made_month_index
  LEFT JOIN marts.health_scores AS h ON h.account_id = v.account_id AND h.month_index = v.made_month_index
  JOIN marts.loss_rates AS r
    ON r.month_index = v.made_month_index AND r.health_band = coalesce(h.health_band, 'unscored') AND r.segment = am.segment
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
