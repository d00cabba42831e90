import { redactUrls } from "./secrets.ts";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import cron from "node-cron";
import { tsImport } from "tsx/esm/api";
import { z } from "zod";
import { bandsSchema } from "./bands.ts";
import { InputError } from "./errors.ts";
import { alertRuleSchema, DEFAULT_ALERT_RULES } from "../alerts/rules.ts";
import { healthSchema } from "./scorecard.ts";
import { joinByName, loadProject, type Project, projectFile } from "./project.ts";

/** DuckDB's own default is 80% of RAM: too much to share a laptop with. */
/**
 * DuckDB spills what does not fit to disk: at 1GB the large sample's full build peaks at 1.7 GiB, not
 * 3.6 GiB as at 3GB, in about the same time (landing its 40M events: 64.5 s against 64.2 s).
 */
export const DEFAULT_MEMORY_LIMIT = "1GB";

const isoDate = z.iso.date({ error: "expected an ISO date, YYYY-MM-DD" });
/** A target: a number, or a [low, high] range. */
const target = z.union([z.number(), z.tuple([z.number(), z.number()])]);

export const configSchema = z
  .object({
    /** The DuckDB file; relative paths are relative to the config file. */
    warehouse: z.string().min(1).default("./warehouse.duckdb"),
    /** DuckDB's memory cap (it spills to disk beyond it), e.g. "3GB"; 1GB by default. */
    memoryLimit: z
      .string()
      .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'expected a size such as "3GB" or "512MB"')
      .default(DEFAULT_MEMORY_LIMIT),
    /** The sources folder `build` and `ingest` read when no --sources/--dir is given. */
    sources: z.string().min(1).optional(),
    /**
     * Vendor mappings' parameters, by format (`{ stripe: { account_id: "crosswalk" } }`); a key that is
     * not a shipped format names a sub-folder of the sources folder read with the mapping in `mapping`.
     */
    mappings: z
      .record(z.string(), z.object({ mapping: z.string().optional(), params: z.record(z.string(), z.string()).default({}) }).strict())
      .default({}),
    /** ISO 4217 code that money is reported in; other currencies convert through finance_fx_rates. */
    reportingCurrency: z
      .string()
      .regex(/^[A-Z]{3}$/, "expected a three-letter upper-case ISO 4217 code such as USD")
      .default("USD"),
    /**
     * The business time zone (IANA name): a timestamp that carries a zone ("…Z", "…+02:00", Parquet
     * TIMESTAMPTZ) lands as the wall-clock time there, and a date given as an instant takes its date there.
     */
    timeZone: z
      .string()
      .refine((zone) => {
        try {
          new Intl.DateTimeFormat("en", { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      }, 'expected an IANA time zone such as "UTC" or "Europe/Berlin"')
      .default("UTC"),
    /** Month (1–12) in which the fiscal year starts; fiscal years are named for the calendar year they end in. */
    fiscalYearStartMonth: z.number().int().min(1).max(12).default(1),
    /** Last day of data to report on; by default the last day of the month of the newest subscription date. */
    asOf: isoDate.optional(),
    /** Default window for NRR, GRR and logo retention. */
    retentionWindowMonths: z.number().int().min(1).max(120).default(12),
    /** Segments by employee count (DESIGN.md: SMB < 100 ≤ Mid-Market < 1000 ≤ Enterprise). */
    segments: bandsSchema([{ name: "SMB", below: 100 }, { name: "Mid-Market", below: 1000 }, { name: "Enterprise" }]),
    /** Finer employee-count bands for ICP analysis (the `employee_band` dimension). */
    employeeBands: bandsSchema([
      { name: "1–49", below: 50 },
      { name: "50–99", below: 100 },
      { name: "100–249", below: 250 },
      { name: "250–999", below: 1000 },
      { name: "1,000–4,999", below: 5000 },
      { name: "5,000+" },
    ]),
    /** Touch tiers by account ARR in the reporting currency (tech < 10k ≤ low < 50k ≤ high). */
    touchTiers: bandsSchema([{ name: "tech", below: 10_000 }, { name: "low", below: 50_000 }, { name: "high" }]),
    /** The health scorecard: measures, thresholds, weights, bands and the backtest horizon. */
    health: healthSchema,
    /** Health bands by score (DESIGN.md: red < 40 ≤ yellow < 70 ≤ green). */
    healthBands: bandsSchema([{ name: "red", below: 40 }, { name: "yellow", below: 70 }, { name: "green" }]),
    timeToValue: z
      .object({
        /** "milestone": the first crm_milestones row named `milestone`; "usage": the first day `activeUsers` distinct users were active over a trailing 7 days. */
        rule: z.enum(["milestone", "usage"]).default("milestone"),
        milestone: z.string().min(1).default("value_one"),
        activeUsers: z.number().int().min(1).default(5),
      })
      .prefault({}),
    costs: z
      .object({
        /** Cost centres that count as the cost of retaining customers. */
        retentionCostCenters: z.array(z.string().min(1)).min(1).default(["csm", "support", "onboarding", "cs_ops", "renewals"]),
        /** How a cost row with no segment is shared between segments: by their ARR or their account count that month. */
        allocateBy: z.enum(["arr", "accounts"]).default("arr"),
      })
      .prefault({}),
    renewals: z
      .object({
        /** Days after a renewal's due date at which its outcome (the account's ARR then) is read. */
        graceDays: z.number().int().min(0).max(365).default(30),
        /** A churn or contraction takes its reason from a lost or contracted renewal opportunity closed within this many months of it. */
        reasonWindowMonths: z.number().int().min(0).max(24).default(3),
        /** Loss reason (as the CRM writes it, any case) → category; a reason not listed is "unknown". */
        reasonCategories: z.record(z.string().min(1), z.string().min(1)).default({
          "low adoption": "preventable",
          "champion left": "preventable",
          "poor support": "preventable",
          "switched to competitor": "preventable",
          "missing features": "preventable",
          budget: "not preventable",
          "company acquired": "not preventable",
          "out of business": "not preventable",
        }),
      })
      .prefault({}),
    forecast: z
      .object({
        /** A band × segment cell of the backtest with fewer accounts than this borrows its band's loss rate. */
        minAccounts: z.number().int().min(1).default(20),
      })
      .prefault({}),
    icp: z
      .object({
        /** Groups with fewer base accounts than this are flagged as too small to trust. */
        minAccounts: z.number().int().min(1).default(20),
      })
      .prefault({}),
    /** How figures describe themselves on pages (DESIGN "Dashboards"). */
    display: z
      .object({
        /** A rate, AUC or lift resting on fewer than this many (accounts, renewals, churners) carries a caution and its interval. */
        minSample: z.number().int().min(1).default(30),
      })
      .prefault({}),
    /** What the React rules watch for, and where their alerts go (DESIGN.md "React: alerts"). */
    alerts: z
      .object({
        rules: z
          .array(alertRuleSchema)
          .prefault(DEFAULT_ALERT_RULES)
          .superRefine((rules, ctx) => {
            const names = rules.map((r) => r.name ?? r.kind);
            const repeated = names.find((n, i) => names.indexOf(n) !== i);
            if (repeated) ctx.addIssue({ code: "custom", message: `two rules are named "${repeated}": give one a name of its own` });
          }),
        /** A JSON file (relative to the config) replaced on every run with the alerts it opened and closed. */
        file: z.string().min(1).optional(),
        /** A webhook to POST each run's new alerts to: JSON, or Slack's incoming-webhook shape. */
        webhook: z
          .object({
            url: z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }),
            format: z.enum(["json", "slack"]).default("json"),
            timeoutSeconds: z.number().positive().max(300).default(10),
            retries: z.number().int().min(0).max(10).default(3),
            backoffSeconds: z.number().min(0).max(600).default(2),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    /**
     * Owners that are pools (a digital-CS queue), not people: shown as pools and left out of per-CSM
     * ratios. The default names the sample's; set your CRM's (or [] for none).
     */
    pools: z.array(z.string().min(1)).default(["Digital CS"]),
    /**
     * What good looks like for this team, drawn as reference lines and judged on tiles: a number, or a
     * [low, high] range, per metric name (e.g. nrr: 1.15, cost_to_retain: [0.05, 0.15]). None by
     * default: a built-in figure shown as "Target … not met" would read as the company's own.
     */
    targets: z.record(z.string(), target).default({}),
    /**
     * Targets that depend on the segment, per metric and segment (an SMB book holds less ARR than an
     * Enterprise one): `{ arr_per_csm: { SMB: 600000 } }`. A segment not named takes `targets`.
     */
    segmentTargets: z.record(z.string(), z.record(z.string(), target)).default({}),
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
    site: z
      .object({
        outDir: z.string().min(1).default("./site"),
        title: z.string().min(1).default("Bellwether"),
        /** Paper for `bellwether build --pdf`. */
        paper: z.enum(["A4", "Letter"]).default("A4"),
      })
      .prefault({}),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema> & {
  /** folder that relative paths resolve against */
  root: string;
  /**
   * The team's own project folder (the config's folder) when the config came from a file: its models,
   * metrics, pages, mappings and alert rules join the built-in ones wherever this config is handed.
   */
  project?: Project;
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
  return { ...parsed.data, root };
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
  const project = await loadProject(config.root);
  return { ...withProjectRules(config, project, path), project };
}

/** The project's alerts/*.sql rules after the config's: a name already taken must say it replaces it. */
function withProjectRules(config: Config, project: Project, configFile: string): Config {
  if (project.alertRules.length === 0) return config;
  const rules = joinByName(config.alerts.rules, project.alertRules, {
    kind: "alert rule",
    nameOf: (r) => ("kind" in r ? (r.name ?? r.kind) : r.name),
    builtInFile: () => `${configFile} (alerts.rules, or the default rules)`,
    ownFile: (r) => projectFile(project, r.file),
    replaces: (r) => r.replaces,
  }).map((r) =>
    "kind" in r ? r : { kind: "sql" as const, name: r.name, severity: r.severity, sql: r.sql, file: projectFile(project, r.file) },
  );
  return { ...config, alerts: { ...config.alerts, rules: rules as Config["alerts"]["rules"] } };
}

/** Resolves a path from the config against the config's folder. */
export function configPath(config: Config, path: string): string {
  return resolve(config.root, path);
}
