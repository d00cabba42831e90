WITH outcomes AS (
  SELECT
    b.account_id,
    b.month_index + s.health_horizon_months AS known_month_index,
    b.health_band,
    am.segment,
    b.arr,
    b.lost_arr
  FROM marts.health_backtest AS b
  CROSS JOIN config.settings AS s
  JOIN marts.account_months AS am ON am.account_id = b.account_id AND am.month_index = b.month_index
),
grid AS (
  SELECT m.month_index, band.name AS health_band, segment.segment
  FROM marts.months AS m
  CROSS JOIN (SELECT name FROM config.health_bands UNION ALL SELECT 'unscored') AS band
  CROSS JOIN (SELECT DISTINCT segment FROM marts.account_months) AS segment
),
cell_sums AS (
  SELECT g.month_index, g.health_band, g.segment, sum(o.arr) AS arr, sum(o.lost_arr) AS lost
  FROM grid AS g
  JOIN outcomes AS o ON o.health_band = g.health_band AND o.segment = g.segment AND o.known_month_index <= g.month_index
  GROUP BY g.month_index, g.health_band, g.segment
),
cell_accounts AS (
  SELECT g.month_index, g.health_band, g.segment, count(*) AS accounts
  FROM grid AS g
  JOIN (
    SELECT health_band, segment, account_id, min(known_month_index) AS known_month_index
    FROM outcomes
    GROUP BY health_band, segment, account_id
  ) AS first_known ON first_known.health_band = g.health_band AND first_known.segment = g.segment
    AND first_known.known_month_index <= g.month_index
  GROUP BY g.month_index, g.health_band, g.segment
),
band_sums AS (
  SELECT month_index, health_band, sum(arr) AS arr, sum(lost) AS lost
  FROM cell_sums
  GROUP BY month_index, health_band
),
book_sums AS (
  SELECT month_index, sum(arr) AS arr, sum(lost) AS lost
  FROM cell_sums
  GROUP BY month_index
),
chosen AS (
  SELECT
    g.month_index,
    g.health_band,
    g.segment,
    coalesce(ca.accounts, 0) AS cell_accounts,
    CASE
      WHEN coalesce(ca.accounts, 0) >= s.forecast_min_accounts AND cs.arr > 0 THEN 'cell'
      WHEN bs.arr > 0 THEN 'band'
      WHEN ks.arr > 0 THEN 'book'
    END AS basis,
    CASE
      WHEN coalesce(ca.accounts, 0) >= s.forecast_min_accounts AND cs.arr > 0 THEN cs.lost
      WHEN bs.arr > 0 THEN bs.lost
      ELSE ks.lost
    END AS lost,
    CASE
      WHEN coalesce(ca.accounts, 0) >= s.forecast_min_accounts AND cs.arr > 0 THEN cs.arr
      WHEN bs.arr > 0 THEN bs.arr
      ELSE ks.arr
    END AS arr
  FROM grid AS g
  CROSS JOIN config.settings AS s
  LEFT JOIN cell_sums AS cs ON cs.month_index = g.month_index AND cs.health_band = g.health_band AND cs.segment = g.segment
  LEFT JOIN cell_accounts AS ca ON ca.month_index = g.month_index AND ca.health_band = g.health_band AND ca.segment = g.segment
  LEFT JOIN band_sums AS bs ON bs.month_index = g.month_index AND bs.health_band = g.health_band
  LEFT JOIN book_sums AS ks ON ks.month_index = g.month_index
)
SELECT
  month_index,
  DATE(DIV(month_index, 12), MOD(month_index, 12) + 1, 1) AS month,
  health_band,
  segment,
  cell_accounts,
  basis,
  CAST(lost AS NUMERIC(18, 2)) AS lost_arr,
  CAST(arr AS NUMERIC(18, 2)) AS backtest_arr,
  CASE WHEN arr > 0 THEN ROUND(CAST(CAST(lost * 100 AS BIGNUMERIC(38, 0)) AS BIGNUMERIC) / (CAST(arr * 100 AS BIGINT)), 10, 'ROUND_HALF_AWAY_FROM_ZERO') END AS p_loss
FROM chosen
ORDER BY month_index, health_band, segment
