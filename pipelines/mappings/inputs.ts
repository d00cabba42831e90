import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/errors.ts";
import { warn } from "../../core/log.ts";
import { ident, literal, type Warehouse } from "../../core/warehouse.ts";
import type { Dialect } from "../../engines/dialect.ts";
import { renderSql } from "../../engines/dialect.ts";
import { openReader } from "../readers.ts";
import type { MalformedRecord } from "../scan.ts";
import { openSourceFile, splitCsvRecord } from "../source-file.ts";
import type { MappingInput } from "./manifest.ts";

const VENDOR_FILE = /\.(csv|parquet)(\.gz)?$/i;

/** The file holding a vendor table in `dir`: the first of `input.files` found as .csv or .parquet (optionally .gz), any case. */
export function findInputFile(dir: string, input: MappingInput): string | undefined {
  if (!existsSync(dir)) return undefined;
  const entries = readdirSync(dir).filter((e) => VENDOR_FILE.test(e));
  for (const name of input.files) {
    const found = entries.filter((e) => e.replace(VENDOR_FILE, "").toLowerCase() === name.toLowerCase()).sort();
    if (found.length > 1) throw new InputError(`${dir}: ${found.join(" and ")} are both the vendor table ${name}; keep one`);
    if (found[0]) return join(dir, found[0]);
  }
  return undefined;
}

/** What happened to one vendor file's records: read = kept + dropped (by reason) + malformed. */
export interface InputStats {
  name: string;
  file: string | undefined;
  read: number;
  kept: number;
  dropped: Record<string, number>;
  malformed: MalformedRecord[];
  /** The id columns' values a malformed record still shows (its key, for a lookup): the rows that would have found it. */
  malformedKeys: string[];
}

/**
 * A header as one name: trimmed, without the quotes some warehouse exports keep ("""END"""), compared
 * without case or underscores, so Salesforce's API names (IsDeleted, NumberOfEmployees, Contract_End__c)
 * are the columns Fivetran spells is_deleted, number_of_employees, contract_end_c.
 */
const headerName = (column: string) =>
  column
    .trim()
    .replace(/^"+|"+$/g, "")
    .replaceAll("_", "")
    .toLowerCase();

/**
 * Reads one vendor file into the temp table in_<name>: its declared columns as text under their
 * declared names (matched case-insensitively, aliases too; an optional one missing is NULL, a
 * required one missing refuses the file naming it), `__line` (the physical line, or row number in
 * Parquet), and only the rows no `drop` rule or `latest` dedupe took, which are counted by reason;
 * all_<name> holds every row with its `__drop` reason.
 */
