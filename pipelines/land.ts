import { createHash, randomUUID } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { InputError } from "../core/errors.ts";
import { ident, literal, type Warehouse } from "../core/warehouse.ts";
import { type Check, contractChecks, typedSql } from "./checks.ts";
import { type Contract, keyTerms } from "./contract.ts";
import { contracts } from "./contracts/index.ts";
import { openReader, type SourceReader } from "./readers.ts";
import { ensureLandingTables } from "./schema.ts";

export interface LoadResult {
  table: string;
  file: string;
  status: "landed" | "skipped" | "refused";
  read: number;
  landed: number;
  quarantined: number;
  /** quarantined rows by reason, e.g. { bad_type: 2, orphan: 1 } */
  reasons: Record<string, number>;
  message?: string;
}

export interface LandOptions {
  /** Called with DuckDB's estimate (0–1) while the file is read and checked. */
  onProgress?: (fraction: number) => void;
}

/** A record DuckDB could not split into the header's columns (wrong field count, unterminated quote). */
const MALFORMED = { reason: "malformed_record", message: "the record could not be split into the header's columns" } as const;

/**
 * Lands one file into raw.<table>. One pass of DuckDB's reader types every value and finds each row's
 * first failing check; rows that fail go to quarantine.<table> with their line, column, reason and
 * original text. The warehouse itself changes in one transaction, so a failure part-way leaves it as
 * it was. The same bytes again are skipped.
 */
export async function landFile(db: Warehouse, contract: Contract, file: string, options: LandOptions = {}): Promise<LoadResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const base = { table: contract.table, file, read: 0, landed: 0, quarantined: 0, reasons: {} };
  await ensureLandingTables(db, contract);
  const hash = await fileHash(file);
  const previous = await db.one<{ content_hash: string }>(
    "SELECT content_hash FROM meta.loads WHERE table_name = $1 AND file = $2 AND status = 'landed' ORDER BY started_at DESC LIMIT 1",
    [contract.table, file],
  );
  if (previous?.content_hash === hash) return { ...base, status: "skipped", message: "unchanged since its last load" };

  const loadId = randomUUID();
  const record = (result: LoadResult) =>
    db.run("INSERT INTO meta.loads VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::TIMESTAMP, $12)", [
      loadId,
      contract.table,
      file,
      hash,
      statSync(file).size,
      result.read,
      result.landed,
      result.quarantined,
      result.status,
      result.message ?? null,
      startedAt,
      (performance.now() - started) / 1000,
    ]);

  // Reading and checking write only temp tables; raw, quarantine and meta change in the transaction below.
  const checks = await checksFor(db, contract);
  let reader: SourceReader;
  try {
    reader = await openReader(db, file);
    const threads = reader.singleThreaded ? (await db.one<{ t: number }>("SELECT current_setting('threads') AS t"))?.t : undefined;
    if (threads !== undefined) await db.run("SET threads = 1");
    try {
      await db.runWithProgress(checkedSql(contract, checks, reader, file), options.onProgress ?? (() => {}));
    } finally {
      if (threads !== undefined) await db.run(`SET threads = ${Number(threads)}`);
    }
  } catch (error) {
    const message =
      error instanceof InputError ? error.message : `${file}: could not be read as ${contract.table}: ${(error as Error).message}`;
    const result: LoadResult = { ...base, status: "refused", message };
    await record(result);
    return result;
  }
  await markDuplicates(db, contract, checks.length);
  const line = await lineSql(db, reader);

  return db.transaction(async () => {
    const table = `raw.${ident(contract.table)}`;
    const quarantine = `quarantine.${ident(contract.table)}`;
    // Defaults apply only here: the checks saw the value as given, so "abc" is bad_type, never silently 1.
    const columns = contract.specs.map((s) => (s.defaultSql ? `coalesce(${ident(s.name)}, ${s.defaultSql})` : ident(s.name))).join(", ");
    await db.run(`DELETE FROM ${table} WHERE _source_file = $1`, [file]);
    await db.run(`DELETE FROM ${quarantine} WHERE _source_file = $1`, [file]);
    await replaceKeys(db, contract, table);
    await db.run(`INSERT INTO ${table} SELECT ${columns}, $1, ${line}, $2 FROM __checked WHERE __check IS NULL`, [file, loadId]);
    // A duplicate passed every other check, so its typed values stand in for its text.
    const texts = contract.specs.map((s) => `coalesce(${ident(`${s.name}__text`)}, CAST(${ident(s.name)} AS VARCHAR))`).join(", ");
    const reasons = checks.map((c, i) => `(${i + 1}, ${literal(c.reason)}, ${literal(c.column)}, ${literal(c.message)})`).join(", ");
    await db.run(
      `INSERT INTO ${quarantine}
       SELECT $1, ${line}, $2, k.reason, k.column_name, k.message, NULL, ${texts}
       FROM __checked JOIN (VALUES ${reasons}) AS k(idx, reason, column_name, message) ON __checked.__check = k.idx`,
      [file, loadId],
    );
    if (reader.collectsRejects) {
      const nulls = contract.specs.map(() => "NULL").join(", ");
      await db.run(
        `INSERT INTO ${quarantine}
         SELECT $1, line, $2, ${literal(MALFORMED.reason)}, column_name, ${literal(`${MALFORMED.message}: `)} || error_message, csv_line, ${nulls}
         FROM __rejects ORDER BY line`,
        [file, loadId],
      );
    }
    const counts = await db.all<{ reason: string; n: number }>(
      `SELECT reason, count(*) AS n FROM ${quarantine} WHERE _load_id = $1 GROUP BY ALL ORDER BY 1`,
      [loadId],
    );
    const landed = (await db.one<{ n: number }>("SELECT count(*) AS n FROM __checked WHERE __check IS NULL"))?.n ?? 0;
    const quarantined = counts.reduce((sum, c) => sum + c.n, 0);
    const result: LoadResult = {
      ...base,
      status: "landed",
      read: landed + quarantined,
      landed,
      quarantined,
      reasons: Object.fromEntries(counts.map((c) => [c.reason, c.n])),
    };
    await record(result);
    await db.run("DROP TABLE IF EXISTS __checked");
    return result;
  });
}

