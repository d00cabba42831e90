import { createHash, randomUUID } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { InputError } from "../core/errors.ts";
import { ident, literal, type Warehouse } from "../core/warehouse.ts";
import { type Check, contractChecks, typedSql } from "./checks.ts";
import type { Contract } from "./contract.ts";
import { contracts } from "./contracts/index.ts";
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

/**
 * Lands one file into raw.<table>: every check runs inside DuckDB over the whole file at once; rows
 * that break one go to quarantine.<table> with their line, column and reason. The whole load is one
 * transaction, so a failure part-way leaves the warehouse as it was. The same bytes again are skipped.
 */
export async function landFile(db: Warehouse, contract: Contract, file: string): Promise<LoadResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const base = { table: contract.table, file, read: 0, landed: 0, quarantined: 0, reasons: {} };
  await ensureLandingTables(db, contract);
  const hash = await fileHash(file);
  const bytes = statSync(file).size;
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
      bytes,
      result.read,
      result.landed,
      result.quarantined,
      result.status,
      result.message ?? null,
      startedAt,
      (performance.now() - started) / 1000,
    ]);

  try {
    await stage(db, contract, file);
  } catch (error) {
    const result: LoadResult = { ...base, status: "refused", message: (error as Error).message };
    await record(result);
    return result;
  }
  const checks = await checksFor(db, contract);
  // rowid counts from 0; in a CSV the header is line 1, so the first row is line 2.
  await db.run(checkedSql(contract, checks, /\.csv(\.gz)?$/i.test(file) ? 2 : 1));

  return db.transaction(async () => {
    const table = `raw.${ident(contract.table)}`;
    const quarantine = `quarantine.${ident(contract.table)}`;
    // Defaults apply only here: the checks saw the value as given, so "abc" is bad_type, never silently 1.
    const columns = contract.specs.map((s) => (s.defaultSql ? `coalesce(${ident(s.name)}, ${s.defaultSql})` : ident(s.name))).join(", ");
    const keyMatch = contract.key.map((k) => `c.${ident(k)} IS NOT DISTINCT FROM t.${ident(k)}`).join(" AND ");
    await db.run(`DELETE FROM ${table} WHERE _source_file = $1`, [file]);
    await db.run(`DELETE FROM ${quarantine} WHERE _source_file = $1`, [file]);
    await db.run(`DELETE FROM ${table} t WHERE EXISTS (SELECT 1 FROM __checked c WHERE c.__check IS NULL AND ${keyMatch})`);
    await db.run(`INSERT INTO ${table} SELECT ${columns}, $1, __line, $2 FROM __checked WHERE __check IS NULL ORDER BY __line`, [
      file,
      loadId,
    ]);
    const texts = contract.specs.map((s) => ident(`${s.name}__text`)).join(", ");
    await db.run(
      `INSERT INTO ${quarantine}
       SELECT $1, __line, $2, k.reason, k.column_name, k.message, ${texts}
       FROM __checked JOIN (VALUES ${checks.map((c, i) => `(${i + 1}, ${literal(c.reason)}, ${literal(c.column)}, ${literal(c.message)})`).join(", ")}) AS k(idx, reason, column_name, message)
         ON __checked.__check = k.idx
       ORDER BY __line`,
      [file, loadId],
    );
    const counts = await db.all<{ reason: string | null; n: number }>(
      `SELECT k.reason, count(*) AS n FROM __checked LEFT JOIN (VALUES ${checks.map((c, i) => `(${i + 1}, ${literal(c.reason)})`).join(", ")}) AS k(idx, reason) ON __checked.__check = k.idx GROUP BY ALL ORDER BY 1`,
    );
    const reasons: Record<string, number> = {};
    let landed = 0;
    let quarantined = 0;
    for (const { reason, n } of counts) {
      if (reason === null) landed = n;
      else {
        reasons[reason] = n;
        quarantined += n;
      }
    }
    const result: LoadResult = { ...base, status: "landed", read: landed + quarantined, landed, quarantined, reasons };
    await record(result);
    return result;
  });
}

/** Reads the file with DuckDB's own reader into __stage, every contract column as text. */
async function stage(db: Warehouse, contract: Contract, file: string): Promise<void> {
  const reader = readerSql(file);
  let present: string[];
  try {
    present = (await db.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${reader}`)).map((r) => r.column_name);
  } catch (error) {
    throw new InputError(`${file}: could not be read as ${contract.table}: ${(error as Error).message}`);
  }
  const byName = new Map(present.map((name) => [name.trim().toLowerCase(), name]));
  const missing = contract.specs.filter((s) => s.required && !byName.has(s.name)).map((s) => s.name);
  if (missing.length > 0) {
    throw new InputError(
      `${file}: missing required column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} for ${contract.table}; nothing from this file was landed`,
    );
  }
  const projection = contract.specs.map((s) => {
    const source = byName.get(s.name);
    return `${source === undefined ? "NULL::VARCHAR" : `CAST(${ident(source)} AS VARCHAR)`} AS ${ident(`${s.name}__text`)}`;
  });
  await db.run("DROP TABLE IF EXISTS __stage");
  try {
    await db.run(`CREATE TEMP TABLE __stage AS SELECT ${projection.join(", ")} FROM ${reader}`);
  } catch (error) {
    throw new InputError(`${file}: could not be read as ${contract.table}: ${(error as Error).message}`);
  }
}

/** Contract checks plus the two that need the warehouse: orphans and duplicate keys. */
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
    message: `another row in this file has the same ${contract.key.join(", ")}`,
  });
  return checks;
}

/** __checked: typed columns, the line, and __check = index (1-based) of the first failing check, or NULL. */
function checkedSql(contract: Contract, checks: Check[], firstLine: number): string {
  const typed = contract.specs.map((s) => `${typedSql(s, ident(`${s.name}__text`))} AS ${ident(s.name)}`).join(", ");
  const rowChecks = checks.slice(0, -1);
  const firstFail = rowChecks.map((c, i) => `WHEN ${c.failsSql} THEN ${i + 1}`).join(" ");
  const key = contract.key.map(ident).join(", ");
  return `CREATE OR REPLACE TEMP TABLE __checked AS
    WITH typed AS (SELECT __stage.rowid AS __row, *, ${typed} FROM __stage),
    first_fail AS (SELECT *, CASE ${firstFail} END AS __check FROM typed)
    SELECT * REPLACE (
      CASE WHEN __check IS NULL AND row_number() OVER (PARTITION BY __check IS NULL, ${key} ORDER BY __row) > 1
           THEN ${checks.length} ELSE __check END AS __check
    ), __row + ${firstLine} AS __line
    FROM first_fail`;
}

function readerSql(file: string): string {
  const path = literal(file);
  if (/\.(nd)?jsonl?(\.gz)?$/i.test(file) || /\.ndjson(\.gz)?$/i.test(file)) {
    return `read_json(${path}, format = 'newline_delimited')`;
  }
  if (/\.parquet$/i.test(file)) return `read_parquet(${path})`;
  if (/\.csv(\.gz)?$/i.test(file)) return `read_csv(${path}, header = true, all_varchar = true)`;
  throw new InputError(`${file}: unknown file type (expected .csv, .ndjson, .jsonl or .parquet, optionally .gz)`);
}

function fileHash(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")))
      .on("error", reject);
  });
}
