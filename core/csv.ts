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