/** Contract checks plus the two that need the warehouse: orphans and duplicate keys (always last). */
async function checksFor(db: Warehouse, contract: Contract): Promise<Check[]> {
  const checks = contractChecks(contract);
  for (const [column, target] of Object.entries(contract.references ?? {})) {
    const targetKey = contracts[target as keyof typeof contracts].key[0] ?? column;
    // With no rows at all in the referenced table every row would be an orphan: that is a missing
    // export, reported as such by ingest, not a property of these rows.
    const rows = await db.one<{ n: number }>(`SELECT count(*) AS n FROM raw.${ident(target)}`).catch(() => undefined);
    if (!rows?.n) continue;
    checks.push({
      reason: "orphan",
      column,
      failsSql: `${ident(column)} IS NOT NULL AND ${ident(column)} NOT IN (SELECT ${ident(targetKey)} FROM raw.${ident(target)})`,
      message: `${column} matches no ${targetKey} in ${target}`,
    });
  }
  checks.push({
    reason: "duplicate_key",
    column: contract.key.join(", "),
    failsSql: "",
    message: `an earlier row in this file has the same ${contract.keySql ? "key" : contract.key.join(", ")}`,
  });
  return checks;
}

/**
 * __checked, in file order (so its rowid is the record's position): typed columns, __check = the
 * 1-based index of the first failing row check or NULL, and the original text kept only for rows
 * that failed, which are few.
 */
