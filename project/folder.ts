import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import type { PageSpec } from "../dashboards/page.ts";
import type { DimensionInput, MetricInput } from "../metrics/definition.ts";
import { assertOneSelect, bodyOf, type Model, readModel } from "../models/model.ts";
import { ENGINES } from "../engines/index.ts";
import type { OwnMappings } from "../pipelines/mappings/manifest.ts";
import type { Declared } from "../core/declared.ts";
import { InputError } from "../core/errors.ts";

/** An alert rule written as SQL in the project's alerts/ folder. */
export interface SqlRuleFile {
  file: string;
  name: string;
  severity: "info" | "low" | "medium" | "high" | "critical";
  sql: string;
  replaces?: string;
}

/**
 * What a team's own project folder adds to Bellwether (DESIGN.md "Your own project"): models, metrics
 * and dimensions, pages, mappings and alert rules, each joining the built-in ones by name.
 */
export interface ProjectFolder {
  root: string;
  models: Model[];
  metrics: Declared<MetricInput>[];
  dimensions: Declared<DimensionInput>[];
  pages: Declared<PageSpec>[];
  /** Format name → its folder, and the manifest when a mapping.ts declared it (else mapping.json is read). */
  mappings: OwnMappings["mappings"];
  alertRules: SqlRuleFile[];
}

const listed = (dir: string, pattern: RegExp) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => pattern.test(f))
        .sort()
        .map((f) => join(dir, f))
    : [];

/** The values a TypeScript module exports (named and default), arrays flattened: the definitions it declares. */
async function exportsOf(file: string): Promise<unknown[]> {
  let module: Record<string, unknown>;
  try {
    module = (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
  } catch (error) {
    throw new InputError(`${file}: could not load: ${(error as Error).message}`);
  }
  const values = new Set<unknown>();
  const take = (exports: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(exports)) if (key !== "default" && key !== "__esModule") values.add(value);
  };
  take(module);
  // A module tsx ran as CommonJS arrives as { default: exports }, with its own default under that.
  const fallback = module.default as Record<string, unknown> | undefined;
  if (fallback && typeof fallback === "object" && fallback.__esModule) {
    take(fallback);
    if (fallback.default !== undefined) values.add(fallback.default);
  } else if (fallback !== undefined) values.add(fallback);
  return [...values]
    .flatMap((value) => (Array.isArray(value) ? value : [value]))
    .filter((value) => value !== null && typeof value === "object");
}

/** Splits `replaces` off a definition: the definition itself is validated by the catalog's schema. */
function declared<T>(file: string, value: Record<string, unknown>): Declared<T> {
  const { replaces, ...rest } = value;
  if (replaces !== undefined && typeof replaces !== "string") throw new InputError(`${file}: replaces: expected the built-in's name`);
  return { file, value: rest as T, replaces: replaces as string | undefined };
}

/** `-- @key value` lines of a SQL file's header. */
function headerValue(sql: string, key: string): string | undefined {
  const line = sql.split("\n").find((l) => l.startsWith(`-- @${key} `) || l.trim() === `-- @${key}`);
  return line?.slice(`-- @${key}`.length).trim();
}

const SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;

/**
 * Reads a project folder: `models/` (and `models/staging`, `models/marts`) SQL files, `metrics/*.ts`
 * exporting defineMetric/defineDimension values, `pages/*.ts` exporting definePage values,
 * `mappings/<format>/mapping.json` and `alerts/*.sql`. Errors name the file.
 */
export async function loadProjectFolder(root: string): Promise<ProjectFolder> {
  // A `<name>.<engine>.sql` beside a model is that model's version for one engine, not a model.
  const modelFile = new RegExp(`^(?!.*\\.(${ENGINES.join("|")})\\.sql$).*\\.sql$`);
  const models = [
    ...listed(join(root, "models"), modelFile).map((file) => readModel(file, "marts")),
    ...listed(join(root, "models", "marts"), modelFile).map((file) => readModel(file, "marts")),
    ...listed(join(root, "models", "staging"), modelFile).map((file) => readModel(file, "staging")),
  ];
  const metrics: Declared<MetricInput>[] = [];
  const dimensions: Declared<DimensionInput>[] = [];
  for (const file of listed(join(root, "metrics"), /^[^.].*\.ts$/)) {
    for (const value of (await exportsOf(file)) as Record<string, unknown>[]) {
      if ("type" in value) metrics.push(declared(file, value));
      else if ("column" in value) dimensions.push(declared(file, value));
      else
        throw new InputError(
          `${file}: exports ${JSON.stringify(value.name ?? "a value")}, which is neither defineMetric nor defineDimension`,
        );
    }
  }
  const pages: Declared<PageSpec>[] = [];
  for (const file of listed(join(root, "pages"), /^[^.].*\.ts$/)) {
    for (const value of (await exportsOf(file)) as Record<string, unknown>[]) {
      if (typeof value.file !== "string" || !Array.isArray(value.sections))
        throw new InputError(`${file}: exports a value that is not a page (definePage({ file, nav, title, intro, sections }))`);
      // A page writes only inside the site, beside the others: a plain file name, no folder, no "..".
      if (!/^[A-Za-z0-9][A-Za-z0-9_-]*\.html$/.test(value.file))
        throw new InputError(
          `${file}: file "${value.file}": a page is a file name in the site folder, such as tenure.html (no folder, no "..")`,
        );
      pages.push(declared(file, value));
    }
  }
  const mappings: ProjectFolder["mappings"] = new Map();
  const mappingsDir = join(root, "mappings");
  for (const entry of existsSync(mappingsDir) ? readdirSync(mappingsDir).sort() : []) {
    const dir = join(mappingsDir, entry);
    const json = join(dir, "mapping.json");
    const ts = join(dir, "mapping.ts");
    let manifest: unknown;
    if (existsSync(json)) {
      try {
        manifest = JSON.parse(readFileSync(json, "utf8"));
      } catch (error) {
        throw new InputError(`${json}: not valid JSON: ${(error as Error).message}`);
      }
    } else if (existsSync(ts)) {
      [manifest] = await exportsOf(ts);
      if (!manifest) throw new InputError(`${ts}: expected \`export default defineMapping({...})\``);
    } else continue;
    const replaces = (manifest as { replaces?: unknown }).replaces;
    mappings.set(entry, {
      file: existsSync(json) ? json : ts,
      value: existsSync(json) ? { dir } : { dir, manifest },
      replaces: typeof replaces === "string" ? replaces : undefined,
    });
  }
  const alertRules = listed(join(root, "alerts"), /\.sql$/).map((file): SqlRuleFile => {
    const text = readFileSync(file, "utf8");
    const severity = headerValue(text, "severity") ?? "medium";
    if (!(SEVERITIES as readonly string[]).includes(severity))
      throw new InputError(`${file}: @severity: expected one of ${SEVERITIES.join(", ")} (got "${severity}")`);
    assertOneSelect(text, file);
    const sql = bodyOf(text);
    if (!/\$1\b/.test(sql)) throw new InputError(`${file}: the rule's SQL must read the month evaluated as $1 (a month_index)`);
    return {
      file,
      name: basename(file, ".sql"),
      severity: severity as SqlRuleFile["severity"],
      sql,
      replaces: headerValue(text, "replaces"),
    };
  });
  return { root, models, metrics, dimensions, pages, mappings, alertRules };
}
