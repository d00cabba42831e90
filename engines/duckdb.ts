import type { Dialect } from "./dialect.ts";

export const duckdb: Dialect = {
  name: "duckdb",
  label: "DuckDB",
  placeholder: (n) => `$${n}`,
  ident: (name) => `"${name.replaceAll('"', '""')}"`,
  helpers: {
    month_index: (d) => `(year(${d}) * 12 + month(${d}) - 1)`,
    month_from_index: (i) => `make_date(CAST((${i}) // 12 AS INTEGER), CAST((${i}) % 12 + 1 AS INTEGER), 1)`,
    month_start: (d) => `CAST(date_trunc('month', ${d}) AS DATE)`,
    month_end: (d) => `last_day(${d})`,
    day_of_month: (d) => `day(${d})`,
    add_days: (d, n) => `CAST(${d} + CAST(${n} AS INTEGER) AS DATE)`,
    add_months: (d, n) => `CAST(${d} + to_months(CAST(${n} AS INTEGER)) AS DATE)`,
    days_between: (a, b) => `date_diff('day', ${a}, ${b})`,
    hours_between: (a, b) => `(epoch(${b} - ${a}) / 3600.0)`,
    divide: (a, b) => `(CAST(${a} AS DOUBLE) / (${b}))`,
    int_divide: (a, b) => `((${a}) // (${b}))`,
    // DuckDB divides DECIMALs in DOUBLE: scale to a whole number and divide that, adding half the divisor first (half up).
    div_round: (n, d, s) =>
      `CAST(CAST((2 * CAST((${n}) * ${10 ** Number(s)} AS HUGEINT) + (${d})) // (2 * (${d})) AS DECIMAL(38, 0)) * ${(10 ** -Number(s)).toFixed(Number(s))} AS DECIMAL(38, ${Number(s)}))`,
    // Through DECIMAL, as PostgreSQL rounds: a half cent stored as 0.154999… in binary rounds up on both.
    round_float: (v, digits) => `CAST(round(CAST(${v} AS DECIMAL(38, 9)), ${digits}) AS DOUBLE)`,
    decimal: (p, s) => `DECIMAL(${p}, ${s})`,
    float: (v) => `CAST(${v} AS DOUBLE)`,
    integer: (v) => `CAST(${v} AS INTEGER)`,
    text: (v) => `CAST(${v} AS VARCHAR)`,
    first_by: (v, ...order) => `first(${v} ORDER BY ${order.join(", ")})`,
    string_agg: (v, sep, ...order) => `string_agg(${v}, ${sep} ORDER BY ${order.join(", ")})`,
    median: (v) => `median(${v})`,
    quantile: (v, q) => `quantile_cont(${v}, ${q})`,
    row_fingerprint: (a) => `CAST(count(*) AS VARCHAR) || ':' || CAST(sum(CAST(hash(${a}) AS HUGEINT)) AS VARCHAR)`,
    bool_or: (v) => `bool_or(${v})`,
    format_time: (v, pattern) => `strftime(${v}, ${pattern})`,
    series: (alias, column, from, to) => `range(${from}, ${to}) AS ${alias}(${column})`,
    to_number: (t) => `TRY_CAST(trim(${t}) AS DECIMAL(38, 10))`,
    // Unix seconds too: API exports (Delighted, Stripe's API) write instants that way.
    to_timestamp: (t) =>
      `coalesce(TRY_CAST(regexp_replace(trim(${t}), ' UTC$', '') AS TIMESTAMP), CASE WHEN regexp_full_match(trim(${t}), '[0-9]{9,11}') THEN make_timestamp(CAST(trim(${t}) AS BIGINT) * 1000000) END)`,
    json_text: (doc, key) => `CASE WHEN json_valid(${doc}) THEN json_extract_string(${doc}, '$.' || ${key}) END`,
  },
};
