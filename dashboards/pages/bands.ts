import type { MetricRow } from "../../metrics/query.ts";

/** The default bands' colours; bands renamed in the config get Plot's palette instead. */
const BAND_COLOURS: Record<string, string> = { red: "#c2412d", yellow: "#e0a526", green: "#1f8a4c", unscored: "#a9b0bd" };

/** A colour scale that draws health bands in their own colours, worst first, when they are the default ones. */
export function bandColours(rows: readonly MetricRow[]) {
  const bands = [...new Set(rows.map((r) => String(r.health_band)))];
  if (!bands.every((b) => b in BAND_COLOURS)) return {};
  const domain = Object.keys(BAND_COLOURS).filter((b) => bands.includes(b));
  return { color: { domain, range: domain.map((b) => BAND_COLOURS[b] as string), legend: true } };
}
