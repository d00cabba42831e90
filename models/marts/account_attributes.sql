-- One row per CRM account: what it is (segment and employee band from the config's bands), independent
-- of what it pays. account_months and accounts both read it, so the bands are applied in one place.
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
  a.acquisition_channel,
  a.created_at
FROM staging.crm_accounts AS a
LEFT JOIN config.segment_bands AS seg
  ON (seg.lower IS NULL OR a.employee_count >= seg.lower) AND (seg.upper IS NULL OR a.employee_count < seg.upper)
LEFT JOIN config.employee_bands AS band
  ON (band.lower IS NULL OR a.employee_count >= band.lower) AND (band.upper IS NULL OR a.employee_count < band.upper)
