import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from "@duckdb/node-api";
import { InputError } from "./errors.ts";

export type Row = Record<string, unknown>;
export type Params = DuckDBValue[];

/** The embedded DuckDB file and the one connection every layer talks through. */
export class Warehouse {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(path: string): Promise<Warehouse> {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path);
    } catch (error) {
      const message = (error as Error).message;
      if (/lock/i.test(message)) {
        throw new InputError(`${path}: the warehouse is in use by another process (${message})`);
      }
      throw new InputError(`${path}: could not open the warehouse: ${message}`);
    }
    const connection = await instance.connect();
    // Timestamps land as UTC whatever the machine's zone, so the same files give the same warehouse.
    await connection.run("SET TimeZone = 'UTC'");
    return new Warehouse(path, instance, connection);
  }

  async run(sql: string, params?: Params): Promise<void> {
    await this.connection.run(sql, params);
  }

  /** Rows as plain JS: BIGINT and DECIMAL become numbers, DATE becomes "YYYY-MM-DD". */
  async all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS().map((row) => plain(row) as T);
  }

  async one<T extends Row = Row>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async tableExists(schema: string, table: string): Promise<boolean> {
    const row = await this.one("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2", [
      schema,
      table,
    ]);
    return Number(row?.n ?? 0) > 0;
  }

  /** Runs `work` inside one transaction: all of it lands, or none of it does. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.run("BEGIN TRANSACTION");
    try {
      const result = await work();
      await this.run("COMMIT");
      return result;
    } catch (error) {
      await this.run("ROLLBACK");
      throw error;
    }
  }

  private closed = false;

  /** Releases the file (and its lock) so another process can open it; safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function plain(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) out[key] = plainValue(value);
  return out;
}

function plainValue(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso;
  }
  return value;
}

/** Quotes an identifier for DuckDB SQL. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for DuckDB SQL (only for values we control, such as file paths). */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
