import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../core/errors.ts";
import { info } from "../core/log.ts";
import { ident, Warehouse } from "../core/warehouse.ts";
import type { Contract } from "./contract.ts";
import { contracts, type TableName } from "./contracts/index.ts";
import type { LandOptions, LoadResult } from "./land.ts";
import { latestLandedFiles } from "./loads.ts";
import { type Source, sourceHash, sourcePath } from "./source.ts";
import { ensureLandingTables } from "./schema.ts";

type LandTable = (
  db: Warehouse,
  table: TableName,
  files: readonly Source[],
  options: Pick<LandOptions, "timeZone" | "reread">,
) => Promise<LoadResult[]>;

const LANDING_SCHEMAS = ["raw", "shadow", "quarantine"] as const;

/**
 * Landing on an engine that cannot read the files itself (PostgreSQL): the same landing code — record
 * count, contracts, quarantine, key history — runs in an embedded DuckDB that holds this table's
 * landing state copied out of the warehouse (its raw, shadow and quarantine rows and its loads, and
 * the raw tables it references), and the table's new state is copied back in with COPY, in one
 * transaction. Files unchanged since their last load are skipped without copying anything.
 */
export async function relayTable(
  db: Warehouse,
  table: TableName,
  files: readonly Source[],
  options: Pick<LandOptions, "timeZone" | "reread">,
  landTable: LandTable,
): Promise<LoadResult[]> {
  const contract = contracts[table] as Contract;
  if (db.rawTablesFrom) {
    if (files.length) {
      throw new InputError(
        `${db.path}: raw tables are read from the schema ${db.rawTablesFrom} (?raw=), so ${sourcePath(files[0] as Source)} was not landed; drop ?raw= to land files`,
      );
    }
    if (!(await db.tableExists("raw", table))) {
      throw new InputError(
        `${db.path}: ${db.rawTablesFrom}.${table} does not exist; the models read it (see docs/contracts.md for its columns)`,
      );
    }
    return [];
  }
  await ensureLandingTables(db, contract);
  const unchanged = await unchangedFiles(db, contract, files, options.reread === true);
  if (unchanged) {
    for (const file of files) info(`  ${table.padEnd(18)} skipped  ${sourcePath(file)}`);
    return files.map((file) => ({
      table,
      file: sourcePath(file),
      status: "skipped",
      read: 0,
      landed: 0,
      quarantined: 0,
      reasons: {},
      dropped: {},
      message: "unchanged since its last load",
    }));
  }
  let results: LoadResult[] = [];
  await relayThrough(db, contract, async (scratch) => {
    results = await landTable(scratch, table, files, options);
    return !results.every((r) => r.status === "skipped");
  });
  return results;
}

/**
 * Copies one table's landing state into an embedded DuckDB, runs `work` there, and when it says it
 * changed something copies the table's state back in one transaction.
 */
export async function relayThrough(db: Warehouse, contract: Contract, work: (scratch: Warehouse) => Promise<boolean>): Promise<void> {
  const table = contract.table;
  const dir = mkdtempSync(join(tmpdir(), "bw-relay-"));
  const scratch = await Warehouse.open(":memory:");
  let step = 0;
  const copy = async (from: Warehouse, to: Warehouse, sql: string, target: string) => {
    const file = join(dir, `${step++}.csv`);
    await from.exportCsv(sql, file);
    await to.importCsv(target, file);
  };
  try {
    await ensureLandingTables(scratch, contract);
    for (const parent of new Set(Object.values(contract.references ?? {}))) {
      await ensureLandingTables(scratch, contracts[parent as TableName] as Contract);
      await copy(db, scratch, `SELECT * FROM raw.${ident(parent)}`, `raw.${ident(parent)}`);
    }
    for (const schema of LANDING_SCHEMAS) await copy(db, scratch, `SELECT * FROM ${schema}.${ident(table)}`, `${schema}.${ident(table)}`);
    await copy(db, scratch, `SELECT * FROM meta.loads WHERE table_name = '${table}'`, "meta.loads");
    if (!(await work(scratch))) return;
    await db.transaction(async () => {
      for (const schema of LANDING_SCHEMAS) {
        await db.run(`DELETE FROM ${schema}.${ident(table)}`);
        await copy(scratch, db, `SELECT * FROM ${schema}.${ident(table)}`, `${schema}.${ident(table)}`);
      }
      await db.run("DELETE FROM meta.loads WHERE table_name = $1", [table]);
      await copy(scratch, db, `SELECT * FROM meta.loads WHERE table_name = '${table}'`, "meta.loads");
    });
  } finally {
    await scratch.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * True when every file is byte for byte what its last load landed and no quarantined orphan could
 * have found its parent since: nothing would change, so nothing needs copying.
 */
async function unchangedFiles(db: Warehouse, contract: Contract, files: readonly Source[], reread: boolean): Promise<boolean> {
  if (contract.references && Object.keys(contract.references).length) {
    const orphans = await db.one<{ n: number }>(`SELECT count(*) AS n FROM quarantine.${ident(contract.table)} WHERE reason = 'orphan'`);
    if (orphans?.n) return false;
  }
  const landed = new Map((await latestLandedFiles(db, contract.table)).map((l) => [l.file, l]));
  for (const file of files) {
    const previous = landed.get(sourcePath(file));
    if (!previous || previous.content_hash !== (await sourceHash(file, reread ? undefined : previous))) return false;
  }
  return true;
}
