import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { openSourceFile } from "../source-file.ts";
import { InputError } from "../../core/errors.ts";
import { ident, literal, type Warehouse } from "../../core/warehouse.ts";
import { renderSql } from "../../engines/dialect.ts";
import type { Check } from "../checks.ts";
import type { Contract } from "../contract.ts";
import type { TableName } from "../contracts/index.ts";
import type { SourceReader } from "../readers.ts";
import { fileHash } from "../file-hash.ts";
import { findInputFile, type InputStats, readInput } from "./inputs.ts";
import type { Mapping } from "./manifest.ts";
import { mappingDialect } from "./helpers.ts";

/** One canonical table made by a vendor mapping from the vendor files in `dir`. */
export interface MappedSource {
  kind: "mapped";
  mapping: Mapping;
  table: TableName;
  dir: string;
  params: Readonly<Record<string, string>>;
  /** `system,key,account_id` rows, when account_id is `crosswalk`. */
  crosswalk?: string;
  /** The file of the output's `from` input: quarantine and load accounting name it. */
  path: string;
}

/** The vendor files an output reads: those its SQL names as in_<input>, and the accounts input when it joins __accounts. */
export function inputsOf(source: MappedSource): string[] {
  const { manifest, sql } = source.mapping;
  const text = sql[source.table] ?? "";
  const names = Object.keys(manifest.inputs).filter((n) => new RegExp(`\\b(in|all)_${n}\\b`).test(text));
  if (manifest.accounts && /\b__accounts\b/.test(text) && source.params.account_id !== "crosswalk") names.push(manifest.accounts.input);
  return [...new Set(names)];
}

/** Every file whose bytes decide this output: the inputs it reads, the crosswalk, and the mapping itself with its params. */
export async function mappedHash(source: MappedSource): Promise<string> {
  const hash = createHash("sha256").update(`${source.mapping.hash}\n${JSON.stringify(source.params)}\n`);
  for (const name of inputsOf(source)) {
    const file = findInputFile(source.dir, source.mapping.manifest.inputs[name] as never);
    hash.update(`${name}=${file ? await fileHash(file) : "-"}\n`);
  }
  if (source.crosswalk && existsSync(source.crosswalk)) hash.update(`crosswalk=${await fileHash(source.crosswalk)}\n`);
  return hash.digest("hex");
}

/** Output columns a mapping may give besides the contract's. */
const CONTROL = new Set(["__line", "__drop", "__unresolved"]);

export interface MappedReader extends SourceReader {
  /** Rows read but not landed, by declared reason. */
  dropped: Record<string, number>;
  inputs: InputStats[];
}

/**
 * The mapping's output for one canonical table, as a reader the landing path takes like any file:
 * the vendor files are read (their filters counted), the output SELECT runs over them, and each
 * output row carries the line of the vendor row it came from. A row the SELECT marks with `__drop`
 * is counted under that reason; one whose account key the crosswalk does not resolve is an orphan
 * naming the key. Every kept row of the driving file must reach the output: a mapping never loses one.
 */
