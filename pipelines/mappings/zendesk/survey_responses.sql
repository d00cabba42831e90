-- Zendesk satisfaction ratings → CSAT answers (good = satisfied), one per rated ticket.
WITH ratings AS (
  SELECT ticket_id, lower(trim(value)) AS rating, updated,
    row_number() OVER (PARTITION BY ticket_id ORDER BY {{ to_timestamp(updated) }} DESC, __line DESC) AS n
  FROM in_ticket_field_history WHERE lower(trim(field_name)) = 'satisfaction_score'
)
SELECT
  'zendesk-' || t.id AS response_id,
  coalesce(acc.account_id, t.organization_id, 'no organization') AS account_id,
  acc.account_id IS NULL AS __unresolved,
  'csat' AS survey,
  CASE r.rating WHEN 'good' THEN 'true' WHEN 'bad' THEN 'false' END AS satisfied,
  {{ local_day(r.updated) }} AS responded_at,
  t.__line,
  CASE WHEN r.rating IS NULL OR r.rating NOT IN ('good', 'bad') THEN 'no_rating' END AS __drop
FROM in_ticket t
LEFT JOIN ratings r ON r.ticket_id = t.id AND r.n = 1
LEFT JOIN __accounts acc ON acc.system_key = t.organization_id
