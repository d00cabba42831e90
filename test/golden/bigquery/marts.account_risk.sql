SELECT
  h.account_id,
  h.month_index,
  DATE(DIV(h.month_index, 12), MOD(h.month_index, 12) + 1, 1) AS month,
  h.arr,
  h.health_band,
  am.segment,
  r.p_loss,
  r.basis AS p_loss_basis,
  CAST(round(h.arr * r.p_loss, 2) AS NUMERIC(18, 2)) AS risk_weighted_arr
FROM marts.health_scores AS h
JOIN marts.account_months AS am ON am.account_id = h.account_id AND am.month_index = h.month_index
LEFT JOIN marts.loss_rates AS r ON r.month_index = h.month_index AND r.health_band = h.health_band AND r.segment = am.segment
ORDER BY h.account_id, h.month_index
