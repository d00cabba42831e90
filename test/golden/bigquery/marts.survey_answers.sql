SELECT
  r.response_id,
  r.account_id,
  r.contact_id,
  r.survey,
  r.score,
  r.comment,
  CASE WHEN r.survey = 'csat' THEN coalesce(r.satisfied, r.score >= 4) END AS is_satisfied,
  r.responded_at,
  (EXTRACT(YEAR FROM r.responded_at) * 12 + EXTRACT(MONTH FROM r.responded_at) - 1) AS month_index,
  r.survey = 'nps' AND r.score >= 9 AS is_promoter,
  r.survey = 'nps' AND r.score <= 6 AS is_detractor
FROM staging.survey_responses AS r
WHERE r.responded_at <= (SELECT as_of FROM marts.as_of)
