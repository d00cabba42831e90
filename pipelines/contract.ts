import { z } from "zod";

/** What one column of a raw table is, read off its zod declaration. */
export interface ColumnSpec {
  name: string;
  /** DECIMAL(p,s) for a number declared with `multipleOf(10^-s)`: money and other exact quantities. */
  duckType: "VARCHAR" | "DATE" | "TIMESTAMP" | "BIGINT" | "INTEGER" | "DOUBLE" | "BOOLEAN" | `DECIMAL(${number},${number})`;
  required: boolean;
  /**
   * Codes (keys, references, accepted values) lose surrounding spaces as numbers and dates do, so
   * " high " is high and " A3 " is A3; free text (names, comments) is kept byte for byte.
   */
  trim: boolean;
  /** SQL literal used when the cell is empty. */
  defaultSql?: string;
  accepted?: readonly (string | number)[];
  min?: number;
  max?: number;
}

/** A row-level rule over typed columns that the column types alone cannot say. */
export interface Rule {
  name: string;
  column: string;
  /** SQL over the typed columns that is true for a good row (nulls pass). */
  sql: string;
  message: string;
}

export interface ContractInput<Shape extends z.ZodRawShape> {
  table: string;
  key: readonly (keyof Shape & string)[];
  columns: z.ZodObject<Shape>;
  /**
   * SQL terms over the typed columns that together identify a row, when that is not simply the key
   * columns (usage events: the event_id, or the other columns when it is empty).
   */
  keySql?: readonly string[];
  /** column → table whose key it must match (an orphan is quarantined, never dropped). */
  references?: Partial<Record<keyof Shape & string, string>>;
  rules?: readonly Rule[];
  /** The column that says when a row happened: the table's freshness is the newest value of it. */
  happenedAt?: keyof Shape & string;
}

/** A contract as the rest of Bellwether sees it; `columns` keeps the zod type for row types. */
export interface Contract {
  table: string;
  key: readonly string[];
  keySql?: readonly string[];
  columns: z.ZodType;
  references?: Readonly<Record<string, string>>;
  rules?: readonly Rule[];
  happenedAt?: string;
  specs: readonly ColumnSpec[];
}

/**
 * An exact number: at most `scale` decimals and below `max`, landed as DECIMAL, so money is summed
 * and compared in exact arithmetic (NaN, Infinity and 1e308 are not numbers here).
 */
export const decimal = (max: number, scale: number) =>
  z
    .number()
    .min(0)
    .max(max)
    .multipleOf(10 ** -scale);

/** The row type of a landed table: `RowOf<typeof crmAccounts>`. */
export type RowOf<C extends { columns: z.ZodType }> = z.output<C["columns"]>;

export function defineContract<Shape extends z.ZodRawShape>(input: ContractInput<Shape>): Contract & { columns: z.ZodObject<Shape> } {
  const codes = new Set<string>([...input.key, ...Object.keys(input.references ?? {})]);
  const specs = Object.entries(input.columns.shape).map(([name, schema]) => {
    const spec = columnSpec(name, schema as z.ZodType);
    return { ...spec, trim: spec.trim || codes.has(name) };
  });
  const names = new Set(specs.map((s) => s.name));
  for (const k of input.key) if (!names.has(k)) throw new Error(`${input.table}: key column ${k} is not declared`);
  return { ...input, references: input.references as Record<string, string> | undefined, specs };
}

function columnSpec(name: string, schema: z.ZodType): ColumnSpec {
  let inner = schema as z.core.$ZodType;
  let required = true;
  let defaultValue: unknown;
  for (;;) {
    const def = inner._zod.def as z.core.$ZodTypeDef & { innerType?: z.core.$ZodType; defaultValue?: unknown };
    if (def.type === "optional" || def.type === "nullable" || def.type === "default") {
      required = false;
      if (def.type === "default") defaultValue = def.defaultValue;
      if (!def.innerType) break;
      inner = def.innerType;
    } else break;
  }
  const def = inner._zod.def as z.core.$ZodTypeDef & {
    format?: string;
    entries?: Record<string, string>;
    values?: (string | number)[];
  };
  const spec: ColumnSpec = { name, duckType: "VARCHAR", required, trim: false };
  switch (def.type) {
    case "string":
      spec.duckType = def.format === "date" ? "DATE" : def.format === "datetime" ? "TIMESTAMP" : "VARCHAR";
      break;
    case "number": {
      const n = inner as unknown as z.ZodNumber;
      spec.duckType = def.format === "safeint" ? "BIGINT" : "DOUBLE";
      const step = (def as { checks?: { _zod: { def: { check: string; value: number } } }[] }).checks?.find(
        (c) => c._zod.def.check === "multiple_of",
      )?._zod.def.value;
      if (step !== undefined && spec.duckType === "DOUBLE") {
        // multipleOf(0.000001) = at most 6 decimals; the digits before the point come from max().
        const scale = Math.round(-Math.log10(step));
        const whole = n.maxValue !== null && Number.isFinite(n.maxValue) ? Math.floor(Math.log10(Math.max(1, n.maxValue))) + 1 : 12;
        spec.duckType = `DECIMAL(${whole + scale},${scale})`;
      }
      if (n.minValue !== null && Number.isFinite(n.minValue) && n.minValue > Number.MIN_SAFE_INTEGER) spec.min = n.minValue;
      if (n.maxValue !== null && Number.isFinite(n.maxValue) && n.maxValue < Number.MAX_SAFE_INTEGER) spec.max = n.maxValue;
      break;
    }
    case "boolean":
      spec.duckType = "BOOLEAN";
      break;
    case "enum":
      spec.accepted = Object.values(def.entries ?? {});
      spec.trim = true;
      break;
    case "literal": {
      const values = def.values ?? [];
      spec.accepted = values;
      spec.trim = true;
      spec.duckType = values.every((v) => typeof v === "number") ? "INTEGER" : "VARCHAR";
      break;
    }
    default:
      throw new Error(`column ${name}: zod type "${def.type}" has no DuckDB mapping`);
  }
  if (defaultValue !== undefined) spec.defaultSql = sqlLiteral(defaultValue);
  return spec;
}

function sqlLiteral(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return `'${String(value).replaceAll("'", "''")}'`;
}

/** SQL terms that identify a row, over one table's columns unqualified: keySql, or the key columns. */
export function keyTerms(contract: Contract): string[] {
  return contract.keySql ? [...contract.keySql] : contract.key.map((k) => `"${k.replaceAll('"', '""')}"`);
}

/** keyTerms() over the table aliased `alias`. */
export function keyTermsOf(contract: Contract, alias: string): string[] {
  return keyTerms(contract).map((t) => t.replaceAll(/"([a-z_]+)"/g, `${alias}."$1"`));
}

/** SQL true when rows `a` and `b` have the same key (NULLs equal). */
export function sameKey(contract: Contract, a: string, b: string): string {
  const left = keyTermsOf(contract, a);
  const right = keyTermsOf(contract, b);
  return left.map((t, i) => `${t} IS NOT DISTINCT FROM ${right[i]}`).join(" AND ");
}
