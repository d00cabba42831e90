-- Salesforce accounts → crm_accounts, the owner's name as the CSM.
SELECT
  a.id AS account_id,
  a.name,
  nullif(trim(a.industry), '') AS industry,
  a.number_of_employees AS employee_count,
  coalesce(nullif(trim(a.billing_country_code), ''), nullif(trim(a.billing_country), '')) AS country,
  coalesce(u.name, a.owner_id) AS owner_csm,
  nullif(trim(a.account_source), '') AS acquisition_channel,
  {{ local_day(a.created_date) }} AS created_at,
  a.__line
FROM in_account a
LEFT JOIN in_user u ON u.id = a.owner_id
