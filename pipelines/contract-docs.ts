import { DATE_RANGE } from "./checks.ts";
import type { ColumnSpec, Contract } from "./contract.ts";
import { contracts, type TableName } from "./contracts/index.ts";

/** One landing column as a person reads it: what to put in the export, and what is refused. */
export interface ColumnDoc {
  column: string;
  type: string;
  required: boolean;
  /** Value used when the cell is empty. */
  default: string | null;
  /** Every rule a value must keep, in words. */
  rules: string[];
}

export interface TableDoc {
  table: string;
  key: string;
  references: string[];
  columns: ColumnDoc[];
}

function typeOf(spec: ColumnSpec): string {
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(spec.duckType);
  if (decimal) return `decimal (up to ${Number(decimal[1]) - Number(decimal[2])} digits, ${decimal[2]} decimals)`;
  const names: Record<string, string> = {
    VARCHAR: spec.accepted ? "code" : spec.trim ? "code (trimmed)" : "text",
    DATE: "date (YYYY-MM-DD)",
    TIMESTAMP: "timestamp (ISO 8601; a zone converts to the config's timeZone)",
    BIGINT: "whole number",
    INTEGER: "whole number",
    DOUBLE: "number",
    BOOLEAN: "true/false",
  };
  return names[spec.duckType] ?? spec.duckType;
}

/** The contract of one landing table, from its zod declaration (the same source the checks are derived from). */
export function describeContract(contract: Contract): TableDoc {
  const ruled = new Map<string, string[]>();
  for (const rule of contract.rules ?? []) ruled.set(rule.column, [...(ruled.get(rule.column) ?? []), rule.message]);
  return {
    table: contract.table,
    key: contract.keySql ? `${contract.key[0]}, or (${contract.key.slice(1).join(", ")}) when it is empty` : contract.key.join(", "),
    references: Object.entries(contract.references ?? {}).map(([column, table]) => `${column} → ${table}`),
    columns: contract.specs.map((spec) => {
      const rules: string[] = [];
      if (spec.accepted) rules.push(`one of ${spec.accepted.join(", ")}`);
      if (spec.min !== undefined && spec.max !== undefined) rules.push(`between ${spec.min} and ${spec.max}`);
      else if (spec.min !== undefined) rules.push(`at least ${spec.min}`);
      else if (spec.max !== undefined) rules.push(`at most ${spec.max}`);
      if (spec.duckType === "DATE" || spec.duckType === "TIMESTAMP") rules.push(`from ${DATE_RANGE[0]} to ${DATE_RANGE[1]}`);
      const reference = contract.references?.[spec.name];
      if (reference) rules.push(`must match ${reference}.${contracts[reference as TableName].key[0]}`);
      rules.push(...(ruled.get(spec.name) ?? []));
      return {
        column: spec.name,
        type: typeOf(spec),
        required: spec.required,
        default: spec.defaultSql === undefined ? null : spec.defaultSql.replace(/^'(.*)'$/, "$1"),
        rules,
      };
    }),
  };
}

export function describeContracts(): TableDoc[] {
  return Object.values(contracts).map((c) => describeContract(c as Contract));
}

/** docs/contracts.md: what `bellwether contracts --format markdown` prints, kept in the repository. */
export function contractsMarkdown(): string {
  const lines = [
    "# Landing contracts",
    "",
    "Generated from the zod contracts in `pipelines/contracts/` by `bellwether contracts --format markdown`",
    "(a test keeps this file in step with them). One file per table — `<table>.csv|.ndjson|.parquet`, optionally",
    "`.gz`, or a `<table>/` folder of them — with a header naming these columns in any order and any case;",
    "other columns are ignored. A row that breaks a rule is quarantined with its file, line, column and reason.",
    "",
  ];
  for (const t of describeContracts()) {
    lines.push(`## ${t.table}`, "", `Key: ${t.key}.${t.references.length ? ` References: ${t.references.join(", ")}.` : ""}`, "");
    lines.push("| column | type | required | default | rules |", "|---|---|---|---|---|");
    for (const c of t.columns) {
      lines.push(
        `| \`${c.column}\` | ${c.type} | ${c.required ? "yes" : ""} | ${c.default ?? ""} | ${c.rules.join("; ").replaceAll("|", "\\|")} |`,
      );
    }
    lines.push("");
  }
  return `${lines.join("\n")}`;
}
