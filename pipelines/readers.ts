import { InputError } from "../core/errors.ts";
import { ident, literal, type Warehouse } from "../core/warehouse.ts";
import type { Check } from "./checks.ts";
import { type MalformedRecord, scanRecords } from "./scan.ts";
import { readCsvHeader, type SourceFile } from "./source-file.ts";

/** How to read one source file with DuckDB's own readers, every column as text. */
export interface SourceReader {
  format: "csv" | "ndjson" | "parquet" | "mapped";
  /** Column names as the file spells them. */
  columns: string[];
  /** A relation with those columns (as text) and `__ordinal`: the record's 0-based position, where the reader gives one. */
  relation: string;
  /**
   * The reader keeps file order only on one thread (DuckDB preserves insertion order across threads
   * only for readers that number their batches, and the JSON reader does not).
   */
  singleThreaded: boolean;
  /** Columns of `relation` besides the contract's that `extraChecks` read (a mapping's unresolved account key). */
  extraColumns?: string[];
  /** Checks that come before the contract's. */
  extraChecks?: Check[];
  /**
   * Reconciles what the reader returned (in the temp table `table`, in file order) with the records
   * the file really holds. Throws when they cannot be matched one for one; otherwise says how many
   * records the file holds, which of them could not be read as records, and the SQL for each row's
   * physical line (over `table` aliased `c`, after `join`).
   */
  reconcile(table: string): Promise<Reconciled>;
}

export interface Reconciled {
  read: number;
  /** Rows a mapping made beyond the file's records (a Stripe item split where a coupon ends): read + split = landed + quarantined + dropped. */
  split?: number;
  malformed: MalformedRecord[];
  /** Rows of `table` (by rowid) that stand for malformed records and must not land. */
  malformedRows: number[];
  lineJoin: string;
  lineSql: string;
}

const SHIFTS = "__line_shifts";

