-- One row per opportunity, with the month it closed (for metrics by period), whether it is closed, and
-- why it was lost or contracted (the CRM's loss reason, lower case).
-- @test unique(opportunity_id)
-- @test expression(NOT is_closed OR close_date IS NOT NULL)
SELECT
  o.opportunity_id,
  o.account_id,
  o.type,
  o.source,
  o.amount,
  o.close_date,
  {{ month_index(o.close_date) }} AS month_index,
  o.is_won IS NOT NULL AS is_closed,
  coalesce(o.is_won, false) AS is_won,
  lower(o.loss_reason) AS loss_reason
FROM staging.crm_opportunities AS o
