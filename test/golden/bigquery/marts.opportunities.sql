SELECT
  o.opportunity_id,
  o.account_id,
  o.type,
  o.source,
  o.amount,
  o.close_date,
  (EXTRACT(YEAR FROM o.close_date) * 12 + EXTRACT(MONTH FROM o.close_date) - 1) AS month_index,
  o.is_won IS NOT NULL AND coalesce(o.close_date <= a.as_of, false) AS is_closed,
  coalesce(o.is_won AND o.close_date <= a.as_of, false) AS is_won,
  CASE WHEN o.close_date <= a.as_of THEN lower(o.loss_reason) END AS loss_reason
FROM staging.crm_opportunities AS o
CROSS JOIN marts.as_of AS a
