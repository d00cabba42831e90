/**
 * What differs between SQL engines, in one place. Model SQL and the metric compiler's raw SQL are
 * written once in the SQL every engine shares, and call a helper wherever engines differ (month
 * arithmetic, float and integer division, exact decimal rounding, median, tie-broken "first by",
 * series). In a model file a helper is written `{{ name(arg, …) }}`; each argument is a SQL fragment.
 */
export const ENGINES = ["duckdb", "postgres", "snowflake", "bigquery"] as const;
export type EngineName = (typeof ENGINES)[number];

export interface Helpers {
  /** Months since year 0 (year × 12 + month − 1) of a date, as an integer: the key every mart joins months on. */
  month_index(date: string): string;
  /** The first day of the month with that index, a DATE. */
  month_from_index(index: string): string;
  /** The first day of the date's month, a DATE. */
  month_start(date: string): string;
  /** The last day of the date's month, a DATE. */
  month_end(date: string): string;
  /** The day of the month (1–31). */
  day_of_month(date: string): string;
  /** A DATE `days` days after `date` (negative: before). */
  add_days(date: string, days: string): string;
  /** A DATE `months` calendar months after `date`. */
  add_months(date: string, months: string): string;
  /** Whole days from `from` to `to` (dates). */
  days_between(from: string, to: string): string;
  /** Hours from one timestamp to another, fractional. */
  hours_between(from: string, to: string): string;
  /** a / b in floating point whatever their types (Postgres truncates integer division). */
  divide(a: string, b: string): string;
  /** ⌊a / b⌋ as an integer. */
  int_divide(a: string, b: string): string;
  /** An exact decimal divided by a whole number, rounded half up at `scale` decimals, as DECIMAL(38, scale). */
  div_round(numerator: string, denominator: string, scale: string): string;
  /** A float rounded to `digits` decimals (Postgres rounds only NUMERIC). */
  round_float(value: string, digits: string): string;
  /** The type DECIMAL(p, s). */
  decimal(precision: string, scale: string): string;
  float(value: string): string;
  integer(value: string): string;
  text(value: string): string;
  /** Aggregate: `value` of the row that sorts first by `order…` (a stated order, so ties are decided). Nulls count. */
  first_by(value: string, ...order: string[]): string;
  /** Aggregate: the values joined by `separator` in `order…`; null over no values. */
  string_agg(value: string, separator: string, ...order: string[]): string;
  /** Aggregate: the median, interpolated between the two middle values. */
  median(value: string): string;
  /** Aggregate: the q-quantile, interpolated (quantile_cont). */
  quantile(value: string, q: string): string;
  /** Aggregate (or window): true when any row is true. */
  bool_or(value: string): string;
  /** A date or timestamp as text in a strftime pattern ('%Y-%m-%d'; %Y %m %d %H %M %S, and %g for milliseconds). */
  format_time(value: string, pattern: string): string;
  /** Aggregate: a fingerprint (text) of the rows of table alias `alias`: equal for the same rows in any order. */
  row_fingerprint(alias: string): string;
  /** In an incremental model: true when month index `month` is one this build recomputes (set by the builder). */
  rebuilding?(month: string): string;
  /** A FROM item: integers from ≤ n < to as column `column` (read it unqualified). */
  series(alias: string, column: string, from: string, to: string): string;
  /** Text as an exact number (DECIMAL(38, 10)), or NULL when it is not one: vendor files arrive as text. */
  to_number(text: string): string;
  /** Text as a TIMESTAMP (ISO, `YYYY-MM-DD HH:MM:SS[.f]`, a trailing ` UTC`), or NULL when it is not one. */
  to_timestamp(text: string): string;
  /** The text at a top-level key of a JSON object held as text; NULL when the text is not a JSON object. */
  json_text(document: string, key: string): string;
}

export interface Dialect {
  name: EngineName;
  /** How people write the engine's name. */
  label: string;
  helpers: Helpers;
  /** The text of the n-th (1-based) bound parameter. */
  placeholder(n: number): string;
  /** A quoted identifier. */
  ident(name: string): string;
}

const HELPER_CALL = /^\s*([a-z_]+)\s*\(([\s\S]*)\)\s*$/;

/**
 * Model SQL with every `{{ helper(…) }}` replaced by the engine's SQL for it. Helpers may nest. An
 * unknown helper or a wrong argument count is an error naming the call, so a typo never reaches an engine.
 */
