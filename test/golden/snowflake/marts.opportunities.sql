SELECT
  o.opportunity_id,
  o.account_id,
  o.type,
  o.source,
  o.amount,
  o.close_date,
  (YEAR(o.close_date) * 12 + MONTH(o.close_date) - 1) AS month_index,
  o.is_won IS NOT NULL AS is_closed,
  coalesce(o.is_won, false) AS is_won,
  lower(o.loss_reason) AS loss_reason
FROM staging.crm_opportunities AS o
