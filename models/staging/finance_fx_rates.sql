-- One row per currency and month: reporting-currency units for one unit of the currency.
-- @test unique(currency, month)
-- @test expression(rate > 0)
SELECT
  upper(trim(currency)) AS currency,
  {{ month_start(month) }} AS month,
  rate
FROM raw.finance_fx_rates
