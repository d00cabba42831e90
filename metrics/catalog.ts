import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { InputError } from "../core/errors.ts";
import type { DataTest } from "../models/model.ts";
import { allModels, builtInFile, type Declared, joinByName, type Project, projectFile } from "../core/project.ts";
import { type DimensionDefinition, dimensionDefinition, type MetricDefinition, type MetricInput, metricDefinition } from "./definition.ts";
import { dependencyOrder } from "../core/graph.ts";
import { identifiersOf } from "./compile.ts";
import * as adoption from "./definitions/adoption.ts";
import * as arrFamily from "./definitions/arr.ts";
import * as cohorts from "./definitions/cohorts.ts";
import * as costs from "./definitions/costs.ts";
import * as expansion from "./definitions/expansion.ts";
import * as forecast from "./definitions/forecast.ts";
import * as health from "./definitions/health.ts";
import * as movements from "./definitions/movements.ts";
import * as renewals from "./definitions/renewals.ts";
import * as retention from "./definitions/retention.ts";
import * as support from "./definitions/support.ts";
import * as ttv from "./definitions/ttv.ts";
import * as voice from "./definitions/voice.ts";
import { dimensions } from "./dimensions.ts";

export interface Catalog {
  metrics: ReadonlyMap<string, MetricDefinition>;
  dimensions: ReadonlyMap<string, DimensionDefinition>;
  /** Marts whose model tests unique(account_id, month_index): a snapshot counts their rows for distinct accounts. */
  accountMonthTables: ReadonlySet<string>;
}

/** Validates every definition once; a bad definition names itself and the key. */
export function buildCatalog(
  metricInputs: readonly unknown[],
  dimensionInputs: readonly unknown[],
  accountMonthTables: ReadonlySet<string> = new Set(),
): Catalog {
  const metrics = new Map<string, MetricDefinition>();
  for (const input of metricInputs) {
    const parsed = metricDefinition.safeParse(input);
    const label = (input as { name?: string }).name ?? "(unnamed)";
    if (!parsed.success) throw new Error(`metric ${label}: ${z.prettifyError(parsed.error)}`);
    if (metrics.has(parsed.data.name)) throw new Error(`metric ${label} is defined twice`);
    // A reader tells metrics apart by their labels (the glossary, tiles, CSV headers).
    const same = [...metrics.values()].find((m) => m.label === parsed.data.label);
    if (same) throw new Error(`metric ${label}: its label "${parsed.data.label}" is already metric ${same.name}'s`);
    metrics.set(parsed.data.name, parsed.data);
  }
  // A derived metric may name only metrics (and a few functions); a change metric, one metric.
  for (const metric of metrics.values()) {
    if (metric.type !== "derived") continue;
    const unknown = identifiersOf(metric.expression).filter((name) => !metrics.has(name));
    if (unknown.length) throw new Error(`metric ${metric.name}: its expression names ${unknown.join(", ")}, which are not metrics`);
  }
  // What a figure says about itself (its n, interval, known share) names metrics of the catalog.
  for (const metric of metrics.values()) {
    for (const [key, names] of [
      ["sample", [metric.sample]],
      ["interval", metric.interval ?? []],
      ["known", [metric.known]],
    ] as const) {
      const missing = names.filter((n): n is string => n !== undefined && !metrics.has(n));
      if (missing.length) throw new Error(`metric ${metric.name}: its ${key} names ${missing.join(", ")}, which is not a metric`);
    }
  }
  for (const metric of metrics.values()) {
    if (metric.type === "change" && !metrics.has(metric.of))
      throw new Error(`metric ${metric.name}: changes "${metric.of}", which is not a metric`);
  }
  // Neither may reach itself through others.
  dependencyOrder([...metrics.values()], (m) => m.name, inputsOfMetric, "metrics");
  const dims = new Map<string, DimensionDefinition>();
  for (const input of dimensionInputs) {
    const parsed = dimensionDefinition.parse(input);
    dims.set(parsed.name, parsed);
  }
  return { metrics, dimensions: dims, accountMonthTables };
}

