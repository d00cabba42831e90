import { type Dialect, translatePattern } from "./dialect.ts";

const CHAR_WORDS = { Y: "YYYY", m: "MM", d: "DD", H: "HH24", M: "MI", S: "SS", g: "FF3" };

/**
 * Snowflake: rendered and checked by tests; run only against a live account (credentials in the
 * environment). Unquoted names fold to upper case there, so sessions set QUOTED_IDENTIFIERS_IGNORE_CASE.
 */
export const snowflake: Dialect = {
  name: "snowflake",
  label: "Snowflake",
  placeholder: (n) => `:${n}`,
  ident: (name) => `"${name.replaceAll('"', '""')}"`,
  helpers: {
    month_index: (d) => `(YEAR(${d}) * 12 + MONTH(${d}) - 1)`,
    month_from_index: (i) => `DATE_FROM_PARTS(FLOOR((${i}) / 12), MOD(${i}, 12) + 1, 1)`,
    month_start: (d) => `CAST(DATE_TRUNC('MONTH', ${d}) AS DATE)`,
    month_end: (d) => `LAST_DAY(${d})`,
    day_of_month: (d) => `DAYOFMONTH(${d})`,
    add_days: (d, n) => `DATEADD(DAY, ${n}, CAST(${d} AS DATE))`,
    add_months: (d, n) => `CAST(DATEADD(MONTH, ${n}, ${d}) AS DATE)`,
    days_between: (a, b) => `DATEDIFF(DAY, ${a}, ${b})`,
    hours_between: (a, b) => `(DATEDIFF(MICROSECOND, ${a}, ${b}) / 3600000000.0)`,
    divide: (a, b) => `(CAST(${a} AS DOUBLE) / (${b}))`,
    int_divide: (a, b) => `CAST(FLOOR((${a}) / (${b})) AS INTEGER)`,
    div_round: (n, d, s) => `CAST(ROUND(CAST(${n} AS NUMBER(38, ${s})) / (${d}), ${s}) AS NUMBER(38, ${s}))`,
    round_float: (v, digits) => `ROUND(${v}, ${digits})`,
    decimal: (p, s) => `NUMBER(${p}, ${s})`,
    float: (v) => `CAST(${v} AS DOUBLE)`,
    integer: (v) => `CAST(${v} AS INTEGER)`,
    text: (v) => `CAST(${v} AS VARCHAR)`,
    // ARRAY_AGG drops nulls; an object keeps a null value, so "first" stays the first row.
    first_by: (v, ...order) => `ARRAY_AGG(OBJECT_CONSTRUCT_KEEP_NULL('v', ${v})) WITHIN GROUP (ORDER BY ${order.join(", ")})[0]:v`,
    string_agg: (v, sep, ...order) => `NULLIF(LISTAGG(${v}, ${sep}) WITHIN GROUP (ORDER BY ${order.join(", ")}), '')`,
    median: (v) => `MEDIAN(${v})`,
    quantile: (v, q) => `PERCENTILE_CONT(${q}) WITHIN GROUP (ORDER BY ${v})`,
    row_fingerprint: (a) => `TO_VARCHAR(COUNT(*)) || ':' || TO_VARCHAR(HASH_AGG(${a}.*))`,
    bool_or: (v) => `BOOLOR_AGG(${v})`,
    format_time: (v, pattern) => `TO_CHAR(${v}, ${translatePattern(pattern, CHAR_WORDS, (c) => `"${c}"`)})`,
    series: (alias, column, from, to) =>
      `LATERAL (SELECT CAST(g.value AS INTEGER) AS ${column} FROM TABLE(FLATTEN(INPUT => ARRAY_GENERATE_RANGE(${from}, ${to}))) AS g) AS ${alias}`,
    to_number: (t) => `TRY_TO_DECIMAL(trim(${t}), 38, 10)`,
    to_timestamp: (t) => `TRY_TO_TIMESTAMP_NTZ(REGEXP_REPLACE(trim(${t}), ' UTC$', ''))`,
    json_text: (doc, key) => `TRY_PARSE_JSON(${doc}):${key.replace(/^'|'$/g, "")}::VARCHAR`,
  },
};
