import { InputError } from "../core/errors.ts";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Dialect, ENGINES, type EngineName, renderSql } from "../engines/index.ts";

export interface DataTest {
  /** As written, e.g. `unique(account_id, month)`. */
  text: string;
  kind: "unique" | "not_null" | "accepted_values" | "relationships" | "expression";
  args: string;
}

export interface Model {
  /** schema.name, e.g. `marts.account_months` */
  id: string;
  schema: "staging" | "marts";
  name: string;
  file: string;
  sql: string;
  description: string;
  /** `-- @materialized view` for models too large to copy (usage events); tables otherwise. */
  materialized: "table" | "view";
  tests: DataTest[];
  /** Tables this model reads: other models, raw.* sources and config.* settings. */
  inputs: string[];
  /** A rare engine-specific version, from `<name>.<engine>.sql` beside the model (same header, same rows). */
  overrides: Partial<Record<EngineName, { file: string; sql: string }>>;
  /** What each column means, from `-- @column name: meaning` lines: the warehouse's column comments. */
  columns: Record<string, string>;
  /** A project's model that takes a built-in's place says so: `-- @replaces marts.account_months`. */
  replaces?: string;
  /** Built a month at a time: `-- @incremental month_index` and one `-- @months` line per input it reads by month. */
  incremental?: Incremental;
}

/**
 * A model whose rows are per month (its `column`), where month m reads only the rows of each input
 * `inputs` lists that fall in months m − reach … m: a change to those inputs rebuilds just the months it
 * touches. Any other input changing rebuilds everything.
 */
export interface Incremental {
  column: string;
  inputs: { input: string; month: string; reach: number }[];
}

export const MODELS_DIR = dirname(fileURLToPath(import.meta.url));
const READ_PATTERN = /\b(raw|staging|marts|config)\.([a-z_][a-z0-9_]*)\b/g;
const TEST_PATTERN = /^(unique|not_null|accepted_values|relationships|expression)\((.*)\)$/;

/**
 * Reads one model file. The header comment says what one row is; `-- @test kind(args)` lines
 * declare its data tests. Inputs come from the schema-qualified names in the SQL itself.
 */
export function readModel(file: string, schema = basename(dirname(file)) as Model["schema"]): Model {
  const sql = readFileSync(file, "utf8");
  const overrides: Model["overrides"] = {};
  for (const engine of ENGINES) {
    const other = file.replace(/\.sql$/, `.${engine}.sql`);
    if (!existsSync(other)) continue;
    const text = readFileSync(other, "utf8");
    assertOneSelect(text, other);
    overrides[engine] = { file: other, sql: bodyOf(text) };
  }
  const name = basename(file, ".sql");
  const header = sql
    .split("\n")
    .filter((line) => line.startsWith("--"))
    .map((line) => line.replace(/^--\s?/, ""));
  const tests = header
    .filter((line) => line.startsWith("@test "))
    .map((line) => {
      const text = line.slice("@test ".length).trim();
      const match = TEST_PATTERN.exec(text);
      if (!match)
        throw new Error(
          `${file}: cannot read data test "${text}" (expected unique(...), not_null(...), accepted_values(...), relationships(...) or expression(...))`,
        );
      return { text, kind: match[1] as DataTest["kind"], args: match[2] ?? "" };
    });
  const description = header
    .filter((line) => !line.startsWith("@"))
    .join(" ")
    .trim();
  const columns: Record<string, string> = {};
  for (const line of header.filter((l) => l.startsWith("@column "))) {
    const match = /^@column ([a-z_][a-z0-9_]*):\s*(.+)$/.exec(line.trim());
    if (!match) throw new Error(`${file}: cannot read "${line}" (expected @column name: what it means)`);
    columns[match[1] as string] = match[2] as string;
  }
  const replaces = header
    .find((l) => l.startsWith("@replaces "))
    ?.slice("@replaces ".length)
    .trim();
  const incremental = incrementalOf(file, header);
  const materialized = header.some((line) => line.trim() === "@materialized view") ? "view" : "table";
  if (incremental && materialized === "view") throw new Error(`${file}: a view is read afresh each time: it cannot be @incremental`);
  assertOneSelect(sql, file);
  const body = bodyOf(sql);
  const id = `${schema}.${name}`;
  const inputs = [...new Set([...body.matchAll(READ_PATTERN)].map((m) => `${m[1]}.${m[2]}`))].filter((x) => x !== id).sort();
  return {
    id,
    schema,
    name,
    file,
    sql: body,
    description,
    materialized,
    tests,
    inputs,
    overrides,
    columns,
    ...(replaces ? { replaces } : {}),
    ...(incremental ? { incremental } : {}),
  };
}

