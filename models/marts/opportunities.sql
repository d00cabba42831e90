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
  -- Closed after the as-of date: still open as of it.
  o.is_won IS NOT NULL AND coalesce(o.close_date <= a.as_of, false) AS is_closed,
  coalesce(o.is_won AND o.close_date <= a.as_of, false) AS is_won,
  CASE WHEN o.close_date <= a.as_of THEN lower(o.loss_reason) END AS loss_reason
FROM staging.crm_opportunities AS o
CROSS JOIN marts.as_of AS a
