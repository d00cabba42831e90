import { z } from "zod";
import { type DimensionDefinition, dimensionDefinition, type MetricDefinition, metricDefinition } from "./definition.ts";
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
}

/** Validates every definition once; a bad definition names itself and the key. */
export function buildCatalog(metricInputs: readonly unknown[], dimensionInputs: readonly unknown[]): Catalog {
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
  return { metrics, dimensions: dims };
}

let defaultCatalog: Catalog | undefined;

/** The catalog of every metric shipped in metrics/definitions. */
export function catalog(): Catalog {
  defaultCatalog ??= buildCatalog(
    [arrFamily, movements, retention, cohorts, expansion, adoption, support, voice, health, ttv, costs, renewals, forecast].flatMap(
      (family) => Object.values(family),
    ),
    dimensions,
  );
  return defaultCatalog;
}

/** The metrics a metric is computed from. */
function inputsOfMetric(metric: MetricDefinition): string[] {
  if (metric.type === "derived") return identifiersOf(metric.expression);
  if (metric.type === "change") return [metric.of];
  return [];
}
