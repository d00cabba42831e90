-- One row per survey answer (NPS 0–10, CSAT 1–5 or satisfied yes/no, CES 1–7).
-- @test unique(response_id)
-- @test accepted_values(survey, 'nps', 'csat', 'ces')
SELECT
  response_id,
  account_id,
  contact_id,
  survey,
  score,
  satisfied,
  nullif(trim(comment), '') AS comment,
  responded_at
FROM raw.survey_responses
