WITH ends AS (
  SELECT month_index, lag(month_index) OVER (ORDER BY month_index) AS from_month_index
  FROM marts.months
  WHERE is_quarter_end OR is_as_of_month
)
SELECT
  now_.account_id,
  e.month_index,
  DATE_FROM_PARTS(FLOOR((e.month_index) / 12), MOD(e.month_index, 12) + 1, 1) AS month,
  e.from_month_index,
  before.health_band AS band_from,
  now_.health_band AS band_to,
  am.arr
FROM ends AS e
JOIN marts.health_scores AS now_ ON now_.month_index = e.month_index
JOIN marts.health_scores AS before ON before.account_id = now_.account_id AND before.month_index = e.from_month_index
JOIN marts.account_months AS am ON am.account_id = now_.account_id AND am.month_index = e.month_index