/** The marts a data test keeps to one row per account and month. */
function accountMonthMarts(project: Project | undefined): Set<string> {
  const keyed = (test: DataTest) => test.kind === "unique" && test.args.replace(/\s+/g, "") === "account_id,month_index";
  return new Set(
    allModels(project)
      .filter((m) => m.schema === "marts" && m.tests.some(keyed))
      .map((m) => m.name),
  );
}

const FAMILIES = {
  "arr.ts": arrFamily,
  "movements.ts": movements,
  "retention.ts": retention,
  "cohorts.ts": cohorts,
  "expansion.ts": expansion,
  "adoption.ts": adoption,
  "support.ts": support,
  "voice.ts": voice,
  "health.ts": health,
  "ttv.ts": ttv,
  "costs.ts": costs,
  "renewals.ts": renewals,
  "forecast.ts": forecast,
};
const DEFINITIONS = join(dirname(fileURLToPath(import.meta.url)), "definitions");

/** Catalogs already built, by the project they join (a pure cache: the same project gives the same catalog). */
const BUILT = new WeakMap<object, Catalog>();
const BUILT_INS = Object.freeze({});

/**
 * The catalog of every metric shipped in metrics/definitions and every dimension in dimensions.ts,
 * with a project's metrics and dimensions joined (none: the built-ins alone): the same validation, the
 * same compiler. Two projects in one process get their own catalogs.
 */
export function catalog(project?: Project): Catalog {
  const known = BUILT.get(project ?? BUILT_INS);
  if (known) return known;
  const builtIn = Object.entries(FAMILIES).flatMap(([file, family]) =>
    Object.values(family).map((value) => ({ file: join(DEFINITIONS, file), value: value as MetricInput })),
  );
  const builtInDimensions = dimensions.map((value) => ({ file: fileURLToPath(new URL("./dimensions.ts", import.meta.url)), value }));
  const metricInputs = joinDefinitions("metric", builtIn, project?.metrics, project);
  const dimensionInputs = joinDefinitions("dimension", builtInDimensions, project?.dimensions, project);
  // A project's definition is checked on its own first, so its error names its file and key.
  if (project) {
    for (const { file, value } of project.metrics)
      checked(metricDefinition, value, `${projectFile(project, file)}: metric ${value.name ?? "(unnamed)"}`);
    for (const { file, value } of project.dimensions)
      checked(dimensionDefinition, value, `${projectFile(project, file)}: dimension ${value.name ?? "(unnamed)"}`);
  }
  const built = (() => {
    try {
      return buildCatalog(
        metricInputs.map((m) => m.value),
        dimensionInputs.map((d) => d.value),
        accountMonthMarts(project),
      );
    } catch (error) {
      // A whole-catalog rule (a label taken, an expression naming no metric) broken by a project file.
      const own = project?.metrics.find((m) => (error as Error).message.startsWith(`metric ${m.value.name}:`));
      throw own ? new InputError(`${projectFile(project as Project, own.file)}: ${(error as Error).message}`) : error;
    }
  })();
  BUILT.set(project ?? BUILT_INS, built);
  return built;
}

/** Built-in definitions with a project's joined by name (see joinByName). */
function joinDefinitions<T extends { name: string }>(
  kind: string,
  builtIn: { file: string; value: T }[],
  own: Declared<T>[] | undefined,
  project: Project | undefined,
): { file: string; value: T }[] {
  if (!project || !own) return builtIn;
  return joinByName(builtIn, own, {
    kind,
    nameOf: (d) => d.value.name,
    builtInFile: (d) => builtInFile(d.file),
    ownFile: (d) => projectFile(project, d.file),
    replaces: (d) => d.replaces,
  });
}

/** Parses one definition; a failure is an error naming where it came from and each key that is wrong. */
function checked(schema: z.ZodType, value: unknown, where: string): void {
  const parsed = schema.safeParse(value);
  if (parsed.success) return;
  const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(definition)"}: ${issue.message}`);
  throw new InputError(`${where}: ${issues.join("; ")}`);
}

/** The metrics a metric is computed from. */
function inputsOfMetric(metric: MetricDefinition): string[] {
  if (metric.type === "derived") return identifiersOf(metric.expression);
  if (metric.type === "change") return [metric.of];
  return [];
}