export async function readInput(
  db: Warehouse,
  name: string,
  input: MappingInput,
  file: string | undefined,
  dialect: Dialect,
  params: Readonly<Record<string, string>> = {},
): Promise<InputStats> {
  const columns = [...input.required, ...input.optional];
  const table = `in_${name}`;
  const stats: InputStats = { name, file, read: 0, kept: 0, dropped: {}, malformed: [], malformedKeys: [] };
  if (!file) {
    if (!input.missingOk) throw new InputError(`no file for the vendor table ${input.files.join(" or ")} (${name})`);
    const empty = [...columns.map((c) => `${ident(c)} VARCHAR`), "__line BIGINT"].join(", ");
    await db.run(`CREATE OR REPLACE TEMP TABLE ${table} (${empty}); CREATE OR REPLACE TEMP TABLE all_${name} (${empty}, __drop VARCHAR)`);
    return stats;
  }
  const source = await openSourceFile(file);
  try {
    // Vendor inputs are CSV or Parquet, whose headers name the columns.
    const reader = await openReader(db, source, []);
    const byName = new Map<string, string>();
    for (const column of reader.columns) byName.set(headerName(column), column);
    // An alias "param:NAME" is the column a parameter names (a custom field such as contract_end_c).
    const spellings = (column: string) =>
      [column, ...(input.aliases[column] ?? [])].map((c) => (c.startsWith("param:") ? (params[c.slice(6)] ?? "") : c)).filter(Boolean);
    const pick = (column: string): string | undefined =>
      spellings(column)
        .map((c) => byName.get(headerName(c)))
        .find((c) => c !== undefined);
    const missing = input.required.filter((c) => pick(c) === undefined);
    if (missing.length) {
      throw new InputError(
        `${file}: missing required column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (the file has ${reader.columns.map((c) => `"${c}"`).join(", ")}); nothing from this file was landed`,
      );
    }
    // Optional columns the file does not have are empty on every row: say so, with the columns it has
    // that nothing read (a column named another way than the mapping knows is the usual reason).
    const absent = input.optional.filter((c) => pick(c) === undefined && !c.startsWith("_fivetran"));
    if (absent.length) {
      const used = new Set(columns.map(pick));
      const unread = reader.columns.filter((c) => !used.has(c) && !c.startsWith("_fivetran"));
      const shown = unread.length > 12 ? `${unread.slice(0, 12).join(", ")}, … (${unread.length})` : unread.join(", ");
      warn(`${file}: no column for ${absent.join(", ")} (left empty)${unread.length ? `; columns not read: ${shown}` : ""}`);
    }
    await db.run(`CREATE OR REPLACE TEMP TABLE __vendor AS SELECT * FROM ${reader.relation}`);
    const reconciled = await reader.reconcile("__vendor");
    const selected = columns.map((c) => {
      const from = pick(c);
      return `${from === undefined ? "CAST(NULL AS VARCHAR)" : `CAST(c.${ident(from)} AS VARCHAR)`} AS ${ident(c)}`;
    });
    const drops = input.drop.map((d) => `WHEN ${renderSql(d.when, dialect, `${file}: drop ${d.reason}`)} THEN ${literal(d.reason)}`);
    await db.run(`CREATE OR REPLACE TEMP TABLE __vendor_rows AS
      SELECT *, ${drops.length ? `CASE ${drops.join(" ")} END` : "CAST(NULL AS VARCHAR)"} AS __drop
      FROM (SELECT ${selected.join(", ")}, ${reconciled.lineSql} AS __line FROM (SELECT *, rowid AS __r FROM __vendor) AS c ${reconciled.lineJoin}) AS v`);
    if (input.latest) {
      const key = input.latest.key.map(ident).join(", ");
      const order = renderSql(input.latest.order, dialect, `${file}: latest`);
      await db.run(`UPDATE __vendor_rows SET __drop = ${literal(input.latest.reason)} WHERE __drop IS NULL AND __line IN (
        SELECT __line FROM (SELECT __line, row_number() OVER (PARTITION BY ${key} ORDER BY ${order}, __line DESC) AS n
          FROM __vendor_rows WHERE __drop IS NULL) AS ranked WHERE n > 1)`);
    }
    await db.run(
      `CREATE OR REPLACE TEMP TABLE ${table} AS SELECT ${columns.map(ident).join(", ")}, __line FROM __vendor_rows WHERE __drop IS NULL ORDER BY __line`,
    );
    // Every row with why it was dropped, for a mapping whose rows inherit a reason through a lookup (an item of a test-mode subscription).
    await db.run(`CREATE OR REPLACE TEMP TABLE all_${name} AS SELECT * FROM __vendor_rows ORDER BY __line`);
    const counts = await db.all<{ reason: string | null; n: number }>(
      "SELECT __drop AS reason, count(*) AS n FROM __vendor_rows GROUP BY __drop ORDER BY reason",
    );
    for (const c of counts) {
      if (c.reason === null) stats.kept = Number(c.n);
      else stats.dropped[c.reason] = Number(c.n);
    }
    stats.read = reconciled.read;
    stats.malformed = reconciled.malformed;
    // Keys are the id columns (id, …_id): a status or a timestamp a bad record shows is no key to match rows by.
    const keyAt = input.required.filter((c) => c === "id" || c.endsWith("_id")).map((c) => reader.columns.indexOf(pick(c) as string));
    stats.malformedKeys = [
      ...new Set(reconciled.malformed.flatMap((m) => keyAt.map((i) => splitCsvRecord(m.text)[i]?.trim() ?? "").filter(Boolean))),
    ];
    if (reconciled.malformed.length) {
      warn(
        `${file}: ${reconciled.malformed.length} record(s) could not be read (first at line ${reconciled.malformed[0]?.line}: ${reconciled.malformed[0]?.message})`,
      );
    }
    return stats;
  } finally {
    source.cleanup();
    await db.run("DROP TABLE IF EXISTS __vendor; DROP TABLE IF EXISTS __vendor_rows");
  }
}
