import type { ValueFormat } from "../../core/format.ts";
import type { MetricRow } from "../../metrics/query.ts";
import { stackedBars } from "../marks.ts";
import type { ChartContext } from "../page.ts";

/** The default bands' colours; bands renamed in the config get Plot's palette instead. */
const BAND_COLOURS: Record<string, string> = { red: "#c2412d", yellow: "#e0a526", green: "#1f8a4c", unscored: "#a9b0bd" };

/** The bands present, worst first (the default bands), else as they come. */
export function bandOrder(rows: readonly MetricRow[]): string[] {
  const bands = [...new Set(rows.map((r) => String(r.health_band)))];
  return bands.every((b) => b in BAND_COLOURS) ? Object.keys(BAND_COLOURS).filter((b) => bands.includes(b)) : bands;
}

/** A colour scale that draws health bands in their own colours, worst first, when they are the default ones. */
export function bandColours(rows: readonly MetricRow[]) {
  const domain = bandOrder(rows);
  if (!domain.every((b) => b in BAND_COLOURS)) return {};
  return { color: { domain, range: domain.map((b) => BAND_COLOURS[b] as string), legend: true } };
}

/** A metric by health band as stacked bars: the bands' colours, stacked from the baseline in the legend's order. */
export function bandBars(rows: MetricRow[], options: { y: string; format: ValueFormat; label: string }, context: ChartContext) {
  return { ...stackedBars(rows, { ...options, by: "health_band", order: bandOrder(rows) }, context), ...bandColours(rows) };
}

/** Rows by health band in the legend's order within each period (a stable sort: other keys keep their order). */
export function inBandOrder(rows: readonly MetricRow[]): MetricRow[] {
  if (rows.length === 0 || !("health_band" in (rows[0] as MetricRow))) return [...rows];
  const order = bandOrder(rows);
  const periodOrder = new Map<unknown, number>();
  for (const r of rows) if (!periodOrder.has(r.period)) periodOrder.set(r.period, periodOrder.size);
  return [...rows].sort(
    (a, b) =>
      (periodOrder.get(a.period) ?? 0) - (periodOrder.get(b.period) ?? 0) ||
      order.indexOf(String(a.health_band)) - order.indexOf(String(b.health_band)),
  );
}
