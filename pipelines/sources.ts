import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../core/errors.ts";
import type { Warehouse } from "../core/warehouse.ts";
import { type TableName, tableNames } from "./contracts/index.ts";
import { type MappingChoice, mappedSources, vendorFolders } from "./mappings/sources.ts";
import { type Source, sourcePath } from "./source.ts";

export const FILE_PATTERN = /\.(csv|ndjson|jsonl|json|parquet)(\.gz)?$/i;

/**
 * The sources of each table in a sources folder: `<table>.<ext>`, every file in `<table>/`, and the
 * tables a vendor mapping makes from a sub-folder named for its format (`stripe/`, `salesforce/`…).
 * A table with no source maps to an empty list (a team with only a CRM export is a real user); a
 * table two places give is an error naming both, since which one is right is not ours to guess.
 */
export function findSources(dir: string, mappings: Readonly<Record<string, MappingChoice>> = {}): Map<TableName, Source[]> {
  const found = findTableFiles(dir);
  for (const [folder, mapping, choice] of vendorFolders(resolve(dir), mappings)) {
    for (const source of mappedSources(folder, mapping, choice.params, dir)) {
      const other = found.get(source.table)?.[0];
      if (other !== undefined) {
        throw new InputError(
          `${dir}: ${source.table} comes from both ${sourcePath(other)} and ${folder} (${source.mapping.manifest.format} mapping); keep one (a mapping's output is turned off by its parameter, e.g. mappings: { salesforce: { params: { subscriptions: "none" } } })`,
        );
      }
      found.set(source.table, [source]);
    }
  }
  return found;
}

function findTableFiles(dir: string): Map<TableName, Source[]> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new InputError(`${dir}: sources folder not found`);
  const entries = readdirSync(root);
  const found = new Map<TableName, Source[]>();
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