function checkedSql(contract: Contract, checks: Check[], reader: SourceReader, file: string): string {
  const byName = new Map(reader.columns.map((name) => [name.trim().toLowerCase(), name]));
  const missing = contract.specs.filter((s) => s.required && !byName.has(s.name)).map((s) => s.name);
  if (missing.length > 0) {
    throw new InputError(
      `${file}: missing required column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} for ${contract.table}; nothing from this file was landed`,
    );
  }
  const text = contract.specs.map((s) => {
    const source = byName.get(s.name);
    return `${source === undefined ? "NULL::VARCHAR" : `CAST(${ident(source)} AS VARCHAR)`} AS ${ident(`${s.name}__text`)}`;
  });
  const typed = contract.specs.map((s) => `${typedSql(s, ident(`${s.name}__text`))} AS ${ident(s.name)}`);
  const firstFail = checks
    .slice(0, -1)
    .map((c, i) => `WHEN ${c.failsSql} THEN ${i + 1}`)
    .join(" ");
  const keep = contract.specs.map(
    (s) => `CASE WHEN __check IS NOT NULL THEN ${ident(`${s.name}__text`)} END AS ${ident(`${s.name}__text`)}`,
  );
  return `CREATE OR REPLACE TEMP TABLE __checked AS
    SELECT ${contract.specs.map((s) => ident(s.name)).join(", ")}, __check, ${keep.join(", ")}, __ordinal,
      hash(${keyTerms(contract).join(", ")}) AS __key_hash
    FROM (
      SELECT *, CASE ${firstFail} END AS __check
      FROM (SELECT ${text.join(", ")}, ${typed.join(", ")}, __ordinal FROM ${reader.relation})
    )`;
}

/**
 * Every row after the first with the same key gets the duplicate_key check. Keys are grouped by a
 * 64-bit hash first (cheap on tens of millions of rows); only rows whose hash repeats are compared
 * on the real key, so a hash collision never makes a false duplicate.
 */
async function markDuplicates(db: Warehouse, contract: Contract, duplicateCheck: number): Promise<void> {
  const terms = keyTerms(contract);
  const keyNames = terms.map((_, i) => `__k${i}`).join(", ");
  await db.run(`UPDATE __checked SET __check = ${duplicateCheck} WHERE rowid IN (
    WITH hashed AS (SELECT rowid AS r, __key_hash AS h FROM __checked WHERE __check IS NULL),
    repeated AS (SELECT h FROM hashed GROUP BY h HAVING count(*) > 1),
    candidates AS (
      SELECT c.rowid AS r, ${terms.map((t, i) => `${t} AS __k${i}`).join(", ")}
      FROM __checked c WHERE c.rowid IN (SELECT r FROM hashed WHERE h IN (SELECT h FROM repeated))
    )
    SELECT r FROM (SELECT r, row_number() OVER (PARTITION BY ${keyNames} ORDER BY r) AS n FROM candidates) WHERE n > 1)`);
}

/** Keys upsert across files: rows of other files with a key this load brings are replaced. */
async function replaceKeys(db: Warehouse, contract: Contract, table: string): Promise<void> {
  // Nothing to replace in an empty table: the usual first load of a large file skips the join.
  const existing = await db.one<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
  if (!existing?.n) return;
  const terms = keyTerms(contract);
  const keys = terms.map((t, i) => `${t} AS __k${i}`).join(", ");
  const on = terms.map((_, i) => `t.__k${i} IS NOT DISTINCT FROM c.__k${i}`).join(" AND ");
  await db.run(`DELETE FROM ${table} WHERE rowid IN (
    SELECT t.r FROM (SELECT rowid AS r, ${keys} FROM ${table}) t
    JOIN (SELECT DISTINCT ${keys} FROM __checked WHERE __check IS NULL) c ON ${on})`);
}

/**
 * The source line of each __checked row. CSV records DuckDB rejected are not in __checked, so a
 * record's line adds the rejected records before it (one line per record is assumed).
 */
async function lineSql(db: Warehouse, reader: SourceReader): Promise<string> {
  const ordinal = "coalesce(__ordinal, __checked.rowid)";
  const rejected = reader.collectsRejects ? ((await db.one<{ n: number }>("SELECT count(*) AS n FROM __rejects"))?.n ?? 0) : 0;
  if (rejected === 0) return `${ordinal} + ${reader.firstLine}`;
  await db.run(`CREATE OR REPLACE TEMP TABLE __reject_offsets AS
    SELECT line - ${reader.firstLine} - (row_number() OVER (ORDER BY line) - 1) AS good_before FROM __rejects`);
  return `${ordinal} + ${reader.firstLine} + (SELECT count(*) FROM __reject_offsets o WHERE o.good_before <= ${ordinal})`;
}

function fileHash(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file, { highWaterMark: 1 << 20 })
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")))
      .on("error", reject);
  });
}
