import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Progress and status lines go to stderr so that stdout stays clean for data
 * (`bellwether query --format json | jq` must work).
 */
const settings = new AsyncLocalStorage<{ quiet: boolean }>();

/**
 * Whether the work running now asked for no progress lines (see `quietly`); outside any such work (a
 * script, a test), BELLWETHER_QUIET=1 in the environment asks for none.
 */
const quiet = () => settings.getStore()?.quiet ?? process.env.BELLWETHER_QUIET === "1";

/**
 * Text for a terminal: control characters (an escape sequence that sets the title, clears the screen or
 * hides text; a carriage return that overwrites a line) shown as visible escapes, never obeyed. Line
 * breaks and tabs stay. A name from the data passes through here on every way to the terminal.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) =>
    c === "\u001b" ? "\\e" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Runs work with progress lines on or off. The choice belongs to that work (and whatever it starts,
 * timers included), not to the process: two runs in one process keep their own.
 */
export function quietly<T>(value: boolean, work: () => T): T {
  return settings.run({ quiet: value }, work);
}

export function info(message: string): void {
  if (!quiet()) process.stderr.write(`${printable(message)}\n`);
}

export function warn(message: string): void {
  process.stderr.write(`warning: ${printable(message)}\n`);
}

/** Times a step and reports it as one line: "  name ........ 1,234 rows  0.12 s". */
export async function step<T>(label: string, work: () => Promise<T>, describe?: (result: T) => string): Promise<T> {
  const started = performance.now();
  const result = await work();
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const detail = describe ? describe(result) : "";
  info(`  ${label.padEnd(34, " ")} ${detail.padStart(18, " ")}  ${seconds.padStart(6, " ")} s`);
  return result;
}

/** A progress line for long work: redrawn in place on a terminal, a line every 10% otherwise. */
export function progress(
  label: string,
  describe = (done: number, total: number) => `${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")}`,
): (done: number, total: number) => void {
  let lastTenth = -1;
  return (done, total) => {
    if (quiet()) return;
    const share = total > 0 ? done / total : 1;
    if (process.stderr.isTTY) {
      const width = 30;
      const filled = Math.round(share * width);
      process.stderr.write(`\r  ${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${describe(done, total)}`);
      if (done >= total) process.stderr.write("\n");
    } else {
      const tenth = Math.floor(share * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`  ${label}: ${describe(done, total)}\n`);
      }
    }
  };
}

/** A bar for work measured as a fraction (0–1), such as DuckDB's progress on one statement. */
export function percent(label: string): (fraction: number) => void {
  const bar = progress(label, (done) => `${done}%`);
  return (fraction) => bar(Math.round(fraction * 100), 100);
}
