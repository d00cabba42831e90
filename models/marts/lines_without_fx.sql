-- One row per subscription line left out of ARR because its currency has no FX rate for its start
-- month (DESIGN.md): the line, its account, the currency and month a rate is missing for, and its ARR
-- in its own currency. The build goes on without it; every page says how much is left out.
-- @test unique(subscription_id)
-- @test not_null(currency, fx_month)
SELECT
  subscription_id,
  account_id,
  currency,
  {{ month_start(start_date) }} AS fx_month,
  start_date,
  end_date,
  CAST(round(12 * mrr_local, 2) AS {{ decimal(18, 2) }}) AS arr_local
FROM marts.subscription_lines
WHERE fx_rate IS NULL
ORDER BY currency, fx_month, subscription_id
