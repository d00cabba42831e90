-- One row per survey answer, with the month it was given and, for NPS, whether it was the contact's
-- latest answer that month and whether it counts as promoter (9–10) or detractor (0–6).
-- @test unique(response_id)
-- @test accepted_values(survey, 'nps', 'csat', 'ces')
SELECT
  r.response_id,
  r.account_id,
  r.contact_id,
  r.survey,
  r.score,
  r.comment,
  -- CSAT satisfied: 4 or 5 of 5, or a binary answer of satisfied (Zendesk's good).
  CASE WHEN r.survey = 'csat' THEN coalesce(r.satisfied, r.score >= 4) END AS is_satisfied,
  r.responded_at,
  {{ month_index(r.responded_at) }} AS month_index,
  r.survey = 'nps' AND r.score >= 9 AS is_promoter,
  r.survey = 'nps' AND r.score <= 6 AS is_detractor
FROM staging.survey_responses AS r
-- Answers after the as-of date are not read.
WHERE r.responded_at <= (SELECT as_of FROM marts.as_of)