export async function openMappedReader(db: Warehouse, source: MappedSource, contract: Contract, timeZone: string): Promise<MappedReader> {
  const { manifest, sql } = source.mapping;
  const where = `mapping ${manifest.format}, ${source.table}`;
  const params = { ...source.params, timezone: source.params.timezone || timeZone };
  const dialect = mappingDialect(db.dialect, params, params.timezone);
  const output = manifest.outputs[source.table];
  if (!output) throw new InputError(`${where}: the mapping makes no ${source.table}`);
  const inputs: InputStats[] = [];
  for (const name of inputsOf(source)) {
    const input = manifest.inputs[name] as NonNullable<(typeof manifest.inputs)[string]>;
    inputs.push(await readInput(db, name, input, findInputFile(source.dir, input), dialect, params));
  }
  await buildAccounts(db, source, dialect);
  const rendered = renderSql(sql[source.table] as string, dialect, where);
  try {
    await db.run(`CREATE OR REPLACE TEMP TABLE __mapped AS SELECT * FROM (${rendered}) AS m`);
  } catch (error) {
    throw new InputError(`${where}: the mapping's SQL failed: ${(error as Error).message}`);
  }
  const columns = (await db.all<{ column_name: string }>("DESCRIBE __mapped")).map((r) => r.column_name);
  const known = new Set(contract.specs.map((s) => s.name));
  const unknown = columns.filter((c) => !known.has(c) && !CONTROL.has(c));
  if (unknown.length)
    throw new InputError(`${where}: output column${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} not in ${source.table}`);
  if (!columns.includes("__line")) throw new InputError(`${where}: the SELECT must give __line (the line of the row it comes from)`);
  const driving = inputs.find((i) => i.name === output.from);
  await requireEveryRow(db, output.from, where, driving);
  if (!output.splits) await requireOneRowEach(db, where, driving);
  const has = (c: string) => columns.includes(c);
  const dropCounts = has("__drop")
    ? await db.all<{ reason: string; n: number }>(
        "SELECT __drop AS reason, count(*) AS n FROM __mapped WHERE __drop IS NOT NULL GROUP BY __drop",
      )
    : [];
  const dropped: Record<string, number> = { ...(driving?.dropped ?? {}) };
  for (const d of dropCounts) dropped[d.reason] = (dropped[d.reason] ?? 0) + Number(d.n);
  const produced = (await db.one<{ n: number }>("SELECT count(*) AS n FROM __mapped"))?.n ?? 0;
  const inputDropped = Object.values(driving?.dropped ?? {}).reduce((a, b) => a + b, 0);
  const malformed = driving?.malformed ?? [];
  const texts = columns.filter((c) => known.has(c)).map((c) => `CAST(${ident(c)} AS VARCHAR) AS ${ident(c)}`);
  return {
    format: "mapped",
    columns: columns.filter((c) => known.has(c)),
    relation: `(SELECT ${texts.join(", ")}, CAST(__line AS BIGINT) AS __ordinal${has("__unresolved") ? ", __unresolved" : ""}
      FROM __mapped ${has("__drop") ? "WHERE __drop IS NULL" : ""})`,
    extraColumns: has("__unresolved") ? ["__unresolved"] : [],
    extraChecks: [
      ...(await unreadableLookupChecks(db, inputs, output.from, where)),
      ...(has("__unresolved") ? [...(await ambiguousCheck(db, source)), unresolvedCheck(source)] : []),
    ],
    singleThreaded: false,
    dropped,
    inputs,
    async reconcile() {
      // Read is the driving file's records; a splitting mapping makes more rows than that, counted apart.
      const rows = Number(produced) + inputDropped + malformed.length;
      const read = driving?.file ? driving.read : rows;
      return {
        read,
        split: rows - read,
        malformed,
        malformedRows: [],
        lineJoin: "",
        lineSql: "c.__ordinal",
      };
    },
  };
}

/**
 * A lookup file (Salesforce's user.csv) with a record that could not be read would quietly give the
 * rows that look it up a fallback (the owner's id as the CSM's name). The record's key is still
 * legible in its text, so the driving rows carrying that key are quarantined naming the lookup's line;
 * a record whose key cannot be told refuses the output, since any row might have looked it up.
 */
