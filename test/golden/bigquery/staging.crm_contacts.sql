SELECT
  contact_id,
  account_id,
  lower(nullif(trim(email), '')) AS email,
  nullif(trim(title), '') AS title,
  role,
  started_at,
  left_at
FROM raw.crm_contacts
