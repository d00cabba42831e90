// Builds the large sample on each engine — embedded DuckDB and a private PostgreSQL server started
// here — and times landing, the models, and a warm metric query on each. Prints one JSON line.
import { rmSync } from "node:fs";
import { parseConfig } from "../project/config.ts";
import { openWarehouse } from "../core/open-warehouse.ts";
import { query } from "../metrics/query.ts";
import { modelAssets } from "../orchestration/assets.ts";
import { runAssets } from "../orchestration/run.ts";
import { ingest } from "../pipelines/ingest.ts";
import { findSources } from "../pipelines/sources.ts";
import { startPostgres } from "../test/support/postgres-server.ts";

const [sources, duckdbFile] = process.argv.slice(2) as [string, string];
process.env.BELLWETHER_QUIET ??= "1";

async function timeBuild(warehouse: string) {
  const config = parseConfig({ warehouse }, process.cwd());
  const db = await openWarehouse(config);
  try {
    let t = performance.now();
    await ingest(db, findSources(sources));
    const landSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const run = await runAssets(db, config, { assets: modelAssets() });
    const failed = run.materializations.filter((m) => m.status !== "built");
    if (failed.length) throw new Error(failed.map((m) => `${m.asset}: ${m.error}`).join("\n"));
    const modelSeconds = (performance.now() - t) / 1000;
    const request = { metrics: ["nrr", "grr"], by: ["segment"], grain: "quarter" } as const;
    const times: number[] = [];
    let rows: unknown[] = [];
    for (let i = 0; i < 7; i++) {
      t = performance.now();
      rows = (await query(db, config, { ...request, by: [...request.by], metrics: [...request.metrics] })).rows;
      times.push(performance.now() - t);
    }
    const warm = times.slice(2).sort((a, b) => a - b)[2] ?? 0;
    return { landSeconds, modelSeconds, queryWarmMs: warm, rows };
  } finally {
    await db.close();
  }
}

rmSync(duckdbFile, { force: true });
const duckdb = await timeBuild(duckdbFile);
const server = await startPostgres();
let postgres;
try {
  await server.createDatabase("bench");
  postgres = await timeBuild(server.url("bench", { schema: "bellwether" }));
} finally {
  await server.stop();
}
// The same answer on both, or the timing means nothing.
if (JSON.stringify(duckdb.rows) !== JSON.stringify(postgres.rows)) throw new Error("nrr,grr differ between DuckDB and PostgreSQL");
const shape = ({ rows: _rows, ...rest }: typeof duckdb) => rest;
process.stdout.write(`${JSON.stringify({ duckdb: shape(duckdb), postgres: shape(postgres) })}\n`);
