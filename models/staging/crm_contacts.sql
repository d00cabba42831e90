-- One row per contact at a customer, with their role in the relationship.
-- @test unique(contact_id)
-- @test accepted_values(role, 'buyer', 'champion', 'power_user', 'user')
SELECT
  contact_id,
  account_id,
  lower(nullif(trim(email), '')) AS email,
  nullif(trim(title), '') AS title,
  role,
  started_at,
  left_at
FROM raw.crm_contacts
