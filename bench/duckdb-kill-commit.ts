// A minimal reproduction, DuckDB alone, of a load half-applied by a kill during COMMIT.
//
//   npx tsx bench/duckdb-kill-commit.ts [ROWS]
//
// One transaction appends ROWS rows (from a temp table, as a landing does) to raw.t and one row to
// meta.loads; the process SIGKILLs itself a few milliseconds into COMMIT. Reopened, the database
// should hold both or neither. With DuckDB's optimistic writes on (its default), a kill early in the
// COMMIT comes back with raw.t's rows and no meta.loads row; with them off, never.
// core/warehouse.ts turns them off for every transaction.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";

const [mode, ...rest] = process.argv.slice(2);

async function child(path: string, rows: number, killAfterMs: number, optimistic: boolean): Promise<void> {
  const connection = await (await DuckDBInstance.create(path)).connect();
  await connection.run(`SET enable_optimistic_write = ${optimistic}`);
  await connection.run("CREATE SCHEMA raw; CREATE SCHEMA meta");
  await connection.run("CREATE TABLE raw.t (a BIGINT, b VARCHAR); CREATE TABLE meta.loads (load_id VARCHAR PRIMARY KEY, n BIGINT)");
  await connection.run(`CREATE TEMP TABLE staged AS SELECT range AS a, 'row ' || range AS b FROM range(${rows})`);
  await connection.run("BEGIN TRANSACTION");
  await connection.run("INSERT INTO raw.t SELECT a, b FROM staged");
  await connection.run(`INSERT INTO meta.loads VALUES ('load', ${rows})`);
  setTimeout(() => process.kill(process.pid, "SIGKILL"), killAfterMs);
  await connection.run("COMMIT");
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

async function outcome(path: string): Promise<string> {
  const connection = await (await DuckDBInstance.create(path)).connect();
  const reader = await connection.runAndReadAll("SELECT (SELECT count(*) FROM raw.t), (SELECT count(*) FROM meta.loads)");
  const [rows, loads] = (reader.getRows()[0] ?? []).map(Number);
  return rows === 0 && loads === 0 ? "neither" : loads === 1 && rows ? "both" : `HALF: ${rows} rows, ${loads} load rows`;
}

if (mode === "child") {
  const [path, rows, after, optimistic] = rest as [string, string, string, string];
  await child(path, Number(rows), Number(after), optimistic === "true");
} else {
  const rows = Number(mode ?? 3_000_000);
  const dir = mkdtempSync(join(tmpdir(), "bw-kill-commit-"));
  try {
    for (const optimistic of [true, false]) {
      const seen: string[] = [];
      for (const after of [0, 2, 4, 6, 8, 10, 15, 20, 40, 80, 200, 400, 800]) {
        const path = join(dir, `${optimistic}-${after}.duckdb`);
        spawnSync(process.execPath, [
          "--import",
          "tsx",
          fileURLToPath(import.meta.url),
          "child",
          path,
          String(rows),
          String(after),
          String(optimistic),
        ]);
        seen.push(`+${after} ms ${await outcome(path)}`);
      }
      process.stdout.write(`enable_optimistic_write = ${optimistic}: ${seen.join(", ")}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
