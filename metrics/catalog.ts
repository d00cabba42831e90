import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { InputError } from "../core/errors.ts";
import { builtInFile, type Declared, joinByName, ownFile } from "../core/declared.ts";
import {
  type DimensionDefinition,
  dimensionDefinition,
  type DimensionInput,
  type MetricDefinition,
  type MetricInput,
  metricDefinition,
} from "./definition.ts";
import { dependencyOrder } from "../core/graph.ts";
import { identifiersOf } from "./expression.ts";
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

/** A team's own metrics and dimensions (its project folder's `metrics/*.ts`), and the folder they sit in. */
export interface OwnDefinitions {
  root: string;
  metrics: readonly Declared<MetricInput>[];
  dimensions: readonly Declared<DimensionInput>[];
}

/**
 * The catalog of every metric shipped in metrics/definitions and every dimension in dimensions.ts,
 * with a project's metrics and dimensions joined (none: the built-ins alone): the same validation, the
 * same compiler. `accountMonthTables` are the marts whose data tests keep one row per account and month.
 */
export function catalog(own?: OwnDefinitions, accountMonthTables: ReadonlySet<string> = new Set()): Catalog {
  const builtIn = Object.entries(FAMILIES).flatMap(([file, family]) =>
    Object.values(family).map((value) => ({ file: join(DEFINITIONS, file), value: value as MetricInput })),
  );
  const builtInDimensions = dimensions.map((value) => ({ file: fileURLToPath(new URL("./dimensions.ts", import.meta.url)), value }));
  const metricInputs = joinDefinitions("metric", builtIn, own?.metrics, own?.root);
  const dimensionInputs = joinDefinitions("dimension", builtInDimensions, own?.dimensions, own?.root);
  // A project's definition is checked on its own first, so its error names its file and key.
  if (own) {
    for (const { file, value } of own.metrics)
      checked(metricDefinition, value, `${ownFile(own.root, file)}: metric ${value.name ?? "(unnamed)"}`);
    for (const { file, value } of own.dimensions)
      checked(dimensionDefinition, value, `${ownFile(own.root, file)}: dimension ${value.name ?? "(unnamed)"}`);
  }
  try {
    return buildCatalog(
      metricInputs.map((m) => m.value),
      dimensionInputs.map((d) => d.value),
      accountMonthTables,
    );
  } catch (error) {
    // A whole-catalog rule (a label taken, an expression naming no metric) broken by a project file.
    const mine = own?.metrics.find((m) => (error as Error).message.startsWith(`metric ${m.value.name}:`));
    throw own && mine ? new InputError(`${ownFile(own.root, mine.file)}: ${(error as Error).message}`) : error;
  }
}

/** Built-in definitions with a project's joined by name (see joinByName). */
function joinDefinitions<T extends { name: string }>(
  kind: string,
  builtIn: { file: string; value: T }[],
  own: readonly Declared<T>[] | undefined,
  root: string | undefined,
): { file: string; value: T }[] {
  if (root === undefined || !own) return builtIn;
  return joinByName(builtIn, own, {
    kind,
    nameOf: (d) => d.value.name,
    builtInFile: (d) => builtInFile(d.file),
    ownFile: (d) => ownFile(root, d.file),
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
