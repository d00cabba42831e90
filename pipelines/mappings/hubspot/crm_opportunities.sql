-- HubSpot deals → crm_opportunities.
WITH primary_company AS (
  SELECT deal_id, company_id FROM (
    SELECT deal_id, company_id, row_number() OVER (PARTITION BY deal_id ORDER BY {{ to_number(type_id) }}, company_id) AS n FROM in_deal_company
  ) AS ranked WHERE n = 1
)
SELECT
  d.deal_id AS opportunity_id,
  coalesce(c.company_id, 'no company') AS account_id,
  c.company_id IS NULL AS __unresolved,
  CASE lower(trim(d.property_dealtype))
    WHEN 'newbusiness' THEN 'new' WHEN 'existingbusiness' THEN {{ param(existing_business) }}
    ELSE d.property_dealtype END AS type,
  s.label AS stage,
  d.property_amount AS amount,
  {{ local_day(d.property_closedate) }} AS close_date,
  CASE WHEN {{ is_true(s.is_closed) }} THEN CASE WHEN {{ is_true(s.closed_won) }} THEN 'true' ELSE 'false' END END AS is_won,
  d.property_closed_lost_reason AS loss_reason,
  upper(nullif(trim(d.property_deal_currency_code), '')) AS currency,
  d.__line
FROM in_deal d
LEFT JOIN primary_company c ON c.deal_id = d.deal_id
LEFT JOIN (
  SELECT stage_id, min(label) AS label, min(closed_won) AS closed_won, min(is_closed) AS is_closed FROM in_deal_pipeline_stage GROUP BY stage_id
) s ON s.stage_id = d.deal_pipeline_stage_id
