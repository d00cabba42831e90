import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { InputError } from "../../core/errors.ts";
import { builtInFile, type Declared, joinByName, ownFile } from "../../core/declared.ts";
import { type TableName, tableNames } from "../contracts/index.ts";

const sqlText = z.string().min(1);
const name = z.string().regex(/^[a-z_][a-z0-9_]*$/, "lower-case letters, digits and _");

/** A named row filter: rows where `when` is true are read but not landed, and counted under `reason`. */
const dropRule = z.object({ reason: name, when: sqlText, doc: z.string().optional() }).strict();

const input = z
  .object({
    /** Vendor table names, first found wins (`subscription_history`, then `subscription`); files are <name>.csv|.parquet[.gz]. */
    files: z.array(z.string().min(1)).min(1),
    doc: z.string().optional(),
    required: z.array(name).default([]),
    optional: z.array(name).default([]),
    /** Other spellings of a column (Airbyte, API, camelCase); matched case-insensitively like every header. */
    aliases: z.record(name, z.array(z.string().min(1))).default({}),
    /** An input the mapping can do without (a table the connector syncs only for some accounts). */
    missingOk: z.boolean().default(false),
    drop: z.array(dropRule).default([]),
    /** Keep one row per key, the first by `order`; the others are dropped as `superseded`. */
    latest: z
      .object({ key: z.array(name).min(1), order: sqlText, reason: name.default("superseded") })
      .strict()
      .optional(),
  })
  .strict();

const param = z
  .object({
    default: z.string(),
    doc: z.string().min(1),
    enum: z.array(z.string()).optional(),
  })
  .strict();

const output = z
  .object({
    /** The input each output row comes from: its file and line are the row's in quarantine and accounting. */
    from: name,
    /** Column expressions over `from` (a declaration), or */
    columns: z.record(name, sqlText).optional(),
    /** one SELECT in a file beside mapping.json, over the inputs as `in_<name>`. */
    sql: z.string().optional(),
    doc: z.string().optional(),
    /** One vendor row may give several lines (a Stripe item split where its price changes); otherwise a row gives exactly one. */
    splits: z.boolean().default(false),
    /** Made only when parameters have these values (Stripe customers are accounts only when account_id = customer). */
    when: z.record(name, z.string()).optional(),
  })
  .strict()
  .refine((o) => Boolean(o.columns) !== Boolean(o.sql), "give either columns or sql");

/** How account_id is found when the vendor has keys of its own: each choice is SQL over `input` giving the account id. */
const accounts = z
  .object({
    /** The system's name in a crosswalk file (`system,key,account_id`). */
    system: name,
    input: name,
    key: name,
    /** choice → SQL over the input; `crosswalk` is always a choice too. */
    choices: z.record(name, sqlText),
  })
  .strict();

export const manifestSchema = z
  .object({
    format: name,
    vendor: z.string().min(1),
    lander: z.string().min(1),
    description: z.string().min(1),
    inputs: z.record(name, input),
    params: z.record(name, param).default({}),
    accounts: accounts.optional(),
    outputs: z.partialRecord(z.enum(tableNames as unknown as [TableName, ...TableName[]]), output),
    /** A project's mapping with a shipped format's name takes its place only when it says so. */
    replaces: name.optional(),
  })
  .strict();

export type Manifest = z.output<typeof manifestSchema>;
export type ManifestInput = z.input<typeof manifestSchema>;

/** Declares a mapping in TypeScript (a project's mappings/<format>/mapping.ts), typed as mapping.json is read. */
export const defineMapping = (mapping: ManifestInput): ManifestInput => mapping;
export type MappingInput = Manifest["inputs"][string];

export interface Mapping {
  manifest: Manifest;
  /** The folder holding mapping.json. */
  dir: string;
  /** Output table → its SELECT (declarations compiled to one). */
  sql: Partial<Record<TableName, string>>;
  /** A hash of everything that decides the output: a changed mapping lands its files again. */
  hash: string;
}

const SHIPPED = join(dirname(fileURLToPath(import.meta.url)));

/** The formats Bellwether ships: one folder each beside this file. */
export function shippedFormats(): string[] {
  return readdirSync(SHIPPED)
    .filter((entry) => existsSync(join(SHIPPED, entry, "mapping.json")))
    .sort();
}

