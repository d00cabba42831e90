import * as Plot from "@observablehq/plot";
import { formatMoney, formatValue, npsText, type ValueFormat } from "../core/format.ts";
import type { MetricRow } from "../metrics/query.ts";
import type { ChartContext } from "./page.ts";

/*
 * Small chart builders over metric rows. Every mark that shows a number has a native `title`
 * tooltip (Plot's `tip` mark needs a live page); axes carry their unit.
 */

interface SeriesOptions {
  /** The metric column to plot. */
  y: string;
  /** The column that splits the series (a dimension, or "series" for several metrics). */
  by: string;
  format: ValueFormat;
  label: string;
}

/**
 * A series channel through the colour scale. Without `scale`, Plot takes values that happen to be CSS
 * colour names (health bands: red, yellow, green) as literal colours, bypassing the scale's domain.
 */
const series = (column: string) => ({ value: column, scale: "color" as const });

/** Each mark links to the accounts behind its figure: the row's own metric (a series of several), else the chart's. */
const drill = (context: ChartContext, metric: string) =>
  context.drillHref ? { href: (r: MetricRow) => context.drillHref?.(r, typeof r.metric === "string" ? r.metric : metric) } : {};

const show = (value: unknown, format: ValueFormat, context: ChartContext) =>
  formatValue(typeof value === "number" ? value : null, format, { currency: context.currency });

/** Periods as fiscal-quarter labels, in time order, for an ordinal x axis. */
function periods(rows: readonly MetricRow[], context: ChartContext) {
  const ordered = [...new Set(rows.map((r) => String(r.period)))].sort();
  return { domain: ordered.map((p) => context.periodLabel(p)), label: (r: MetricRow) => context.periodLabel(String(r.period)) };
}

export function axis(format: ValueFormat, context: ChartContext) {
  if (format === "currency") return { tickFormat: (v: number) => formatMoney(v, context.currency, "compact") };
  // Whole percents, unless the ticks are closer than that (DAU/MAU between 4% and 5%).
  if (format === "percent") return { tickFormat: (v: number) => `${+(v * 100).toFixed(Number.isInteger(+(v * 100).toFixed(6)) ? 0 : 1)}%` };
  if (format === "nps") return { tickFormat: (v: number) => npsText(v, 0) };
  return {};
}

/** Periods along x (rotated labels when there are many), the metric's unit on y, a colour legend. */
function frame(x: ReturnType<typeof periods>, type: "band" | "point", options: SeriesOptions, context: ChartContext) {
  const crowded = x.domain.length > 8;
  return {
    x: { type, domain: x.domain, label: null, tickRotate: crowded ? -30 : 0 },
    y: { grid: true, label: options.label, ...axis(options.format, context) },
    color: { legend: true },
    marginBottom: crowded ? 50 : 30,
    marginLeft: 70,
  };
}

/** Several metrics of the same rows as one long series column, labelled from the catalog. */
export function metricSeries(rows: readonly MetricRow[], metrics: readonly string[], context: ChartContext): MetricRow[] {
  return rows.flatMap((r) => metrics.map((m) => ({ ...r, series: context.labelOf(m), metric: m, value: r[m] ?? null })));
}

/**
 * The rows from the first period where the metric is defined. A trailing window, or a source that
 * starts later than the CRM (usage, tickets, costs), is unknown (null) before its data covers it; a
 * real 0 is kept.
 */
function fromFirstDefined(rows: MetricRow[], y: string): MetricRow[] {
  const first = rows
    .filter((r) => r[y] !== null && r[y] !== undefined)
    .map((r) => String(r.period))
    .sort()[0];
  return first === undefined ? rows : rows.filter((r) => String(r.period) >= first);
}

