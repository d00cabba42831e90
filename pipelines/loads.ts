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

/**
 * The rows of meta.loads that are each file's latest landed load (newest by start time, then load id),
 * among those `where` keeps: the one query landing, relaying, repairing and `status` share.
 */
export const latestLandedLoadsSql = (where?: string) =>
  `SELECT * FROM (
     SELECT *, row_number() OVER (PARTITION BY table_name, file ORDER BY started_at DESC, load_id DESC) AS n
     FROM meta.loads WHERE status = 'landed'${where ? ` AND ${where}` : ""}) AS latest_loads
   WHERE n = 1`;

/** The latest landed load of every file (of one table, or of all). */
export async function latestLandedFiles(db: Warehouse, table?: string): Promise<LandedFile[]> {
  return db.all<LandedFile>(
    `SELECT table_name, file, content_hash, file_stamp, rows_landed, mapping FROM (${latestLandedLoadsSql(table ? "table_name = $1" : undefined)}) AS l
     ORDER BY table_name, file`,
    table ? [table] : [],
  );
}

/**
 * DESIGN "Landing contracts": landed files no longer where they were (exports are rotated). Their rows
 * are kept; landing and `status` name them. A vendor file is known through its mapping, not checked here.
 */
export const vanishedFiles = (landed: readonly LandedFile[]) => landed.filter((l) => l.mapping === null && !existsSync(l.file));
