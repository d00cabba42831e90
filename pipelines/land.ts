import { randomUUID } from "node:crypto";
import { statSync } from "node:fs";
import { InputError } from "../core/errors.ts";
import { ident, literal, type Warehouse } from "../core/warehouse.ts";
import { type Check, contractChecks, typedSql } from "./checks.ts";
import { type Contract, keyTerms, keyTermsOf } from "./contract.ts";
import { contracts } from "./contracts/index.ts";
import { openMappedReader } from "./mappings/reader.ts";
import { openReader, type Reconciled, type SourceReader } from "./readers.ts";
import { fileStamp, type Source, sourceHash, sourcePath } from "./source.ts";
import { ensureLandingTables } from "./schema.ts";
import { latestLandedLoadsSql } from "./loads.ts";
import { openSourceFile, type SourceFile } from "./source-file.ts";

export interface LoadResult {
  table: string;
  file: string;
  status: "landed" | "skipped" | "refused";
  read: number;
  landed: number;
  quarantined: number;
  /** quarantined rows by reason, e.g. { bad_type: 2, orphan: 1 } */
  reasons: Record<string, number>;
  /** Rows a vendor mapping read but did not land, by its declared reason (deleted at source, test mode, …). */
  dropped: Record<string, number>;
  /** Rows a vendor mapping made beyond the file's records (one Stripe item is two lines where a coupon ends). */
  split?: number;
  message?: string;
}

export interface LandOptions {
  /** Called with DuckDB's estimate (0–1) while the file is read and checked. */
  onProgress?: (fraction: number) => void;
  /** The business time zone: instants become dates and wall-clock times there (default UTC). */
  timeZone?: string;
  /** Land even when the file is unchanged (its orphans may have found their parents). */
  force?: boolean;
  /** Read the file to hash it even when its stamp says it is the one last landed (--full-refresh). */
  reread?: boolean;
}

/** A record that could not be split into the header's columns (wrong field count, a stray quote, not UTF-8, not JSON). */
const MALFORMED = "malformed_record";

/**
 * Lands one file into raw.<table>. One pass of DuckDB's reader types every value and finds each row's
 * first failing check, while our own scan counts the records the file really holds; the two must
 * agree or the file is refused whole. Failing rows go to quarantine.<table> with their line, column,
 * reason and original text. raw, quarantine, shadow and meta change in one transaction, so a failure
 * part-way leaves the warehouse as it was. The same bytes again are skipped.
 */
