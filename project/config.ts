import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import cron from "node-cron";
import { tsImport } from "tsx/esm/api";
import { z } from "zod";
import { alertSettings } from "../alerts/settings.ts";
import { joinByName, ownFile } from "../core/declared.ts";
import { InputError } from "../core/errors.ts";
import { redactUrls } from "../core/secrets.ts";
import { coreSettings } from "../core/settings.ts";
import { dashboardSettings } from "../dashboards/settings.ts";
import { metricSettings } from "../metrics/settings.ts";
import { modelSettings } from "../models/settings.ts";
import { pipelineSettings } from "../pipelines/settings.ts";
import { type ProjectFolder, loadProjectFolder } from "./folder.ts";
import { assembleProject, type Project } from "./project.ts";

/**
 * One schema for the config file, joined from the slices each layer owns (DESIGN "The house"); the
 * orchestration's own keys (schedules, freshness) sit here, as it sits above the assembly.
 */
export const configSchema = z
  .object({
    ...coreSettings,
    ...pipelineSettings,
    ...modelSettings,
    ...metricSettings,
    ...dashboardSettings,
    ...alertSettings,
    /** Jobs `bellwether schedule` runs. */
    schedules: z
      .array(
        z.object({
          /** A name for the run history and the log. */
          job: z.string().regex(/^[a-z][a-z0-9_-]*$/, "job names are lower-case words, e.g. nightly"),
          /** A cron expression (5 fields, or 6 with seconds first), in the machine's time zone. */
          cron: z.string().refine((expression) => cron.validate(expression), { message: 'not a valid cron expression (e.g. "0 6 * * *")' }),
          /** `NAME`, `NAME+` or `+NAME` (bellwether run --select); everything when absent. */
          select: z.string().optional(),
          /** A sources folder to land first (default: the config's `sources`). */
          sources: z.string().optional(),
          /** "changed": a tick runs only when a file in the sources folder is new or changed since the last good run. */
          when: z.enum(["always", "changed"]).default("always"),
          /** Attempts after a failure, waiting `backoff` seconds, then twice that, and so on. */
          retries: z.number().int().min(0).max(10).default(2),
          backoff: z.number().positive().default(30),
          /** After a run that succeeds, send the digest (what moved since the last one) to the config's digest outlets. */
          digest: z.boolean().default(false),
        }),
      )
      .default([])
      .superRefine((jobs, ctx) => {
        const names = jobs.map((j) => j.job);
        const repeated = names.find((n, i) => names.indexOf(n) !== i);
        if (repeated) ctx.addIssue({ code: "custom", message: `job "${repeated}" is defined twice` });
      }),
    /** How old an asset may get before `bellwether status` calls it stale, in hours; per asset by name. */
    freshness: z
      .object({
        maxAgeHours: z.number().positive().default(26),
        assets: z.record(z.string(), z.number().positive()).default({}),
      })
      .prefault({}),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema> & {
  /** folder that relative paths resolve against */
  root: string;
  /**
   * The project the config belongs to: the built-ins, with the team's own folder (the config's folder,
   * when the config came from a file) joined. Handed down with the config, never looked up.
   */
  project: Project;
};

/** Identity at run time; gives editors the types and defaults of every key. */
export function defineConfig(config: ConfigInput): ConfigInput {
  return config;
}

export const DEFAULT_CONFIG_FILE = "bellwether.config.ts";

/**
 * A value found in the config, for an error message: a webhook's URL is its secret, never echoed; a
 * database URL without its password.
 */
function shownValue(path: readonly PropertyKey[], found: unknown): string {
  if (path.some((p) => /webhook|password|token|secret/i.test(String(p)))) return "a value not shown: it may hold a secret";
  return redactUrls(JSON.stringify(found) ?? String(found));
}

/** Validates a config object; errors name the key, what was expected and what was found. */
export function parseConfig(input: unknown, root: string, source = "config"): Config {
  const parsed = configSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = issue.path.length
        ? issue.path
            .map(String)
            .join(".")
            .replace(/\.(\d+)/g, "[$1]")
        : "(top level)";
      const found = valueAt(input, issue.path);
      return `  ${key}: ${describeIssue(issue)}${found === undefined || issue.code === "unrecognized_keys" ? "" : ` (got ${shownValue(issue.path, found)})`}`;
    });
    throw new InputError(`${source}: invalid configuration\n${lines.join("\n")}`);
  }
  return { ...parsed.data, root, project: assembleProject() };
}

/** The value the user wrote at a path, to show next to the complaint. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const step of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[step];
  }
  return path.length ? value : undefined;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    const known = Object.keys(configSchema.shape).join(", ");
    return `unknown key ${issue.keys.map((k) => `"${k}"`).join(", ")} (known keys: ${known})`;
  }
  return issue.message;
}

/**
 * Loads `bellwether.config.ts` (or the file given). No file at the default path means all defaults;
 * a file that was named explicitly must exist.
 */
export async function loadConfig(file?: string, cwd = process.cwd()): Promise<Config> {
  const path = resolve(cwd, file ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(path)) {
    if (file) throw new InputError(`${file}: config file not found`);
    // No config file, no project: only what Bellwether ships.
    return parseConfig({}, cwd);
  }
  let loaded: unknown;
  try {
    // tsImport loads the file as a module wherever it is: a folder with no package.json (or a CommonJS
    // one) would otherwise make `export default` a require() of ESM. Its default export then arrives
    // wrapped as CommonJS's exports.default.
    const module = (await tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown };
    const exported = module.default as { default?: unknown; __esModule?: boolean } | undefined;
    loaded = exported && typeof exported === "object" && "default" in exported ? exported.default : exported;
  } catch (error) {
    throw new InputError(`${path}: could not load the config file: ${(error as Error).message}`);
  }
  if (loaded === undefined) throw new InputError(`${path}: expected \`export default defineConfig({...})\``);
  const config = parseConfig(loaded, dirname(path), path);
  // The config's folder is the project: its models, metrics, pages, mappings and alert rules join the built-in ones.
  const folder = await loadProjectFolder(config.root);
  return { ...withProjectRules(config, folder, path), project: assembleProject(folder) };
}

/** The project's alerts/*.sql rules after the config's: a name already taken must say it replaces it. */
function withProjectRules(config: Config, project: ProjectFolder, configFile: string): Config {
  if (project.alertRules.length === 0) return config;
  const rules = joinByName(config.alerts.rules, project.alertRules, {
    kind: "alert rule",
    nameOf: (r) => ("kind" in r ? (r.name ?? r.kind) : r.name),
    builtInFile: () => `${configFile} (alerts.rules, or the default rules)`,
    ownFile: (r) => ownFile(project.root, r.file),
    replaces: (r) => r.replaces,
  }).map((r) =>
    "kind" in r ? r : { kind: "sql" as const, name: r.name, severity: r.severity, sql: r.sql, file: ownFile(project.root, r.file) },
  );
  return { ...config, alerts: { ...config.alerts, rules: rules as Config["alerts"]["rules"] } };
}