async function unreadableLookupChecks(db: Warehouse, inputs: InputStats[], from: string, where: string): Promise<Check[]> {
  const checks: Check[] = [];
  for (const lookup of inputs.filter((i) => i.name !== from && i.malformed.length > 0)) {
    const file = basename(lookup.file ?? lookup.name);
    if (lookup.malformedKeys.length === 0) {
      const first = lookup.malformed[0] as NonNullable<(typeof lookup.malformed)[number]>;
      throw new InputError(
        `${where}: ${file} line ${first.line} could not be read (${first.message}) and its key cannot be told, so any row may have looked it up; fix that line and ingest again`,
      );
    }
    const columns = (await db.all<{ column_name: string }>(`DESCRIBE in_${from}`)).map((c) => c.column_name).filter((c) => c !== "__line");
    const keys = lookup.malformedKeys.map(literal).join(", ");
    const lines = lookup.malformed.map((m) => m.line).join(", ");
    checks.push({
      reason: "lookup_unreadable",
      column: "",
      failsSql: `__ordinal IN (SELECT __line FROM in_${from} WHERE ${columns.map((c) => `${ident(c)} IN (${keys})`).join(" OR ")})`,
      message: `this row looks up a record of ${file} that could not be read (line ${lines}): fix it and ingest again`,
    });
  }
  return checks;
}

/** Rows whose key the crosswalk gives to more than one account: quarantined, the keys and accounts named. */
async function ambiguousCheck(db: Warehouse, source: MappedSource): Promise<Check[]> {
  if (source.params.account_id !== "crosswalk") return [];
  const keys = await db.all<{ system_key: string; account_ids: string }>(
    "SELECT system_key, account_ids FROM __crosswalk WHERE accounts > 1 ORDER BY system_key",
  );
  if (keys.length === 0) return [];
  const named = keys.slice(0, 5).map((k) => `${k.system_key} → ${k.account_ids}`);
  return [
    {
      reason: "ambiguous_key",
      column: "account_id",
      failsSql: `coalesce(__unresolved, false) AND account_id IN (SELECT system_key FROM __crosswalk WHERE accounts > 1)`,
      message: `the crosswalk ${source.crosswalk ?? "file"} gives this key more than one account (${named.join("; ")}${keys.length > 5 ? "; …" : ""}): keep one row per key`,
    },
  ];
}

function unresolvedCheck(source: MappedSource): Check {
  const accounts = source.mapping.manifest.accounts;
  const how =
    source.params.account_id === "crosswalk" ? `the crosswalk ${source.crosswalk ?? "file"}` : `account_id = ${source.params.account_id}`;
  return {
    reason: "orphan",
    column: "account_id",
    failsSql: "coalesce(__unresolved, false)",
    message: `the ${accounts?.system ?? source.mapping.manifest.format} key in account_id resolves to no account (${how})`,
  };
}

/**
 * __accounts(system_key, account_id): the vendor's account key → Bellwether's account id, by the
 * chosen way: a column or field of the accounts input, or the crosswalk file's rows for this system.
 */