export function renderSql(text: string, dialect: Dialect, where = "SQL"): string {
  let out = "";
  let at = 0;
  for (;;) {
    const open = text.indexOf("{{", at);
    if (open < 0) return out + text.slice(at);
    const close = matchingClose(text, open);
    if (close < 0) throw new Error(`${where}: "{{" at offset ${open} is never closed`);
    out += text.slice(at, open) + renderCall(text.slice(open + 2, close), dialect, where);
    at = close + 2;
  }
}

function matchingClose(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length - 1; i++) {
    if (text.startsWith("{{", i)) {
      depth++;
      i++;
    } else if (text.startsWith("}}", i)) {
      depth--;
      if (depth === 0) return i;
      i++;
    }
  }
  return -1;
}

function renderCall(call: string, dialect: Dialect, where: string): string {
  const match = HELPER_CALL.exec(call);
  if (!match) throw new Error(`${where}: "{{${call}}}" is not a helper call such as {{ month_index(d) }}`);
  const [, name = "", body = ""] = match;
  const helper = (dialect.helpers as unknown as Record<string, ((...args: string[]) => string) | undefined>)[name];
  if (!helper || !Object.hasOwn(dialect.helpers, name)) {
    throw new Error(`${where}: unknown SQL helper "${name}" (helpers: ${Object.keys(dialect.helpers).join(", ")})`);
  }
  const args = splitArguments(renderSql(body, dialect, where));
  const variadic = name === "first_by" || name === "string_agg";
  // A variadic helper needs at least one order term after its fixed arguments.
  const least = variadic ? helper.length + 1 : helper.length;
  if (variadic ? args.length < least : args.length !== least) {
    throw new Error(`${where}: {{ ${name}(…) }} takes ${least}${variadic ? " or more" : ""} arguments, got ${args.length}`);
  }
  return helper(...args);
}

/** Splits a helper's arguments on commas outside quotes and parentheses. */
export function splitArguments(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = "";
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "," && depth === 0) {
      parts.push(current.trim());
      current = "";
      continue;
    }
    current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** A strftime pattern (a quoted SQL literal) in another engine's format words, letters outside % quoted as `quote` wants. */
export function translatePattern(pattern: string, words: Record<string, string>, quoteLetter: (c: string) => string): string {
  const inner = pattern.replace(/^'|'$/g, "");
  let out = "";
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i] as string;
    if (ch === "%" && i + 1 < inner.length) {
      const code = inner[++i] as string;
      const word = words[code];
      if (word === undefined) throw new Error(`format_time: %${code} is not one of %${Object.keys(words).join(" %")}`);
      out += word;
    } else out += /[A-Za-z]/.test(ch) ? quoteLetter(ch) : ch;
  }
  return `'${out}'`;
}

/**
 * Identifiers quoted the standard way ("name", as kysely writes them) in the engine's quotes, outside
 * string literals: BigQuery reads "name" as a string.
 */
export function renderIdentifiers(text: string, dialect: Dialect): string {
  if (dialect.ident("x") === '"x"') return text;
  return text.replace(/('(?:[^']|'')*')|"((?:[^"]|"")*)"/g, (whole, quoted: string | undefined, name: string) =>
    quoted !== undefined ? whole : dialect.ident(name.replaceAll('""', '"')),
  );
}

/** `$1`, `$2` … (as kysely and the models write them) in the engine's placeholder style, outside string literals. */
export function renderPlaceholders(text: string, dialect: Dialect): string {
  return text.replace(/('(?:[^']|'')*')|\$(\d+)/g, (whole, quoted: string | undefined, n: string | undefined) =>
    quoted !== undefined ? whole : dialect.placeholder(Number(n)),
  );
}

/** A value as an SQL literal: text quoted (quotes doubled), numbers and booleans as written, null as NULL. */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  return `'${String(value).replaceAll("'", "''")}'`;
}

/**
 * SQL with its parameters written in as literals, to paste into any SQL client and run as printed.
 * Placeholders inside quoted text are left alone, as the engine would.
 */
export function inlineParameters(sql: string, parameters: readonly unknown[], dialect: Dialect): string {
  const placeholders = parameters.map((_, i) => dialect.placeholder(i + 1));
  const pattern = new RegExp(
    `('(?:[^']|'')*')|(${placeholders
      .map((p) => p.replace(/[$@:]/g, "\\$&"))
      .sort((a, b) => b.length - a.length)
      .join("|")})(?![0-9])`,
    "g",
  );
  if (placeholders.length === 0) return sql;
  return sql.replace(pattern, (whole, quoted: string | undefined, placeholder: string | undefined) =>
    quoted !== undefined || placeholder === undefined ? whole : sqlLiteral(parameters[placeholders.indexOf(placeholder)]),
  );
}
