-- One row per opportunity: new business, renewal, expansion or cross-sell, and whether it was won.
-- @test unique(opportunity_id)
-- @test accepted_values(type, 'new', 'renewal', 'expansion', 'cross_sell')
SELECT
  opportunity_id,
  account_id,
  type,
  lower(nullif(trim(stage), '')) AS stage,
  amount,
  close_date,
  is_won,
  source,
  nullif(trim(loss_reason), '') AS loss_reason
FROM raw.crm_opportunities
