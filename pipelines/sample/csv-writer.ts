import { closeSync, openSync, writeSync } from "node:fs";

export type CsvValue = string | number | boolean | null | undefined;

/**
 * Writes RFC 4180 CSV through a buffer, so that tens of millions of rows stream to disk without
 * being held in memory. Empty cell = null.
 */
export class CsvWriter {
  private readonly fd: number;
  private buffer: string[] = [];
  private bufferedChars = 0;
  rows = 0;

  constructor(
    readonly path: string,
    readonly columns: readonly string[],
  ) {
    this.fd = openSync(path, "w");
    this.push(columns.join(","));
  }

  write(row: Readonly<Record<string, CsvValue>>): void {
    this.push(this.columns.map((c) => csvCell(row[c])).join(","));
    this.rows++;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private push(line: string): void {
    this.buffer.push(line);
    this.bufferedChars += line.length + 1;
    if (this.bufferedChars > 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, `${this.buffer.join("\n")}\n`);
    this.buffer = [];
    this.bufferedChars = 0;
  }
}

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\n\r]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}
