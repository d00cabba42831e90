-- One row per subscription line: what an account pays for one product, from start_date up to (not including) end_date.
-- @test unique(subscription_id)
-- @test not_null(subscription_id, account_id, start_date, amount, interval_months, quantity, discount, currency)
-- @test expression(end_date IS NULL OR end_date > start_date)
SELECT
  s.subscription_id,
  s.account_id,
  s.product,
  s.plan,
  s.start_date,
  s.end_date,
  s.amount,
  s.interval_months,
  s.quantity,
  s.discount,
  -- An empty currency means the reporting currency (DESIGN.md, landing contracts).
  upper(coalesce(nullif(trim(s.currency), ''), settings.reporting_currency)) AS currency
FROM raw.crm_subscriptions AS s
CROSS JOIN config.settings AS settings
