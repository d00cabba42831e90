import { daysInMonth, fiscalMonthOffset, fiscalQuarterLabel, isoDate, monthIndexOf } from "../core/dates.ts";
import type { Comparison, Grain } from "../metrics/compile.ts";
import type { FigureWindow } from "../metrics/windows.ts";

/** What naming a period needs: the fiscal calendar, the as-of day and the first month of data. */
export interface PeriodContext {
  config: { fiscalYearStartMonth: number };
  asOf?: string;
  firstMonth?: string;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const SPAN: Record<Grain, number> = { month: 1, quarter: 3, year: 12 };

/** How much of a period the data reaches: all of it, its first months only, its months so far, or none yet. */
function coverage(period: string, grain: Grain, context: PeriodContext): { months: number; toDate: boolean; toCome: boolean } {
  const span = SPAN[grain];
  if (grain === "month" || !context.firstMonth || !context.asOf) return { months: span, toDate: false, toCome: false };
  const end = monthIndexOf(period);
  const asOfMonth = monthIndexOf(context.asOf);
  // A quarter or year not over yet ends at the as-of month (the compiler's to-date period).
  const fiscalOffset = fiscalMonthOffset(period, context.config.fiscalYearStartMonth);
  const intoPeriod = (grain === "year" ? fiscalOffset : fiscalOffset % 3) + 1;
  const toDate = end === asOfMonth && intoPeriod < span;
  const start = end - (toDate ? intoPeriod : span) + 1;
  return {
    months: end - Math.max(start, monthIndexOf(context.firstMonth)) + 1,
    toDate,
    toCome: start > asOfMonth,
  };
}

/**
 * A period as the page names it ("Aug 2026", "FY2026 Q3", "FY2026"), saying so when the data covers only
 * part of it (a first year of three months, a year to date) or none of it yet (to come).
 */
export function periodName(period: string, grain: Grain, context: PeriodContext): string {
  const name =
    grain === "month" ? `${MONTHS[Number(period.slice(5, 7)) - 1]} ${period.slice(0, 4)}` : shortPeriodName(period, grain, context);
  const { months, toDate, toCome } = coverage(period, grain, context);
  const of = `${months} of ${SPAN[grain]} months`;
  if (toDate) return `${name} to date (${of})`;
  if (months < SPAN[grain]) return `${name} (${of})`;
  if (toCome) return `${name} (to come)`;
  return context.asOf && period > context.asOf ? `${name} (to ${context.asOf})` : name;
}

export function shortPeriodName(period: string, grain: Grain, context: PeriodContext): string {
  const quarter = fiscalQuarterLabel(period, context.config.fiscalYearStartMonth);
  return grain === "year" ? quarter.replace(/ Q\d$/, "") : quarter;
}

/** A period on a chart's axis: short, but a part period says so ("FY2026 YTD", "FY2023 (3 mo)"). */
export function axisPeriodName(period: string, grain: Grain, context: PeriodContext): string {
  const name = shortPeriodName(period, grain, context);
  const { months, toDate } = coverage(period, grain, context);
  if (toDate) return `${name} ${grain === "year" ? "YTD" : "QTD"}`;
  return months < SPAN[grain] ? `${name} (${months} mo)` : name;
}

/**
 * The window a figure covers, as every page names it (DESIGN "Dashboards": one label, one window):
 * a period's own months by the period's name; a window ending with the period as "12 months to
 * 2026-09-30" unless it is exactly the period (a whole fiscal year of a 12-month window); a point in
 * time as "at 2026-09-30". The end is the as-of day when the period is still running.
 */
export function figureLabel(period: string, grain: Grain, kind: FigureWindow, months: number, context: PeriodContext): string {
  const end = context.asOf && period > context.asOf ? context.asOf : period;
  if (kind === "at_end") return `at ${end}`;
  if (kind === "window") {
    const { months: covered, toDate } = coverage(period, grain, context);
    if (months === SPAN[grain] && covered === SPAN[grain] && !toDate) return periodName(period, grain, context);
    return `${months} months to ${end}`;
  }
  if (kind === "to_date") return `to ${end}`;
  return periodName(period, grain, context);
}

/** The period is not over at the as-of day: its figures are cut there. */
export const isRunning = (period: string, grain: Grain, context: PeriodContext): boolean => coverage(period, grain, context).toDate;

/**
 * The period a figure is compared with (`query` with `compare`), as a tile names it: "FY2026 Q2", or for
 * a period the as-of cuts, "the same 2 months of FY2026 Q2". A month the as-of cuts is compared with the
 * whole month before (the marts hold months, not days), and the name says so.
 */
export function comparedPeriodName(period: string, grain: Grain, compare: Comparison, context: PeriodContext): string {
  const index = monthIndexOf(period) - (compare === "year" ? 12 : SPAN[grain]);
  const earlier = isoDate(index, daysInMonth(index));
  const name =
    grain === "month" ? `${MONTHS[Number(earlier.slice(5, 7)) - 1]} ${earlier.slice(0, 4)}` : shortPeriodName(earlier, grain, context);
  const { months, toDate } = coverage(period, grain, context);
  if (toDate) return `the same ${months} months of ${name}`;
  if (grain === "month" && context.asOf && period > context.asOf) return `the whole of ${name}`;
  return name;
}
