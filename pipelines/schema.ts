import type { Warehouse } from "../core/warehouse.ts";
import { ident } from "../core/warehouse.ts";
import type { Contract } from "./contract.ts";
import { newestDataSql } from "./contracts/index.ts";

/** Columns every raw row carries so a changed file can replace exactly the rows it brought. */
export const lineageColumns = "_source_file VARCHAR NOT NULL, _source_line BIGINT NOT NULL, _load_id VARCHAR NOT NULL";

/**
 * Creates raw.<table>, quarantine.<table> and meta.loads when missing; never alters existing data.
 * A quarantined row keeps every contract column as the original text, or, when the record could not
 * even be split into columns, the whole record in raw_record.
 */
export async function ensureLandingTables(db: Warehouse, contract: Contract): Promise<void> {
  await db.run("CREATE SCHEMA IF NOT EXISTS quarantine; CREATE SCHEMA IF NOT EXISTS shadow; CREATE SCHEMA IF NOT EXISTS meta");
  const typed = contract.specs.map((s) => `${ident(s.name)} ${s.duckType === "DOUBLE" ? "DOUBLE PRECISION" : s.duckType}`).join(", ");
  // Raw tables a loader keeps in its own schema are read as they are, never created there.
  if (!db.rawTablesFrom) {
    await db.run("CREATE SCHEMA IF NOT EXISTS raw");
    await db.run(`CREATE TABLE IF NOT EXISTS raw.${ident(contract.table)} (${typed}, ${lineageColumns})`);
  }
  // Rows another file's newer copy of their key displaced from raw, kept so that a correction to that
  // newer file (dropping the key) brings them back: a key's row is the newest file's that still holds it.
  await db.run(`CREATE TABLE IF NOT EXISTS shadow.${ident(contract.table)} (${typed}, ${lineageColumns})`);
  const original = contract.specs.map((s) => `${ident(s.name)} VARCHAR`).join(", ");
  await db.run(
    `CREATE TABLE IF NOT EXISTS quarantine.${ident(contract.table)} (${lineageColumns}, reason VARCHAR NOT NULL, column_name VARCHAR, message VARCHAR NOT NULL, raw_record VARCHAR, ${original})`,
  );
  await db.run(`CREATE TABLE IF NOT EXISTS meta.loads (
    load_id VARCHAR PRIMARY KEY, table_name VARCHAR NOT NULL, file VARCHAR NOT NULL, content_hash VARCHAR,
    bytes BIGINT, rows_read BIGINT, rows_landed BIGINT, rows_quarantined BIGINT,
    status VARCHAR NOT NULL, message VARCHAR, started_at TIMESTAMP NOT NULL, seconds DOUBLE PRECISION,
    rows_dropped BIGINT, dropped VARCHAR, mapping VARCHAR, file_stamp VARCHAR, rows_split BIGINT)`);
  // Warehouses from before vendor mappings: the same columns, added at the end as CREATE puts them.
  for (const column of ["rows_dropped BIGINT", "dropped VARCHAR", "mapping VARCHAR", "file_stamp VARCHAR", "rows_split BIGINT"]) {
    await db.run(`ALTER TABLE meta.loads ADD COLUMN IF NOT EXISTS ${column}`);
  }
}

/**
 * `meta.raw_freshness`: each landing table's newest moment that has happened (table_name, newest), for
 * the pages that show freshness; the contracts say which column dates a row, and the pages read the view.
 */
export async function ensureFreshnessView(db: Warehouse): Promise<void> {
  await db.run("CREATE SCHEMA IF NOT EXISTS meta");
  await db.run(`CREATE OR REPLACE VIEW meta.raw_freshness AS ${newestDataSql()}`);
}