const MONTHS_LINE = /^@months ((?:raw|staging|marts)\.[a-z_][a-z0-9_]*): (.+?)(?:\s+reach (\d+))?$/;

/**
 * `@incremental month_index` and its `@months INPUT: EXPR [reach N]` lines: EXPR is the month index of
 * an input row (a helper call is fine), and a row of month e is read by output months e … e + N.
 */
function incrementalOf(file: string, header: string[]): Incremental | undefined {
  const column = header
    .find((l) => l.startsWith("@incremental "))
    ?.slice("@incremental ".length)
    .trim();
  const lines = header.filter((l) => l.startsWith("@months "));
  if (!column) {
    if (lines.length) throw new Error(`${file}: @months lines without @incremental (expected -- @incremental month_index)`);
    return undefined;
  }
  if (!/^[a-z_][a-z0-9_]*$/.test(column)) throw new Error(`${file}: @incremental ${column}: expected one column name`);
  const inputs = lines.map((line) => {
    const match = MONTHS_LINE.exec(line.trim());
    if (!match) throw new Error(`${file}: cannot read "${line}" (expected @months staging.table: month index expression [reach N])`);
    return { input: match[1] as string, month: match[2] as string, reach: Number(match[3] ?? 0) };
  });
  if (inputs.length === 0) throw new Error(`${file}: @incremental without an @months line: nothing to build by month`);
  return { column, inputs };
}

/** SQL without its comment lines or a trailing semicolon. */
/**
 * Refuses SQL that is not exactly one SELECT (or WITH … SELECT): a model or rule may only read, so a
 * second statement — `; DROP TABLE raw.x`, `; COPY (…) TO '…'` — is an error naming the file, found
 * outside strings, quoted names and comments.
 */
export function assertOneSelect(sql: string, file: string): void {
  const first = /^\s*(\w+)/.exec(bodyOf(sql))?.[1]?.toUpperCase();
  if (first !== "SELECT" && first !== "WITH") {
    throw new InputError(`${file}: a model or rule is one SELECT (or WITH … SELECT); this begins with ${first ?? "nothing"}`);
  }
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "'" || c === '"') {
      const close = sql.indexOf(c, i + 1);
      i = close < 0 ? sql.length : close + 1; // '' inside a string is two quotes: the scan resumes between them
    } else if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? sql.length : end;
    } else if (c === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === ";" && /\S/.test(bodyOf(sql.slice(i + 1)))) {
      const line = sql.slice(0, i).split("\n").length;
      throw new InputError(
        `${file}: line ${line} of its SQL: a second statement after ";" — a model or rule is exactly one SELECT, and may not write`,
      );
    } else i++;
  }
}

export function bodyOf(sql: string): string {
  return sql
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("--"))
    .join("\n")
    .trim()
    .replace(/;\s*$/, "");
}

/**
 * The model's SELECT for one engine: its override for that engine if it has one, else its portable SQL
 * rendered. `months`: the months an incremental build recomputes, which `{{ rebuilding(m) }}` tests;
 * without them every month is (the helper is true).
 */
export function modelSql(model: Model, dialect: Dialect, months?: readonly number[]): string {
  const own = model.overrides[dialect.name];
  const rebuilding = (month: string) => (months ? (months.length ? `(${month}) IN (${months.join(", ")})` : "false") : "true");
  return renderSql(own?.sql ?? model.sql, { ...dialect, helpers: { ...dialect.helpers, rebuilding } }, own?.file ?? model.file);
}

/** Every model under models/staging and models/marts. */
export function readModels(dir = MODELS_DIR): Model[] {
  return ["staging", "marts"].flatMap((schema) =>
    readdirSync(join(dir, schema))
      .filter((f) => f.endsWith(".sql") && !ENGINES.some((engine) => f.endsWith(`.${engine}.sql`)))
      .sort()
      .map((f) => readModel(join(dir, schema, f))),
  );
}
