import type { Dialect } from "../../engines/dialect.ts";

/** Currencies Stripe (and ISO 4217) count without minor units, and those with three decimals. */
const ZERO_DECIMAL = ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"];
const THREE_DECIMAL = ["BHD", "JOD", "KWD", "OMR", "TND"];

const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;
const list = (values: readonly string[]) => values.map(quote).join(", ");

/**
 * The dialect a mapping's SQL is rendered with: the engine's helpers plus the few every vendor needs
 * (text to booleans, instants, business dates, minor units, parameters). Vendor columns are text, so
 * each helper takes text; one that yields text for a landing column keeps an unreadable value as it
 * was, so the contract quarantines it with the original instead of landing a silent NULL.
 */
export function mappingDialect(dialect: Dialect, params: Readonly<Record<string, string>>, timeZone: string): Dialect {
  const h = dialect.helpers;
  const ts = (text: string) => h.to_timestamp(text);
  const localDate = (text: string) => `CAST((${ts(text)} AT TIME ZONE 'UTC') AT TIME ZONE ${quote(timeZone)} AS DATE)`;
  const orText = (value: string, text: string) => `coalesce(${value}, nullif(trim(${text}), ''))`;
  const helpers = {
    ...h,
    /** A parameter's value as a SQL string literal. */
    param: (name: string) => {
      const key = name.replace(/^'|'$/g, "");
      if (!(key in params)) throw new Error(`{{ param(${name}) }}: no parameter "${key}" (declare it under "params")`);
      return quote(params[key] as string);
    },
    /** true / t / 1 / yes (any case) as TRUE; anything else, empty included, as FALSE. */
    is_true: (text: string) => `coalesce(lower(trim(${text})) IN ('true', 't', '1', 'yes', 'y'), false)`,
    /** An instant the vendor wrote in UTC without a zone, as ISO text with Z: landing shows it in the business time zone. */
    utc_instant: (text: string) => orText(`${h.format_time(ts(text), "'%Y-%m-%dT%H:%M:%S'")} || 'Z'`, text),
    /** A TIMESTAMP value (UTC) as ISO text with Z. */
    instant_text: (value: string) => `${h.format_time(value, "'%Y-%m-%dT%H:%M:%S'")} || 'Z'`,
    /** The business date of a UTC instant, as a DATE (NULL when unreadable). */
    local_date: (text: string) => localDate(text),
    /** The business date of a UTC instant as text (the original text when unreadable). */
    local_day: (text: string) => orText(h.text(localDate(text)), text),
    /** A date the vendor stores as a date (Salesforce CloseDate as `2018-12-19 00:00:00`): its calendar day as text, no time-zone shift. */
    calendar_day: (text: string) => orText(h.format_time(ts(text), "'%Y-%m-%d'"), text),
    /** A calendar day as a DATE (NULL when unreadable). */
    calendar_date: (text: string) => `CAST(${ts(text)} AS DATE)`,
    /** An amount in minor units in its currency's major units: ÷100, JPY and other zero-decimal currencies as they are, ÷1000 for three-decimal ones. */
    minor_units: (amount: string, currency: string) =>
      `(${h.to_number(amount)} * CASE WHEN upper(trim(${currency})) IN (${list(ZERO_DECIMAL)}) THEN 1 WHEN upper(trim(${currency})) IN (${list(THREE_DECIMAL)}) THEN 0.001 ELSE 0.01 END)`,
    /** The first value at `key` of a JSON object held as text, whether it is a value or an array (Amplitude's groups). */
    json_first: (document: string, key: string) =>
      dialect.name === "postgres"
        ? `CASE WHEN ${document} ~ '^\\s*[{]' THEN coalesce(CAST(${document} AS json) -> ${key} ->> 0, CAST(${document} AS json) ->> ${key}) END`
        : `coalesce(${h.json_text(document, `${key} || '[0]'`)}, ${h.json_text(document, key)})`,
    /** Whole months of a billing interval (`month`, `year` × count); NULL for week and day, which a mapping turns into a monthly amount. */
    month_count: (unit: string, count: string) =>
      `CASE lower(trim(${unit})) WHEN 'month' THEN ${h.integer(h.to_number(count))} WHEN 'year' THEN 12 * ${h.integer(h.to_number(count))} END`,
  };
  return { ...dialect, helpers: helpers as unknown as Dialect["helpers"] };
}
