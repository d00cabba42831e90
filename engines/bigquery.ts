import type { Dialect } from "./dialect.ts";

/** BigQuery NUMERIC holds 29 digits before the point and 9 after; wider decimals need BIGNUMERIC. */
const numericType = (p: string, s: string) => (Number(s) <= 9 && Number(p) - Number(s) <= 29 ? "NUMERIC" : "BIGNUMERIC");

/** BigQuery: rendered and checked by tests; run only against a live project (credentials in the environment). */
export const bigquery: Dialect = {
  name: "bigquery",
  label: "BigQuery",
  placeholder: (n) => `@p${n}`,
  ident: (name) => `\`${name.replaceAll("`", "\\`")}\``,
  helpers: {
    month_index: (d) => `(EXTRACT(YEAR FROM ${d}) * 12 + EXTRACT(MONTH FROM ${d}) - 1)`,
    month_from_index: (i) => `DATE(DIV(${i}, 12), MOD(${i}, 12) + 1, 1)`,
    month_start: (d) => `DATE_TRUNC(CAST(${d} AS DATE), MONTH)`,
    month_end: (d) => `LAST_DAY(CAST(${d} AS DATE), MONTH)`,
    day_of_month: (d) => `EXTRACT(DAY FROM ${d})`,
    add_days: (d, n) => `DATE_ADD(CAST(${d} AS DATE), INTERVAL ${n} DAY)`,
    add_months: (d, n) => `DATE_ADD(CAST(${d} AS DATE), INTERVAL CAST(${n} AS INT64) MONTH)`,
    days_between: (a, b) => `DATE_DIFF(CAST(${b} AS DATE), CAST(${a} AS DATE), DAY)`,
    hours_between: (a, b) => `(TIMESTAMP_DIFF(${b}, ${a}, MICROSECOND) / 3600000000.0)`,
    divide: (a, b) => `(CAST(${a} AS FLOAT64) / (${b}))`,
    int_divide: (a, b) => `CAST(FLOOR((${a}) / (${b})) AS INT64)`,
    div_round: (n, d, s) => `ROUND(CAST(${n} AS BIGNUMERIC) / (${d}), ${s}, 'ROUND_HALF_AWAY_FROM_ZERO')`,
    round_float: (v, digits) => `ROUND(${v}, ${digits})`,
    decimal: (p, s) => `${numericType(p, s)}(${p}, ${s})`,
    float: (v) => `CAST(${v} AS FLOAT64)`,
    integer: (v) => `CAST(${v} AS INT64)`,
    text: (v) => `CAST(${v} AS STRING)`,
    first_by: (v, ...order) => `ARRAY_AGG(STRUCT(${v} AS v) ORDER BY ${order.join(", ")} LIMIT 1)[OFFSET(0)].v`,
    string_agg: (v, sep, ...order) => `STRING_AGG(${v}, ${sep} ORDER BY ${order.join(", ")})`,
    // BigQuery's PERCENTILE_CONT is analytic only: the aggregate takes it over the group's values.
    median: (v) =>
      `(SELECT ANY_VALUE(q) FROM (SELECT PERCENTILE_CONT(x, 0.5) OVER () AS q FROM UNNEST(ARRAY_AGG(${v} IGNORE NULLS)) AS x))`,
    quantile: (v, q) =>
      `(SELECT ANY_VALUE(p) FROM (SELECT PERCENTILE_CONT(x, ${q}) OVER () AS p FROM UNNEST(ARRAY_AGG(${v} IGNORE NULLS)) AS x))`,
    row_fingerprint: (a) =>
      `CONCAT(CAST(COUNT(*) AS STRING), ':', CAST(SUM(MOD(FARM_FINGERPRINT(TO_JSON_STRING(${a})), 1000000007)) AS STRING))`,
    bool_or: (v) => `LOGICAL_OR(${v})`,
    format_time: (v, pattern) => `FORMAT_TIMESTAMP(${pattern.replace("%g", "%E3S")}, CAST(${v} AS TIMESTAMP))`,
    series: (_alias, column, from, to) => `UNNEST(GENERATE_ARRAY(${from}, (${to}) - 1)) AS ${column}`,
    to_number: (t) => `SAFE_CAST(trim(${t}) AS BIGNUMERIC)`,
    to_timestamp: (t) => `SAFE_CAST(REGEXP_REPLACE(trim(${t}), ' UTC$', '') AS DATETIME)`,
    json_text: (doc, key) => `JSON_VALUE(SAFE.PARSE_JSON(${doc}), CONCAT('$.', ${key}))`,
  },
};