export async function landFile(db: Warehouse, contract: Contract, from: Source, options: LandOptions = {}): Promise<LoadResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const file = sourcePath(from);
  const base = { table: contract.table, file, read: 0, landed: 0, quarantined: 0, reasons: {}, dropped: {} };
  await ensureLandingTables(db, contract);
  // Stamped before it is read: a file that changes while it lands is read again next time.
  const stamp = fileStamp(from);
  const previous = await db.one<{ content_hash: string; file_stamp: string | null }>(
    `SELECT content_hash, file_stamp FROM (${latestLandedLoadsSql("table_name = $1 AND file = $2")}) AS l`,
    [contract.table, file],
  );
  const hash = await sourceHash(from, options.force || options.reread ? undefined : previous);
  if (previous?.content_hash === hash && !options.force) return { ...base, status: "skipped", message: "unchanged since its last load" };

  const loadId = randomUUID();
  const dropped = (result: LoadResult) => Object.values(result.dropped).reduce((a, b) => a + b, 0);
  const record = (result: LoadResult) =>
    db.run(
      `INSERT INTO meta.loads (load_id, table_name, file, content_hash, bytes, rows_read, rows_landed, rows_quarantined, status,
        message, started_at, seconds, rows_dropped, dropped, mapping, file_stamp, rows_split)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::TIMESTAMP, $12, $13, $14, $15, $16, $17)`,
      [
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
        dropped(result),
        dropped(result) ? JSON.stringify(result.dropped) : null,
        typeof from === "string" ? null : from.mapping.manifest.format,
        stamp,
        result.split ?? 0,
      ],
    );

  // Reading and checking write only temp tables; raw, quarantine, shadow and meta change in the transaction below.
  let checks: Check[] = [];
  let reconciled: Reconciled;
  let source: SourceFile | undefined;
  let droppedRows: Record<string, number> = {};
  try {
    let reader: SourceReader;
    if (typeof from === "string") {
      source = await openSourceFile(file);
      reader = await openReader(
        db,
        source,
        contract.specs.map((s) => s.name),
      );
    } else {
      const mapped = await openMappedReader(db, from, contract, options.timeZone ?? "UTC");
      droppedRows = mapped.dropped;
      reader = mapped;
    }
    checks = [...(reader.extraChecks ?? []), ...(await checksFor(db, contract))];
    const threads = reader.singleThreaded ? (await db.one<{ t: number }>("SELECT current_setting('threads') AS t"))?.t : undefined;
    if (threads !== undefined) await db.run("SET threads = 1");
    try {
      await db.runWithProgress(checkedSql(contract, checks, reader, file, options.timeZone ?? "UTC"), options.onProgress ?? (() => {}));
    } finally {
      if (threads !== undefined) await db.run(`SET threads = ${Number(threads)}`);
    }
    reconciled = await reader.reconcile("__checked");
    await requireKeys(db, contract, reader, reconciled, file);
  } catch (error) {
    const message =
      error instanceof InputError ? error.message : `${file}: could not be read as ${contract.table}: ${(error as Error).message}`;
    const result: LoadResult = { ...base, status: "refused", message };
    await record(result);
    return result;
  } finally {
    source?.cleanup();
  }
  if (reconciled.malformedRows.length) {
    await db.run(`UPDATE __checked SET __check = -1 WHERE rowid IN (${reconciled.malformedRows.join(", ")})`);
  }
  await markDuplicates(db, contract, checks.length);
  await writeMalformed(db, reconciled);

  return db.transaction(async () => {
    const table = `raw.${ident(contract.table)}`;
    const quarantine = `quarantine.${ident(contract.table)}`;
    // Defaults apply only here: the checks saw the value as given, so "abc" is bad_type, never silently 1.
    const columns = contract.specs.map((s) => (s.defaultSql ? `coalesce(c.${ident(s.name)}, ${s.defaultSql})` : `c.${ident(s.name)}`));
    const rows = `(SELECT *, rowid AS __r FROM __checked) AS c ${reconciled.lineJoin}`;
    await forgetFile(db, contract, file);
    await shadowKeys(db, contract);
    await db.run(`INSERT INTO ${table} SELECT ${columns.join(", ")}, $1, ${reconciled.lineSql}, $2 FROM ${rows} WHERE c.__check IS NULL`, [
      file,
      loadId,
    ]);
    await restoreKeys(db, contract);
    // A duplicate passed every other check, so its typed values stand in for its text.
    const texts = contract.specs.map((s) => `coalesce(c.${ident(`${s.name}__text`)}, CAST(c.${ident(s.name)} AS VARCHAR))`).join(", ");
    const reasons = checks.map((k, i) => `(${i + 1}, ${literal(k.reason)}, ${literal(k.column)}, ${literal(k.message)})`).join(", ");
    await db.run(
      `INSERT INTO ${quarantine}
       SELECT $1, ${reconciled.lineSql}, $2, k.reason, k.column_name, k.message, NULL, ${texts}
       FROM (SELECT *, rowid AS __r FROM __checked WHERE __check IS NOT NULL) AS c ${reconciled.lineJoin}
       JOIN (VALUES ${reasons}) AS k(idx, reason, column_name, message) ON c.__check = k.idx
       ORDER BY c.__r`,
      [file, loadId],
    );
    const nulls = contract.specs.map(() => "NULL").join(", ");
    await db.run(
      `INSERT INTO ${quarantine} SELECT $1, line, $2, ${literal(MALFORMED)}, NULL, message, text, ${nulls} FROM __malformed ORDER BY line`,
      [file, loadId],
    );
    const counts = await db.all<{ reason: string; n: number }>(
      `SELECT reason, count(*) AS n FROM ${quarantine} WHERE _load_id = $1 GROUP BY reason ORDER BY reason`,
      [loadId],
    );
    const landed = (await db.one<{ n: number }>("SELECT count(*) AS n FROM __checked WHERE __check IS NULL"))?.n ?? 0;
    const quarantined = counts.reduce((sum, c) => sum + c.n, 0);
    const droppedCount = Object.values(droppedRows).reduce((a, b) => a + b, 0);
    const split = reconciled.split ?? 0;
    if (landed + quarantined + droppedCount !== reconciled.read + split) {
      throw new Error(
        `${file}: ${reconciled.read} records read${split ? ` (made ${split} more rows by splitting)` : ""} but ${landed} landed, ${quarantined} quarantined and ${droppedCount} dropped (a bug: nothing was landed)`,
      );
    }
    const result: LoadResult = {
      ...base,
      status: "landed",
      read: reconciled.read,
      landed,
      quarantined,
      reasons: Object.fromEntries(counts.map((c) => [c.reason, c.n])),
      dropped: droppedRows,
      split,
    };
    await record(result);
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
function checkedSql(contract: Contract, checks: Check[], reader: SourceReader, file: string, timeZone: string): string {
  const byName = new Map<string, string>();
  for (const name of reader.columns) {
    const key = name.trim().toLowerCase();
    const other = byName.get(key);
    if (other !== undefined)
      throw new InputError(`${file}: columns "${other}" and "${name}" are the same column in a different case; keep one`);
    byName.set(key, name);
  }
  const missing = contract.specs.filter((s) => s.required && !byName.has(s.name)).map((s) => s.name);
  if (missing.length > 0) {
    throw new InputError(
      `${file}: missing required column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} for ${contract.table} (the file has ${reader.columns.map((c) => `"${c}"`).join(", ")}); nothing from this file was landed`,
    );
  }
  const text = contract.specs.map((s) => {
    const source = byName.get(s.name);
    return `${source === undefined ? "NULL::VARCHAR" : `CAST(${ident(source)} AS VARCHAR)`} AS ${ident(`${s.name}__text`)}`;
  });
  const typed = contract.specs.map((s) => `${typedSql(s, ident(`${s.name}__text`), timeZone)} AS ${ident(s.name)}`);
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
      FROM (SELECT ${text.join(", ")}, ${typed.join(", ")}, ${[...(reader.extraColumns ?? []), "__ordinal"].join(", ")} FROM ${reader.relation})
    )`;
}

/** NDJSON has no header to check: a required key that no record has is a missing column all the same. */
async function requireKeys(db: Warehouse, contract: Contract, reader: SourceReader, reconciled: Reconciled, file: string): Promise<void> {
  if (reader.format !== "ndjson" || reconciled.read === reconciled.malformed.length) return;
  const required = contract.specs.filter((s) => s.required);
  const present = await db.one(
    `SELECT ${required.map((s) => `count(${ident(`${s.name}`)}) + count(${ident(`${s.name}__text`)}) AS ${ident(s.name)}`).join(", ")} FROM __checked`,
  );
  const missing = required.filter((s) => !Number(present?.[s.name] ?? 0)).map((s) => s.name);
  if (missing.length) {
    throw new InputError(
      `${file}: no record has the required key${missing.length > 1 ? "s" : ""} ${missing.join(", ")} for ${contract.table}; nothing from this file was landed`,
    );
  }
}

/**
 * Every row after the first with the same key gets the duplicate_key check. Keys are grouped by a
 * 64-bit hash first (cheap on tens of millions of rows); only rows whose hash repeats are compared
 * on the real key, so a hash collision never makes a false duplicate. "First" is file order.
 */
async function markDuplicates(db: Warehouse, contract: Contract, duplicateCheck: number): Promise<void> {
  const terms = keyTerms(contract);
  const keyNames = terms.map((_, i) => `__k${i}`).join(", ");
  await db.run(`UPDATE __checked SET __check = ${duplicateCheck} WHERE rowid IN (
    WITH hashed AS (SELECT rowid AS r, __key_hash AS h FROM __checked WHERE __check IS NULL),
    repeated AS (SELECT h FROM hashed GROUP BY h HAVING count(*) > 1),
    candidates AS (
      SELECT c.rowid AS r, coalesce(c.__ordinal, c.rowid) AS pos, ${terms.map((t, i) => `${t} AS __k${i}`).join(", ")}
      FROM __checked c WHERE c.rowid IN (SELECT r FROM hashed WHERE h IN (SELECT h FROM repeated))
    )
    SELECT r FROM (SELECT r, row_number() OVER (PARTITION BY ${keyNames} ORDER BY pos) AS n FROM candidates) WHERE n > 1)`);
}

async function writeMalformed(db: Warehouse, reconciled: Reconciled): Promise<void> {
  await db.run("CREATE OR REPLACE TEMP TABLE __malformed (line BIGINT, message VARCHAR, text VARCHAR)");
  const rows = reconciled.malformed;
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500);
    await db.run(
      `INSERT INTO __malformed VALUES ${batch.map(() => "(?, ?, ?)").join(", ")}`,
      batch.flatMap((m) => [m.line, m.message, m.text]),
    );
  }
}

/** The key terms of rows aliased `alias`, named __k0, __k1, … so that two relations can be matched on them. */
const keyColumns = (contract: Contract, alias: string) => keyTermsOf(contract, alias).map((t, i) => `${t} AS __k${i}`);
const keyMatch = (contract: Contract, a: string, b: string) =>
  keyTerms(contract)
    .map((_, i) => `${a}.__k${i} IS NOT DISTINCT FROM ${b}.__k${i}`)
    .join(" AND ");

/**
 * The rows a file brought before leave raw, shadow and quarantine; the keys it held in raw are kept in
 * __released so that, if the new version no longer holds them, another file's copy can come back.
 */
async function forgetFile(db: Warehouse, contract: Contract, file: string): Promise<void> {
  const table = ident(contract.table);
  await db.run(
    `CREATE OR REPLACE TEMP TABLE __released AS SELECT DISTINCT ${keyColumns(contract, "t").join(", ")} FROM raw.${table} t WHERE t._source_file = $1`,
    [file],
  );
  for (const schema of ["raw", "shadow", "quarantine"]) await db.run(`DELETE FROM ${schema}.${table} WHERE _source_file = $1`, [file]);
}

/**
 * Keys upsert across files: a row of another file whose key this load brings moves to shadow.<table>,
 * where it waits in case the newer file stops holding that key.
 */
async function shadowKeys(db: Warehouse, contract: Contract): Promise<void> {
  const table = ident(contract.table);
  // Nothing to replace in an empty table: the usual first load of a large file skips the join.
  const existing = await db.one<{ n: number }>(`SELECT count(*) AS n FROM raw.${table}`);
  if (!existing?.n) return;
  await db.run(`CREATE OR REPLACE TEMP TABLE __replaced AS
    SELECT t.r FROM (SELECT rowid AS r, ${keyColumns(contract, "x").join(", ")} FROM raw.${table} x) t
    JOIN (SELECT DISTINCT ${keyColumns(contract, "c").join(", ")} FROM __checked c WHERE c.__check IS NULL) c ON ${keyMatch(contract, "t", "c")}`);
  if (!(await db.one<{ n: number }>("SELECT count(*) AS n FROM __replaced"))?.n) return;
  await db.run(`INSERT INTO shadow.${table} SELECT * FROM raw.${table} WHERE rowid IN (SELECT r FROM __replaced)`);
  await db.run(`DELETE FROM raw.${table} WHERE rowid IN (SELECT r FROM __replaced)`);
}

/**
 * Keys the file held before and no longer holds: the newest other file that still holds one (by the
 * order files were landed, then load id) gives its row back to raw.
 */
async function restoreKeys(db: Warehouse, contract: Contract): Promise<void> {
  if (!(await db.one<{ n: number }>("SELECT count(*) AS n FROM __released"))?.n) return;
  const table = ident(contract.table);
  const shadowed = (await db.one<{ n: number }>(`SELECT count(*) AS n FROM shadow.${table}`))?.n ?? 0;
  if (!shadowed) return;
  await db.run(`CREATE OR REPLACE TEMP TABLE __restored AS
    WITH candidates AS (
      SELECT s.rowid AS r, ${keyColumns(contract, "s").join(", ")}, l.started_at, s._load_id
      FROM shadow.${table} s JOIN meta.loads l ON l.load_id = s._load_id
    ),
    released AS (
      SELECT * FROM __released r
      WHERE NOT EXISTS (SELECT 1 FROM (SELECT ${keyColumns(contract, "t").join(", ")} FROM raw.${table} t) t WHERE ${keyMatch(contract, "t", "r")})
    )
    SELECT c.r FROM candidates c JOIN released r ON ${keyMatch(contract, "c", "r")}
    QUALIFY row_number() OVER (PARTITION BY ${keyTerms(contract)
      .map((_, i) => `c.__k${i}`)
      .join(", ")} ORDER BY c.started_at DESC, c._load_id DESC) = 1`);
  await db.run(`INSERT INTO raw.${table} SELECT * FROM shadow.${table} WHERE rowid IN (SELECT r FROM __restored)`);
  await db.run(`DELETE FROM shadow.${table} WHERE rowid IN (SELECT r FROM __restored)`);
}
