import { existsSync } from "node:fs";
import type { Warehouse } from "../core/warehouse.ts";

/** A file's latest landed load, as meta.loads records it. */
export type LandedFile = {
  table_name: string;
  file: string;
  content_hash: string;
  file_stamp: string | null;
  rows_landed: number;
  mapping: string | null;
};

/** The latest landed load of every file (of one table, or of all), newest by start time then load id. */
export async function latestLandedFiles(db: Warehouse, table?: string): Promise<LandedFile[]> {
  return db.all<LandedFile>(
    `SELECT table_name, file, content_hash, file_stamp, rows_landed, mapping FROM (
       SELECT *, row_number() OVER (PARTITION BY table_name, file ORDER BY started_at DESC, load_id DESC) AS n
       FROM meta.loads WHERE status = 'landed' ${table ? "AND table_name = $1" : ""}) AS l
     WHERE n = 1 ORDER BY table_name, file`,
    table ? [table] : [],
  );
}

/**
 * DESIGN "Landing contracts": landed files no longer where they were (exports are rotated). Their rows
 * are kept; landing and `status` name them. A vendor file is known through its mapping, not checked here.
 */
export const vanishedFiles = (landed: readonly LandedFile[]) => landed.filter((l) => l.mapping === null && !existsSync(l.file));
