import { createReadStream, createWriteStream, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { InputError } from "../core/errors.ts";

/**
 * A file as the readers see it: its path (a converted copy when the original cannot be read as it is),
 * whether it is gzip, and a cleanup. Messages always name `name`, the user's file.
 */
export interface SourceFile {
  name: string;
  path: string;
  gzip: boolean;
  cleanup(): void;
}

const GLOB = /[*?[\]{}]/;

/**
 * Makes a file safe to hand to DuckDB's readers: a name with glob characters is read through a link
 * with a plain name (DuckDB would expand `part[1].csv` to `part1.csv`), and UTF-16 text (Excel's
 * "Unicode text") is converted to UTF-8 once, so every reader and our own scan see the same bytes.
 */
export async function openSourceFile(file: string): Promise<SourceFile> {
  const name = file;
  const gzip = /\.gz$/i.test(file);
  const head = await firstBytes(file, gzip, 4);
  const utf16 = head[0] === 0xff && head[1] === 0xfe ? "utf-16le" : head[0] === 0xfe && head[1] === 0xff ? "utf-16be" : undefined;
  // DuckDB expands * ? [ ] { } anywhere in a path (a folder named exports[1] would read exports1): read through a plain link.
  if (!utf16 && !GLOB.test(file)) return { name, path: file, gzip, cleanup() {} };

  const dir = mkdtempSync(join(tmpdir(), "bellwether-source-"));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  // The copy keeps the original's extension, which is how the readers pick a format.
  const plain = basename(file).replace(/[^A-Za-z0-9._-]/g, "_");
  try {
    if (!utf16) {
      const link = join(dir, plain);
      symlinkSync(resolve(file), link);
      return { name, path: link, gzip, cleanup };
    }
    const target = join(dir, plain.replace(/\.gz$/i, ""));
    await transcode(file, gzip, utf16, target);
    return { name, path: target, gzip: false, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

async function firstBytes(file: string, gzip: boolean, n: number): Promise<Buffer> {
  const stream = createReadStream(file, { highWaterMark: 64 * 1024 });
  const source = gzip ? stream.pipe(createGunzip()) : stream;
  const pieces: Buffer[] = [];
  let have = 0;
  try {
    for await (const piece of source as AsyncIterable<Buffer>) {
      pieces.push(piece);
      have += piece.length;
      if (have >= n) break;
    }
  } catch {
    // A damaged gzip is reported by the full read, with the reason; here it only has no head.
  } finally {
    stream.destroy();
  }
  return Buffer.concat(pieces).subarray(0, n);
}

async function transcode(file: string, gzip: boolean, encoding: "utf-16le" | "utf-16be", target: string): Promise<void> {
  const decoder = new TextDecoder(encoding, { fatal: false, ignoreBOM: false });
  const source = createReadStream(file);
  async function* utf8(input: AsyncIterable<Buffer>) {
    for await (const piece of input) yield Buffer.from(decoder.decode(piece, { stream: true }), "utf8");
    yield Buffer.from(decoder.decode(), "utf8");
  }
  try {
    await pipeline(gzip ? source.pipe(createGunzip()) : source, utf8, createWriteStream(target));
  } catch (error) {
    throw new InputError(`${file}: could not be read as ${encoding.toUpperCase()} text: ${(error as Error).message}`);
  }
}

/**
 * The header record of a CSV: fields split on commas outside double quotes, ending at LF, CRLF or a
 * lone CR. A header that names the same column twice (in any case) is refused; an empty name (a
 * trailing comma) becomes a placeholder that no contract asks for, so the column is simply ignored.
 */
export async function readCsvHeader(source: SourceFile): Promise<string[]> {
  const stream = createReadStream(source.path, { highWaterMark: 64 * 1024 });
  const input = source.gzip ? stream.pipe(createGunzip()) : stream;
  let bytes = Buffer.alloc(0);
  let end = -1;
  try {
    for await (const piece of input as AsyncIterable<Buffer>) {
      bytes = Buffer.concat([bytes, piece]);
      end = headerEnd(bytes);
      if (end >= 0) break;
      if (bytes.length > 1 << 20) throw new InputError(`${source.name}: line 1: no end of the header within 1 MB`);
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (!source.gzip) throw error;
  } finally {
    stream.destroy();
  }
  const head = bytes.subarray(0, end >= 0 ? end : bytes.length);
  if (head.includes(0)) {
    throw new InputError(
      `${source.name}: line 1: the header holds NUL bytes — the file looks like UTF-16 without a byte-order mark, or is not text; save it as UTF-8 CSV`,
    );
  }
  const text = head.toString("utf8").replace(/^\uFEFF/, "");
  if (text.trim() === "") throw new InputError(`${source.name}: the file is empty (expected a header line)`);
  const columns = splitCsvRecord(text).map((c, i) => c.trim() || `__unnamed_${i + 1}`);
  const seen = new Map<string, number>();
  columns.forEach((column, i) => {
    const key = column.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      const same = columns[first] === column;
      throw new InputError(
        `${source.name}: line 1: column ${i + 1} "${column}" repeats column ${first + 1}${same ? "" : ` "${columns[first]}" (names are compared without case)`}; rename or remove one`,
      );
    }
    seen.set(key, i);
  });
  return columns;
}

function headerEnd(bytes: Buffer): number {
  let quoted = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x22) quoted = !quoted;
    else if ((b === 0x0a || b === 0x0d) && !quoted) return i;
  }
  return -1;
}

/** One CSV record's fields (RFC 4180 quotes); a damaged record still gives its leading fields. */
export function splitCsvRecord(record: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < record.length; i++) {
    const ch = record[i];
    if (quoted) {
      if (ch === '"' && record[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  fields.push(field);
  return fields;
}
