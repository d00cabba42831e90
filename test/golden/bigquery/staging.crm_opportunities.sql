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
