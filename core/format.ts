/** Numbers as people read them in a board deck: $4.2M, 107.3%, 1,204, 38 days, an NPS of +29.8. */
export type ValueFormat = "currency" | "percent" | "count" | "days" | "ratio" | "score" | "nps";

export interface FormatOptions {
  currency?: string;
  /** "compact" for tiles and axes ($4.2M), "full" for tables ($4,213,887). */
  style?: "compact" | "full";
}

export function formatValue(value: number | null | undefined, format: ValueFormat, options: FormatOptions = {}): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const { currency = "USD", style = "full" } = options;
  switch (format) {
    case "currency":
      return formatMoney(value, currency, style);
    case "percent":
      return `${(value * 100).toFixed(1)}%`;
    case "count":
      return Math.round(value).toLocaleString("en-US");
    case "days":
      return `${Math.round(value).toLocaleString("en-US")} day${Math.round(value) === 1 ? "" : "s"}`;
    case "ratio":
      return value.toFixed(2);
    case "score":
      return value.toFixed(1);
    case "nps":
      // Kept as a fraction (0.298), read as a score from −100 to +100, never as a percentage.
      return npsText(value, 1);
  }
}

/**
 * A change as a reader takes it: points for a share, an NPS or a score, the difference for a ratio, and
 * for money, counts and days the amount with its percentage of the value compared with ("+$1.2M (+4.3%)").
 * "no change" when it rounds to nothing at the precision shown.
 */
export function formatChange(
  change: number | null | undefined,
  compared: number | null | undefined,
  format: ValueFormat,
  options: FormatOptions = {},
): string {
  if (change === null || change === undefined || !Number.isFinite(change)) return "—";
  const sign = (x: number) => (x > 0 ? "+" : "−");
  const points = (x: number) => (Number(x.toFixed(1)) === 0 ? "no change" : `${sign(x)}${Math.abs(x).toFixed(1)} pts`);
  switch (format) {
    case "percent":
    case "nps":
      return points(change * 100);
    case "score":
      return points(change);
    case "ratio":
      return Number(change.toFixed(2)) === 0 ? "no change" : `${sign(change)}${Math.abs(change).toFixed(2)}`;
    default: {
      const amount = formatValue(Math.abs(change), format, options);
      if (amount === formatValue(0, format, options)) return "no change";
      const share = compared ? ` (${sign(change)}${Math.abs((change / compared) * 100).toFixed(1)}%)` : "";
      return `${sign(change)}${amount}${share}`;
    }
  }
}

// Building an Intl.NumberFormat costs far more than formatting with one: a site formats millions of amounts.
const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string, compact: boolean, fractionDigits: number): Intl.NumberFormat {
  const key = `${currency}|${compact}|${fractionDigits}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat("en-US", {
      style: "currency",
      currency,
      ...(compact ? { notation: "compact", minimumFractionDigits: 0 } : {}),
      maximumFractionDigits: fractionDigits,
    });
    moneyFormats.set(key, format);
  }
  return format;
}

export function formatMoney(value: number, currency: string, style: "compact" | "full" = "full"): string {
  const absolute = Math.abs(value);
  if (style === "compact" && absolute >= 1000) return moneyFormat(currency, true, absolute >= 1e9 ? 2 : 1).format(value);
  return moneyFormat(currency, false, 0).format(value);
}

/** An NPS held as a fraction, as the score people quote: +29.8, −4, 0. */
export function npsText(value: number, digits: number): string {
  const shown = Number((value * 100).toFixed(digits));
  return `${shown > 0 ? "+" : shown < 0 ? "−" : ""}${Math.abs(shown).toFixed(digits)}`;
}

/** How a group with no value of its dimension is shown (DESIGN "Dimensions of a fact"). */
export const NO_GROUP = "(none)";

/** A dimension's value as shown: "(none)" for the group of accounts without one. */
export const groupLabel = (value: unknown): string => (value === null || value === undefined ? NO_GROUP : String(value));
