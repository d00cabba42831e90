-- Stripe subscription items → crm_subscriptions: one line per item, split where its price changes
-- (a subscription version in history mode) or a repeating coupon ends. Each line keeps the item's
-- vendor line; lines after the first are named <item id>@<start date>.
WITH
prices AS (
  -- An item names a price (newer API) or a plan (legacy) by id; a price wins when both carry the id.
  SELECT id, currency, coalesce(unit_amount_decimal, unit_amount) AS unit_amount, lower(type) AS price_type,
    recurring_interval AS unit, coalesce(recurring_interval_count, '1') AS unit_count,
    lower(recurring_usage_type) AS usage_type, coalesce(nickname, lookup_key, id) AS plan, product_id
  FROM in_price
  UNION ALL
  SELECT id, currency, amount, 'recurring', "interval", coalesce(interval_count, '1'), lower(usage_type), coalesce(nickname, id), product_id
  FROM in_plan WHERE id NOT IN (SELECT id FROM in_price)
),
versions AS (
  SELECT s.*,
    {{ to_timestamp(s._fivetran_start) }} AS version_at,
    row_number() OVER (PARTITION BY s.id ORDER BY {{ to_timestamp(s._fivetran_start) }} DESC, s.__line DESC) AS newest_first
  FROM in_subscription s
),
current_version AS (SELECT * FROM versions WHERE newest_first = 1),
dropped_subscription AS (
  SELECT id, min(__drop) AS reason FROM all_subscription
  WHERE __drop IS NOT NULL AND id NOT IN (SELECT id FROM in_subscription) GROUP BY id
),
discounts AS (
  -- The newest percent coupon on each subscription; a repeating one ends after its months, a once one never lowers MRR.
  SELECT subscription_id, percent_off, starts, ends FROM (
    SELECT d.subscription_id, {{ to_number(c.percent_off) }} * 0.01 AS percent_off,
      {{ local_date(d.start) }} AS starts,
      CASE WHEN lower(c.duration) = 'repeating' THEN {{ add_months({{ local_date(d.start) }}, {{ integer({{ to_number(c.duration_in_months) }}) }}) }}
        ELSE {{ local_date(d."end") }} END AS ends,
      row_number() OVER (PARTITION BY d.subscription_id ORDER BY {{ to_timestamp(d.start) }} DESC, d.__line DESC) AS n
    FROM in_subscription_discount d JOIN in_coupon c ON c.id = d.coupon_id
    WHERE {{ to_number(c.percent_off) }} > 0 AND lower(coalesce(c.duration, 'forever')) <> 'once'
  ) AS ranked WHERE n = 1
),
items AS (
  SELECT i.id AS item_id, i.__line, i.subscription_id, i.quantity AS item_quantity,
    s.customer_id, s.status, p.price_type, p.usage_type, p.currency, p.unit, p.unit_count, p.unit_amount, p.plan, pr.name AS product,
    x.reason AS subscription_dropped,
    -- When service starts: the item's creation (items can be added mid-cycle), else the subscription's backdate-aware start.
    coalesce({{ local_date(i.created) }}, {{ local_date(s.start_date) }}, {{ local_date(s.created) }}) AS created_on,
    CASE WHEN {{ param(trials) }} = 'exclude' THEN {{ local_date(s.trial_end) }} END AS trial_ends,
    -- canceled_at is when cancelling was asked; service ends at ended_at, or at a scheduled cancel_at.
    coalesce({{ local_date(s.ended_at) }}, {{ local_date(s.cancel_at) }}) AS ends
  FROM in_subscription_item i
  LEFT JOIN current_version s ON s.id = i.subscription_id
  LEFT JOIN dropped_subscription x ON x.id = i.subscription_id
  LEFT JOIN prices p ON p.id = coalesce(i.price_id, i.plan_id)
  LEFT JOIN in_product pr ON pr.id = p.product_id
),
starts AS (
  SELECT it.*, CASE WHEN trial_ends > created_on THEN trial_ends ELSE created_on END AS starts,
    CASE
      WHEN subscription_dropped IS NOT NULL THEN subscription_dropped
      WHEN price_type = 'one_time' THEN 'one_time_price'
      WHEN usage_type = 'metered' THEN 'metered_price'
      WHEN lower(status) IN ('incomplete', 'incomplete_expired') THEN 'never_started'
      WHEN trial_ends IS NOT NULL AND ends IS NOT NULL AND trial_ends >= ends THEN 'trial_only'
    END AS drop_reason
  FROM items it
),
segments AS (
  -- One segment per subscription version: from the version's date (the line's start for the first) to the next version's.
  SELECT st.item_id, st.__line, st.starts, st.ends,
    coalesce({{ to_number(v.quantity) }}, {{ to_number(st.item_quantity) }}, 1) AS quantity,
    CASE WHEN v.version_at IS NULL OR {{ local_date(v._fivetran_start) }} < st.starts THEN st.starts ELSE {{ local_date(v._fivetran_start) }} END AS seg_from,
    lead({{ local_date(v._fivetran_start) }}) OVER (PARTITION BY st.item_id ORDER BY v.version_at, v.__line) AS seg_to
  FROM starts st LEFT JOIN versions v ON v.id = st.subscription_id
),
pieces AS (
  -- Each segment split at its coupon's start and end: before, during, after.
  SELECT g.item_id, g.__line, g.quantity, part,
    CASE part WHEN 1 THEN g.seg_from WHEN 2 THEN greatest(g.seg_from, d.starts) ELSE greatest(g.seg_from, d.ends) END AS piece_from,
    CASE part WHEN 1 THEN least(coalesce(g.seg_to, g.ends), d.starts) WHEN 2 THEN least(coalesce(g.seg_to, g.ends), d.ends) ELSE coalesce(g.seg_to, g.ends) END AS piece_to,
    CASE part WHEN 2 THEN d.percent_off ELSE 0 END AS discount,
    g.ends
  FROM segments g
  JOIN {{ series(parts, part, 1, 4) }} ON true
  LEFT JOIN in_subscription_item i ON i.id = g.item_id
  LEFT JOIN discounts d ON d.subscription_id = i.subscription_id
  WHERE (part = 1 OR d.starts IS NOT NULL) AND (part <> 3 OR d.ends IS NOT NULL)
),
lines AS (
  SELECT p.*,
    (p.piece_to IS NULL OR p.piece_from < p.piece_to) AND (p.ends IS NULL OR p.piece_from < p.ends) AS kept
  FROM pieces p
  WHERE p.part = 1 OR p.discount > 0 OR p.part = 3
),
numbered AS (
  SELECT l.*,
    row_number() OVER (PARTITION BY l.item_id ORDER BY l.kept DESC, l.piece_from, l.part) AS n,
    {{ bool_or(l.kept) }} OVER (PARTITION BY l.item_id) AS any_kept
  FROM lines l
)
SELECT
  CASE WHEN n.n = 1 THEN it.item_id ELSE it.item_id || '@' || {{ text(n.piece_from) }} END AS subscription_id,
  coalesce(acc.account_id, it.customer_id, 'no subscription ' || it.subscription_id) AS account_id,
  acc.account_id IS NULL AS __unresolved,
  it.product,
  it.plan,
  {{ text(n.piece_from) }} AS start_date,
  {{ text(n.piece_to) }} AS end_date,
  {{ text(CASE
    WHEN lower(it.unit) = 'week' THEN {{ div_round({{ minor_units(it.unit_amount, it.currency) }} * 52, 12 * {{ integer({{ to_number(it.unit_count) }}) }}, 6) }}
    WHEN lower(it.unit) = 'day' THEN {{ div_round({{ minor_units(it.unit_amount, it.currency) }} * 365, 12 * {{ integer({{ to_number(it.unit_count) }}) }}, 6) }}
    ELSE {{ minor_units(it.unit_amount, it.currency) }} END) }} AS amount,
  {{ text(coalesce({{ month_count(it.unit, it.unit_count) }}, CASE WHEN lower(it.unit) IN ('week', 'day') THEN 1 END)) }} AS interval_months,
  {{ text(n.quantity) }} AS quantity,
  {{ text(n.discount) }} AS discount,
  upper(it.currency) AS currency,
  it.__line,
  it.drop_reason AS __drop
FROM numbered n
JOIN starts it ON it.item_id = n.item_id
LEFT JOIN __accounts acc ON acc.system_key = it.customer_id
-- A line cut to nothing (a version replaced the same day) is not a line; an item with no line left keeps its first, which the contract refuses.
-- A dropped item is counted once, however many versions it has.
WHERE (n.kept OR (NOT n.any_kept AND n.n = 1)) AND (it.drop_reason IS NULL OR n.n = 1)