/** Stacked bars per period, one colour per group. */
export function stackedBars(
  rows: MetricRow[],
  options: SeriesOptions & { /** Series from the baseline up; the data's order when absent. */ order?: readonly string[] },
  context: ChartContext,
): Plot.PlotOptions {
  rows = fromFirstDefined(rows, options.y);
  const x = periods(rows, context);
  return {
    ...frame(x, "band", options, context),
    marks: [
      Plot.barY(rows, {
        x: x.label,
        y: options.y,
        fill: series(options.by),
        // Plot orders the stack by z; the fill's {value, scale} form does not give it one.
        ...(options.order ? { z: options.by, order: [...options.order] } : {}),
        title: (r: MetricRow) => `${r[options.by]} · ${x.label(r)}\n${show(r[options.y], options.format, context)}`,
        ...drill(context, options.y),
      }),
      Plot.ruleY([0]),
    ],
  };
}

/** The config's targets as dashed green rules, labelled, so a chart shows what good looks like. */
export function targetRules(targets: readonly number[] | undefined): Plot.Markish[] {
  if (!targets?.length) return [];
  return [
    Plot.ruleY(targets, { stroke: "#1f8a4c", strokeDasharray: "6,3", strokeOpacity: 0.9 }),
    Plot.text(targets, { y: (t: number) => t, text: () => "target", frameAnchor: "right", dy: -6, fill: "#1f8a4c" }),
  ];
}

/** One line per group over the periods; gaps where the metric is undefined (null). */
export function lines(
  rows: MetricRow[],
  options: SeriesOptions & { reference?: number; targets?: readonly number[] },
  context: ChartContext,
): Plot.PlotOptions {
  rows = fromFirstDefined(rows, options.y);
  const defined = rows.filter((r) => r[options.y] !== null);
  const x = periods(rows, context);
  const reference =
    options.reference === undefined
      ? []
      : [Plot.ruleY([options.reference], { stroke: "currentColor", strokeOpacity: 0.35, strokeDasharray: "4,3" })];
  return {
    ...frame(x, "point", options, context),
    marks: [
      ...reference,
      ...targetRules(options.targets),
      Plot.line(rows, { x: x.label, y: options.y, stroke: series(options.by), z: options.by }),
      Plot.dot(defined, {
        x: x.label,
        y: options.y,
        fill: series(options.by),
        r: 2.5,
        title: (r: MetricRow) => `${r[options.by]} · ${x.label(r)}\n${options.label}: ${show(r[options.y], options.format, context)}`,
        ...drill(context, options.y),
      }),
    ],
  };
}

/** Bars of one metric by a dimension, side by side per period (a facet per period). */
export function groupedBars(
  rows: MetricRow[],
  options: SeriesOptions & { targets?: readonly number[] },
  context: ChartContext,
): Plot.PlotOptions {
  const x = periods(rows, context);
  return {
    fx: { domain: x.domain, label: null },
    x: { axis: null },
    y: { grid: true, label: options.label, ...axis(options.format, context) },
    color: { legend: true },
    marginLeft: 70,
    marks: [
      Plot.barY(rows, {
        fx: x.label,
        x: options.by,
        y: options.y,
        fill: series(options.by),
        title: (r: MetricRow) => `${r[options.by]} · ${x.label(r)}\n${options.label}: ${show(r[options.y], options.format, context)}`,
        ...drill(context, options.y),
      }),
      Plot.ruleY([0]),
      ...(options.targets?.length ? [Plot.ruleY(options.targets, { stroke: "#1f8a4c", strokeDasharray: "6,3" })] : []),
    ],
  };
}

const BRIDGE_STEPS = [
  ["opening_arr", "Opening"],
  ["new_arr", "New"],
  ["reactivation_arr", "Reactivation"],
  ["expansion_arr", "Expansion"],
  ["contraction_arr", "Contraction"],
  ["churned_arr", "Churn"],
  ["arr", "Closing"],
] as const;

/**
 * The ARR bridge as a waterfall per period: opening, each movement from where the last left off,
 * closing, each step labelled with its amount. Movements are a few percent of the book, so the axis
 * does not start at zero: it spans the levels the bridge passes through (with room for the labels),
 * and the opening and closing bars run off its foot — the caption says where the axis starts.
 */
