import type { MetricRow } from "../../metrics/query.ts";

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
