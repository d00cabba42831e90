import { createReadStream } from "node:fs";
import { isUtf8 } from "node:buffer";
import { createGunzip } from "node:zlib";
import { InputError } from "../core/errors.ts";

/**
 * Our own count of the records a file holds, independent of the reader that lands it: DuckDB's CSV
 * reader stops at a stray quote and its JSON reader turns a bad line into a row of NULLs, so what a
 * reader returned is never taken as what the file held. One streaming pass, byte by byte, in the same
 * dialect DuckDB reads (RFC 4180 quotes, "" as an escaped quote, LF, CRLF or CR line ends, empty
 * lines skipped).
 */
export interface ScanOptions {
  /** "csv": quoted fields split on commas, the first record is the header. "lines": one record per non-blank line. */
  mode: "csv" | "lines";
  /** csv: how many fields the header has; a record with another count is malformed. */
  fields?: number;
  /** lines: record ordinals (0-based) whose text to return, e.g. rows a reader could not parse. */
  wantText?: ReadonlySet<number>;
  gzip?: boolean;
  /** The name errors give (the user's file, when `path` is a converted copy). */
  name?: string;
}

export interface MalformedRecord {
  /** 0-based among data records. */
  index: number;
  /** Physical line where the record starts (1-based). */
  line: number;
  message: string;
  text: string;
}

export interface ScanResult {
  /** Data records (csv: after the header; blank lines are not records). */
  records: number;
  /** csv: records a reader must reject (wrong field count, text after a closing quote, invalid UTF-8). */
  malformed: MalformedRecord[];
  /**
   * Where each kept record starts: from the k-th kept record on, line = k + delta, for each [k, delta]
   * (a new pair only where the offset changes: after blank lines, multi-line records or skipped ones).
   * csv keeps the records that are not malformed; lines keeps every record.
   */
  lineShifts: [number, number][];
  /** lines: the text and line of each record asked for in `wantText`. */
  texts: Map<number, { line: number; text: string }>;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const TEXT_LIMIT = 4000;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: the end of the field, or the first half of "". */
  QuoteInQuoted,
}

