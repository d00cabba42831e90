import { closeSync, openSync, writeSync } from "node:fs";
import { type CsvValue, csvLine } from "../../core/csv.ts";

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
    this.push(csvLine(this.columns.map((c) => row[c])));
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
