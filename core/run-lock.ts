import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";

/**
 * DuckDB lets one process write a warehouse at a time and refuses the others. This note beside the
 * file says which bellwether command holds it, so the refusal can name it; the lock itself is DuckDB's.
 */
const notePath = (warehouse: string) => `${warehouse}.running.json`;

export function noteRunner(warehouse: string, command: string): () => void {
  const path = notePath(warehouse);
  writeFileSync(path, JSON.stringify({ pid: process.pid, command, started: new Date().toISOString() }));
  return () => rmSync(path, { force: true });
}

/** "bellwether run (PID 123, since 2026-11-22T10:00:00Z)" when a live process left the note. */
export function describeRunner(warehouse: string): string | undefined {
  const path = notePath(warehouse);
  if (!existsSync(path)) return undefined;
  try {
    const note = JSON.parse(readFileSync(path, "utf8")) as { pid: number; command: string; started: string };
    process.kill(note.pid, 0);
    return `bellwether ${note.command} (PID ${note.pid}, since ${note.started})`;
  } catch {
    return undefined;
  }
}
