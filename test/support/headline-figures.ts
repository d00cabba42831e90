import type { Config } from "../../project/config.ts";
import type { Warehouse } from "../../core/warehouse.ts";
import { type MetricRow, query } from "../../metrics/query.ts";

/** The figures a CFO or CS leader reads first, per fiscal year of the data window and at the as-of date. */
export interface HeadlineFigures {
  /** Fiscal years (their last day) complete inside the usage window, oldest first. */
  years: string[];
  byYear: Record<string, Record<string, number | null>>;
  /** Trailing-12-month figures at the last quarter end, total and per segment. */
  latest: Record<string, number | null>;
  latestBySegment: Record<string, Record<string, number | null>>;
  /** New ARR per month over the usage window, oldest first. */
  monthlyNewArr: number[];
}

const num = (row: MetricRow | undefined, key: string): number | null => {
  const value = row?.[key];
  return typeof value === "number" ? value : value === null || value === undefined ? null : Number(value);
};

export async function headlineFigures(db: Warehouse, config: Config, usageStart: string): Promise<HeadlineFigures> {
  const metrics = ["nrr", "grr", "logo_churn", "quick_ratio", "arr_growth", "dau_mau", "csql_conversion", "arr"];
  // Whole fiscal years (the sample's are calendar years) that start inside the usage window.
  const years = (await query(db, config, { metrics, grain: "year" })).rows.filter((r) => {
    const period = String(r.period);
    return period.endsWith("-12-31") && `${period.slice(0, 4)}-01-01` >= usageStart;
  });
  const quarters = (await query(db, config, { metrics, grain: "quarter" })).rows;
  const bySegment = (
    await query(db, config, { metrics: ["nrr", "grr", "logo_churn", "arr", "customers"], grain: "quarter", by: ["segment"] })
  ).rows;
  const lastQuarter = String(quarters.at(-1)?.period);
  const months = (await query(db, config, { metrics: ["new_arr"], grain: "month", from: usageStart })).rows;
  const pick = (row: MetricRow | undefined, keys: string[]) => Object.fromEntries(keys.map((k) => [k, num(row, k)]));
  return {
    years: years.map((r) => String(r.period)),
    byYear: Object.fromEntries(years.map((r) => [String(r.period), pick(r, metrics)])),
    latest: pick(quarters.at(-1), metrics),
    latestBySegment: Object.fromEntries(
      bySegment
        .filter((r) => String(r.period) === lastQuarter)
        .map((r) => [String(r.segment), pick(r, ["nrr", "grr", "logo_churn", "arr", "customers"])]),
    ),
    monthlyNewArr: months.map((r) => num(r, "new_arr") ?? 0),
  };
}
