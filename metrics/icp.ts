import type { MetricSettings } from "./settings.ts";
import type { Warehouse } from "../core/warehouse.ts";
import { type MetricRow, query } from "./query.ts";

/** The account profiles ICP fit compares: DESIGN.md's industry, employee band, region, channel and plan. */
export const ICP_DIMENSIONS = ["industry", "employee_band", "region", "acquisition_channel", "plan"] as const;

/** Every number of the table is a catalog metric; ICP adds only the lift and the size flag. */
const ICP_METRICS = [
  "retention_base_logos",
  "retention_base_arr",
  "nrr",
  "nrr_low",
  "nrr_high",
  "grr",
  "logo_retention",
  "logo_retention_low",
  "logo_retention_high",
  "ttv_median_days_to_date",
  "health_score_avg",
] as const;

export interface IcpRow {
  dimension: string;
  value: string | null;
  /** Accounts in the retention base (paying at the window start), the n of the interval. */
  accounts: number;
  /** ARR under management at the window start (S), and its share of the book's. */
  arr: number;
  arr_share: number | null;
  nrr: number | null;
  grr: number | null;
  logo_retention: number | null;
  logo_retention_low: number | null;
  logo_retention_high: number | null;
  ttv_median_days: number | null;
  health_score_avg: number | null;
  /** The group's NRR over the whole book's: above 1, the profile keeps and grows revenue better. */
  lift: number | null;
  /** Lift's 95% interval: NRR's (the ratio estimator's) over the book's NRR. The one measure ICP ranks by. */
  lift_low: number | null;
  lift_high: number | null;
  /** Fewer base accounts than the config's `icp.minAccounts`: read its numbers as anecdotes. */
  too_small: boolean;
}

export interface IcpTable {
  period: string;
  window: number;
  minAccounts: number;
  book: IcpRow;
  /** Trusted groups by lift (highest first), then the groups too small to trust, by lift too. */
  rows: IcpRow[];
}

/**
 * ICP fit at one month's end: for each profile dimension and value, the retention of the accounts that
 * had that profile at the window start, with a Wilson 95% interval on logo retention, median TTV and
 * average health, and NRR lift over the whole book. Null when no month of data ends by then.
 */
export async function icpFit(
  db: Warehouse,
  config: MetricSettings,
  options: { at?: string; window?: number } = {},
): Promise<IcpTable | null> {
  const last = await db.one<{ period: string | null }>(
    "SELECT {{ format_time(max(month_end), '%Y-%m-%d') }} AS period FROM marts.months WHERE $1::DATE IS NULL OR month_end <= $1::DATE",
    [options.at ?? null],
  );
  const period = last?.period;
  // No month of data (yet, or before --at): nothing to compare.
  if (!period) return null;
  const window = options.window ?? config.retentionWindowMonths;
  const ask = (by: string[]) => query(db, config, { metrics: ICP_METRICS, by, from: period, to: period, window });
  const [bookRow] = (await ask([])).rows;
  if (!bookRow) return null;
  const minAccounts = config.icp.minAccounts;
  const bookNrr = typeof bookRow.nrr === "number" ? bookRow.nrr : null;
  const bookArr = typeof bookRow.retention_base_arr === "number" ? bookRow.retention_base_arr : 0;
  const toRow = (dimension: string, value: string | null, row: MetricRow): IcpRow => {
    const n = (key: string) => (typeof row[key] === "number" ? (row[key] as number) : null);
    const nrr = n("nrr");
    const accounts = n("retention_base_logos") ?? 0;
    const arr = n("retention_base_arr") ?? 0;
    return {
      dimension,
      value,
      accounts,
      arr,
      arr_share: bookArr > 0 ? arr / bookArr : null,
      nrr,
      grr: n("grr"),
      logo_retention: n("logo_retention"),
      logo_retention_low: n("logo_retention_low"),
      logo_retention_high: n("logo_retention_high"),
      ttv_median_days: n("ttv_median_days_to_date"),
      health_score_avg: n("health_score_avg"),
      lift: nrr !== null && bookNrr ? nrr / bookNrr : null,
      lift_low: n("nrr_low") !== null && bookNrr ? (n("nrr_low") as number) / bookNrr : null,
      lift_high: n("nrr_high") !== null && bookNrr ? (n("nrr_high") as number) / bookNrr : null,
      too_small: accounts < minAccounts,
    };
  };
  const rows: IcpRow[] = [];
  for (const dimension of ICP_DIMENSIONS) {
    const result = await ask([dimension]);
    for (const row of result.rows) {
      // Groups with no base accounts at the window start have nothing to measure.
      if (!row.retention_base_logos) continue;
      rows.push(toRow(dimension, row[dimension] === null ? null : String(row[dimension]), row));
    }
  }
  rows.sort((a, b) => Number(a.too_small) - Number(b.too_small) || (b.lift ?? -Infinity) - (a.lift ?? -Infinity));
  return { period, window, minAccounts, book: toRow("book", null, bookRow), rows };
}
