export type CsvValue = string | number | boolean | null | undefined;

/** One RFC 4180 cell: quoted when it holds a comma, quote, line break or edge spaces; empty for null. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\n\r]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return values.map(csvCell).join(",");
}

/**
 * A cell for a CSV a person opens in a spreadsheet: text starting with = + - @, a tab or a carriage
 * return would run as a formula (=HYPERLINK(…) from an account name), so it gets a leading apostrophe.
 * Numbers stay numbers: only text is touched.
 */
export function spreadsheetCell(value: CsvValue): string {
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(value)) return csvCell(`'${value}`);
  return csvCell(value);
}

/** A line of spreadsheetCell()s: every CSV the site or the CLI writes for people. */
export function spreadsheetLine(values: readonly CsvValue[]): string {
  return values.map(spreadsheetCell).join(",");
}
