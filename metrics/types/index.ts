import type { MetricDefinition, MetricType as TypeName } from "../definition.ts";
import type { MetricType } from "./context.ts";
import { auc } from "./auc.ts";
import { kaplanMeier } from "./kaplan-meier.ts";
import { periodAggregate } from "./period-aggregate.ts";
import { snapshot } from "./snapshot.ts";
import { transfer } from "./transfer.ts";
import { windowRetention } from "./window-retention.ts";

type BaseType = Exclude<TypeName, "derived" | "change">;
type BaseMetric = Extract<MetricDefinition, { type: BaseType }>;

/**
 * How each metric type becomes SQL. A new metric is data; only a new *type* adds an entry here.
 * Derived and change metrics have no SQL of their own: the compiler combines the metrics they name.
 */
export const metricTypes: { [T in BaseType]: MetricType<Extract<MetricDefinition, { type: T }>> } = {
  snapshot,
  window_retention: windowRetention,
  period_aggregate: periodAggregate,
  auc,
  kaplan_meier: kaplanMeier,
  transfer,
};

export function metricType(metric: BaseMetric): MetricType<BaseMetric> {
  return metricTypes[metric.type] as MetricType<BaseMetric>;
}

export type { BaseMetric };
