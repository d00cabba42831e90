SELECT
  account_id,
  name,
  nullif(trim(industry), '') AS industry,
  employee_count,
  nullif(trim(region), '') AS region,
  upper(nullif(trim(country), '')) AS country,
  nullif(trim(owner_csm), '') AS owner_csm,
  lower(nullif(trim(acquisition_channel), '')) AS acquisition_channel,
  created_at
FROM raw.crm_accounts
