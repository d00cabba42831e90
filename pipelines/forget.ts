import { InputError } from "../core/errors.ts";
import { ident, type Warehouse } from "../core/warehouse.ts";
import { type Contract } from "./contract.ts";
import { contracts, type TableName } from "./contracts/index.ts";
import { relayThrough } from "./relay.ts";
import { unshadow } from "./repair.ts";
import { ensureLandingTables } from "./schema.ts";

/** What forgetting one file removed from one table. */
export interface Forgotten {
  table: TableName;
  rows: number;
  quarantined: number;
}

/**
 * DESIGN "Landing contracts": `ingest --forget FILE` removes one landed file's rows (raw, shadow and
 * quarantine) on purpose, and its loads are marked forgotten (kept as history, never read as landed).
 * A key that file had taken from an older file gets the older file's row back, as when a file drops it.
 */
export async function forgetLandedFile(db: Warehouse, file: string): Promise<Forgotten[]> {
  const tables = (await db.tableExists("meta", "loads"))
    ? (
        await db.all<{ table_name: TableName }>(
          "SELECT DISTINCT table_name FROM meta.loads WHERE file = $1 AND status = 'landed' ORDER BY 1",
          [file],
        )
      ).map((r) => r.table_name)
    : [];
  if (tables.length === 0)
    throw new InputError(`${file}: no landed load of this file in ${db.path} (paths are compared as given, made absolute)`);
  const forgotten: Forgotten[] = [];
  for (const table of tables) {
    const counts = await db.one<{ rows: number; quarantined: number }>(
      `SELECT (SELECT count(*) FROM raw.${ident(table)} WHERE _source_file = $1) AS rows,
         (SELECT count(*) FROM quarantine.${ident(table)} WHERE _source_file = $1) AS quarantined`,
      [file],
    );
    const forget = async (target: Warehouse) => {
      await ensureLandingTables(target, contracts[table]);
      await target.transaction(async () => {
        for (const schema of ["raw", "shadow", "quarantine"])
          await target.run(`DELETE FROM ${schema}.${ident(table)} WHERE _source_file = $1`, [file]);
        await target.run(
          "UPDATE meta.loads SET status = 'forgotten' WHERE table_name = $1 AND file = $2 AND status IN ('landed', 'damaged')",
          [table, file],
        );
        await unshadow(target, contracts[table] as Contract);
      });
      return true;
    };
    // Shadow rows come back by DuckDB's row ids: an engine that relays its landing forgets through the relay too.
    if (db.landsInPlace) await forget(db);
    else await relayThrough(db, contracts[table] as Contract, forget);
    forgotten.push({ table, rows: Number(counts?.rows ?? 0), quarantined: Number(counts?.quarantined ?? 0) });
  }
  return forgotten;
}
