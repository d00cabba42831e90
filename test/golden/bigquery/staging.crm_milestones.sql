SELECT
  account_id,
  lower(trim(milestone)) AS milestone,
  achieved_at
FROM raw.crm_milestones
