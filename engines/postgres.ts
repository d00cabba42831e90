import { type Dialect, translatePattern } from "./dialect.ts";

const CHAR_WORDS = { Y: "YYYY", m: "MM", d: "DD", H: "HH24", M: "MI", S: "SS", g: "MS" };

const year = (d: string) => `CAST(extract(year FROM ${d}) AS integer)`;
const month = (d: string) => `CAST(extract(month FROM ${d}) AS integer)`;

export const postgres: Dialect = {
  name: "postgres",
  label: "PostgreSQL",
  placeholder: (n) => `$${n}`,
  ident: (name) => `"${name.replaceAll('"', '""')}"`,
  helpers: {
    month_index: (d) => `(${year(d)} * 12 + ${month(d)} - 1)`,
    month_from_index: (i) => `make_date(CAST(floor((${i}) / 12.0) AS integer), CAST(mod(${i}, 12) + 1 AS integer), 1)`,
    month_start: (d) => `CAST(date_trunc('month', ${d}) AS date)`,
    month_end: (d) => `CAST(date_trunc('month', ${d}) + interval '1 month' - interval '1 day' AS date)`,
    day_of_month: (d) => `CAST(extract(day FROM ${d}) AS integer)`,
    add_days: (d, n) => `CAST(CAST(${d} AS date) + CAST(${n} AS integer) AS date)`,
    add_months: (d, n) => `CAST(${d} + make_interval(months => CAST(${n} AS integer)) AS date)`,
    days_between: (a, b) => `(CAST(${b} AS date) - CAST(${a} AS date))`,
    hours_between: (a, b) => `(CAST(extract(epoch FROM (${b} - ${a})) AS double precision) / 3600.0)`,
    // The trap: 2 / 3 is 0 on Postgres when both are integers.
    divide: (a, b) => `(CAST(${a} AS double precision) / (${b}))`,
    int_divide: (a, b) => `CAST(floor(CAST(${a} AS numeric) / (${b})) AS bigint)`,
    // NUMERIC division is exact to far more places than the scale, and round() is half away from zero.
    div_round: (n, d, s) => `CAST(round(CAST(${n} AS numeric) / (${d}), ${s}) AS numeric(38, ${s}))`,
    round_float: (v, digits) => `CAST(round(CAST(${v} AS numeric), ${digits}) AS double precision)`,
    decimal: (p, s) => `numeric(${p}, ${s})`,
    float: (v) => `CAST(${v} AS double precision)`,
    integer: (v) => `CAST(${v} AS integer)`,
    text: (v) => `CAST(${v} AS text)`,
    first_by: (v, ...order) => `(array_agg(${v} ORDER BY ${order.join(", ")}))[1]`,
    string_agg: (v, sep, ...order) => `string_agg(${v}, ${sep} ORDER BY ${order.join(", ")})`,
    median: (v) => `percentile_cont(0.5) WITHIN GROUP (ORDER BY CAST(${v} AS double precision))`,
    quantile: (v, q) => `percentile_cont(${q}) WITHIN GROUP (ORDER BY CAST(${v} AS double precision))`,
    row_fingerprint: (a) => `CAST(count(*) AS TEXT) || ':' || CAST(sum(CAST(hashtext(CAST(${a} AS TEXT)) AS BIGINT)) AS TEXT)`,
    bool_or: (v) => `bool_or(${v})`,
    format_time: (v, pattern) => `to_char(${v}, ${translatePattern(pattern, CHAR_WORDS, (c) => `"${c}"`)})`,
    series: (alias, column, from, to) => `generate_series(${from}, (${to}) - 1) AS ${alias}(${column})`,
    to_number: (t) => `CASE WHEN trim(${t}) ~ '^[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)$' THEN CAST(trim(${t}) AS numeric(38, 10)) END`,
    to_timestamp: (t) =>
      `CASE WHEN trim(${t}) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?( UTC)?$' THEN CAST(regexp_replace(trim(${t}), ' UTC$', '') AS timestamp)
        WHEN trim(${t}) ~ '^[0-9]{9,11}$' THEN to_timestamp(CAST(trim(${t}) AS bigint)) AT TIME ZONE 'UTC' END`,
    json_text: (doc, key) => `CASE WHEN ${doc} ~ '^\\s*[{]' THEN CAST(${doc} AS json) ->> ${key} END`,
  },
};
