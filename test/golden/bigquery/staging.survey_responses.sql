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
