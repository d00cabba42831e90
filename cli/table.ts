import { printable } from "../core/log.ts";
import type { Writable } from "node:stream";

/** A plain aligned text table; numbers (and dashes) align right. */
export function renderTable(headers: readonly string[], rawRows: readonly (readonly string[])[]): string {
  // Cells hold names from the data: a control character in one is shown, never sent to the terminal.
  const rows = rawRows.map((r) => r.map(printable));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => /^[-−(]?[$€£¥]?[\d,.]+[%KMBT]?\)?$|^[-—]$|^\d[\d,]* days?$/.test(r[i] ?? "")),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function printTable(headers: readonly string[], rows: readonly (readonly string[])[], out: Writable = process.stdout): void {
  out.write(`${renderTable(headers, rows)}\n`);
}
