-- One row per paying account and month: its health band and segment then, the loss rate the forecast
-- of that month gives their cell (marts.loss_rates), and its risk-weighted ARR, ARR × p_loss rounded to
-- the cent: the ARR expected to be lost within the backtest's horizon, over every band, not only red.
-- @test unique(account_id, month_index)
-- @test expression(risk_weighted_arr IS NULL OR (risk_weighted_arr >= 0 AND risk_weighted_arr <= arr))
SELECT
  h.account_id,
  h.month_index,
  {{ month_from_index(h.month_index) }} AS month,
  h.arr,
  h.health_band,
  am.segment,
  r.p_loss,
  r.basis AS p_loss_basis,
  CAST(round(h.arr * r.p_loss, 2) AS {{ decimal(18, 2) }}) AS risk_weighted_arr
FROM marts.health_scores AS h
JOIN marts.account_months AS am ON am.account_id = h.account_id AND am.month_index = h.month_index
LEFT JOIN marts.loss_rates AS r ON r.month_index = h.month_index AND r.health_band = h.health_band AND r.segment = am.segment
ORDER BY h.account_id, h.month_index
