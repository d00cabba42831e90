import { statSync } from "node:fs";
import { basename } from "node:path";
import { dependencyOrder } from "../core/graph.ts";
import { info, percent, warn } from "../core/log.ts";
import type { Warehouse } from "../core/warehouse.ts";
import type { Contract } from "./contract.ts";
import { contracts, type TableName } from "./contracts/index.ts";
import { type LoadResult, landFile } from "./land.ts";
import { ensureLandingTables } from "./schema.ts";

const LARGE_FILE_BYTES = 32 * 1024 * 1024;

/** Tables in an order where every referenced table lands before the tables that point at it. */
export function landingOrder(): TableName[] {
  const tables = Object.keys(contracts) as TableName[];
  const references = (table: TableName): string[] => Object.values((contracts[table] as Contract).references ?? {});
  return dependencyOrder(tables, (t) => t, references, "contract references");
}

/**
 * Lands every file of every table. Tables with no file are created empty with a warning, so
 * everything downstream can say "no data" instead of failing.
 */
export async function ingest(db: Warehouse, sources: Map<TableName, string[]>): Promise<LoadResult[]> {
  const results: LoadResult[] = [];
  for (const table of landingOrder()) results.push(...(await landTable(db, table, sources.get(table) ?? [])));
  return results;
}

/** Lands one table's files, in order; with none, the table is created empty (or kept) with a warning. */
export async function landTable(db: Warehouse, table: TableName, files: readonly string[]): Promise<LoadResult[]> {
  if (files.length === 0) {
    warn(`no file for ${table}: it stays as it was (empty on a new warehouse)`);
    await ensureLandingTables(db, contracts[table]);
    return [];
  }
  const results: LoadResult[] = [];
  for (const file of files) {
    // A bar for files big enough to wait for; a line per file otherwise.
    const big = statSync(file).size > LARGE_FILE_BYTES;
    const result = await landFile(db, contracts[table], file, big ? { onProgress: percent(`${table} ← ${basename(file)}`) } : {});
    info(`  ${table.padEnd(18)} ${result.status.padEnd(8)} ${file}`);
    results.push(result);
  }
  return results;
}
