-- Salesforce opportunities → crm_opportunities. CloseDate is a calendar day (Fivetran writes it with 00:00:00).
SELECT
  o.id AS opportunity_id,
  o.account_id,
  CASE lower(trim(o.type))
    WHEN 'new customer' THEN 'new' WHEN 'new business' THEN 'new' WHEN 'new' THEN 'new'
    WHEN 'renewal' THEN 'renewal' WHEN 'existing customer - replacement' THEN 'renewal'
    WHEN 'existing customer - upgrade' THEN 'expansion' WHEN 'upsell' THEN 'expansion' WHEN 'expansion' THEN 'expansion'
    WHEN 'cross-sell' THEN 'cross_sell' WHEN 'cross sell' THEN 'cross_sell'
    ELSE o.type
  END AS type,
  o.stage_name AS stage,
  o.amount,
  {{ calendar_day(o.close_date) }} AS close_date,
  -- is_won means something only once the opportunity is closed.
  CASE WHEN o.is_closed IS NULL OR {{ is_true(o.is_closed) }} THEN o.is_won END AS is_won,
  o.loss_reason,
  upper(nullif(trim(o.currency_iso_code), '')) AS currency,
  o.__line
FROM in_opportunity o