export function waterfall(rows: MetricRow[], context: ChartContext): Plot.PlotOptions {
  const x = periods(rows, context);
  const steps = rows.flatMap((r) => {
    let level = 0;
    return BRIDGE_STEPS.map(([metric, step]) => {
      const amount = Number(r[metric] ?? 0);
      const total = metric === "opening_arr" || metric === "arr";
      const from = total ? 0 : level;
      const to = total ? amount : level + amount;
      level = to;
      const kind = total ? "ARR" : amount >= 0 ? "Added" : "Lost";
      const text = total ? formatValue(amount, "currency", { currency: context.currency, style: "compact" }) : signedMoney(amount, context);
      return { period: x.label(r), step, from, to, kind, amount, text, top: Math.max(from, to), row: r, metric };
    });
  });
  const [low, high] = waterfallDomain(steps);
  return {
    fx: { domain: x.domain, label: null },
    x: { domain: BRIDGE_STEPS.map(([, s]) => s), label: null, tickRotate: -40 },
    y: {
      grid: true,
      label: `ARR (${context.currency}), axis from ${formatValue(low, "currency", { currency: context.currency, style: "compact" })}`,
      domain: [low, high],
      ...axis("currency", context),
    },
    color: { domain: ["ARR", "Added", "Lost"], range: ["#8a94a6", "#1f8a4c", "#c2412d"], legend: true },
    marginBottom: 70,
    marginLeft: 70,
    marginTop: 40,
    marks: [
      Plot.barY(steps, {
        fx: "period",
        x: "step",
        y1: (d: (typeof steps)[number]) => Math.max(d.from, low),
        y2: "to",
        fill: "kind",
        clip: true,
        title: (d: (typeof steps)[number]) => `${d.period} · ${d.step}\n${formatMoney(d.amount, context.currency)}`,
        ...(context.drillHref ? { href: (d: (typeof steps)[number]) => context.drillHref?.(d.row, d.metric) } : {}),
      }),
      // Upright labels would collide at seven steps a quarter: each reads upwards from the top of its bar.
      Plot.text(steps, {
        fx: "period",
        x: "step",
        y: "top",
        text: "text",
        rotate: -90,
        textAnchor: "start",
        dy: -4,
        fill: "currentColor",
      }),
    ],
  };
}

/** "+$1.2M" / "−$345K": a movement with its sign. */
const signedMoney = (amount: number, context: ChartContext) =>
  `${amount < 0 ? "−" : "+"}${formatValue(Math.abs(amount), "currency", { currency: context.currency, style: "compact" })}`;

/**
 * The y span of a waterfall: from a little below the lowest level any step starts or ends at (the
 * totals excepted, which start at zero) to a little above the highest, so the movements fill the chart.
 * When the book is small beside its movements, zero is in the span and nothing is cut.
 */
export function waterfallDomain(steps: readonly { from: number; to: number; kind: string }[]): [number, number] {
  const levels = steps.flatMap((s) => (s.kind === "ARR" ? [s.to] : [s.from, s.to]));
  if (levels.length === 0) return [0, 1];
  const lowest = Math.min(...levels);
  const highest = Math.max(...levels);
  const pad = Math.max((highest - lowest) * 0.25, Math.abs(highest) * 0.01, 1);
  const low = lowest - pad;
  // Above: room for the upright labels.
  return [low <= (highest - lowest) * 2 ? Math.min(0, low) : low, highest + pad * 2.4];
}