/** `keys`: the columns an NDJSON record is read for (it has no header); CSV and Parquet name their own. */
export async function openReader(db: Warehouse, source: SourceFile, keys: readonly string[]): Promise<SourceReader> {
  const path = literal(source.path);
  const file = source.name;
  if (/\.csv(\.gz)?$/i.test(source.path)) {
    // Our own header read means no sniffing: a broken record further down cannot make the whole file
    // unreadable, it becomes a reject instead.
    const columns = await readCsvHeader(source);
    const types = columns.map((c) => `${literal(c)}: 'VARCHAR'`).join(", ");
    await db.run("DROP TABLE IF EXISTS __rejects; DROP TABLE IF EXISTS __rejects_scan");
    // The scan runs while DuckDB reads: two passes over the file, on two cores.
    const scan = scanRecords(source.path, { mode: "csv", fields: columns.length, gzip: source.gzip, name: file });
    scan.catch(() => {});
    return {
      format: "csv",
      columns,
      relation: `(SELECT *, NULL::BIGINT AS __ordinal FROM read_csv(${path}, header = true, auto_detect = false, columns = {${types}},
        delim = ',', quote = '"', escape = '"', max_line_size = 16777216, store_rejects = true, rejects_table = '__rejects', rejects_scan = '__rejects_scan'))`,
      singleThreaded: false,
      async reconcile(table) {
        const scanned = await scan;
        const rows = await count(db, table);
        // DuckDB skips every record it rejects; what it kept must be exactly the records we found well formed.
        if (rows + scanned.malformed.length !== scanned.records) {
          // A record longer than the reader takes is a known limit, not a mystery: say which and how long.
          const long = await db
            .one<{ line: number; message: string }>(
              "SELECT line, error_message AS message FROM __rejects WHERE error_type = 'LINE SIZE OVER MAXIMUM' ORDER BY line LIMIT 1",
            )
            .catch(() => undefined);
          if (long) {
            const size = /Actual Size:\s*(\d+)/.exec(long.message)?.[1];
            throw new InputError(
              `${file}: line ${long.line}: a record of ${size ? `${(Number(size) / 1048576).toFixed(1)} MiB` : "more than 16 MiB"}, longer than the 16 MiB a CSV record may hold (rule: record size); nothing from this file was landed`,
            );
          }
          throw new InputError(
            `${file}: the file holds ${scanned.records.toLocaleString("en-US")} records but only ${(rows + scanned.malformed.length).toLocaleString("en-US")} could be told apart (${rows.toLocaleString("en-US")} read, ${scanned.malformed.length.toLocaleString("en-US")} malformed); nothing from this file was landed`,
          );
        }
        await writeShifts(db, scanned.lineShifts);
        return { read: scanned.records, malformed: scanned.malformed, malformedRows: [], ...shiftedLines(scanned.lineShifts) };
      },
    };
  }
  if (/\.(ndjson|jsonl)(\.gz)?$/i.test(source.path)) {
    // The contract's keys, read as text: never columns inferred from a sample of the first records.
    const columns = [...keys];
    const types = columns.map((c) => `${literal(c)}: 'VARCHAR'`).join(", ");
    return {
      format: "ndjson",
      columns,
      relation: `(SELECT *, NULL::BIGINT AS __ordinal FROM read_json(${path}, format = 'newline_delimited', columns = {${types}}, ignore_errors = true, maximum_object_size = 16777216))`,
      singleThreaded: true,
      async reconcile(table) {
        // A line that is not a JSON object comes back as a row of NULLs; only those lines are parsed here.
        const allNull = columns.map((c) => `${ident(c)} IS NULL`).join(" AND ");
        const suspects = (await db.all<{ r: number }>(`SELECT rowid AS r FROM ${table} WHERE ${allNull} ORDER BY rowid`)).map((x) => x.r);
        const scanned = await scanRecords(source.path, { mode: "lines", gzip: source.gzip, name: file, wantText: new Set(suspects) });
        const rows = await count(db, table);
        if (rows !== scanned.records) {
          throw new InputError(
            `${file}: the file holds ${scanned.records.toLocaleString("en-US")} non-blank lines but ${rows.toLocaleString("en-US")} JSON records were read; nothing from this file was landed`,
          );
        }
        const malformed: MalformedRecord[] = [];
        const malformedRows: number[] = [];
        for (const r of suspects) {
          const found = scanned.texts.get(r);
          if (!found) continue;
          const problem = jsonProblem(found.text);
          if (problem) {
            malformed.push({ index: r, line: found.line, message: problem, text: found.text });
            malformedRows.push(r);
          }
        }
        await writeShifts(db, scanned.lineShifts);
        return { read: scanned.records, malformed, malformedRows, ...shiftedLines(scanned.lineShifts) };
      },
    };
  }
  if (/\.parquet$/i.test(source.path)) {
    const columns = await describe(db, `read_parquet(${path})`, file);
    return {
      format: "parquet",
      columns,
      relation: `(SELECT * EXCLUDE (file_row_number), file_row_number AS __ordinal FROM read_parquet(${path}, file_row_number = true))`,
      singleThreaded: false,
      async reconcile(table) {
        // Parquet records are counted by the file's own metadata: what the reader returned is all of it.
        const read = await count(db, table);
        const stated = await db.one<{ n: number }>(`SELECT sum(row_group_num_rows)::BIGINT AS n FROM (
          SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata(${path}))`);
        if ((stated?.n ?? 0) !== read) {
          throw new InputError(`${file}: its metadata says ${stated?.n} rows but ${read} were read; nothing from this file was landed`);
        }
        return { read, malformed: [], malformedRows: [], lineJoin: "", lineSql: "c.__ordinal + 1" };
      },
    };
  }
  throw new InputError(`${file}: unknown file type (expected .csv, .ndjson, .jsonl or .parquet, optionally .gz)`);
}

/** Why a line of an NDJSON file is not a record, or undefined when it is a JSON object. */
function jsonProblem(text: string): string | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) return "the line is JSON but not an object ({…})";
    return undefined;
  } catch (error) {
    return `the line is not valid JSON: ${(error as Error).message}`;
  }
}

async function count(db: Warehouse, table: string): Promise<number> {
  return (await db.one<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))?.n ?? 0;
}

async function writeShifts(db: Warehouse, shifts: readonly [number, number][]): Promise<void> {
  await db.run(`CREATE OR REPLACE TEMP TABLE ${SHIFTS} (k BIGINT, delta BIGINT)`);
  for (let i = 0; i < shifts.length; i += 1000) {
    const batch = shifts.slice(i, i + 1000);
    await db.run(`INSERT INTO ${SHIFTS} VALUES ${batch.map(([k, d]) => `(${k}, ${d})`).join(", ")}`);
  }
}

/**
 * Line of row c: its position plus the offset in force from the last shift at or before it. A file of
 * one record per line has one offset throughout: no join (an ASOF join over 40 million rows is 30 s).
 */
function shiftedLines(shifts: readonly [number, number][]): Pick<Reconciled, "lineJoin" | "lineSql"> {
  const [only] = shifts;
  if (shifts.length === 1 && only && only[0] === 0) return { lineJoin: "", lineSql: `(c.__r + ${Number(only[1])})` };
  return { lineJoin: `ASOF JOIN ${SHIFTS} AS s ON c.__r >= s.k`, lineSql: "c.__r + s.delta" };
}

async function describe(db: Warehouse, relation: string, file: string): Promise<string[]> {
  try {
    return (await db.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${relation}`)).map((r) => r.column_name);
  } catch (error) {
    throw new InputError(`${file}: could not be read: ${(error as Error).message}`);
  }
}
