-- One row per account and onboarding milestone, with the day it was reached.
-- @test unique(account_id, milestone)
SELECT
  account_id,
  lower(trim(milestone)) AS milestone,
  achieved_at
FROM raw.crm_milestones
