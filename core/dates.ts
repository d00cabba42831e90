/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD) without time zones: a month is an integer index
 * (year * 12 + month - 1) so that windows of L months never drift on short months.
 */
export function monthIndexOf(iso: string): number {
  const year = Number(iso.slice(0, 4));
  const month = Number(iso.slice(5, 7));
  return year * 12 + month - 1;
}

export function daysInMonth(monthIndex: number): number {
  const year = Math.floor(monthIndex / 12);
  const month = (monthIndex % 12) + 1;
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** ISO date for a day of a month index; days past the month's end clamp to its last day. */
export function isoDate(monthIndex: number, day: number): string {
  const year = Math.floor(monthIndex / 12);
  const month = (monthIndex % 12) + 1;
  const d = Math.min(day, daysInMonth(monthIndex));
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

export function dayOf(iso: string): number {
  return Number(iso.slice(8, 10));
}

/** Same day n months later, clamped to the month's end (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(iso: string, n: number): string {
  return isoDate(monthIndexOf(iso) + n, dayOf(iso));
}

export function addDays(iso: string, n: number): string {
  const t = Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const day = dayOf(text);
  return day >= 1 && day <= daysInMonth(monthIndexOf(text)) && Number(text.slice(5, 7)) <= 12;
}

/** Months into its fiscal year a date's month is: 0 in the year's first month, 11 in its last. */
export function fiscalMonthOffset(iso: string, fiscalYearStartMonth: number): number {
  return (Number(iso.slice(5, 7)) - fiscalYearStartMonth + 12) % 12;
}

/** "FY2026 Q1" for a period end date, with fiscal years named for the calendar year they end in. */
export function fiscalQuarterLabel(iso: string, fiscalYearStartMonth: number): string {
  const month = Number(iso.slice(5, 7));
  const year = Number(iso.slice(0, 4));
  const offset = fiscalMonthOffset(iso, fiscalYearStartMonth);
  const startYear = month >= fiscalYearStartMonth ? year : year - 1;
  const fiscalYear = fiscalYearStartMonth === 1 ? startYear : startYear + 1;
  return `FY${fiscalYear} Q${Math.floor(offset / 3) + 1}`;
}