async function buildAccounts(db: Warehouse, source: MappedSource, dialect: ReturnType<typeof mappingDialect>): Promise<void> {
  const accounts = source.mapping.manifest.accounts;
  if (!accounts) return;
  const choice = source.params.account_id ?? Object.keys(accounts.choices)[0];
  if (choice === "crosswalk") {
    const file = source.crosswalk;
    if (!file || !existsSync(file)) {
      throw new InputError(
        `mapping ${source.mapping.manifest.format}: account_id = crosswalk needs a crosswalk.csv (system,key,account_id) in ${source.dir} or the sources folder`,
      );
    }
    // A key the crosswalk gives two accounts is resolved to neither: its rows are quarantined naming it.
    const opened = await openSourceFile(file);
    let rows: string;
    try {
      rows = `(SELECT trim(key) AS system_key, trim(account_id) AS account_id
        FROM read_csv(${literal(opened.path)}, header = true, all_varchar = true)
        WHERE lower(trim(system)) = ${literal(accounts.system)} AND nullif(trim(account_id), '') IS NOT NULL)`;
      await db.run(`CREATE OR REPLACE TEMP TABLE __crosswalk AS
        SELECT system_key, min(account_id) AS account_id, count(DISTINCT account_id) AS accounts,
          string_agg(DISTINCT account_id, ', ' ORDER BY account_id) AS account_ids
        FROM ${rows} AS c GROUP BY system_key`);
    } catch (error) {
      const has = await db
        .all<{ column_name: string }>(`DESCRIBE SELECT * FROM read_csv(${literal(opened.path)}, header = true, all_varchar = true)`)
        .then((r) => r.map((c) => c.column_name).join(", "))
        .catch(() => "no header");
      throw new InputError(
        `${file}: a crosswalk has the columns system, key, account_id (this one has ${has}): ${(error as Error).message.split("\n")[0]}`,
      );
    } finally {
      opened.cleanup();
    }
    await db.run("CREATE OR REPLACE TEMP TABLE __accounts AS SELECT system_key, account_id FROM __crosswalk WHERE accounts = 1");
    await caseSafeIds(db);
    return;
  }
  const expr = accounts.choices[choice as string];
  if (!expr)
    throw new InputError(
      `mapping ${source.mapping.manifest.format}: account_id must be one of ${[...Object.keys(accounts.choices), "crosswalk"].join(", ")}`,
    );
  await db.run(`CREATE OR REPLACE TEMP TABLE __accounts AS
    SELECT ${ident(accounts.key)} AS system_key, min(${renderSql(expr, dialect, "accounts")}) AS account_id
    FROM in_${accounts.input} GROUP BY ${ident(accounts.key)}`);
  await db.run("DELETE FROM __accounts WHERE account_id IS NULL OR trim(account_id) = ''");
  await caseSafeIds(db);
}

/**
 * Salesforce ids are 15 characters in reports and 18 (case-safe) through the API: a key another
 * system holds as the 15-character form means the CRM account whose 18-character id starts with it.
 */
async function caseSafeIds(db: Warehouse): Promise<void> {
  if (!(await db.tableExists("raw", "crm_accounts"))) return;
  await db.run(`UPDATE __accounts SET account_id = (
      SELECT min(a.account_id) FROM raw.crm_accounts a WHERE length(a.account_id) = 18 AND substr(a.account_id, 1, 15) = __accounts.account_id)
    WHERE length(account_id) = 15 AND account_id NOT IN (SELECT account_id FROM raw.crm_accounts)
      AND EXISTS (SELECT 1 FROM raw.crm_accounts a WHERE length(a.account_id) = 18 AND substr(a.account_id, 1, 15) = __accounts.account_id)`);
}

/** Each kept row of the driving input is in the output (landed, quarantined or dropped by a reason), or the mapping is wrong. */
async function requireEveryRow(db: Warehouse, from: string, where: string, driving: InputStats | undefined): Promise<void> {
  const lost = await db.all<{ line: number }>(
    `SELECT __line AS line FROM in_${from} WHERE __line NOT IN (SELECT __line FROM __mapped WHERE __line IS NOT NULL) ORDER BY __line LIMIT 5`,
  );
  if (lost.length) {
    throw new InputError(
      `${where}: rows of ${basename(driving?.file ?? from)} reached no output row (line ${lost.map((l) => l.line).join(", ")}); a mapping keeps every row or drops it with a reason`,
    );
  }
}

/** A lookup that matches twice would count a vendor row twice: refused, naming the line. */
async function requireOneRowEach(db: Warehouse, where: string, driving: InputStats | undefined): Promise<void> {
  const twice = await db.all<{ line: number }>(
    "SELECT __line AS line FROM __mapped GROUP BY __line HAVING count(*) > 1 ORDER BY __line LIMIT 5",
  );
  if (twice.length) {
    throw new InputError(
      `${where}: rows of ${basename(driving?.file ?? "the input")} gave several output rows each (line ${twice.map((l) => l.line).join(", ")}); a lookup in the mapping matches more than one row`,
    );
  }
}

export const crosswalkIn = (dir: string, root: string): string | undefined =>
  [join(dir, "crosswalk.csv"), join(root, "crosswalk.csv")].find((f) => existsSync(f));
