import { warn } from "../core/log.ts";
import { ident, type Warehouse } from "../core/warehouse.ts";
import { type Contract, keyTermsOf, sameKey } from "./contract.ts";
import { latestLandedLoadsSql } from "./loads.ts";

/**
 * Checks that raw, shadow and quarantine hold exactly what meta.loads says each file's last load
 * brought, and puts right what a process killed while committing left behind (a kill has been seen
 * to keep a load's meta row while its rows were lost). A file whose rows do not match its last load
 * loses them all and its loads are marked damaged, so it lands again whole; a key left only in shadow
 * comes back to raw. Returns the files to land again.
 */
export async function repairLoads(db: Warehouse, contract: Contract): Promise<string[]> {
  const table = ident(contract.table);
  const counts = (schema: string) =>
    `SELECT _source_file AS file, _load_id AS load_id, count(*) AS n FROM ${schema}.${table} GROUP BY _source_file, _load_id`;
  const damaged = await db.all<{ file: string }>(
    `WITH latest AS (
       SELECT file, load_id, rows_landed, rows_quarantined FROM (${latestLandedLoadsSql("table_name = $1")}) AS l
     ),
     kept AS (SELECT file, load_id, sum(n) AS n FROM (${counts("raw")} UNION ALL ${counts("shadow")}) GROUP BY file, load_id),
     held AS (${counts("quarantine")}),
     files AS (SELECT file FROM latest UNION SELECT file FROM kept UNION SELECT file FROM held)
     SELECT f.file FROM files f
     LEFT JOIN latest l ON l.file = f.file
     WHERE EXISTS (SELECT 1 FROM kept k WHERE k.file = f.file AND k.load_id IS DISTINCT FROM l.load_id)
        OR EXISTS (SELECT 1 FROM held h WHERE h.file = f.file AND h.load_id IS DISTINCT FROM l.load_id)
        OR coalesce((SELECT n FROM kept k WHERE k.file = f.file AND k.load_id = l.load_id), 0) <> coalesce(l.rows_landed, 0)
        OR coalesce((SELECT n FROM held h WHERE h.file = f.file AND h.load_id = l.load_id), 0) <> coalesce(l.rows_quarantined, 0)
     ORDER BY f.file`,
    [contract.table],
  );
  const files = damaged.map((d) => d.file);
  if (files.length === 0 && !(await strandedInShadow(db, contract))) return [];
  await db.transaction(async () => {
    for (const file of files) {
      warn(`${contract.table}: the rows of ${file} do not match its last load (a process stopped while landing it?); it lands again`);
      for (const schema of ["raw", "shadow", "quarantine"]) await db.run(`DELETE FROM ${schema}.${table} WHERE _source_file = $1`, [file]);
      await db.run("UPDATE meta.loads SET status = 'damaged' WHERE table_name = $1 AND file = $2 AND status = 'landed'", [
        contract.table,
        file,
      ]);
    }
    await unshadow(db, contract);
  });
  return files;
}

async function strandedInShadow(db: Warehouse, contract: Contract): Promise<boolean> {
  const table = ident(contract.table);
  const row = await db.one<{ n: number }>(
    `SELECT count(*) AS n FROM shadow.${table} s WHERE NOT EXISTS (
       SELECT 1 FROM raw.${table} r WHERE ${sameKey(contract, "r", "s")})`,
  );
  return Boolean(row?.n);
}

/** Shadow holds only rows displaced by a row in raw: a key with no row in raw gets its newest shadow row back. */
export async function unshadow(db: Warehouse, contract: Contract): Promise<void> {
  const table = ident(contract.table);
  const same = sameKey(contract, "r", "s");
  await db.run(`CREATE OR REPLACE TEMP TABLE __unshadow AS
    SELECT s.rowid AS r FROM shadow.${table} s LEFT JOIN meta.loads l ON l.load_id = s._load_id
    WHERE NOT EXISTS (SELECT 1 FROM raw.${table} r WHERE ${same})
    QUALIFY row_number() OVER (PARTITION BY ${keyTermsOf(contract, "s").join(", ")} ORDER BY l.started_at DESC NULLS LAST, s._load_id DESC) = 1`);
  await db.run(`INSERT INTO raw.${table} SELECT * FROM shadow.${table} WHERE rowid IN (SELECT r FROM __unshadow)`);
  await db.run(`DELETE FROM shadow.${table} WHERE rowid IN (SELECT r FROM __unshadow)`);
}