/** Relative luminance of an "rgb(r, g, b)" or "#rrggbb" colour (WCAG 2). */
function luminance(colour: string): number {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  const rgb = hex ? hex.slice(1).map((h) => Number.parseInt(h, 16)) : (colour.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
  const [r = 0, g = 0, b = 0] = rgb.map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Black or white, whichever contrasts more with the background (WCAG contrast ratio). */
export function labelColour(background: string): "black" | "white" {
  const l = luminance(background);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "black" : "white";
}

/**
 * A heatmap of a ratio: rows × columns, each cell labelled with its value in black or white by its
 * fill's luminance, and a legend of the colour classes (drawn as SVG, not a canvas ramp). `yLabel` may
 * name each row (a cohort with its size).
 */
export function heatmap(
  rows: MetricRow[],
  options: {
    x: string;
    y: string;
    value: string;
    format: ValueFormat;
    xLabel: string;
    yLabel: string;
    rowLabel?: (y: string) => string;
  },
  context: ChartContext,
): Plot.PlotOptions {
  const defined = rows.filter((r) => r[options.value] !== null);
  const values = defined.map((r) => Number(r[options.value]));
  const domain: [number, number] = values.length ? [Math.min(...values), Math.max(...values)] : [0, 1];
  const colour = { type: "quantize" as const, n: 6, scheme: "blues" as const, domain };
  const scale = Plot.scale({ color: colour });
  const rowName = (r: MetricRow) => (options.rowLabel ? options.rowLabel(String(r[options.y])) : String(r[options.y]));
  return {
    x: { label: options.xLabel, type: "band" },
    y: { label: options.yLabel, type: "band" },
    color: { ...colour, legend: true, label: context.labelOf(options.value), tickFormat: axis(options.format, context).tickFormat },
    marginLeft: options.rowLabel ? 150 : 90,
    height: Math.max(200, 24 * new Set(defined.map((r) => r[options.y])).size + 60),
    marks: [
      Plot.cell(defined, {
        x: options.x,
        y: rowName,
        fill: options.value,
        inset: 0.5,
        title: (r: MetricRow) => `${rowName(r)} · ${options.xLabel} ${r[options.x]}\n${show(r[options.value], options.format, context)}`,
        ...drill(context, options.value),
      }),
      Plot.text(defined, {
        x: options.x,
        y: rowName,
        text: (r: MetricRow) =>
          options.format === "percent" ? `${Math.round(Number(r[options.value]) * 100)}` : show(r[options.value], options.format, context),
        fontSize: 9,
        fill: (r: MetricRow) => labelColour(String(scale.apply(Number(r[options.value])))),
      }),
    ],
  };
}

/** A histogram of a number per row (days to value). */
export function histogram(rows: MetricRow[], options: { x: string; label: string; thresholds?: number }): Plot.PlotOptions {
  return {
    x: { label: options.label },
    y: { grid: true, label: "Accounts" },
    marks: [
      Plot.rectY(
        rows,
        Plot.binX(
          { y: "count", title: (bin: MetricRow[]) => `${bin.length} accounts` },
          { x: options.x, thresholds: options.thresholds ?? 30 },
        ),
      ),
      Plot.ruleY([0]),
    ],
  };
}

/** A point per group with its interval, on a shared scale (ICP lift, logo retention ± interval). */
export function intervals(
  rows: MetricRow[],
  options: { label: string; value: string; low: string; high: string; format: ValueFormat; reference?: number; axisLabel: string },
  context: ChartContext,
): Plot.PlotOptions {
  const defined = rows.filter((r) => r[options.value] !== null);
  return {
    y: { label: null, domain: defined.map((r) => String(r[options.label])) },
    x: { grid: true, label: options.axisLabel, ...axis(options.format, context) },
    marginLeft: 200,
    height: Math.max(160, 18 * defined.length + 50),
    marks: [
      ...(options.reference === undefined ? [] : [Plot.ruleX([options.reference], { strokeDasharray: "4,3", strokeOpacity: 0.5 })]),
      Plot.ruleY(defined, { y: options.label, x1: options.low, x2: options.high, stroke: "#8a94a6" }),
      Plot.dot(defined, {
        y: options.label,
        x: options.value,
        fill: "currentColor",
        title: (r: MetricRow) =>
          `${r[options.label]}\n${show(r[options.value], options.format, context)} (95% ${show(r[options.low], options.format, context)}–${show(r[options.high], options.format, context)})`,
      }),
    ],
  };
}
