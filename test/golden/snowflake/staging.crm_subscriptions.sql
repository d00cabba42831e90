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
  upper(coalesce(nullif(trim(s.currency), ''), settings.reporting_currency)) AS currency
FROM raw.crm_subscriptions AS s
CROSS JOIN config.settings AS settings
