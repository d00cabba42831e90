import { ident, literal } from "../core/warehouse.ts";
import type { ColumnSpec, Contract } from "./contract.ts";

/** One row-level check; `failsSql` is true for a row that breaks it. Order matters: the first failing check is the reason. */
export interface Check {
  reason:
    | "missing_value"
    | "bad_type"
    | "not_accepted"
    | "out_of_range"
    | "rule"
    | "orphan"
    | "ambiguous_key"
    | "lookup_unreadable"
    | "duplicate_key";
  column: string;
  failsSql: string;
  message: string;
}

/**
 * Text with surrounding spaces removed and '' as NULL. trim() copies every string, so only values that
 * start or end with a space go through it: on tens of millions of rows that is most of the check's cost.
 */
export function cleanSql(raw: string): string {
  return `nullif(CASE WHEN starts_with(${raw}, ' ') OR ends_with(${raw}, ' ') THEN trim(${raw}) ELSE ${raw} END, '')`;
}

/** Text that carries its own zone: …Z, …+02:00, …-0500, …+00 (Parquet's TIMESTAMPTZ as text). */
const zoned = (text: string) =>
  `(${text}[-1] IN ('Z', 'z') OR ${text}[-6] IN ('+', '-') OR ${text}[-5] IN ('+', '-') OR ${text}[-3] IN ('+', '-'))`;

/**
 * The typed value of a column, read from the staged text `raw` (NULL when it does not parse). One rule
 * for instants, whatever the format: text with a zone is an instant, shown in the business time zone;
 * text without one is already local. A DATE given an instant takes its date there.
 */
export function typedSql(spec: ColumnSpec, raw: string, timeZone = "UTC"): string {
  const text = cleanSql(raw);
  const local = (instant: string) => `(${instant} AT TIME ZONE ${literal(timeZone)})`;
  switch (spec.duckType) {
    case "VARCHAR":
      return spec.trim ? text : `nullif(${raw}, '')`;
    case "TIMESTAMP":
      // A plain TIMESTAMP cast ignores a "+02:00" offset instead of applying it, so zoned text goes
      // through TIMESTAMPTZ; the rest takes the plain cast, several times faster.
      return `CASE WHEN ${zoned(text)} THEN ${local(`TRY_CAST(${text} AS TIMESTAMPTZ)`)} ELSE TRY_CAST(${text} AS TIMESTAMP) END`;
    case "DATE":
      return `CASE WHEN length(${text}) > 10 AND ${zoned(text)} THEN CAST(${local(`TRY_CAST(${text} AS TIMESTAMPTZ)`)} AS DATE) ELSE TRY_CAST(${text} AS DATE) END`;
    case "BIGINT":
    case "INTEGER": {
      // A plain integer cast rounds "3.5" to 4; an integer column must hold a whole number.
      const d = `TRY_CAST(${text} AS DOUBLE)`;
      return `CASE WHEN ${d} = floor(${d}) AND abs(${d}) < 9e15 THEN ${d}::${spec.duckType} END`;
    }
    default: {
      const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(spec.duckType);
      if (decimal) {
        // A cast would round 1.0000005 to 6 places without a word: more decimals than the column keeps is bad_type.
        const scale = Number(decimal[2]);
        return `CASE WHEN NOT regexp_matches(${text}, '[.][0-9]{${scale}}[0-9]*[1-9]') THEN TRY_CAST(${text} AS ${spec.duckType}) END`;
      }
      return `TRY_CAST(${text} AS ${spec.duckType})`;
    }
  }
}

function typeName(type: ColumnSpec["duckType"]): string {
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(type);
  if (decimal) {
    const [precision, scale] = [Number(decimal[1]), Number(decimal[2])];
    return `a finite number with at most ${precision - scale} digits before the point and ${scale} after`;
  }
  const names: Record<string, string> = {
    VARCHAR: "text",
    DATE: "an ISO date (YYYY-MM-DD)",
    TIMESTAMP: "an ISO timestamp (YYYY-MM-DDTHH:MM:SSZ)",
    BIGINT: "a whole number",
    INTEGER: "a whole number",
    DOUBLE: "a finite number",
    BOOLEAN: "true or false",
  };
  return names[type] ?? type;
}

/** Dates outside these (DuckDB's `infinity` included) are a typo or a sentinel, never a real event. */
export const DATE_RANGE = ["1900-01-01", "2199-12-31"] as const;

/**
 * The checks a contract implies, over a relation with the typed value in `"<col>"` and the original
 * text in `"<col>__text"`. Referential and key checks are added by the loader, which knows the warehouse.
 */
export function contractChecks(contract: Contract): Check[] {
  const checks: Check[] = [];
  for (const spec of contract.specs) {
    const raw = cleanSql(ident(`${spec.name}__text`));
    const typed = ident(spec.name);
    if (spec.required) {
      checks.push({ reason: "missing_value", column: spec.name, failsSql: `${raw} IS NULL`, message: `${spec.name} is required` });
    }
    if (spec.duckType !== "VARCHAR") {
      checks.push({
        reason: "bad_type",
        column: spec.name,
        failsSql: `${raw} IS NOT NULL AND ${typed} IS NULL`,
        message: `${spec.name} must be ${typeName(spec.duckType)}`,
      });
    }
    if (spec.duckType === "DOUBLE") {
      checks.push({
        reason: "bad_type",
        column: spec.name,
        failsSql: `NOT isfinite(${typed})`,
        message: `${spec.name} must be a finite number`,
      });
    }
    if (spec.duckType === "DATE" || spec.duckType === "TIMESTAMP") {
      const [low, high] = DATE_RANGE;
      checks.push({
        reason: "out_of_range",
        column: spec.name,
        failsSql: `NOT (${typed} >= DATE '${low}' AND ${typed} < DATE '${high}' + INTERVAL 1 DAY)`,
        message: `${spec.name} must fall between ${low} and ${high}`,
      });
    }
    if (spec.accepted) {
      const list = spec.accepted.map((v) => (typeof v === "number" ? String(v) : literal(v))).join(", ");
      checks.push({
        reason: "not_accepted",
        column: spec.name,
        failsSql: `${typed} NOT IN (${list})`,
        message: `${spec.name} must be one of ${spec.accepted.join(", ")}`,
      });
    }
    if (spec.min !== undefined || spec.max !== undefined) {
      const parts = [spec.min !== undefined ? `${typed} < ${spec.min}` : "", spec.max !== undefined ? `${typed} > ${spec.max}` : ""].filter(
        Boolean,
      );
      const range =
        spec.min !== undefined && spec.max !== undefined
          ? `between ${spec.min} and ${spec.max}`
          : spec.min !== undefined
            ? `at least ${spec.min}`
            : `at most ${spec.max}`;
      checks.push({ reason: "out_of_range", column: spec.name, failsSql: parts.join(" OR "), message: `${spec.name} must be ${range}` });
    }
  }
  for (const rule of contract.rules ?? []) {
    checks.push({ reason: "rule", column: rule.column, failsSql: `NOT coalesce(${rule.sql}, true)`, message: rule.message });
  }
  return checks;
}
