-- One row per CRM account: what it is (segment and employee band from the config's bands), independent
-- of what it pays. account_months and accounts both read it, so the bands are applied in one place.
-- @test not_null(owner_is_pool)
-- @test unique(account_id)
-- @test not_null(segment, employee_band)
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
  -- A pooled owner (config `pools`, e.g. a digital-CS queue) is not a person: per-CSM ratios leave it out.
  a.owner_csm IS NOT NULL AND a.owner_csm IN (SELECT owner FROM config.pools) AS owner_is_pool,
  a.acquisition_channel,
  a.created_at
FROM staging.crm_accounts AS a
LEFT JOIN config.segment_bands AS seg
  ON (seg.lower IS NULL OR a.employee_count >= seg.lower) AND (seg.upper IS NULL OR a.employee_count < seg.upper)
LEFT JOIN config.employee_bands AS band
  ON (band.lower IS NULL OR a.employee_count >= band.lower) AND (band.upper IS NULL OR a.employee_count < band.upper)
