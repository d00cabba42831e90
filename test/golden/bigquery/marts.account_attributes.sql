SELECT
  a.account_id,
  a.name,
  a.industry,
  a.employee_count,
  coalesce(seg.name, 'Unknown') AS segment,
  coalesce(band.name, 'Unknown') AS employee_band,
  a.region,
  a.country,
  a.owner_csm,
  a.owner_csm IS NOT NULL AND a.owner_csm IN (SELECT owner FROM config.pools) AS owner_is_pool,
  a.acquisition_channel,
  a.created_at
FROM staging.crm_accounts AS a
LEFT JOIN config.segment_bands AS seg
  ON (seg.lower IS NULL OR a.employee_count >= seg.lower) AND (seg.upper IS NULL OR a.employee_count < seg.upper)
LEFT JOIN config.employee_bands AS band
  ON (band.lower IS NULL OR a.employee_count >= band.lower) AND (band.upper IS NULL OR a.employee_count < band.upper)
