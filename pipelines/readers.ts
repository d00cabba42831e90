import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { InputError } from "../core/errors.ts";
import { literal, type Warehouse } from "../core/warehouse.ts";

/** How to read one source file with DuckDB's own readers, every column as text. */
export interface SourceReader {
  format: "csv" | "ndjson" | "parquet";
  /** Column names as the file spells them. */
  columns: string[];
  /** A relation with those columns (as text) and `__ordinal`: the record's 0-based position. */
  relation: string;
  /** Physical line of the first record (CSV: 2, after the header). */
  firstLine: number;
  /** CSV only: structurally broken records, collected by DuckDB into __rejects. */
  collectsRejects: boolean;
  /**
   * The reader keeps file order only on one thread (DuckDB preserves insertion order across threads
   * only for readers that number their batches, and the JSON reader does not).
   */
  singleThreaded: boolean;
}

export async function openReader(db: Warehouse, file: string): Promise<SourceReader> {
  const path = literal(file);
  if (/\.csv(\.gz)?$/i.test(file)) {
    // Our own header read means no sniffing: a broken record further down cannot make the whole file
    // unreadable, it becomes a reject with its line number instead.
    const columns = await readCsvHeader(file);
    const repeated = columns.find((c, i) => columns.indexOf(c) !== i);
    if (repeated) throw new InputError(`${file}: line 1: column "${repeated}" appears twice in the header`);
    const types = columns.map((c) => `${literal(c)}: 'VARCHAR'`).join(", ");
    await db.run("DROP TABLE IF EXISTS __rejects; DROP TABLE IF EXISTS __rejects_scan");
    return {
      format: "csv",
      columns,
      relation: `(SELECT *, NULL::BIGINT AS __ordinal FROM read_csv(${path}, header = true, auto_detect = false, columns = {${types}},
        delim = ',', quote = '"', escape = '"', store_rejects = true, rejects_table = '__rejects', rejects_scan = '__rejects_scan'))`,
      firstLine: 2,
      collectsRejects: true,
      singleThreaded: false,
    };
  }
  if (/\.(ndjson|jsonl)(\.gz)?$/i.test(file)) {
    const described = await describe(db, `read_json(${path}, format = 'newline_delimited')`, file);
    // Read every key as text so a value of the wrong type is quarantined, not a reason to refuse the file.
    const types = described.map((c) => `${literal(c)}: 'VARCHAR'`).join(", ");
    return {
      format: "ndjson",
      columns: described,
      relation: `(SELECT *, NULL::BIGINT AS __ordinal FROM read_json(${path}, format = 'newline_delimited', columns = {${types}}))`,
      firstLine: 1,
      collectsRejects: false,
      singleThreaded: true,
    };
  }
  if (/\.parquet$/i.test(file)) {
    const columns = await describe(db, `read_parquet(${path})`, file);
    return {
      format: "parquet",
      columns,
      relation: `(SELECT * EXCLUDE (file_row_number), file_row_number AS __ordinal FROM read_parquet(${path}, file_row_number = true))`,
      firstLine: 1,
      collectsRejects: false,
      singleThreaded: false,
    };
  }
  throw new InputError(`${file}: unknown file type (expected .csv, .ndjson, .jsonl or .parquet, optionally .gz)`);
}

async function describe(db: Warehouse, relation: string, file: string): Promise<string[]> {
  try {
    return (await db.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${relation}`)).map((r) => r.column_name);
  } catch (error) {
    throw new InputError(`${file}: could not be read: ${(error as Error).message}`);
  }
}

/** The header record of a CSV (gzip or not): fields split on commas outside double quotes. */
export async function readCsvHeader(file: string): Promise<string[]> {
  const stream = createReadStream(file, { highWaterMark: 64 * 1024 });
  const source = /\.gz$/i.test(file) ? stream.pipe(createGunzip()) : stream;
  let text = "";
  try {
    for await (const chunk of source) {
      text += chunk.toString("utf8");
      const end = recordEnd(text);
      if (end >= 0) {
        text = text.slice(0, end);
        break;
      }
      if (text.length > 1 << 20) throw new InputError(`${file}: line 1: no end of the header within 1 MB`);
    }
  } finally {
    stream.destroy();
  }
  if (text.trim() === "") throw new InputError(`${file}: the file is empty (expected a header line)`);
  return splitCsvRecord(text.replace(/^\uFEFF/, "").replace(/\r$/, "")).map((c) => c.trim());
}

function recordEnd(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === "\n" && !quoted) return i;
  }
  return -1;
}

function splitCsvRecord(record: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < record.length; i++) {
    const ch = record[i];
    if (quoted) {
      if (ch === '"' && record[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  fields.push(field);
  return fields;
}
