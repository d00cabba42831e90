import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { closest, InputError } from "../core/errors.ts";
import { warn } from "../core/log.ts";
import type { Warehouse } from "../core/warehouse.ts";
import { type TableName, tableNames } from "./contracts/index.ts";
import { knownFormats, type OwnMappings } from "./mappings/manifest.ts";
import { type MappingChoice, mappedSources, vendorFolders } from "./mappings/sources.ts";
import { type Source, sourcePath } from "./source.ts";

export const FILE_PATTERN = /\.(csv|ndjson|jsonl|json|parquet)(\.gz)?$/i;

/**
 * The sources of each table in a sources folder: `<table>.<ext>`, every file in `<table>/`, and the
 * tables a vendor mapping makes from a sub-folder named for its format (`stripe/`, `salesforce/`…).
 * A table with no source maps to an empty list (a team with only a CRM export is a real user); a
 * table two places give is an error naming both, since which one is right is not ours to guess.
 */
export function findSources(
  dir: string,
  mappings: Readonly<Record<string, MappingChoice>> = {},
  project?: OwnMappings,
): Map<TableName, Source[]> {
  const found = findTableFiles(dir);
  const vendors = vendorFolders(resolve(dir), mappings, project);
  nameUnreadEntries(
    dir,
    vendors.map(([folder]) => basename(folder)),
    [...knownFormats(project).keys(), ...Object.keys(mappings)],
  );
  for (const [folder, mapping, choice] of vendors) {
    for (const source of mappedSources(folder, mapping, choice.params, dir, project)) {
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

/**
 * DESIGN "Landing contracts": an entry of a sources folder that nothing reads is named. One whose name is
 * close to a table's or a format's (`Crm_Accounts.csv`, `crm_subscription.csv`, `Stripe/`) is a mistake
 * that would silently land nothing: refused, with the name meant. Any other data file or folder is named
 * in a warning. Hidden entries (.DS_Store, .git) and other files (a README beside) are not data.
 */
function nameUnreadEntries(dir: string, vendorFolders: readonly string[], knownAndConfigured: readonly string[]): void {
  const root = resolve(dir);
  const formats = [...new Set(knownAndConfigured)];
  const read = (entry: string) =>
    (FILE_PATTERN.test(entry) && (tableNames as readonly string[]).includes(entry.replace(FILE_PATTERN, ""))) ||
    (tableNames as readonly string[]).includes(entry) ||
    vendorFolders.includes(entry) ||
    entry === "crosswalk.csv";
  // Data the team may have meant to land: a data file or a folder (a README or a config beside is not).
  const unread = readdirSync(root).filter(
    (e) => !e.startsWith(".") && !read(e) && (FILE_PATTERN.test(e) || statSync(join(root, e)).isDirectory()),
  );
  const mistakes: string[] = [];
  for (const entry of unread.sort()) {
    const folder = statSync(join(root, entry)).isDirectory();
    const stem = entry.replace(FILE_PATTERN, "");
    const meant = folder
      ? (closest(entry, [...tableNames, ...formats]) ?? null)
      : FILE_PATTERN.test(entry)
        ? (closest(stem, tableNames) ?? null)
        : null;
    if (meant)
      mistakes.push(
        `${entry}${folder ? "/" : ""}: no table or format has that name — did you mean ${meant}${folder ? "/" : entry.slice(stem.length)}?`,
      );
    else warn(`${join(dir, entry)}${folder ? "/" : ""}: not read (no table or vendor format has that name)`);
  }
  if (mistakes.length) {
    throw new InputError(
      `${dir}: ${mistakes.length === 1 ? "an entry nothing would read" : "entries nothing would read"}:\n  ${mistakes.join("\n  ")}\nNothing was landed. Tables: ${tableNames.join(", ")}; formats: ${formats.join(", ")}.`,
    );
  }
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
