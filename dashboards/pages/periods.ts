import type { MetricRow } from "../../metrics/query.ts";

/** The rows of the last `n` periods (a chart's window on a longer history; its CSV keeps all of it). */
export function lastPeriods(rows: readonly MetricRow[], n: number, known?: string): MetricRow[] {
  // With `known`, the last n periods in which that metric has a value (a backtest knows nothing of the
  // months its horizon has not passed yet), not an empty last panel.
  const periods = rows.filter((r) => known === undefined || (r[known] !== null && r[known] !== undefined)).map((r) => String(r.period));
  const keep = new Set([...new Set(periods)].sort().slice(-n));
  return rows.filter((r) => keep.has(String(r.period)));
}

/** Quarters between a cohort's fiscal-quarter label ("FY2025 Q3") and a period's. */
export function quartersBetween(cohort: string, period: string): number | null {
  const parse = (label: string) => {
    const match = /^FY(\d{4}) Q([1-4])$/.exec(label);
    return match ? Number(match[1]) * 4 + Number(match[2]) : null;
  };
  const from = parse(cohort);
  const to = parse(period);
  return from === null || to === null ? null : to - from;
}
