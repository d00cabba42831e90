import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { type DuckDBConnection, DuckDBInstance, DuckDBPendingResultState, type DuckDBValue } from "@duckdb/node-api";
import { DEFAULT_MEMORY_LIMIT } from "./settings.ts";
import { InputError } from "./errors.ts";
import { describeRunner, noteRunner } from "./run-lock.ts";
import { duckdb } from "../engines/duckdb.ts";
import { type Dialect, renderSql } from "../engines/dialect.ts";

export type Row = Record<string, unknown>;

export type Params = DuckDBValue[];

/** The schemas Bellwether writes; an engine may keep them under other names (a Postgres prefix). */
export const SCHEMAS = ["raw", "quarantine", "shadow", "meta", "config", "staging", "marts"] as const;

/**
 * The one connection every layer talks through, on whichever engine holds the warehouse: SQL is
 * written once (engines/) and each engine renders it; rows come back as plain JS either way.
 */
export abstract class Warehouse {
  abstract readonly dialect: Dialect;
  /** Where the warehouse is, for people: a file path, or a connection URL without its password. */
  abstract readonly path: string;
  /** Opened for reading only: commands that only read never write, never create, and run side by side. */
  abstract readonly readOnly: boolean;
  /**
   * Files are read and checked where they land (DuckDB), or landed through an embedded DuckDB and the
   * landing tables copied in (an engine that cannot read the files itself).
   */
  abstract readonly landsInPlace: boolean;
  /** The schema raw tables are read from when a loader already landed them there (no landing then). */
  readonly rawTablesFrom: string | null = null;

