import { createReadStream, createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { postgres } from "../engines/postgres.ts";
import { redactDatabaseUrl, redactUrls } from "./secrets.ts";
import { InputError } from "./errors.ts";
import { type Params, plainValue, type Row, SCHEMAS, Warehouse } from "./warehouse.ts";

/** What a `postgres://` warehouse URL says, with Bellwether's own parameters taken out of it. */
export interface PostgresTarget {
  /** The URL handed to the client (may hold a password: never printed). */
  connectionString: string;
  /** The URL for people: no password, ever. */
  display: string;
  /** `?schema=NAME`: Bellwether's schemas become NAME_raw, NAME_marts, … so one database holds several books. */
  prefix: string | null;
  /** `?raw=SCHEMA`: read raw tables that are already there (a loader's schema) instead of landing files. */
  rawSchema: string | null;
}

export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text);
}

const NAME = /^[a-z_][a-z0-9_]*$/;

export function parsePostgresUrl(text: string): PostgresTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(`warehouse: "${redact(text)}" is not a URL such as postgres://user@host/db?schema=bellwether`);
  }
  const take = (key: string): string | null => {
    const value = url.searchParams.get(key);
    url.searchParams.delete(key);
    if (value !== null && !NAME.test(value)) {
      throw new InputError(`warehouse: ?${key}=${value} must be a lower-case SQL name (letters, digits, _), such as ${key}=bellwether`);
    }
    return value;
  };
  const prefix = take("schema");
  const rawSchema = take("raw");
  const connectionString = url.toString();
  const shown = new URL(connectionString);
  if (prefix) shown.searchParams.set("schema", prefix);
  if (rawSchema) shown.searchParams.set("raw", rawSchema);
  return { connectionString, display: redactDatabaseUrl(shown.toString()), prefix, rawSchema };
}

/** Any password in a connection string or message, replaced (core/secrets.ts). */
const redact = redactUrls;

// The client's types as DuckDB's rows come out: counts and DECIMALs as numbers, DATE as "YYYY-MM-DD",
// TIMESTAMP as an ISO instant (UTC: the warehouse keeps UTC wall-clock time).
const TYPE_PARSERS: Record<number, (text: string) => unknown> = {
  20: Number, // int8
  1700: Number, // numeric
  1082: (text) => text, // date
  1114: (text) => plainValue(new Date(`${text.replace(" ", "T")}Z`)), // timestamp
  1184: (text) => plainValue(new Date(text)), // timestamptz
};

/**
 * A warehouse in a PostgreSQL database: models, data tests, metrics, pages, run history and status run
 * there, through the same SQL rendered for PostgreSQL. One connection; DDL is transactional, so a run
 * publishes its models all at once here too.
 */
export class PostgresWarehouse extends Warehouse {
  readonly dialect = postgres;
  readonly landsInPlace = false;
  override readonly rawTablesFrom: string | null;
  readonly path: string;
  private closed = false;

  private constructor(
    readonly target: PostgresTarget,
    readonly readOnly: boolean,
    private readonly client: pg.Client,
  ) {
    super();
    this.path = target.display;
    this.rawTablesFrom = target.rawSchema;
  }

