import * as Plot from "@observablehq/plot";
import { formatMoney, formatValue, type ValueFormat } from "../core/format.ts";
import type { MetricRow } from "../metrics/query.ts";
import type { ChartContext } from "./page.ts";

interface SeriesOptions {
  /** The metric column to plot. */
  y: string;
  /** The dimension that splits the series (colour). */
  by: string;
  format: ValueFormat;
  label: string;
}

/** Periods as fiscal-quarter labels, in time order, for an ordinal x axis. */
function periods(rows: readonly MetricRow[], context: ChartContext) {
  const ordered = [...new Set(rows.map((r) => String(r.period)))].sort();
  return { domain: ordered.map((p) => context.periodLabel(p)), label: (r: MetricRow) => context.periodLabel(String(r.period)) };
}

function axis(format: ValueFormat, context: ChartContext) {
  return format === "currency"
    ? { tickFormat: (v: number) => formatMoney(v, context.currency, "compact") }
    : format === "percent"
      ? { tickFormat: (v: number) => `${Math.round(v * 100)}%` }
      : {};
}

/** Periods along x (rotated labels when there are many), the metric's unit on y, a colour legend. */
function frame(x: ReturnType<typeof periods>, type: "band" | "point", options: SeriesOptions, context: ChartContext) {
  const crowded = x.domain.length > 8;
  return {
    x: { type, domain: x.domain, label: null, tickRotate: crowded ? -30 : 0 },
    y: { grid: true, label: options.label, ...axis(options.format, context) },
    color: { legend: true },
    marginBottom: crowded ? 50 : 30,
    marginLeft: 60,
  };
}

/** Stacked bars per period, one colour per group, with a native tooltip on every bar. */
export function stackedBars(rows: MetricRow[], options: SeriesOptions, context: ChartContext): Plot.PlotOptions {
  const x = periods(rows, context);
  return {
    ...frame(x, "band", options, context),
    marks: [
      Plot.barY(rows, {
        x: x.label,
        y: options.y,
        fill: options.by,
        title: (r: MetricRow) =>
          `${r[options.by]} · ${x.label(r)}\n${formatValue(r[options.y] as number | null, options.format, { currency: context.currency })}`,
      }),
      Plot.ruleY([0]),
    ],
  };
}

/** One line per group over the periods; gaps where the metric is undefined (null). */
export function lines(rows: MetricRow[], options: SeriesOptions, context: ChartContext): Plot.PlotOptions {
  // Start where the metric is first defined: a trailing window has nothing to say before the data covers it.
  const defined = rows.filter((r) => r[options.y] !== null);
  const first = defined.map((r) => String(r.period)).sort()[0] ?? "";
  rows = rows.filter((r) => String(r.period) >= first);
  const x = periods(rows, context);
  return {
    ...frame(x, "point", options, context),
    marks: [
      Plot.ruleY([1], { stroke: "currentColor", strokeOpacity: 0.35, strokeDasharray: "4,3" }),
      Plot.line(rows, { x: x.label, y: options.y, stroke: options.by, z: options.by }),
      Plot.dot(defined, {
        x: x.label,
        y: options.y,
        fill: options.by,
        r: 2.5,
        title: (r: MetricRow) =>
          `${r[options.by]} · ${x.label(r)}\n${options.label}: ${formatValue(r[options.y] as number | null, options.format)}`,
      }),
    ],
  };
}