  abstract run(sql: string, params?: Params): Promise<void>;
  /** Runs a long statement, reporting the engine's estimate of progress (0–1) where it has one. */
  abstract runWithProgress(sql: string, onProgress: (fraction: number) => void, params?: Params): Promise<void>;
  /** Rows as plain JS: BIGINT and DECIMAL become numbers, DATE becomes "YYYY-MM-DD". */
  abstract all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]>;
  /** Releases the connection (and a file's lock); safe to call twice. */
  abstract close(): Promise<void>;
  /** Writes a query's rows to a CSV file (no header; null an empty field, an empty text "" quoted). */
  abstract exportCsv(sql: string, file: string): Promise<void>;
  /** Appends the rows of such a CSV file to a table, its columns in the table's order. */
  abstract importCsv(table: string, file: string): Promise<void>;

  /**
   * Claims the warehouse for a writing command until the returned function is called; a second
   * writer is refused, naming the first.
   */
  abstract holdForWriting(command: string): Promise<() => Promise<void>>;

  /** SQL as written in Bellwether (with `{{ helper(…) }}` where engines differ) in this engine's words. */
  protected render(sql: string): string {
    return sql.includes("{{") ? renderSql(sql, this.dialect) : sql;
  }

  /** After a table is written in bulk: engines that plan from statistics gather them (a no-op on DuckDB). */
  async analyze(_table: string): Promise<void> {}

  /** The engine's name for one of Bellwether's schemas (the same name unless the engine maps it). */
  schemaName(schema: string): string {
    return schema;
  }

  async one<T extends Row = Row>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async tableExists(schema: string, table: string): Promise<boolean> {
    const row = await this.one("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2", [
      this.schemaName(schema),
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

  /** Opens (or creates) an embedded DuckDB warehouse file. */
  static open(path: string, options: { memoryLimit?: string } = {}): Promise<DuckDbWarehouse> {
    return DuckDbWarehouse.open(path, options);
  }

  /** Opens an existing embedded DuckDB warehouse file read-only. */
  static openReadOnly(path: string, options: { memoryLimit?: string; waitSeconds?: number } = {}): Promise<DuckDbWarehouse> {
    return DuckDbWarehouse.openReadOnly(path, options);
  }
}

/** The embedded DuckDB file: the default engine, needing nothing installed. */
export class DuckDbWarehouse extends Warehouse {
  readonly dialect = duckdb;
  readonly landsInPlace = true;

  private constructor(
    readonly path: string,
    readonly readOnly: boolean,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {
    super();
  }

  /** Opens (or creates) the warehouse; DuckDB spills to disk beyond `memoryLimit`. */
  static override async open(
    path: string,
    { memoryLimit = DEFAULT_MEMORY_LIMIT }: { memoryLimit?: string } = {},
  ): Promise<DuckDbWarehouse> {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path);
    } catch (error) {
      const message = (error as Error).message;
      if (/lock/i.test(message)) {
        const runner = describeRunner(path);
        const holder = runner ? `${runner} is writing it` : `another process holds it (${message})`;
        throw new InputError(`${path}: the warehouse is in use: ${holder}. Wait for it to finish, then run again.`);
      }
      throw new InputError(`${path}: could not open the warehouse: ${message}`);
    }
    return DuckDbWarehouse.connect(path, false, instance, memoryLimit);
  }

  /**
   * Opens an existing warehouse read-only, never creating one. While a run holds the write lock it
   * retries for up to `waitSeconds`, then says who holds it.
   */
  static override async openReadOnly(
    path: string,
    { memoryLimit = DEFAULT_MEMORY_LIMIT, waitSeconds = 10 }: { memoryLimit?: string; waitSeconds?: number } = {},
  ): Promise<DuckDbWarehouse> {
    if (!existsSync(path)) throw new InputError(`${path}: no warehouse here; run \`bellwether build\` first (or give --warehouse FILE)`);
    const deadline = performance.now() + waitSeconds * 1000;
    for (;;) {
      try {
        const instance = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
        return await DuckDbWarehouse.connect(path, true, instance, memoryLimit);
      } catch (error) {
        const message = (error as Error).message;
        if (!/lock/i.test(message)) throw new InputError(`${path}: could not open the warehouse: ${message}`);
        if (performance.now() >= deadline) {
          const runner = describeRunner(path);
          throw new InputError(
            `${path}: the warehouse is being written${runner ? ` by ${runner}` : ` (${message})`}; waited ${waitSeconds} s. Try again when it finishes, or wait longer with --wait SECONDS.`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  private static async connect(path: string, readOnly: boolean, instance: DuckDBInstance, memoryLimit: string): Promise<DuckDbWarehouse> {
    const connection = await instance.connect();
    // Timestamps land as UTC whatever the machine's zone, so the same files give the same warehouse.
    await connection.run("SET TimeZone = 'UTC'");
    await connection.run(`SET memory_limit = ${literal(memoryLimit)}`);
    return new DuckDbWarehouse(path, readOnly, instance, connection);
  }

  async run(sql: string, params?: Params): Promise<void> {
    await this.connection.run(this.render(sql), params);
  }

  /**
   * DuckDB writes a large append to the database file before COMMIT ("optimistic writes"); a process
   * killed in the first milliseconds of that COMMIT comes back with the append replayed and the rest of
   * its transaction gone (a load's rows with no load record). bench/duckdb-kill-commit.ts reproduces it
   * with DuckDB alone. With optimistic writes off inside a transaction every row goes through the WAL,
   * whose replay is all or nothing: the same speed here, about a third more memory while landing.
   */
  override async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.run("SET enable_optimistic_write = false");
    try {
      return await super.transaction(work);
    } finally {
      await this.run("RESET enable_optimistic_write");
    }
  }

  /**
   * Runs a long statement task by task so that `onProgress` sees DuckDB's own estimate (0–1) as it
   * goes; the event loop gets a turn between tasks so a progress bar can draw.
   */
  async runWithProgress(sql: string, onProgress: (fraction: number) => void, params?: Params): Promise<void> {
    const pending = await this.connection.start(this.render(sql), params);
    let lastReport = 0;
    for (;;) {
      const state = pending.runTask();
      if (state === DuckDBPendingResultState.RESULT_READY) break;
      const now = performance.now();
      if (now - lastReport > 200) {
        lastReport = now;
        const { percentage } = this.connection.progress;
        if (percentage >= 0) onProgress(Math.min(1, percentage / 100));
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (state === DuckDBPendingResultState.NO_TASKS_AVAILABLE) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await pending.getResult();
    onProgress(1);
  }

  async all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(this.render(sql), params);
    return reader.getRowObjectsJS().map((row) => plain(row) as T);
  }

  async exportCsv(sql: string, file: string): Promise<void> {
    await this.run(`COPY (${sql}) TO ${literal(file)} (FORMAT csv, HEADER false, QUOTE '"', ESCAPE '"', NULL '')`);
  }

  async importCsv(table: string, file: string): Promise<void> {
    const [schema, name] = table.split(".") as [string, string];
    const columns = await this.all<{ column_name: string; data_type: string }>(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
      [schema, name.replaceAll('"', "")],
    );
    const spec = columns.map((c) => `${literal(c.column_name)}: ${literal(c.data_type)}`).join(", ");
    // A quoted empty field is an empty text, an unquoted one is null: as PostgreSQL's COPY writes them.
    await this.run(
      `INSERT INTO ${table} SELECT * FROM read_csv(${literal(file)}, header = false, auto_detect = false, columns = {${spec}},
         quote = '"', escape = '"', nullstr = '', allow_quoted_nulls = false, strict_mode = true)`,
    );
  }

  async holdForWriting(command: string): Promise<() => Promise<void>> {
    // DuckDB's own file lock refuses a second writer; the note lets the refusal name who holds it.
    const release = noteRunner(this.path, command);
    return async () => release();
  }

  private closed = false;

  async close(): Promise<void> {
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

export function plainValue(value: unknown): unknown {
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