  static async connect(url: string, { readOnly = false } = {}): Promise<PostgresWarehouse> {
    const target = parsePostgresUrl(url);
    const client = new pg.Client({
      connectionString: target.connectionString,
      types: {
        getTypeParser: ((oid: number, format?: string) =>
          TYPE_PARSERS[oid] ?? pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
      },
    });
    // A dropped connection is reported by the next query; without a listener it would crash the process.
    client.on("error", () => {});
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => {});
      throw new InputError(connectionProblem(target, error as Error & { code?: string }));
    }
    const db = new PostgresWarehouse(target, readOnly, client);
    await db.run("SET TIME ZONE 'UTC'");
    await db.run("SET client_min_messages = warning");
    if (readOnly) await db.run("SET default_transaction_read_only = on");
    return db;
  }

  override schemaName(schema: string): string {
    if (schema === "raw" && this.target.rawSchema) return this.target.rawSchema;
    if (!(SCHEMAS as readonly string[]).includes(schema)) return schema;
    return this.target.prefix ? `${this.target.prefix}_${schema}` : schema;
  }

  /** Bellwether's schema names, as written in its SQL, mapped to this database's (outside quotes). */
  private mapped(sql: string): string {
    if (!this.target.prefix && !this.target.rawSchema) return sql;
    const names = SCHEMAS.join("|");
    const pattern = new RegExp(
      `"(${names})"\\.|(--[^\\n]*)|('(?:[^']|'')*')|("(?:[^"]|"")*")|\\b(SCHEMA(?: IF NOT EXISTS)? )(${names})\\b|(?<![\\w.])(${names})\\.(?=[a-z_"])`,
      "gi",
    );
    // A line comment is passed over whole: an apostrophe in it ("a term's end") is not a string's start.
    return sql.replace(pattern, (whole, quotedSchema, comment, single, double, schemaKeyword: string | undefined, created, qualifier) => {
      if (quotedSchema !== undefined) return `"${this.schemaName(quotedSchema)}".`;
      if (comment !== undefined || single !== undefined || double !== undefined) return whole;
      if (schemaKeyword !== undefined) return `${schemaKeyword}${this.schemaName(created)}`;
      return `${this.schemaName(qualifier)}.`;
    });
  }

  async run(sql: string, params?: Params): Promise<void> {
    await this.query(sql, params);
  }

  async runWithProgress(sql: string, onProgress: (fraction: number) => void, params?: Params): Promise<void> {
    await this.query(sql, params);
    onProgress(1);
  }

  async all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    return (await this.query(sql, params)).rows as T[];
  }

  private pending: Promise<unknown> = Promise.resolve();

  /** One statement at a time on the one connection, in the order asked (pages ask several at once). */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.pending.then(work, work);
    this.pending = next.catch(() => {});
    return next;
  }

  private query(sql: string, params?: Params): Promise<pg.QueryResult> {
    return this.serial(async () => {
      try {
        return await this.client.query({ text: this.mapped(this.render(sql)), values: params as unknown[] | undefined });
      } catch (error) {
        const e = error as Error;
        e.message = redact(e.message);
        throw e;
      }
    });
  }

  async holdForWriting(command: string): Promise<() => Promise<void>> {
    // A session advisory lock per warehouse (prefix): a second run waits for nothing and is refused.
    const key = `bellwether:${this.target.prefix ?? ""}`;
    const row = await this.one<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS ok", [key]);
    if (!row?.ok) {
      throw new InputError(
        `${this.path}: another bellwether command is writing this warehouse; try again when it finishes (${command} was refused)`,
      );
    }
    return async () => {
      await this.run("SELECT pg_advisory_unlock(hashtext($1))", [key]);
    };
  }

  /** A table made by CREATE TABLE AS or COPY has no statistics until autovacuum comes: without them joins are planned blind. */
  override async analyze(table: string): Promise<void> {
    await this.run(`ANALYZE ${table}`);
  }

  async exportCsv(sql: string, file: string): Promise<void> {
    await this.serial(() =>
      pipeline(
        this.client.query(copyTo(`COPY (${this.mapped(this.render(sql))}) TO STDOUT (FORMAT csv, NULL '')`)),
        createWriteStream(file),
      ),
    );
  }

  async importCsv(table: string, file: string): Promise<void> {
    await this.serial(() =>
      pipeline(createReadStream(file), this.client.query(copyFrom(`COPY ${this.mapped(table)} FROM STDIN (FORMAT csv, NULL '')`))),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.end().catch(() => {});
  }
}

function connectionProblem(target: PostgresTarget, error: Error & { code?: string }): string {
  const where = target.display;
  const url = new URL(target.connectionString);
  const socketDir = url.searchParams.get("host");
  const place = socketDir ? `the socket in ${socketDir}` : `${url.hostname || "localhost"}:${url.port || "5432"}`;
  const user = decodeURIComponent(url.username) || process.env.PGUSER || process.env.USER || "";
  const db = url.pathname.slice(1) || user;
  const hints: Record<string, string> = {
    ECONNREFUSED: `nothing is listening at ${place}: is PostgreSQL running, and does it accept connections there (listen_addresses, port)?`,
    ENOENT: `no server socket at ${place}: is PostgreSQL running with unix_socket_directories = ${socketDir}?`,
    ENOTFOUND: `the host ${url.hostname} is unknown: check the host name in the URL`,
    ETIMEDOUT: `${place} did not answer: check the host, port and any firewall between`,
    "28P01": `password authentication failed for user "${user}": check the password (in the URL or PGPASSWORD)`,
    "28000": `the server refused user "${user}" (pg_hba.conf): check the user name and the server's access rules`,
    "3D000": `the database "${db}" does not exist on ${place}: create it (createdb ${db}) or name another in the URL`,
  };
  const hint = (error.code && hints[error.code]) || redact(error.message);
  return `${where}: could not connect to PostgreSQL: ${hint}`;
}
