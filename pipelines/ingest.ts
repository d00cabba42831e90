import { existsSync, statSync } from "node:fs";
import { basename } from "node:path";
import { dependencyOrder } from "../core/graph.ts";
import { info, percent, warn } from "../core/log.ts";
import { ident, type Warehouse } from "../core/warehouse.ts";
import type { Contract } from "./contract.ts";
import { contracts, type TableName } from "./contracts/index.ts";
import { type LandOptions, type LoadResult, landFile } from "./land.ts";
import { relayTable } from "./relay.ts";
import { repairLoads } from "./repair.ts";
import { ensureLandingTables } from "./schema.ts";
import { latestLandedFiles, vanishedFiles } from "./loads.ts";
import { type Source, sourcePath } from "./source.ts";

const LARGE_FILE_BYTES = 32 * 1024 * 1024;

/** Tables in an order where every referenced table lands before the tables that point at it. */
export function landingOrder(): TableName[] {
  const tables = Object.keys(contracts) as TableName[];
  const references = (table: TableName): string[] => Object.values((contracts[table] as Contract).references ?? {});
  return dependencyOrder(tables, (t) => t, references, "contract references");
}

export type IngestOptions = Pick<LandOptions, "timeZone" | "reread"> & {
  /** A dry run lands into a scratch warehouse: its lines say what would happen, not what did. */
  dryRun?: boolean;
};

/**
 * Lands every file of every table. Tables with no file are created empty with a warning, so
 * everything downstream can say "no data" instead of failing.
 */
export async function ingest(
  db: Warehouse,
  sources: ReadonlyMap<TableName, readonly Source[]>,
  options: IngestOptions = {},
): Promise<LoadResult[]> {
  const results: LoadResult[] = [];
  for (const table of landingOrder()) results.push(...(await landTable(db, table, sources.get(table) ?? [], options)));
  return results;
}

/**
 * Lands one table's files, in order; with none, the table is created empty (or kept) with a warning.
 * A file landed before whose quarantined orphans now have their parent lands again, even when it is
 * unchanged and not among `files`: the row it held back belongs in raw now. Either way, landed files
 * no longer on disk are named.
 */
export async function landTable(
  db: Warehouse,
  table: TableName,
  files: readonly Source[],
  options: IngestOptions = {},
): Promise<LoadResult[]> {
  const results = db.landsInPlace ? await landInPlace(db, table, files, options) : await relayTable(db, table, files, options, landInPlace);
  if (await db.tableExists("meta", "loads")) await nameVanishedFiles(db, table);
  return results;
}

async function landInPlace(db: Warehouse, table: TableName, files: readonly Source[], options: IngestOptions): Promise<LoadResult[]> {
  await ensureLandingTables(db, contracts[table]);
  const damaged = await repairLoads(db, contracts[table]);
  const orphaned = await filesWithFoundOrphans(db, contracts[table]);
  const given = new Set(files.map(sourcePath));
  // A vendor file can land again only through its mapping, which only the sources given know.
  const mapped = new Set(
    (await db.all<{ file: string }>("SELECT DISTINCT file FROM meta.loads WHERE table_name = $1 AND mapping IS NOT NULL", [table])).map(
      (r) => r.file,
    ),
  );
  const extra = [...new Set([...damaged, ...orphaned])].filter((f) => !given.has(f) && !mapped.has(f) && existsSync(f));
  if (files.length === 0 && extra.length === 0) {
    warn(`no file for ${table}: it stays as it was (empty on a new warehouse)`);
    return [];
  }
  const results: LoadResult[] = [];
  for (const source of [...files, ...extra]) {
    const file = sourcePath(source);
    // A bar for files big enough to wait for; a line per file otherwise.
    const big = statSync(file).size > LARGE_FILE_BYTES;
    const result = await landFile(db, contracts[table], source, {
      ...options,
      force: orphaned.includes(file),
      ...(big ? { onProgress: percent(`${table} ← ${basename(file)}`) } : {}),
    });
    const via = typeof source === "string" ? "" : ` (${source.mapping.manifest.format} mapping)`;
    const status = options.dryRun ? { landed: "would land", skipped: "would skip", refused: "refused" }[result.status] : result.status;
    info(`  ${table.padEnd(18)} ${status.padEnd(8)} ${file}${via}${orphaned.includes(file) ? " (orphans found their parent)" : ""}`);
    results.push(result);
  }
  return results;
}

/**
 * DESIGN "Landing contracts": a file that was landed and is no longer where it was keeps its rows
 * (teams rotate their exports); every build names it and says so, rather than calling the table fresh.
 */
async function nameVanishedFiles(db: Warehouse, table: TableName): Promise<void> {
  for (const { file, rows_landed } of vanishedFiles(await latestLandedFiles(db, table))) {
    warn(
      `${table}: ${file} was landed and is no longer there: its ${Number(rows_landed).toLocaleString("en-US")} row(s) stay in raw.${table}, as they do when exports are rotated`,
    );
  }
}

/** Files with a row quarantined as an orphan whose parent key is in raw now. */
async function filesWithFoundOrphans(db: Warehouse, contract: Contract): Promise<string[]> {
  const found = new Set<string>();
  for (const [column, target] of Object.entries(contract.references ?? {})) {
    const key = contracts[target as TableName].key[0] ?? column;
    if (!(await db.tableExists("raw", target))) continue;
    const rows = await db.all<{ file: string }>(
      `SELECT DISTINCT q._source_file AS file FROM quarantine.${ident(contract.table)} q
       WHERE q.reason = 'orphan' AND trim(q.${ident(column)}) IN (SELECT ${ident(key)} FROM raw.${ident(target)})
       ORDER BY file`,
    );
    for (const r of rows) found.add(r.file);
  }
  return [...found];
}