export async function scanRecords(path: string, options: ScanOptions): Promise<ScanResult> {
  const name = options.name ?? path;
  const csv = options.mode === "csv";
  const result: ScanResult = { records: 0, malformed: [], lineShifts: [], texts: new Map() };

  let line = 1; // physical line of the current byte
  let state = State.FieldStart;
  let fields = 1;
  let recordLine = 1; // line where the current record started
  let recordEmpty = true; // nothing but (for lines mode) blanks so far
  let recordBadQuote = false;
  let recordBadUtf8 = false;
  let quoteOpenedLine = 0;
  let headerDone = !csv;
  let kept = 0; // records kept so far (see lineShifts)
  let lastDelta = Number.NaN;
  let pendingCR = false;
  let partial: Buffer[] = []; // bytes of the current record from earlier chunks (capped)
  let partialBytes = 0;
  let carry = Buffer.alloc(0); // an incomplete UTF-8 sequence at the end of the previous chunk
  let bom = true;

  const wantsText = (index: number) => !csv && (options.wantText?.has(index) ?? false);

  const endRecord = (chunk: Buffer, start: number, end: number) => {
    if (recordEmpty) return; // a blank line is not a record
    if (!headerDone) {
      headerDone = true;
      return;
    }
    const index = result.records++;
    let problem: string | undefined;
    if (csv) {
      if (recordBadUtf8) problem = "is not valid UTF-8 text (save the file as UTF-8)";
      else if (recordBadQuote) problem = 'has text after the closing quote of a field (a quote inside a field must be doubled: "")';
      // DuckDB reads one extra field that is empty (a trailing comma) as no field at all.
      else if (fields !== options.fields && !(fields === (options.fields ?? 0) + 1 && state === State.FieldStart))
        problem = `has ${fields} field${fields === 1 ? "" : "s"} where the header has ${options.fields}`;
    }
    const needText = problem !== undefined || wantsText(index);
    const text = needText ? recordText(chunk, start, end) : "";
    if (problem !== undefined) {
      result.malformed.push({ index, line: recordLine, message: `the record ${problem}`, text });
    } else {
      const delta = recordLine - kept;
      if (delta !== lastDelta) {
        result.lineShifts.push([kept, delta]);
        lastDelta = delta;
      }
      kept++;
      if (!csv && options.wantText?.has(index)) result.texts.set(index, { line: recordLine, text });
    }
  };

  const recordText = (chunk: Buffer, start: number, end: number): string => {
    const pieces = [...partial, chunk.subarray(start, Math.min(end, start + TEXT_LIMIT))];
    const text = Buffer.concat(pieces)
      .toString("utf8")
      .replace(/\r?\n$|\r$/, "");
    return text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT)}…` : text;
  };

  const startRecord = () => {
    state = State.FieldStart;
    fields = 1;
    recordEmpty = true;
    recordBadQuote = false;
    recordBadUtf8 = false;
    if (partialBytes) {
      partial = [];
      partialBytes = 0;
    }
  };

  const source = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = options.gzip ? source.pipe(createGunzip()) : source;
  try {
    for await (const piece of stream as AsyncIterable<Buffer>) {
      let chunk = carry.length ? Buffer.concat([carry, piece]) : piece;
      const cut = utf8Boundary(chunk);
      carry = Buffer.from(chunk.subarray(cut));
      chunk = chunk.subarray(0, cut);
      let i = 0;
      if (bom) {
        bom = false;
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
      }
      const invalid = isUtf8(chunk) ? [] : invalidUtf8Positions(chunk);
      let k = 0;
      let nextBad = invalid.length ? (invalid[0] as number) : -1;
      let recordStart = i;
      const n = chunk.length;
      // The LF of a CRLF split across chunks: the line (and any record) already ended at the CR.
      if (pendingCR) {
        pendingCR = false;
        if (chunk[i] === LF) {
          if (recordStart === i) recordStart = i + 1;
          i++;
        }
      }
      const lineEnd = (at: number): number => {
        line++;
        if (chunk[at] === CR && csv) {
          if (at + 1 === n) pendingCR = true;
          else if (chunk[at + 1] === LF) return at + 1;
        }
        return at;
      };
      // One pass, byte by byte; the common byte (above ",") in an unquoted field costs two comparisons.
      for (; i < n; i++) {
        const b = chunk[i] as number;
        if (i === nextBad) {
          recordBadUtf8 = true;
          nextBad = ++k < invalid.length ? (invalid[k] as number) : -1;
        }
        if (!csv) {
          if (b === LF) {
            line++;
            endRecord(chunk, recordStart, i);
            startRecord();
            recordStart = i + 1;
            recordLine = line;
          } else if (b !== 0x20 && b !== 0x09 && b !== CR) recordEmpty = false;
          continue;
        }
        if (state === State.Quoted) {
          if (b === QUOTE) state = State.QuoteInQuoted;
          else if (b === LF || b === CR) i = lineEnd(i); // a line break inside a quoted field
          continue;
        }
        if (b > COMMA || (b !== COMMA && b !== QUOTE && b !== LF && b !== CR)) {
          recordEmpty = false;
          if (state === State.FieldStart) state = State.Unquoted;
          else if (state === State.QuoteInQuoted) {
            recordBadQuote = true;
            state = State.Unquoted;
          }
          continue;
        }
        if (b === COMMA) {
          recordEmpty = false;
          fields++;
          state = State.FieldStart;
        } else if (b === QUOTE) {
          recordEmpty = false;
          if (state === State.FieldStart) {
            state = State.Quoted;
            quoteOpenedLine = line;
          } else if (state === State.QuoteInQuoted) state = State.Quoted; // "" inside a quoted field
          // A quote inside an unquoted field is just a character (DuckDB reads `ab"c` as is).
        } else {
          const end = i;
          i = lineEnd(i);
          endRecord(chunk, recordStart, end);
          startRecord();
          recordStart = i + 1;
          recordLine = line;
        }
      }
      // The record goes on in the next chunk: keep its bytes so far, for its text.
      if (recordStart < n && partialBytes < TEXT_LIMIT) {
        const kept = chunk.subarray(recordStart, Math.min(n, recordStart + TEXT_LIMIT - partialBytes));
        partial.push(Buffer.from(kept));
        partialBytes += kept.length;
      }
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (options.gzip && /^Z_|ERR_/.test(code)) {
      throw new InputError(
        `${name}: the gzip stream is damaged or cut short (${(error as Error).message}), so the file cannot be read whole; nothing from this file was landed`,
      );
    }
    throw error;
  } finally {
    source.destroy();
  }
  if (carry.length) recordBadUtf8 = true;
  if (csv && state === State.Quoted) {
    throw new InputError(
      `${name}: line ${quoteOpenedLine}: a quoted field opened here is never closed (a stray quote?), so every record after it would be swallowed; nothing from this file was landed`,
    );
  }
  endRecord(Buffer.alloc(0), 0, 0);
  if (result.lineShifts.length === 0) result.lineShifts.push([0, 0]);
  return result;
}

/** Where the last complete UTF-8 sequence of `chunk` ends (an incomplete one is carried to the next chunk). */
function utf8Boundary(chunk: Buffer): number {
  const n = chunk.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = chunk[n - back] as number;
    if ((b & 0xc0) !== 0x80) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      return need > back ? n - back : n;
    }
  }
  return n;
}

/** Byte positions where an invalid UTF-8 sequence starts (only called for a chunk that is not valid). */
function invalidUtf8Positions(chunk: Buffer): number[] {
  const bad: number[] = [];
  let i = 0;
  while (i < chunk.length) {
    const b = chunk[i] as number;
    const need = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (need === 0 || i + need > chunk.length || !isUtf8(chunk.subarray(i, i + need))) {
      bad.push(i);
      i++;
    } else i += need;
  }
  return bad;
}
