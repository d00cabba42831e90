/** NRR and GRR over 12 months by segment at fiscal quarter ends, written by hand: what the benches compare ours with. */
export const HAND_WRITTEN_NRR_GRR = `
  SELECT q.month_end AS period, b.segment,
    sum(coalesce(c.arr, 0)) / sum(b.arr) AS nrr,
    sum(least(coalesce(c.arr, 0), b.arr)) / sum(b.arr) AS grr
  FROM marts.months AS q
  JOIN marts.account_months AS b ON b.month_index = q.month_index - 12 AND b.arr > 0
  LEFT JOIN marts.account_months AS c ON c.account_id = b.account_id AND c.month_index = q.month_index
  WHERE q.is_quarter_end
  GROUP BY ALL ORDER BY 1, 2`;

/** ARR and paying customers by segment, month by month, written by hand: a plain grouped aggregate. */
export const HAND_WRITTEN_ARR_BY_SEGMENT = `
  SELECT m.month_end AS period, am.segment, sum(am.arr) AS arr, count(*) FILTER (WHERE am.arr > 0) AS customers
  FROM marts.months AS m
  JOIN marts.account_months AS am ON am.month_index = m.month_index
  GROUP BY ALL ORDER BY 1, 2`;
