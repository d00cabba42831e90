import type { MetricDefinition, MetricType as TypeName } from "../definition.ts";
import type { MetricType } from "./context.ts";
import { snapshot } from "./snapshot.ts";
import { windowRetention } from "./window-retention.ts";

/** How each metric type becomes SQL. A new metric is data; only a new *type* adds an entry here. */
export const metricTypes: { [T in TypeName]: MetricType<Extract<MetricDefinition, { type: T }>> } = {
  snapshot,
  window_retention: windowRetention,
};

export function metricType(metric: MetricDefinition): MetricType<MetricDefinition> {
  return metricTypes[metric.type] as MetricType<MetricDefinition>;
}
