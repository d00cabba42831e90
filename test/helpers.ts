import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Config, type ConfigInput, parseConfig } from "../project/config.ts";
import { openWarehouse } from "../core/open-warehouse.ts";
import type { Warehouse } from "../core/warehouse.ts";
import { modelAssets } from "../orchestration/assets.ts";
import { runAssets } from "../orchestration/run.ts";
import { ingest } from "../pipelines/ingest.ts";
import { findSources } from "../pipelines/sources.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const FIXTURES = join(ROOT, "test", "fixtures");
const BIN = join(ROOT, "bin", "bellwether.js");

export function tempDir(prefix = "bellwether-test-"): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Lands a sources folder into a fresh warehouse and builds every model; throws if anything fails. */
export async function buildFixture(
  sourcesDir: string,
  configInput: ConfigInput = {},
): Promise<{ db: Warehouse; config: Config; dir: string; cleanup(): Promise<void> }> {
  const { dir, cleanup } = tempDir();
  const config = parseConfig({ warehouse: join(dir, "warehouse.duckdb"), ...configInput }, dir);
  // A postgres:// warehouse in configInput builds there; a DuckDB file in the temporary folder otherwise.
  const db = await openWarehouse(config);
  const loads = await ingest(db, findSources(sourcesDir, config.mappings));
  const refused = loads.filter((l) => l.status === "refused");
  if (refused.length) throw new Error(refused.map((l) => l.message).join("\n"));
  // The models alone: tests render sites themselves when they need one.
  const run = await runAssets(db, config, { assets: modelAssets() });
  const failed = run.materializations.filter((m) => m.status !== "built");
  if (failed.length) throw new Error(failed.map((m) => `${m.asset}: ${m.error}`).join("\n"));
  return {
    db,
    config,
    dir,
    async cleanup() {
      await db.close();
      cleanup();
    },
  };
}

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `bellwether` executable, as a user or a script would. */
export function cli(args: string[], cwd: string): CliResult {
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 120_000 });
  return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}
