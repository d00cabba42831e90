-- Salesforce line items of closed-won opportunities → crm_subscriptions, one line each.
WITH lines AS (
  SELECT
    i.*,
    o.account_id,
    o.close_date,
    o.is_won,
    o.is_closed,
    coalesce(i.currency_iso_code, o.currency_iso_code) AS currency_code,
    x.__drop AS opportunity_dropped,
    o.id AS opportunity_found,
    coalesce({{ calendar_date(i.start_field) }}, {{ calendar_date(i.service_date) }}, {{ calendar_date(o.close_date) }}) AS starts,
    {{ calendar_date(i.end_field) }} AS given_end
  FROM in_opportunity_line_item i
  LEFT JOIN in_opportunity o ON o.id = i.opportunity_id
  LEFT JOIN (SELECT id, min(__drop) AS __drop FROM all_opportunity WHERE __drop IS NOT NULL GROUP BY id) x
    ON x.id = i.opportunity_id AND o.id IS NULL
)
SELECT
  l.id AS subscription_id,
  coalesce(l.account_id, 'no opportunity ' || l.opportunity_id) AS account_id,
  l.opportunity_found IS NULL AS __unresolved,
  coalesce(p.name, l.name) AS product,
  coalesce(l.product_code, p.product_code) AS plan,
  {{ text(l.starts) }} AS start_date,
  {{ text(CASE
    WHEN l.given_end IS NOT NULL AND {{ month_index(l.given_end) }} >= {{ month_index(CAST('9999-01-01' AS DATE)) }} THEN NULL
    WHEN l.given_end IS NOT NULL THEN {{ add_days(l.given_end, 1) }}
    ELSE {{ add_months(l.starts, coalesce({{ integer({{ to_number(l.months) }}) }}, {{ integer({{ param(term_months) }}) }})) }}
  END) }} AS end_date,
  l.unit_price AS amount,
  {{ param(price_months) }} AS interval_months,
  l.quantity,
  {{ text({{ to_number(coalesce(nullif(trim(l.discount), ''), '0')) }} * 0.01) }} AS discount,
  upper(nullif(trim(l.currency_code), '')) AS currency,
  l.__line,
  CASE
    WHEN l.opportunity_dropped IS NOT NULL THEN l.opportunity_dropped
    WHEN l.opportunity_found IS NOT NULL AND NOT ({{ is_true(l.is_won) }} AND (l.is_closed IS NULL OR {{ is_true(l.is_closed) }})) THEN 'not_won'
  END AS __drop
FROM lines l
LEFT JOIN in_product_2 p ON p.id = l.product_2_id
