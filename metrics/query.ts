import type { MetricSettings } from "./settings.ts";
import { spreadsheetLine } from "../core/csv.ts";
import { InputError } from "../core/errors.ts";
import { ident, literal, type Params, Warehouse } from "../core/warehouse.ts";
import type { Catalog } from "./catalog.ts";
import { compileAccountsQuery } from "./accounts.ts";
import { type CompiledQuery, type CompileOptions, compileMetricQuery, type MetricQuery, type OutputColumn } from "./compile.ts";

export type MetricRow = Record<string, string | number | null>;

export interface QueryResult {
  columns: OutputColumn[];
  rows: MetricRow[];
  compiled: CompiledQuery;
}

/** The one way numbers leave the warehouse: pages, exports and `bellwether query` all come through here. */
export async function query(
  db: Warehouse,
  config: MetricSettings,
  request: MetricQuery,
  catalog: Catalog = config.project.catalog,
): Promise<QueryResult> {
  const compiled = compileQuery(request, { catalog, defaultWindow: config.retentionWindowMonths, dialect: db.dialect });
  let rows: MetricRow[];
  try {
    rows = await db.all<MetricRow>(compiled.sql, compiled.parameters as Params);
  } catch (error) {
    const message = (error as Error).message;
    // DuckDB's words, then PostgreSQL's.
    const missing = (/Table with name (\w+) does not exist/.exec(message) ??
      /relation "[\w]*marts\.(\w+)" does not exist/.exec(message))?.[1];
    if (missing) {
      throw new InputError(
        `${db.path}: these metrics read marts.${missing}, which this warehouse has not built yet; run \`bellwether run\``,
      );
    }
    throw error;
  }
  // DuckDB yields NaN for 0/0 in DOUBLE arithmetic; the contract says null where a metric is undefined.
  for (const row of rows) {
    for (const column of compiled.columns) {
      const value = row[column.name];
      if (typeof value === "number" && !Number.isFinite(value)) row[column.name] = null;
    }
  }
  return { columns: compiled.columns, rows, compiled };
}

/** A query's SQL: its figures, or with `accounts` the accounts behind them. */
export const compileQuery = (request: MetricQuery, options: CompileOptions): CompiledQuery =>
  request.accounts ? compileAccountsQuery(request, options) : compileMetricQuery(request, options);

/**
 * Writes the query's rows to a Parquet file through DuckDB's writer: straight from the query on DuckDB;
 * from another engine, its rows go through an in-memory DuckDB (periods as DATE, metrics as DOUBLE).
 */
export async function exportParquet(db: Warehouse, compiled: CompiledQuery, file: string): Promise<void> {
  if (db.dialect.name === "duckdb") {
    await db.run(`COPY (${compiled.sql}) TO ${literal(file)} (FORMAT parquet)`, compiled.parameters as Params);
    return;
  }
  const rows = await db.all<MetricRow>(compiled.sql, compiled.parameters as Params);
  const scratch = await Warehouse.open(":memory:");
  try {
    await rowsToParquet(scratch, compiled.columns, rows, file);
  } finally {
    await scratch.close();
  }
}

/**
 * Rows already fetched, written to a Parquet file through a scratch DuckDB (periods as DATE, metrics as
 * DOUBLE): a page's download costs no second run of its query, on any engine.
 */
export async function rowsToParquet(scratch: Warehouse, columns: readonly OutputColumn[], rows: readonly MetricRow[], file: string) {
  const typeOf = (c: OutputColumn) =>
    c.role === "period" ? "DATE" : c.role === "metric" || rows.some((r) => typeof r[c.name] === "number") ? "DOUBLE" : "VARCHAR";
  await scratch.run("DROP TABLE IF EXISTS out");
  await scratch.run(`CREATE TABLE out (${columns.map((c) => `${ident(c.name)} ${typeOf(c)}`).join(", ")})`);
  const width = columns.length;
  for (let i = 0; i < rows.length; i += 200) {
    const batch = rows.slice(i, i + 200);
    const tuples = batch.map((_, r) => `(${columns.map((c, k) => `CAST($${r * width + k + 1} AS ${typeOf(c)})`).join(", ")})`);
    await scratch.run(
      `INSERT INTO out VALUES ${tuples.join(", ")}`,
      batch.flatMap((row) => columns.map((c) => (row[c.name] ?? null) as Params[number])),
    );
  }
  await scratch.run(`COPY out TO ${literal(file)} (FORMAT parquet)`);
}

/** The rows as CSV: ISO periods, raw numbers (no formatting), an empty cell for null. */
export function toCsv(result: QueryResult): string {
  const names = result.columns.map((c) => c.name);
  const lines = [spreadsheetLine(names), ...result.rows.map((r) => spreadsheetLine(names.map((n) => r[n])))];
  return `${lines.join("\n")}\n`;
}
