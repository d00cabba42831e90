import { ident, literal } from "../core/warehouse.ts";
import type { ColumnSpec, Contract } from "./contract.ts";

/** One row-level check; `failsSql` is true for a row that breaks it. Order matters: the first failing check is the reason. */
export interface Check {
  reason: "missing_value" | "bad_type" | "not_accepted" | "out_of_range" | "rule" | "orphan" | "duplicate_key";
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

/** The typed value of a column, read from the staged text `raw` (NULL when it does not parse). */
export function typedSql(spec: ColumnSpec, raw: string): string {
  const text = cleanSql(raw);
  switch (spec.duckType) {
    case "VARCHAR":
      return `nullif(${raw}, '')`;
    case "TIMESTAMP":
      // A plain TIMESTAMP cast ignores a "+02:00" offset instead of applying it, so text with an offset
      // goes through TIMESTAMPTZ; the rest (…Z or no zone: UTC) takes the plain cast, several times faster.
      return `CASE WHEN ${text}[-6] IN ('+', '-') OR ${text}[-5] IN ('+', '-') OR ${text}[-3] IN ('+', '-')
        THEN (TRY_CAST(${text} AS TIMESTAMPTZ) AT TIME ZONE 'UTC') ELSE TRY_CAST(${text} AS TIMESTAMP) END`;
    case "BIGINT":
    case "INTEGER": {
      // A plain integer cast rounds "3.5" to 4; an integer column must hold a whole number.
      const d = `TRY_CAST(${text} AS DOUBLE)`;
      return `CASE WHEN ${d} = floor(${d}) AND abs(${d}) < 9e15 THEN ${d}::${spec.duckType} END`;
    }
    default:
      return `TRY_CAST(${text} AS ${spec.duckType})`;
  }
}

const typeNames: Record<ColumnSpec["duckType"], string> = {
  VARCHAR: "text",
  DATE: "an ISO date (YYYY-MM-DD)",
  TIMESTAMP: "an ISO timestamp (YYYY-MM-DDTHH:MM:SSZ)",
  BIGINT: "a whole number",
  INTEGER: "a whole number",
  DOUBLE: "a number",
  BOOLEAN: "true or false",
};

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
        message: `${spec.name} must be ${typeNames[spec.duckType]}`,
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
