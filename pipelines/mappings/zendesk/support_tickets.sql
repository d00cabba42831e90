-- Zendesk tickets → support_tickets, with first response and solve times from comments and status history.
WITH first_reply AS (
  SELECT c.ticket_id, min({{ to_timestamp(c.created) }}) AS replied_at
  FROM in_ticket_comment c
  JOIN in_user u ON u.id = c.user_id
  JOIN in_ticket t ON t.id = c.ticket_id
  WHERE {{ is_true(coalesce(c.public, 'true')) }} AND lower(trim(u.role)) IN ('agent', 'admin')
    AND {{ to_timestamp(c.created) }} >= {{ to_timestamp(t.created_at) }}
  GROUP BY c.ticket_id
),
status_changes AS (
  SELECT ticket_id, lower(trim(value)) AS status, {{ to_timestamp(updated) }} AS changed_at
  FROM in_ticket_field_history WHERE lower(trim(field_name)) = 'status'
),
solved AS (
  SELECT ticket_id,
    max(CASE WHEN status IN ('solved', 'closed') THEN changed_at END) AS solved_at,
    max(CASE WHEN status NOT IN ('solved', 'closed') THEN changed_at END) AS reopened_at
  FROM status_changes GROUP BY ticket_id
)
SELECT
  t.id AS ticket_id,
  coalesce(acc.account_id, t.organization_id, 'no organization') AS account_id,
  acc.account_id IS NULL AS __unresolved,
  {{ utc_instant(t.created_at) }} AS created_at,
  {{ instant_text(f.replied_at) }} AS first_response_at,
  CASE WHEN s.reopened_at IS NULL OR s.reopened_at < s.solved_at THEN {{ instant_text(s.solved_at) }} END AS solved_at,
  lower(nullif(trim(t.priority), '')) AS priority,
  lower(nullif(trim(t.status), '')) AS status,
  lower(nullif(trim(t.type), '')) AS category,
  t.__line
FROM in_ticket t
LEFT JOIN first_reply f ON f.ticket_id = t.id
LEFT JOIN solved s ON s.ticket_id = t.id
LEFT JOIN __accounts acc ON acc.system_key = t.organization_id