/** A team's own mappings (its project folder's `mappings/<format>/`), by format, and the folder they sit in. */
export interface OwnMappings {
  root: string;
  /** Format name → its folder, and the manifest when a mapping.ts declared it (else mapping.json is read). */
  mappings: Map<string, Declared<{ dir: string; manifest?: unknown }>>;
}

/**
 * Every format by name and its folder: the shipped ones, with a project's `mappings/<format>/`
 * joined (one with a shipped name must say it `replaces` it).
 */
export function knownFormats(project?: OwnMappings): Map<string, string> {
  const shipped = shippedFormats().map((format) => ({ format, dir: join(SHIPPED, format) }));
  if (!project) return new Map(shipped.map((f) => [f.format, f.dir]));
  const own = [...project.mappings].map(([format, d]) => ({ format, dir: d.value.dir, file: d.file, replaces: d.replaces }));
  const joined = joinByName(shipped, own, {
    kind: "mapping",
    nameOf: (f) => f.format,
    builtInFile: (f) => builtInFile(join(f.dir, "mapping.json")),
    ownFile: (f) => ownFile(project.root, (f as (typeof own)[number]).file),
    replaces: (f) => f.replaces,
  });
  return new Map(joined.map((f) => [f.format, f.dir]));
}

/** A format by name (shipped, or the project's), or a user's own mapping folder by path. */
export function loadMapping(formatOrPath: string, project?: OwnMappings): Mapping {
  const formats = knownFormats(project);
  const dir = formats.get(formatOrPath) ?? resolve(formatOrPath);
  // A project's mapping.ts was loaded with the project; mapping.json is read here.
  const declared = [...(project?.mappings.values() ?? [])].find((m) => m.value.dir === dir && m.value.manifest !== undefined);
  const file = declared ? declared.file : join(dir, "mapping.json");
  if (!existsSync(file)) {
    throw new InputError(`${formatOrPath}: not a format (${[...formats.keys()].join(", ")}) nor a folder with a mapping.json`);
  }
  let json: unknown = declared?.value.manifest;
  if (!declared) {
    try {
      json = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new InputError(`${file}: not valid JSON: ${(error as Error).message}`);
    }
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${file}: ${issue?.path.join(".") || "(top)"}: ${issue?.message}`);
  }
  const manifest = parsed.data;
  const sql: Partial<Record<TableName, string>> = {};
  const hash = createHash("sha256").update(JSON.stringify(manifest));
  for (const [table, out] of Object.entries(manifest.outputs) as [TableName, Manifest["outputs"][TableName]][]) {
    if (!out) continue;
    if (!manifest.inputs[out.from]) throw new InputError(`${file}: outputs.${table}.from names no input "${out.from}"`);
    if (out.sql) {
      const path = join(dir, out.sql);
      if (!existsSync(path) || !statSync(path).isFile()) throw new InputError(`${file}: outputs.${table}.sql: ${path} not found`);
      sql[table] = readFileSync(path, "utf8");
    } else {
      const columns = Object.entries(out.columns ?? {}).map(([column, expr]) => `  ${expr} AS "${column}"`);
      sql[table] = `SELECT\n${columns.join(",\n")},\n  __line\nFROM in_${out.from}`;
    }
    hash.update(`${table}\n${sql[table]}`);
  }
  if (manifest.accounts && !manifest.inputs[manifest.accounts.input]) {
    throw new InputError(`${file}: accounts.input names no input "${manifest.accounts.input}"`);
  }
  return { manifest, dir, sql, hash: hash.digest("hex") };
}

/** Params as given, over their defaults; an unknown name or a value outside `enum` is an error naming it. */
export function resolveParams(mapping: Mapping, given: Readonly<Record<string, string>> = {}): Record<string, string> {
  const { format, params } = mapping.manifest;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(given)) {
    if (!params[key]) {
      throw new InputError(`mapping ${format}: unknown parameter "${key}" (parameters: ${Object.keys(params).join(", ") || "none"})`);
    }
    out[key] = value;
  }
  for (const [key, spec] of Object.entries(params)) {
    out[key] ??= spec.default;
    if (spec.enum && !spec.enum.includes(out[key] as string)) {
      throw new InputError(`mapping ${format}: parameter ${key} must be one of ${spec.enum.join(", ")}; got "${out[key]}"`);
    }
  }
  return out;
}
