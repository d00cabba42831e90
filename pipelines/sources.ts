import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../core/errors.ts";
import type { Warehouse } from "../core/warehouse.ts";
import { type TableName, tableNames } from "./contracts/index.ts";

export const FILE_PATTERN = /\.(csv|ndjson|jsonl|json|parquet)(\.gz)?$/i;

/**
 * The files for each table in a sources folder: `<table>.<ext>` or every file in `<table>/`.
 * A table with no file maps to an empty list (a team with only a CRM export is a real user).
 */
export function findSources(dir: string): Map<TableName, string[]> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new InputError(`${dir}: sources folder not found`);
  const entries = readdirSync(root);
  const found = new Map<TableName, string[]>();
  for (const table of tableNames) {
    const single = entries.filter((e) => e.replace(FILE_PATTERN, "") === table && FILE_PATTERN.test(e));
    const folder = join(root, table);
    const inFolder =
      existsSync(folder) && statSync(folder).isDirectory()
        ? readdirSync(folder)
            .filter((e) => FILE_PATTERN.test(e))
            .sort()
            .map((e) => join(folder, e))
        : [];
    if (single.length > 1) {
      throw new InputError(`${dir}: ${single.join(" and ")} are both ${table}; keep one, or put several in a ${table}/ folder`);
    }
    found.set(table, [...single.map((e) => join(root, e)), ...inFolder]);
  }
  return found;
}

/** Files matching a path or glob, sorted; a pattern matching nothing is an error that names it. */
export async function expandGlob(db: Warehouse, pattern: string): Promise<string[]> {
  const rows = await db.all<{ file: string }>("SELECT file FROM glob($1) ORDER BY file", [pattern]);
  if (rows.length === 0) throw new InputError(`${pattern}: no file matches`);
  return rows.map((r) => r.file);
}
