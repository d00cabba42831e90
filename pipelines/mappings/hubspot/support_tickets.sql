-- HubSpot tickets → support_tickets.
WITH ticket_account AS (
  SELECT ticket_id, min(company_id) AS company_id FROM in_ticket_company GROUP BY ticket_id
)
SELECT
  t.id AS ticket_id,
  coalesce(c.company_id, 'no company') AS account_id,
  c.company_id IS NULL AS __unresolved,
  {{ utc_instant(t.property_createdate) }} AS created_at,
  {{ utc_instant(t.property_first_agent_reply_date) }} AS first_response_at,
  {{ utc_instant(t.property_closed_date) }} AS solved_at,
  CASE lower(trim(t.property_hs_ticket_priority)) WHEN 'medium' THEN 'normal' ELSE lower(nullif(trim(t.property_hs_ticket_priority), '')) END AS priority,
  coalesce(s.label, t.property_hs_pipeline_stage) AS status,
  nullif(trim(t.property_hs_ticket_category), '') AS category,
  t.__line
FROM in_ticket t
LEFT JOIN ticket_account c ON c.ticket_id = t.id
-- Stage ids can repeat across pipelines: one label per id, so a ticket is never counted twice.
LEFT JOIN (SELECT stage_id, min(label) AS label FROM in_ticket_pipeline_stage GROUP BY stage_id) s ON s.stage_id = t.property_hs_pipeline_stage
