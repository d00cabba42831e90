import { identifiersOf } from "./expression.ts";
import type { MetricDefinition } from "./definition.ts";

/**
 * The months a metric's figure for a period covers (DESIGN "Dashboards": its window):
 * - `period`: the period's own months (a quarter's movements, a year's costs), cut at the as-of;
 * - `window`: the window ending with the period (NRR over twelve months; a quarter row is then the
 *   twelve months to that quarter's end, and a year to date is the trailing twelve months);
 * - `to_date`: every month up to the period's end;
 * - `at_end`: a point in time, the period's last day (ARR, customers, CSMs).
 * A derived metric takes its inputs' window; a snapshot beside a windowed input is that window's end.
 */
export type FigureWindow = "period" | "window" | "to_date" | "at_end";

export function figureWindow(name: string, metrics: ReadonlyMap<string, MetricDefinition>, seen = new Set<string>()): FigureWindow {
  const metric = metrics.get(name);
  if (!metric || seen.has(name)) return "period";
  seen.add(name);
  switch (metric.type) {
    case "snapshot":
      return "at_end";
    case "window_retention":
      return "window";
    case "transfer":
      return "period";
    case "change":
      return figureWindow(metric.of, metrics, seen);
    case "derived": {
      const inputs = new Set(
        identifiersOf(metric.expression)
          .filter((n) => metrics.has(n))
          .map((n) => figureWindow(n, metrics, seen)),
      );
      for (const kind of ["window", "to_date", "period"] as const) if (inputs.has(kind)) return kind;
      return "at_end";
    }
    default:
      return metric.over;
  }
}
